/* cgroupfs directory mode: a plain directory that reads and writes like
 * the kernel's cgroupfs for the files boxcg manages. */
#include "cgroupfs/cgfs_int.h"
#include "test_cgfs.h"

/* Each test gets a fresh directory inside the suite's scratch tree. */
static char *dir;
static bx_cgfs *fs;

static void setup(void)
{
	dir = cgfs_tmpdir();
	fs = cgfs_open_dir(dir);
}

static void teardown(void)
{
	bx_cgfs_close(fs);
	free(dir);
}

START_TEST(missing_files_read_as_kernel_defaults)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_READS(fs, "a", "memory.max", "max");
	CGFS_READS(fs, "a", "memory.min", "0");
	CGFS_READS(fs, "a", "cpu.max", "max 100000");
	CGFS_READS(fs, "a", "cpu.weight", "100");
	CGFS_READS(fs, "a", "hugetlb.2MB.max", "max");
	CGFS_READS(fs, "a", "cgroup.max.descendants", "max");
	CGFS_READS(fs, "a", "io.max", "");
	CGFS_READS(fs, "a", "misc.max", "");
	CGFS_READS(fs, "a", "io.weight", "default 100");
	CGFS_READS(fs, "a", "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc");
	CGFS_READS(fs, "", "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc");
	CGFS_READS(fs, "a", "cgroup.subtree_control", "");
	CGFS_READS(fs, "a", "cgroup.procs", "");
	CGFS_READS(fs, "a", "cgroup.events", "populated 0\nfrozen 0");
	/* mkdir creates the directory only: defaults are not files. */
	ck_assert(!cgfs_lexists(dir, "a/memory.max"));
	/* A file the kernel would not have; a cgroup that does not exist. */
	char *v = NULL;
	CGFS_FAILS(bx_cgfs_read(fs, "a", "memory.bogus", &v, err), ENOENT);
	CGFS_FAILS(bx_cgfs_read(fs, "nope", "memory.max", &v, err), ENOENT);
	CGFS_FAILS(bx_cgfs_read(fs, "a/nope", "cgroup.procs", &v, err), ENOENT);
	ck_assert_ptr_null(v);
	unsigned bits;
	CGFS_OK(bx_cgfs_controllers(fs, "a", &bits, err));
	ck_assert_uint_eq(bits, (1u << BX_NCTRL) - 1);
}
END_TEST

START_TEST(scalar_writes_store_the_value)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "memory.max", "1073741824", err));
	CGFS_READS(fs, "a", "memory.max", "1073741824");
	cleanup_free char *raw = cgfs_get(dir, "a/memory.max");
	ck_assert_str_eq(raw, "1073741824\n");
	/* O_TRUNC: a shorter value replaces a longer one. */
	CGFS_OK(bx_cgfs_write(fs, "a", "memory.max", "max\n", err));
	CGFS_READS(fs, "a", "memory.max", "max");
	CGFS_OK(bx_cgfs_write(fs, "a", "cpuset.cpus", "", err));
	CGFS_READS(fs, "a", "cpuset.cpus", "");
	/* Reads strip exactly one trailing newline. */
	cgfs_put(dir, "a/cpu.max", "50000 100000\n\n");
	CGFS_READS(fs, "a", "cpu.max", "50000 100000\n");
	/* Writing into a cgroup that does not exist fails like the kernel. */
	CGFS_FAILS(bx_cgfs_write(fs, "nope", "memory.max", "1", err), ENOENT);
	ck_assert(!cgfs_lexists(dir, "nope"));
	CGFS_FAILS(bx_cgfs_write(fs, "a", "cgroup.controllers", "cpu", err), EACCES);
}
END_TEST

/* bx_cgfs_write_read hands back exactly what a later bx_cgfs_read reads,
 * after every kind of write the emulation knows, and leaves the file as
 * bx_cgfs_write would (a shorter value truncates, a longer one grows). */
START_TEST(write_read_gives_what_a_read_gives)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	static const struct {
		const char *cg, *file, *value;
	} w[] = {
		{ "a", "memory.max", "1073741824" },
		{ "a", "memory.max", "max\n" },           /* shorter than before */
		{ "a", "memory.max", "999999999999" },    /* longer again */
		{ "a", "cpuset.cpus", "" },
		{ "a", "io.max", "8:16 rbps=1048576" },
		{ "a", "io.max", "8:0 wiops=7" },         /* merged, sorted */
		{ "a", "io.max", "8:16 rbps=max" },       /* line removed */
		{ "a", "io.weight", "8:0 50" },
		{ "a", "misc.max", "sev 3" },
		{ "", "cgroup.subtree_control", "+memory +cpu" },
		{ "a", "cgroup.subtree_control", "+cpu" },
		{ "a", "cgroup.subtree_control", "-cpu" },
		{ "a/b", "cgroup.procs", "42" },
		{ "a/b", "cgroup.procs", "42" },         /* already there: nothing stored */
		{ "a/b", "cgroup.procs", "43" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(w); i++) {
		char *back = NULL, *read = NULL;
		CGFS_OK(bx_cgfs_write_read(fs, w[i].cg, w[i].file, w[i].value, &back, err));
		CGFS_OK(bx_cgfs_read(fs, w[i].cg, w[i].file, &read, err));
		ck_assert_msg(strcmp(back, read) == 0, "%zu %s/%s: back '%s', read '%s'", i, w[i].cg,
			      w[i].file, back, read);
		free(back);
		free(read);
	}
	cleanup_free char *raw = cgfs_get(dir, "a/memory.max");
	ck_assert_str_eq(raw, "999999999999\n");
	CGFS_READS(fs, "a", "io.max", "8:0 rbps=max wbps=max riops=max wiops=7");
	/* Refused like a write, and nothing handed back. */
	char *back = (char *)"untouched";
	CGFS_FAILS(bx_cgfs_write_read(fs, "nope", "memory.max", "1", &back, err), ENOENT);
	ck_assert_ptr_null(back);
	CGFS_FAILS(bx_cgfs_write_read(fs, "a", "io.max", "8:0 rbps=0", &back, err), ERANGE);
	ck_assert_ptr_null(back);
	cleanup_free char *after = cgfs_get(dir, "a/io.max");
	ck_assert_str_eq(after, "8:0 rbps=max wbps=max riops=max wiops=7\n");
	fs->fail_after = 1;
	CGFS_FAILS(bx_cgfs_write_read(fs, "a", "memory.max", "5", &back, err), EIO);
	CGFS_READS(fs, "a", "memory.max", "999999999999");
}
END_TEST

START_TEST(values_longer_than_a_page_are_refused)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	size_t n = fs->facts.page_size;
	cleanup_free char *big = malloc(n + 1);
	memset(big, '1', n);
	big[n] = '\0';
	CGFS_FAILS(bx_cgfs_write(fs, "a", "memory.max", big, err), E2BIG);
	ck_assert(!cgfs_lexists(dir, "a/memory.max"));
	big[n - 1] = '\0'; /* PAGE_SIZE - 1 bytes fit */
	CGFS_OK(bx_cgfs_write(fs, "a", "memory.max", big, err));
	/* cpuset lists may be longer. */
	cleanup_free char *list = malloc(3 * n + 1);
	size_t len = 0;
	for (unsigned c = 0; len + 8 < 3 * n; c += 2)
		len += (size_t)sprintf(list + len, "%s%u", len ? "," : "", c);
	CGFS_OK(bx_cgfs_write(fs, "a", "cpuset.cpus", list, err));
	CGFS_READS(fs, "a", "cpuset.cpus", list);
}
END_TEST

START_TEST(subtree_control_enables_and_disables_in_kernel_order)
{
	CGFS_OK(bx_cgfs_write(fs, "", "cgroup.subtree_control", "+pids +memory +cpu", err));
	CGFS_READS(fs, "", "cgroup.subtree_control", "cpu memory pids");
	CGFS_OK(bx_cgfs_write(fs, "", "cgroup.subtree_control", "-cpu +io\n", err));
	CGFS_READS(fs, "", "cgroup.subtree_control", "io memory pids");
	/* +x then -x in one write: the last word wins. */
	CGFS_OK(bx_cgfs_write(fs, "", "cgroup.subtree_control", "+cpu -cpu", err));
	CGFS_READS(fs, "", "cgroup.subtree_control", "io memory pids");
	/* Unknown names and missing signs: EINVAL, nothing changes. */
	CGFS_FAILS(bx_cgfs_write(fs, "", "cgroup.subtree_control", "+cpu +bogus", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "", "cgroup.subtree_control", "cpu", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "", "cgroup.subtree_control", "+", err), EINVAL);
	CGFS_READS(fs, "", "cgroup.subtree_control", "io memory pids");
	/* An empty write changes nothing. */
	CGFS_OK(bx_cgfs_write(fs, "", "cgroup.subtree_control", "", err));
	CGFS_READS(fs, "", "cgroup.subtree_control", "io memory pids");
}
END_TEST

START_TEST(subtree_control_obeys_the_kernel_rules)
{
	/* A host where only cpu and memory reach "a" (a planted file). */
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	cgfs_put(dir, "a/cgroup.controllers", "cpu memory\n");
	unsigned bits;
	CGFS_OK(bx_cgfs_controllers(fs, "a", &bits, err));
	ck_assert_uint_eq(bits, BX_CTRL_CPU | BX_CTRL_MEMORY);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "cgroup.subtree_control", "+memory +io", err), ENOENT);
	CGFS_READS(fs, "a", "cgroup.subtree_control", "");
	CGFS_OK(bx_cgfs_write(fs, "a", "cgroup.subtree_control", "+memory +cpu", err));
	/* A child still enabling memory: a cannot disable it. */
	CGFS_OK(bx_cgfs_write(fs, "a/b", "cgroup.subtree_control", "+memory", err));
	CGFS_FAILS(bx_cgfs_write(fs, "a", "cgroup.subtree_control", "-memory", err), EBUSY);
	CGFS_OK(bx_cgfs_write(fs, "a", "cgroup.subtree_control", "-cpu", err));
	CGFS_READS(fs, "a", "cgroup.subtree_control", "memory");
	CGFS_OK(bx_cgfs_write(fs, "a/b", "cgroup.subtree_control", "-memory", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "cgroup.subtree_control", "-memory", err));
	/* No internal processes: a domain controller cannot be enabled in a
	 * non-root cgroup with processes, and processes cannot join one. */
	CGFS_OK(bx_cgfs_mkdir(fs, "c", err));
	CGFS_OK(bx_cgfs_write(fs, "c", "cgroup.procs", "42", err));
	CGFS_FAILS(bx_cgfs_write(fs, "c", "cgroup.subtree_control", "+memory", err), EBUSY);
	CGFS_OK(bx_cgfs_write(fs, "c", "cgroup.subtree_control", "+pids", err)); /* threaded */
	CGFS_OK(bx_cgfs_mkdir(fs, "d", err));
	CGFS_OK(bx_cgfs_write(fs, "d", "cgroup.subtree_control", "+io", err));
	CGFS_FAILS(bx_cgfs_write(fs, "d", "cgroup.procs", "43", err), EBUSY);
	/* The base itself is exempt, as the root cgroup is. */
	CGFS_OK(bx_cgfs_write(fs, "", "cgroup.procs", "1", err));
	CGFS_OK(bx_cgfs_write(fs, "", "cgroup.subtree_control", "+memory", err));
}
END_TEST

START_TEST(io_max_merges_per_device)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "io.max", "8:16 rbps=1048576", err));
	CGFS_READS(fs, "a", "io.max", "8:16 rbps=1048576 wbps=max riops=max wiops=max");
	/* Keys not given keep their value. */
	CGFS_OK(bx_cgfs_write(fs, "a", "io.max", "8:16 wiops=100", err));
	CGFS_READS(fs, "a", "io.max", "8:16 rbps=1048576 wbps=max riops=max wiops=100");
	/* Devices sort by number, not by text. */
	CGFS_OK(bx_cgfs_write(fs, "a", "io.max", "253:0 riops=0100", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "io.max", "8:0 wbps=5\n", err));
	CGFS_READS(fs, "a", "io.max",
		   "8:0 rbps=max wbps=5 riops=max wiops=max\n"
		   "8:16 rbps=1048576 wbps=max riops=max wiops=100\n"
		   "253:0 rbps=max wbps=max riops=100 wiops=max");
	/* All four back to max: the line goes away. */
	CGFS_OK(bx_cgfs_write(fs, "a", "io.max", "8:16 rbps=max wiops=max", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "io.max", "8:0 wbps=max", err));
	CGFS_READS(fs, "a", "io.max", "253:0 rbps=max wbps=max riops=100 wiops=max");
	/* The kernel's refusals; nothing changes. */
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.max", "8:0 rbps=0", err), ERANGE);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.max", "8:0 rbps=1k", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.max", "8:0 bogus=1", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.max", "8:0 rbps", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.max", "sda rbps=1", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.max", "8:0 rbps=1\n8:16 rbps=1", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.max", "", err), EINVAL);
	CGFS_READS(fs, "a", "io.max", "253:0 rbps=max wbps=max riops=100 wiops=max");
}
END_TEST

START_TEST(io_weight_keeps_a_default_line)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "io.weight", "8:0 50", err));
	CGFS_READS(fs, "a", "io.weight", "default 100\n8:0 50");
	CGFS_OK(bx_cgfs_write(fs, "a", "io.weight", "default 200", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "io.weight", "7:3 9", err));
	CGFS_READS(fs, "a", "io.weight", "default 200\n7:3 9\n8:0 50");
	CGFS_OK(bx_cgfs_write(fs, "a", "io.weight", "300", err)); /* a bare number: the default */
	CGFS_OK(bx_cgfs_write(fs, "a", "io.weight", "8:0 default", err));
	CGFS_READS(fs, "a", "io.weight", "default 300\n7:3 9");
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.weight", "default 0", err), ERANGE);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.weight", "10001", err), ERANGE);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.weight", "8:0 x", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "io.weight", "default", err), EINVAL);
	CGFS_READS(fs, "a", "io.weight", "default 300\n7:3 9");
}
END_TEST

START_TEST(misc_max_replaces_per_resource)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "misc.max", "sev_es 4", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "misc.max", "sev 10", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "misc.max", "sev_es max", err));
	CGFS_READS(fs, "a", "misc.max", "sev 10\nsev_es max");
	CGFS_FAILS(bx_cgfs_write(fs, "a", "misc.max", "sev", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "misc.max", "sev -1", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "misc.max", "Sev 1", err), EINVAL);
	CGFS_READS(fs, "a", "misc.max", "sev 10\nsev_es max");
}
END_TEST

START_TEST(rmdir_like_the_kernel)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	CGFS_OK(bx_cgfs_write(fs, "a", "memory.max", "4096", err));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "pids.max", "10", err));
	CGFS_FAILS(bx_cgfs_rmdir(fs, "a", err), EBUSY); /* a child cgroup */
	ck_assert(cgfs_lexists(dir, "a/memory.max"));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "cgroup.procs", "77\n", err));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "cgroup.procs", "78", err));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "cgroup.procs", "77", err)); /* listed once */
	CGFS_READS(fs, "a/b", "cgroup.procs", "77\n78");
	CGFS_FAILS(bx_cgfs_write(fs, "a/b", "cgroup.procs", "x1", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, "a/b", "cgroup.procs", "1\n2", err), EINVAL);
	CGFS_FAILS(bx_cgfs_rmdir(fs, "a/b", err), EBUSY); /* processes */
	ck_assert(cgfs_lexists(dir, "a/b/pids.max"));
	/* cgroup.kill empties the whole subtree. */
	CGFS_FAILS(bx_cgfs_write(fs, "a", "cgroup.kill", "2", err), EINVAL);
	CGFS_OK(bx_cgfs_write(fs, "a", "cgroup.kill", "1", err));
	CGFS_READS(fs, "a/b", "cgroup.procs", "");
	CGFS_OK(bx_cgfs_rmdir(fs, "a/b", err));
	CGFS_OK(bx_cgfs_rmdir(fs, "a", err));
	ck_assert(!cgfs_lexists(dir, "a"));
	CGFS_FAILS(bx_cgfs_rmdir(fs, "a", err), ENOENT);
	CGFS_FAILS(bx_cgfs_rmdir(fs, "", err), EBUSY);
	CGFS_FAILS(bx_cgfs_mkdir(fs, "", err), EEXIST);
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_FAILS(bx_cgfs_mkdir(fs, "a", err), EEXIST);
	CGFS_FAILS(bx_cgfs_mkdir(fs, "x/y", err), ENOENT);
}
END_TEST

START_TEST(children_lists_cgroup_dirs_sorted)
{
	CGFS_OK(bx_cgfs_mkdir(fs, "r", err));
	const char *names[] = { "b2", "A", "a-1", "b10", "Z_" };
	for (size_t i = 0; i < BX_ARRAY_LEN(names); i++) {
		cleanup_free char *cg = bx_sprintf("r/%s", names[i]);
		CGFS_OK(bx_cgfs_mkdir(fs, cg, err));
	}
	CGFS_OK(bx_cgfs_write(fs, "r", "memory.max", "1", err)); /* a file: not a child */
	cleanup_free char *target = cgfs_path(dir, "r/b2");
	cleanup_free char *link = cgfs_path(dir, "r/zlink");
	ck_assert_int_eq(symlink(target, link), 0); /* a symlink: not a child */
	char **v;
	size_t n;
	CGFS_OK(bx_cgfs_children(fs, "r", &v, &n, err));
	ck_assert_uint_eq(n, 5);
	const char *want[] = { "A", "Z_", "a-1", "b10", "b2" };
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(v[i], want[i]);
	bx_strv_free(v, n);
	CGFS_OK(bx_cgfs_children(fs, "r/A", &v, &n, err));
	ck_assert_uint_eq(n, 0);
	bx_strv_free(v, n);
	CGFS_FAILS(bx_cgfs_children(fs, "nope", &v, &n, err), ENOENT);
	ck_assert_int_eq(bx_cgfs_exists(fs, "r/A", NULL), 1);
	ck_assert_int_eq(bx_cgfs_exists(fs, "r/nope", NULL), 0);
	ck_assert_int_eq(bx_cgfs_exists(fs, "nope/deeper", NULL), 0);
	ck_assert_int_eq(bx_cgfs_exists(fs, "", NULL), 1);
}
END_TEST

START_TEST(fault_injection_counts_mutations)
{
	fs->fail_after = 3;
	char *v = NULL;
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));                     /* 1 */
	CGFS_OK(bx_cgfs_read(fs, "a", "memory.max", &v, err));    /* reads do not count */
	free(v);
	CGFS_OK(bx_cgfs_write(fs, "a", "memory.max", "1", err));  /* 2 */
	bx_error *e = NULL;
	ck_assert_int_eq(bx_cgfs_write(fs, "a", "memory.max", "2", &e), -1); /* 3: fails */
	ck_assert_int_eq(e->errnum, EIO);
	ck_assert_msg(strstr(e->msg, "a/memory.max") && strstr(e->msg, "injected"), "%s", e->msg);
	bx_error_free(e);
	CGFS_READS(fs, "a", "memory.max", "1"); /* not mutated */
	CGFS_OK(bx_cgfs_write(fs, "a", "memory.max", "3", err)); /* once only */
	fs->fail_after = 1;
	fs->fail_errno = ENOSPC;
	CGFS_FAILS(bx_cgfs_mkdir(fs, "b", err), ENOSPC);
	ck_assert(!cgfs_lexists(dir, "b"));
	fs->fail_after = 1;
	CGFS_FAILS(bx_cgfs_rmdir(fs, "a", err), ENOSPC);
	ck_assert(cgfs_lexists(dir, "a/memory.max"));
	/* An invalid call is refused before it counts. */
	fs->fail_after = 1;
	CGFS_FAILS(bx_cgfs_write(fs, "..", "memory.max", "1", err), EINVAL);
	CGFS_FAILS(bx_cgfs_rmdir(fs, "a", err), ENOSPC);
	CGFS_OK(bx_cgfs_rmdir(fs, "a", err));
}
END_TEST

START_TEST(keyed_merge_is_pure)
{
	char *out = NULL;
	ck_assert_int_eq(bx_keyed_merge("io.max", "", "8:0 rbps=1 wbps=2 riops=3 wiops=4", &out), 0);
	ck_assert_str_eq(out, "8:0 rbps=1 wbps=2 riops=3 wiops=4");
	free(out);
	ck_assert_int_eq(bx_keyed_merge("io.max", "8:0 rbps=1 wbps=2 riops=3 wiops=4",
					"8:0 rbps=9 rbps=max", &out),
			 0);
	ck_assert_str_eq(out, "8:0 rbps=max wbps=2 riops=3 wiops=4");
	free(out);
	ck_assert_int_eq(bx_keyed_merge("io.max", "", "8:0 rbps=99999999999999999999999", &out),
			 EINVAL);
	ck_assert_ptr_null(out);
}
END_TEST

Suite *suite_cgfs_dirmode(void);
Suite *suite_cgfs_dirmode(void)
{
	Suite *s = suite_create("cgfs_dirmode");
	TCase *t = tcase_create("dirmode");
	tcase_add_unchecked_fixture(t, cgfs_scratch_setup, cgfs_scratch_teardown);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, missing_files_read_as_kernel_defaults);
	tcase_add_test(t, scalar_writes_store_the_value);
	tcase_add_test(t, values_longer_than_a_page_are_refused);
	tcase_add_test(t, subtree_control_enables_and_disables_in_kernel_order);
	tcase_add_test(t, subtree_control_obeys_the_kernel_rules);
	tcase_add_test(t, io_max_merges_per_device);
	tcase_add_test(t, io_weight_keeps_a_default_line);
	tcase_add_test(t, misc_max_replaces_per_resource);
	tcase_add_test(t, rmdir_like_the_kernel);
	tcase_add_test(t, children_lists_cgroup_dirs_sorted);
	tcase_add_test(t, fault_injection_counts_mutations);
	tcase_add_test(t, keyed_merge_is_pure);
	tcase_add_test(t, write_read_gives_what_a_read_gives);
	suite_add_tcase(s, t);
	return s;
}
