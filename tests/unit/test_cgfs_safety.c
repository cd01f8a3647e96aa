/* cgroupfs safety: unsafe names are refused before any syscall, and a
 * symlink planted anywhere inside the base makes the operation fail
 * (ELOOP/EXDEV) instead of being followed: nothing lands outside. Every
 * filesystem test runs four times: _i & 1 == 0 resolves with openat2, 1
 * with the component-by-component openat(O_NOFOLLOW) fallback; _i & 2 in
 * a session with the directory cache (bx_cgfs_cache_begin). */
#include <limits.h>
#include <sys/syscall.h>

#include "test_cgfs.h"

/* scratch/T/base is the base; scratch/T/outside must never be touched. */
static char *top, *base, *outside;
static bx_cgfs *fs;

static void setup(void)
{
	top = cgfs_tmpdir();
	base = cgfs_path(top, "base");
	outside = cgfs_path(top, "outside");
	ck_assert_int_eq(mkdir(base, 0755), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	cgfs_put(outside, "target", "precious\n");
	fs = cgfs_open_dir(base);
}

static void teardown(void)
{
	bx_cgfs_close(fs);
	free(top), free(base), free(outside);
}

static void use_mode(int i)
{
	fs->no_openat2 = i & 1;
	if (i & 2)
		ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0); /* bx_cgfs_close ends it */
}

/* The outside directory holds exactly its one untouched file. */
static void outside_untouched(void)
{
	char **v;
	size_t n;
	bx_cgfs *o = cgfs_open_dir(outside);
	CGFS_OK(bx_cgfs_children(o, "", &v, &n, err));
	ck_assert_uint_eq(n, 0);
	bx_strv_free(v, n);
	bx_cgfs_close(o);
	cleanup_free char *t = cgfs_get(outside, "target");
	ck_assert_str_eq(t, "precious\n");
	ck_assert(!cgfs_lexists(outside, "memory.max"));
	ck_assert(!cgfs_lexists(outside, "x"));
}

#define REFUSED_LOOP(call)                                                                  \
	do {                                                                                \
		bx_error *e_ = NULL;                                                        \
		bx_error **err = &e_;                                                       \
		ck_assert_int_eq((call), -1);                                               \
		ck_assert_msg(e_->errnum == ELOOP || e_->errnum == EXDEV, "%s: %s", #call,  \
			      e_->msg);                                                     \
		bx_error_free(e_);                                                          \
	} while (0)

START_TEST(symlinked_cgroup_dir_is_never_followed)
{
	use_mode(_i);
	/* Relative and absolute links, at the first and a deeper level. */
	cleanup_free char *abs = bx_sprintf("%s", outside);
	cleanup_free char *l1 = cgfs_path(base, "evil");
	ck_assert_int_eq(symlink("../outside", l1), 0);
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	cleanup_free char *l2 = cgfs_path(base, "a/deep");
	ck_assert_int_eq(symlink(abs, l2), 0);
	const char *cgs[] = { "evil", "a/deep" };
	for (size_t i = 0; i < 2; i++) {
		const char *cg = cgs[i];
		cleanup_free char *sub = bx_sprintf("%s/x", cg);
		char *v = NULL;
		int fd = -1;
		char **names;
		size_t n;
		unsigned bits;
		REFUSED_LOOP(bx_cgfs_write(fs, cg, "memory.max", "1", err));
		REFUSED_LOOP(bx_cgfs_write_read(fs, cg, "memory.max", "1", &v, err));
		REFUSED_LOOP(bx_cgfs_read(fs, cg, "target", &v, err));
		REFUSED_LOOP(bx_cgfs_read(fs, cg, "memory.max", &v, err)); /* no default either */
		REFUSED_LOOP(bx_cgfs_mkdir(fs, sub, err));
		REFUSED_LOOP(bx_cgfs_rmdir(fs, cg, err));
		REFUSED_LOOP(bx_cgfs_exists(fs, cg, err));
		REFUSED_LOOP(bx_cgfs_children(fs, cg, &names, &n, err));
		REFUSED_LOOP(bx_cgfs_controllers(fs, cg, &bits, err));
		REFUSED_LOOP(bx_cgfs_open_dir(fs, cg, &fd, err));
		REFUSED_LOOP(bx_cgfs_open_file(fs, cg, "target", O_RDONLY, &fd, err));
		REFUSED_LOOP(bx_cgfs_write(fs, cg, "cgroup.subtree_control", "+memory", err));
		REFUSED_LOOP(bx_cgfs_write(fs, cg, "io.max", "8:0 rbps=1", err));
		ck_assert_ptr_null(v);
		ck_assert_int_eq(fd, -1);
	}
	outside_untouched();
	ck_assert(cgfs_lexists(base, "evil")); /* rmdir left the link alone */
	if (!(_i & 1) && syscall(SYS_openat2, -1, "", NULL, 0) < 0 && errno != ENOSYS)
		ck_assert(!fs->no_openat2); /* the openat2 path really ran */
}
END_TEST

START_TEST(symlinked_interface_file_is_never_followed)
{
	use_mode(_i);
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	cleanup_free char *target = cgfs_path(outside, "target");
	cleanup_free char *l1 = cgfs_path(base, "a/memory.max");
	cleanup_free char *l2 = cgfs_path(base, "a/b/io.max");
	cleanup_free char *l3 = cgfs_path(base, "cgroup.subtree_control");
	ck_assert_int_eq(symlink(target, l1), 0);
	ck_assert_int_eq(symlink("../../../outside/target", l2), 0);
	ck_assert_int_eq(symlink("../outside/target", l3), 0);
	char *v = NULL;
	int fd = -1;
	REFUSED_LOOP(bx_cgfs_write(fs, "a", "memory.max", "1", err));
	REFUSED_LOOP(bx_cgfs_write_read(fs, "a", "memory.max", "1", &v, err));
	REFUSED_LOOP(bx_cgfs_read(fs, "a", "memory.max", &v, err));
	REFUSED_LOOP(bx_cgfs_write(fs, "a/b", "io.max", "8:0 rbps=1", err));
	REFUSED_LOOP(bx_cgfs_read(fs, "a/b", "io.max", &v, err));
	REFUSED_LOOP(bx_cgfs_write(fs, "", "cgroup.subtree_control", "+cpu", err));
	REFUSED_LOOP(bx_cgfs_open_file(fs, "a", "memory.max", O_WRONLY, &fd, err));
	ck_assert_ptr_null(v);
	/* A dangling link: O_CREAT must not create its target. */
	cleanup_free char *l4 = cgfs_path(base, "a/pids.max");
	ck_assert_int_eq(symlink("../../outside/x", l4), 0);
	REFUSED_LOOP(bx_cgfs_write(fs, "a", "pids.max", "1", err));
	REFUSED_LOOP(bx_cgfs_write_read(fs, "a", "pids.max", "1", &v, err));
	ck_assert_ptr_null(v);
	/* rmdir in directory mode removes the link itself, not its target. */
	CGFS_OK(bx_cgfs_rmdir(fs, "a/b", err));
	outside_untouched();
}
END_TEST

START_TEST(planted_special_files_and_hard_links)
{
	use_mode(_i);
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	/* A FIFO fails at once rather than hanging the writer or reader. */
	cleanup_free char *fifo = cgfs_path(base, "a/memory.max");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	char *v = NULL;
	CGFS_FAILS(bx_cgfs_write(fs, "a", "memory.max", "1", err), ENXIO);
	/* opened for reading too, a FIFO opens: then it is no plain file */
	CGFS_FAILS(bx_cgfs_write_read(fs, "a", "memory.max", "1", &v, err), EINVAL);
	CGFS_FAILS(bx_cgfs_read(fs, "a", "memory.max", &v, err), EINVAL);
	/* A hard link to a file outside: never truncated nor written. */
	cleanup_free char *target = cgfs_path(outside, "target");
	cleanup_free char *hard = cgfs_path(base, "a/pids.max");
	ck_assert_int_eq(link(target, hard), 0);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "pids.max", "1", err), EMLINK);
	CGFS_FAILS(bx_cgfs_write_read(fs, "a", "pids.max", "1", &v, err), EMLINK);
	ck_assert_ptr_null(v);
	cleanup_free char *hard2 = cgfs_path(base, "a/cgroup.subtree_control");
	ck_assert_int_eq(link(target, hard2), 0);
	CGFS_FAILS(bx_cgfs_write(fs, "a", "cgroup.subtree_control", "+cpu", err), EMLINK);
	outside_untouched();
}
END_TEST

START_TEST(nested_operations_work_in_both_modes)
{
	use_mode(_i);
	CGFS_OK(bx_cgfs_mkdir(fs, "boxlite", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "boxlite/small", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "boxlite/small/b1", err));
	CGFS_OK(bx_cgfs_write(fs, "boxlite/small/b1", "memory.max", "4096", err));
	CGFS_READS(fs, "boxlite/small/b1", "memory.max", "4096");
	CGFS_READS(fs, "boxlite/small/b1", "pids.max", "max");
	ck_assert_int_eq(bx_cgfs_exists(fs, "boxlite/small/b1", NULL), 1);
	ck_assert_int_eq(bx_cgfs_exists(fs, "boxlite/small/b2", NULL), 0);
	int fd;
	CGFS_OK(bx_cgfs_open_dir(fs, "boxlite/small/b1", &fd, err));
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(!(fcntl(fd, F_GETFL) & O_PATH)); /* usable by clone3 */
	close(fd);
	CGFS_OK(bx_cgfs_open_file(fs, "boxlite/small/b1", "cgroup.procs", O_WRONLY, &fd, err));
	close(fd);
	CGFS_OK(bx_cgfs_rmdir(fs, "boxlite/small/b1", err));
	ck_assert(!cgfs_lexists(base, "boxlite/small/b1"));
	/* Up to the kernel's path limit and no further. */
	bx_buf b = {0};
	bx_buf_puts(&b, "d");
	CGFS_OK(bx_cgfs_mkdir(fs, "d", err));
	for (int i = 0; i < 60; i++) {
		bx_buf_puts(&b, "/ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
		bx_error *e = NULL;
		int r = bx_cgfs_mkdir(fs, b.s, &e);
		ck_assert_msg(r == 0, "mkdir at depth %d: errno %d", i, e ? e->errnum : 0);
	}
	CGFS_OK(bx_cgfs_write(fs, b.s, "pids.max", "7", err));
	CGFS_READS(fs, b.s, "pids.max", "7");
	while (b.len + strlen("/pids.max") < PATH_MAX)
		bx_buf_puts(&b, "/ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	bx_error *e = NULL; /* (the message, with the whole path, is too long for Check) */
	ck_assert_int_eq(bx_cgfs_write(fs, b.s, "pids.max", "7", &e), -1);
	ck_assert_int_eq(e->errnum, ENAMETOOLONG);
	bx_error_free(e);
	bx_buf_free(&b);
	outside_untouched();
}
END_TEST

START_TEST(unsafe_names_are_refused)
{
	use_mode(_i);
	cleanup_free char *n64 = strdup("a123456789012345678901234567890123456789012345678901234567890123");
	cleanup_free char *n65 = bx_sprintf("%sx", n64);
	ck_assert_uint_eq(strlen(n64), 64);
	const char *bad[] = { "..", ".", "/", "/abs", "a/../b", "../outside", "a//b", "a/",
			      "a/.", "-lead", "_lead", "a.b", "memory.max", "a b", "a\nb", "é", n65,
			      "a/-b", "a/_b", "a/b.c", "a/b/", "a///b", "a/\xc3\xa9" };
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		const char *cg = bad[i];
		char *v = NULL;
		ck_assert_msg(!bx_cgpath_valid(cg), "%s", cg);
		CGFS_FAILS(bx_cgfs_mkdir(fs, cg, err), EINVAL);
		CGFS_FAILS(bx_cgfs_write(fs, cg, "memory.max", "1", err), EINVAL);
		CGFS_FAILS(bx_cgfs_read(fs, cg, "memory.max", &v, err), EINVAL);
		CGFS_FAILS(bx_cgfs_rmdir(fs, cg, err), EINVAL);
		CGFS_FAILS(bx_cgfs_exists(fs, cg, err), EINVAL);
	}
	ck_assert(!bx_cgpath_valid(NULL));
	const char *good[] = { "", "a", "A-1_b", "boxlite/small/b1", "0", n64, "a/b-c_d/0-" };
	for (size_t i = 0; i < BX_ARRAY_LEN(good); i++)
		ck_assert_msg(bx_cgpath_valid(good[i]), "%s", good[i]);
	CGFS_OK(bx_cgfs_mkdir(fs, n64, err));
	CGFS_FAILS(bx_cgfs_mkdir(fs, n65, err), EINVAL);
	/* Interface file names. */
	const char *badf[] = { "", ".", "..", "../target", "a/b", "/etc/passwd", "1abc",
			       ".hidden", "memory max", "memory-max", NULL };
	for (size_t i = 0; i < BX_ARRAY_LEN(badf); i++) {
		char *v = NULL;
		int fd = -1;
		ck_assert_msg(!bx_cgfile_valid(badf[i]), "%s", badf[i] ? badf[i] : "NULL");
		CGFS_FAILS(bx_cgfs_write(fs, "", badf[i], "1", err), EINVAL);
		CGFS_FAILS(bx_cgfs_read(fs, "", badf[i], &v, err), EINVAL);
		CGFS_FAILS(bx_cgfs_open_file(fs, "", badf[i], O_RDONLY, &fd, err), EINVAL);
	}
	const char *goodf[] = { "memory.max", "hugetlb.2MB.max", "cgroup.subtree_control", "io.bfq.weight" };
	for (size_t i = 0; i < BX_ARRAY_LEN(goodf); i++)
		ck_assert_msg(bx_cgfile_valid(goodf[i]), "%s", goodf[i]);
	outside_untouched();
	/* Nothing but the one valid cgroup was created. */
	char **v;
	size_t n;
	CGFS_OK(bx_cgfs_children(fs, "", &v, &n, err));
	ck_assert_uint_eq(n, 1);
	bx_strv_free(v, n);
}
END_TEST

Suite *suite_cgfs_safety(void);
Suite *suite_cgfs_safety(void)
{
	Suite *s = suite_create("cgfs_safety");
	TCase *t = tcase_create("safety");
	tcase_add_unchecked_fixture(t, cgfs_scratch_setup, cgfs_scratch_teardown);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, symlinked_cgroup_dir_is_never_followed, 0, 4);
	tcase_add_loop_test(t, symlinked_interface_file_is_never_followed, 0, 4);
	tcase_add_loop_test(t, planted_special_files_and_hard_links, 0, 4);
	tcase_add_loop_test(t, nested_operations_work_in_both_modes, 0, 4);
	tcase_add_loop_test(t, unsafe_names_are_refused, 0, 4);
	suite_add_tcase(s, t);
	return s;
}
