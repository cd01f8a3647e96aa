/* core/: errors as values, diagnostics, the knob registry's lookups. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "core/diag.h"
#include "core/err.h"
#include "core/human.h"
#include <inttypes.h>
#include <stdio.h>
#include <sys/wait.h>

#include "core/util.h"
#include "knobs.h"
#include "plan/human.h"
#include <string.h>

START_TEST(err_carries_errno_and_context)
{
	bx_error *e = NULL;
	ck_assert_int_eq(bx_err(&e, ENOENT, "open %s", "memory.max"), -1);
	bx_err_wrap(&e, "cgroup %s", "boxlite/small");
	ck_assert_int_eq(e->errnum, ENOENT);
	ck_assert_str_eq(e->msg, "cgroup boxlite/small: open memory.max: No such file or directory");
	/* The first error wins: a second bx_err does not overwrite it. */
	bx_err(&e, EBUSY, "later");
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error *second = NULL;
	bx_err(&second, EIO, "rollback");
	bx_err_also(&e, second);
	ck_assert_ptr_eq(e->also, second);
	bx_error_free(e);
}
END_TEST

START_TEST(diags_sort_by_file_line_col_and_format)
{
	bx_diags d = {0};
	bx_loc a = { "b.yaml", 3, 1 }, b = { "a.yaml", 9, 4 }, c = { "a.yaml", 2, 7 };
	bx_diag_error(&d, &a, "classes.x", "bad %d", 1);
	bx_diag_warn(&d, &b, NULL, "meh");
	bx_diag_error(&d, &c, "root", "worse");
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_uint_eq(d.warnings, 1);
	bx_diags_sort(&d);
	char *s0 = bx_diag_format(&d.v[0]), *s1 = bx_diag_format(&d.v[1]), *s2 = bx_diag_format(&d.v[2]);
	ck_assert_str_eq(s0, "a.yaml:2:7: error: worse [root]");
	ck_assert_str_eq(s1, "a.yaml:9:4: warning: meh");
	ck_assert_str_eq(s2, "b.yaml:3:1: error: bad 1 [classes.x]");
	free(s0), free(s1), free(s2);
	bx_diags_free(&d);
}
END_TEST

START_TEST(controller_lists_read_back_in_kernel_order)
{
	unsigned bits = bx_ctrl_parse_list("memory pids cpu bogus\n");
	ck_assert_uint_eq(bits, BX_CTRL_MEMORY | BX_CTRL_PIDS | BX_CTRL_CPU);
	char *s = bx_ctrl_format_list(bits);
	ck_assert_str_eq(s, "cpu memory pids");
	free(s);
	char *empty = bx_ctrl_format_list(0);
	ck_assert_str_eq(empty, "");
	free(empty);
}
END_TEST

START_TEST(registry_lookups)
{
	ck_assert_str_eq(bx_knob_lookup("memory.swap_max")->file, "memory.swap.max");
	ck_assert_str_eq(bx_knob_lookup("hugetlb.2MB")->key, "hugetlb.*");
	ck_assert_ptr_null(bx_knob_lookup("hugetlb."));
	ck_assert_ptr_null(bx_knob_lookup("memory.maxx"));
	ck_assert_str_eq(bx_file_lookup("hugetlb.1GB.max")->name, "hugetlb.*.max");
	ck_assert_ptr_null(bx_file_lookup("hugetlb.1GB.rsvd.max"));
	ck_assert_int_eq(bx_file_lookup("io.max")->shape, BX_SHAPE_KEYED);
	/* Every knob writes a file the registry describes. */
	for (size_t i = 0; i < bx_nknobs; i++) {
		const char *f = bx_knobs[i].file;
		ck_assert_msg(bx_file_lookup(strcmp(f, "hugetlb.*.max") ? f : "hugetlb.2MB.max"),
			      "knob %s names unknown file %s", bx_knobs[i].key, f);
	}
	/* Every entry is found by its own name, and only by it. */
	for (size_t i = 0; i < bx_nfiles; i++)
		ck_assert_ptr_eq(bx_file_lookup(bx_files[i].name), &bx_files[i]);
	const char *const none[] = { "", "m", "memory.ma", "memory.maxx", "Memory.max", "cpu",
				     "cpu.", "cgroup.procs", "cgroup.max.depth2", "hugetlb..max",
				     "hugetlb.2MB.max.x", "hugetlb.2MB", "io.maxi", "misc.max " };
	for (size_t i = 0; i < BX_ARRAY_LEN(none); i++)
		ck_assert_msg(!bx_file_lookup(none[i]), "'%s' found", none[i]);
	ck_assert_str_eq(bx_file_lookup("hugetlb.64KB.max")->name, "hugetlb.*.max");
	ck_assert_str_eq(bx_file_lookup("cpu.weight.nice")->name, "cpu.weight.nice");
	ck_assert_str_eq(bx_file_lookup("cpu.weight")->name, "cpu.weight");
}
END_TEST


START_TEST(human_bytes_exact_or_rounded)
{
	static const struct {
		uint64_t v;
		const char *text;
		bool exact;
	} cases[] = {
		{ 0, "0", true },
		{ 1023, "1023", true },
		{ 1024, "1 KiB", true },
		{ 1536, "1.5 KiB", true },
		{ 1025, "1.0 KiB", false },
		{ 4096, "4 KiB", true },
		{ 1998848, "1952 KiB", true },           /* not whole MiB: KiB, exact */
		{ 999424, "976 KiB", true },
		{ 3ull << 29, "1.5 GiB", true },
		{ 4ull << 30, "4 GiB", true },
		{ (4ull << 30) - 1, "4.0 GiB", false },   /* close to, not, 4 GiB */
		{ 7730937856ull, "7.2 GiB", false },
		{ 10000ull << 20, "9.8 GiB", false },      /* 10000 MiB: five digits */
		{ 9999ull << 20, "9999 MiB", true },
		{ 8ull << 40, "8 TiB", true },
		{ UINT64_MAX, "16.0 EiB", false },
	};
	char buf[BX_HUMAN_MAX];
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		bool exact = bx_human_bytes(cases[i].v, buf, sizeof buf);
		ck_assert_msg(strcmp(buf, cases[i].text) == 0, "%llu: %s, want %s",
			      (unsigned long long)cases[i].v, buf, cases[i].text);
		ck_assert_msg(exact == cases[i].exact, "%llu: exact %d", (unsigned long long)cases[i].v,
			      exact);
	}
	/* the observability form: one decimal always */
	bx_human_bytes_1(512, buf, sizeof buf);
	ck_assert_str_eq(buf, "512B");
	bx_human_bytes_1(4ull << 30, buf, sizeof buf);
	ck_assert_str_eq(buf, "4.0GiB");
	bx_human_bytes_1(1536, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.5KiB");
}
END_TEST

START_TEST(human_cpus)
{
	char buf[BX_HUMAN_MAX];
	ck_assert(bx_human_cpus(200000, 100000, buf, sizeof buf));
	ck_assert_str_eq(buf, "2 CPUs");
	ck_assert(bx_human_cpus(100000, 100000, buf, sizeof buf));
	ck_assert_str_eq(buf, "1 CPU");
	ck_assert(bx_human_cpus(50000, 100000, buf, sizeof buf));
	ck_assert_str_eq(buf, "0.5 CPUs");
	ck_assert(bx_human_cpus(233000, 100000, buf, sizeof buf));
	ck_assert_str_eq(buf, "2.33 CPUs");
	ck_assert(!bx_human_cpus(33333, 100000, buf, sizeof buf));
	ck_assert_str_eq(buf, "0.33 CPUs");
	ck_assert(!bx_human_cpus(1000, 1000000, buf, sizeof buf)); /* 0.001: rounds to 0 */
	ck_assert_str_eq(buf, "0 CPUs");
	ck_assert(!bx_human_cpus(UINT64_MAX, 1000, buf, sizeof buf)); /* no overflow */
}
END_TEST

START_TEST(plan_values_for_people)
{
	static const struct {
		const char *file, *value, *shown; /* NULL: as it is */
	} cases[] = {
		{ "memory.max", "4294967296", "4 GiB" },
		{ "memory.high", "7730937856", "7.2 GiB (7730937856)" },
		{ "memory.max", "max", NULL },
		{ "memory.min", "0", NULL },
		{ "memory.low", "512", NULL },
		{ "memory.swap.max", "1073741824", "1 GiB" },
		{ "memory.zswap.max", "1073741824", "1 GiB" },
		{ "hugetlb.2MB.max", "2097152", "2 MiB" },
		{ "hugetlb.max", "2097152", NULL },
		{ "cpu.max", "200000 100000", "2 CPUs (200000 100000)" },
		{ "cpu.max", "max 100000", NULL },
		{ "cpu.max", "200000 0", NULL },
		{ "cpu.max", "200000", NULL },
		{ "cpu.max", "200000 100000 7", NULL },
		{ "pids.max", "4096", NULL },
		{ "cpu.weight", "10000", NULL },
		{ "memory.max", "1x", NULL },
		{ "memory.max", "99999999999999999999999", NULL }, /* beyond 64 bits */
		{ "memory.max", "", NULL },
	};
	char buf[BX_VALUE_HUMAN_MAX];
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		bool h = bx_value_human(cases[i].file, cases[i].value, buf, sizeof buf);
		ck_assert_msg(h == (cases[i].shown != NULL), "%s %s", cases[i].file, cases[i].value);
		if (h)
			ck_assert_str_eq(buf, cases[i].shown);
	}
	ck_assert(!bx_value_human("memory.max", "4294967296", buf, 8)); /* too small a buffer */
}
END_TEST

START_TEST(paths_relative_to_cwd)
{
	static const struct {
		const char *path, *cwd, *shown;
	} cases[] = {
		{ "/work/src/policies/a.yaml", "/work/src", "policies/a.yaml" },
		{ "/work/src/a.yaml", "/work/src/sub", "../a.yaml" },
		{ "/work/srcx/a.yaml", "/work/src", "../srcx/a.yaml" },
		{ "/etc/boxcg/a.yaml", "/home/user/deep/down/here", "/etc/boxcg/a.yaml" },
		{ "/etc/boxcg/a.yaml", "/", "etc/boxcg/a.yaml" },
		{ "policies/a.yaml", "/work", "policies/a.yaml" },
		{ "/work/src", "/work/src", "/work/src" },
		{ "/work/src/a.yaml", NULL, "/work/src/a.yaml" },
		{ "/work/src/a.yaml", "relative", "/work/src/a.yaml" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *r = bx_path_relative(cases[i].path, cases[i].cwd);
		ck_assert_str_eq(r, cases[i].shown);
		free(r);
	}
	ck_assert_ptr_null(bx_path_relative(NULL, "/"));
}
END_TEST

Suite *suite_core(void);
/* bx_concat and bx_dec make what printf would. */
START_TEST(concat_and_dec_as_printf_would)
{
	char *s = bx_concat("boxlite", "/", "small", "/", "web-1", NULL);
	ck_assert_str_eq(s, "boxlite/small/web-1");
	free(s);
	s = bx_concat("", NULL);
	ck_assert_str_eq(s, "");
	free(s);
	static const int64_t v[] = { 0, 7, -7, 100000, INT64_MAX, INT64_MIN, -1 };
	for (size_t i = 0; i < BX_ARRAY_LEN(v); i++) {
		char a[21], b[32];
		snprintf(b, sizeof b, "%" PRId64, v[i]);
		ck_assert_str_eq(bx_dec(v[i], a), b);
	}
}
END_TEST

/* bx_pid is asked once, and again in a forked child. */
START_TEST(pid_follows_a_fork)
{
	ck_assert_int_eq(bx_pid(), (long)getpid());
	ck_assert_int_eq(bx_pid(), (long)getpid());
	pid_t c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0)
		_exit(bx_pid() == (long)getpid() ? 0 : 1);
	int st;
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(bx_pid(), (long)getpid());
}
END_TEST

START_TEST(escape_makes_outside_text_terminal_safe)
{
	static const struct {
		const char *in, *out, *ctl;
	} cases[] = {
		{ "plain-id_1", "plain-id_1", "plain-id_1" },
		{ "a\x1b[31mb", "a\\x1b[31mb", "a\\x1b[31mb" },
		{ "t\tn\nr\r", "t\\tn\\nr\\r", "t\\tn\\nr\\r" },
		{ "back\\slash", "back\\\\slash", "back\\slash" },
		{ "bell\a\x7f", "bell\\x07\\x7f", "bell\\x07\\x7f" },
		{ "caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "c1\xc2\x9b" "31m", "c1\\xc2\\x9b" "31m", "c1\\xc2\\x9b" "31m" },
		{ "bad\xff\xe2\x82", "bad\\xff\\xe2\\x82", "bad\\xff\\xe2\\x82" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *e = bx_esc(cases[i].in), *c = bx_esc_ctl(cases[i].in);
		ck_assert_str_eq(e, cases[i].out);
		ck_assert_str_eq(c, cases[i].ctl);
		ck_assert(bx_esc_needed(cases[i].in) == (strcmp(cases[i].in, cases[i].out) != 0));
		free(e);
		free(c);
	}
}
END_TEST

Suite *suite_core(void)
{
	Suite *s = suite_create("core");
	TCase *t = tcase_create("core");
	tcase_add_test(t, err_carries_errno_and_context);
	tcase_add_test(t, concat_and_dec_as_printf_would);
	tcase_add_test(t, pid_follows_a_fork);
	tcase_add_test(t, diags_sort_by_file_line_col_and_format);
	tcase_add_test(t, controller_lists_read_back_in_kernel_order);
	tcase_add_test(t, registry_lookups);
	tcase_add_test(t, escape_makes_outside_text_terminal_safe);
	tcase_add_test(t, human_bytes_exact_or_rounded);
	tcase_add_test(t, human_cpus);
	tcase_add_test(t, plan_values_for_people);
	tcase_add_test(t, paths_relative_to_cwd);
	suite_add_tcase(s, t);
	return s;
}
