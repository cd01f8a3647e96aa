/* plan/normalize: every managed file's read-back forms. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "knobs.h"
#include "plan/normalize.h"

#define CANON_FILE(file, raw, want)                                                 \
	do {                                                                        \
		char *_c = bx_canon_file(file, raw);                                \
		ck_assert_msg(_c, "NULL for %s", file);                             \
		ck_assert_msg(strcmp(_c, want) == 0, "%s: \"%s\" → \"%s\", want \"%s\"", \
			      file, raw, _c, want);                                 \
		free(_c);                                                           \
	} while (0)

#define CANON_KEY(file, raw, key, want)                                             \
	do {                                                                        \
		char *_c = bx_canon_key(file, raw, key);                            \
		ck_assert_msg(_c, "NULL for %s", file);                             \
		ck_assert_msg(strcmp(_c, want) == 0, "%s[%s]: → \"%s\", want \"%s\"",  \
			      file, key, _c, want);                                 \
		free(_c);                                                           \
	} while (0)

START_TEST(scalar_files_are_trimmed)
{
	CANON_FILE("memory.max", "max\n", "max");
	CANON_FILE("memory.max", "  999424 \n", "999424");
	CANON_FILE("memory.min", "0", "0");
	CANON_FILE("memory.low", "4096\n", "4096");
	CANON_FILE("memory.high", "max", "max");
	CANON_FILE("memory.swap.max", "max\n", "max");
	CANON_FILE("memory.swap.high", "1048576\n", "1048576");
	CANON_FILE("memory.zswap.max", "0\n", "0");
	CANON_FILE("memory.oom.group", "1\n", "1");
	CANON_FILE("cpu.max.burst", "0\n", "0");
	CANON_FILE("cpu.weight", "100\n", "100");
	CANON_FILE("cpu.weight.nice", "-5\n", "-5");
	CANON_FILE("cpu.idle", "0\n", "0");
	CANON_FILE("pids.max", "max\n", "max");
	CANON_FILE("pids.max", "256", "256");
	CANON_FILE("cgroup.max.descendants", "max\n", "max");
	CANON_FILE("cgroup.max.depth", "3\n", "3");
	CANON_FILE("hugetlb.2MB.max", "max\n", "max");
	CANON_FILE("hugetlb.1GB.max", "1073741824\n", "1073741824");
	CANON_FILE("memory.max", "", "");
	char *c = bx_canon_file("memory.max", NULL);
	ck_assert_str_eq(c, "");
	free(c);
}
END_TEST

START_TEST(cpu_max_whitespace_collapses)
{
	CANON_FILE("cpu.max", "max 100000\n", "max 100000");
	CANON_FILE("cpu.max", "50000   100000", "50000 100000");
	CANON_FILE("cpu.max", "\t150000 100000 \n", "150000 100000");
}
END_TEST

START_TEST(cpuset_lists_sorted_and_merged)
{
	CANON_FILE("cpuset.cpus", "0,1\n", "0-1");
	CANON_FILE("cpuset.cpus", "0-3,6", "0-3,6");
	CANON_FILE("cpuset.cpus", "6,0-1,2-3", "0-3,6");
	CANON_FILE("cpuset.cpus", "3,2,1,0", "0-3");
	CANON_FILE("cpuset.cpus", "0-5,2-3", "0-5");
	CANON_FILE("cpuset.cpus", "4-7,0-3", "0-7");
	CANON_FILE("cpuset.cpus", "1,1,1", "1");
	CANON_FILE("cpuset.mems", "0\n", "0");
	CANON_FILE("cpuset.mems", "\n", "");
	CANON_FILE("cpuset.cpus.effective", "1,0", "0-1");
	/* Not a list: left as text (so it still compares unequal). */
	CANON_FILE("cpuset.cpus", "3-1", "3-1");
	CANON_FILE("cpuset.cpus", "a,b", "a,b");
	CANON_FILE("cpuset.cpus", "1,", "1,");
	CANON_FILE("cpuset.cpus", "1--2", "1--2");
	CANON_FILE("cpuset.cpus", "99999999999", "99999999999");
}
END_TEST

START_TEST(controller_lists_in_kernel_order)
{
	CANON_FILE("cgroup.subtree_control", "pids memory cpu\n", "cpu memory pids");
	CANON_FILE("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc",
		   "cpuset cpu io memory hugetlb pids rdma misc");
	CANON_FILE("cgroup.subtree_control", "", "");
}
END_TEST

START_TEST(io_max_keys)
{
	const char *raw = "8:16 rbps=max wbps=1048576 riops=max wiops=max\n"
			  "8:0 rbps=2097152 wbps=max riops=100 wiops=max";
	CANON_KEY("io.max", raw, "8:0", "rbps=2097152 wbps=max riops=100 wiops=max");
	CANON_KEY("io.max", raw, "8:16", "rbps=max wbps=1048576 riops=max wiops=max");
	/* no line: no limit on that device */
	CANON_KEY("io.max", raw, "253:0", "rbps=max wbps=max riops=max wiops=max");
	CANON_KEY("io.max", "", "8:0", "rbps=max wbps=max riops=max wiops=max");
	CANON_KEY("io.max", NULL, "8:0", "rbps=max wbps=max riops=max wiops=max");
	/* keys out of order, missing ones, odd spacing */
	CANON_KEY("io.max", "8:0  wiops=5   rbps=7", "8:0", "rbps=7 wbps=max riops=max wiops=5");
	/* an unknown token is kept so it still compares */
	CANON_KEY("io.max", "8:0 rbps=1 bogus", "8:0", "rbps=1 wbps=max riops=max wiops=max bogus");
	/* a key is a whole word: 8:1 is not 8:16 */
	CANON_KEY("io.max", raw, "8:1", "rbps=max wbps=max riops=max wiops=max");
}
END_TEST

START_TEST(io_weight_keys)
{
	const char *raw = "default 100\n8:0 200";
	CANON_KEY("io.weight", raw, "default", "100");
	CANON_KEY("io.weight", raw, "8:0", "200");
	/* a device with no line follows the default weight */
	CANON_KEY("io.weight", raw, "8:16", "default");
	CANON_KEY("io.weight", "", "default", "100");
	CANON_KEY("io.weight", "default 50\n", "default", "50");
}
END_TEST

START_TEST(misc_max_keys)
{
	const char *raw = "sev 10\nsev_es max";
	CANON_KEY("misc.max", raw, "sev", "10");
	CANON_KEY("misc.max", raw, "sev_es", "max");
	CANON_KEY("misc.max", raw, "tdx", "max");
	ck_assert(bx_keyed_has(raw, "sev_es"));
	ck_assert(!bx_keyed_has(raw, "se"));
	ck_assert(!bx_keyed_has(NULL, "sev"));
}
END_TEST

START_TEST(keyed_whole_file)
{
	CANON_FILE("io.max", "8:0 wbps=5\n\n8:16  rbps=1 wbps=2 riops=3 wiops=4 \n",
		   "8:0 rbps=max wbps=5 riops=max wiops=max\n8:16 rbps=1 wbps=2 riops=3 wiops=4");
	CANON_FILE("io.weight", "default   100\n8:0 200\n", "default 100\n8:0 200");
	CANON_FILE("misc.max", "sev max\n", "sev max");
	CANON_FILE("misc.max", "", "");
}
END_TEST

START_TEST(every_registry_file_has_a_canonical_default)
{
	/* The default of each file is already canonical. */
	for (size_t i = 0; i < bx_nfiles; i++) {
		const char *f = bx_files[i].name;
		if (strcmp(f, "hugetlb.*.max") == 0)
			f = "hugetlb.2MB.max";
		if (bx_files[i].shape == BX_SHAPE_KEYED) {
			char *c = bx_canon_key(f, NULL, "default");
			ck_assert_str_eq(c, bx_files[i].dflt);
			free(c);
		} else {
			CANON_FILE(f, bx_files[i].dflt, bx_files[i].dflt);
		}
	}
}
END_TEST

START_TEST(write_bytes)
{
	char *w = bx_write_bytes("io.max", "8:0", "rbps=1 wbps=max riops=max wiops=max");
	ck_assert_str_eq(w, "8:0 rbps=1 wbps=max riops=max wiops=max");
	free(w);
	w = bx_write_bytes("io.weight", "default", "50");
	ck_assert_str_eq(w, "default 50");
	free(w);
	w = bx_write_bytes("cpu.max", NULL, "max 100000");
	ck_assert_str_eq(w, "max 100000");
	free(w);
	w = bx_write_bytes("cpuset.cpus", NULL, "");
	ck_assert_str_eq(w, "");
	free(w);
}
END_TEST

START_TEST(u64_or_max)
{
	uint64_t v;
	ck_assert_int_eq(bx_parse_u64_or_max("max", &v), 0);
	ck_assert(v == UINT64_MAX);
	ck_assert_int_eq(bx_parse_u64_or_max("4096", &v), 0);
	ck_assert(v == 4096);
	ck_assert_int_eq(bx_parse_u64_or_max("-1", &v), -1);
	ck_assert_int_eq(bx_parse_u64_or_max("", &v), -1);
	ck_assert_int_eq(bx_parse_u64_or_max("12x", &v), -1);
	ck_assert_int_eq(bx_parse_u64_or_max("99999999999999999999999", &v), -1);
}
END_TEST

Suite *suite_normalize(void);
Suite *suite_normalize(void)
{
	Suite *s = suite_create("normalize");
	TCase *t = tcase_create("normalize");
	tcase_add_test(t, scalar_files_are_trimmed);
	tcase_add_test(t, cpu_max_whitespace_collapses);
	tcase_add_test(t, cpuset_lists_sorted_and_merged);
	tcase_add_test(t, controller_lists_in_kernel_order);
	tcase_add_test(t, io_max_keys);
	tcase_add_test(t, io_weight_keys);
	tcase_add_test(t, misc_max_keys);
	tcase_add_test(t, keyed_whole_file);
	tcase_add_test(t, every_registry_file_has_a_canonical_default);
	tcase_add_test(t, write_bytes);
	tcase_add_test(t, u64_or_max);
	suite_add_tcase(s, t);
	return s;
}
