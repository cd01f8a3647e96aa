/* cgroupfs directory cache (bx_cgfs_cache_begin/_end, cgroupfs/dircache.c):
 * descriptors are kept only for directories nobody else can move, at most
 * a few dozen, all released at the end; mkdir and rmdir through the
 * bx_cgfs keep it right; a symlink is refused inside a cached directory as
 * outside one. (The hostile-path suite, test_cgfs_safety.c, runs whole
 * with the cache on too.) Directory roots; _i & 1 uses the openat fallback. */
#include <dirent.h>
#include <sys/syscall.h>

#include "cgroupfs/cgfs_int.h"
#include "test_cgfs.h"

Suite *suite_cgfs_cache(void);

static char *top, *base, *outside;
static bx_cgfs *fs;

static void setup(void)
{
	top = cgfs_tmpdir();
	base = cgfs_path(top, "base");
	outside = cgfs_path(top, "outside");
	ck_assert_int_eq(mkdir(base, 0755), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	fs = cgfs_open_dir(base);
}

static void teardown(void)
{
	bx_cgfs_close(fs);
	free(top), free(base), free(outside);
}

START_TEST(guarded_directories_are_kept_and_released)
{
	fs->no_openat2 = _i & 1;
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	int before = cgfs_open_fds();
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	CGFS_OK(bx_cgfs_write(fs, "a/b", "memory.max", "4096", err));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "pids.max", "9", err));
	CGFS_READS(fs, "a/b", "memory.max", "4096");
	int during = cgfs_open_fds();
	ck_assert_int_eq(during, before + 2); /* a and a/b */
	/* Nested: the inner end keeps them. */
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	CGFS_READS(fs, "a/b", "pids.max", "9");
	bx_cgfs_cache_end(fs);
	ck_assert_int_eq(cgfs_open_fds(), during);
	bx_cgfs_cache_end(fs);
	ck_assert_int_eq(cgfs_open_fds(), before);
	ck_assert_ptr_null(fs->cache);
	/* Without a session nothing is kept. */
	CGFS_READS(fs, "a/b", "memory.max", "4096");
	ck_assert_int_eq(cgfs_open_fds(), before);
	cleanup_free char *v = cgfs_get(base, "a/b/memory.max");
	ck_assert_str_eq(v, "4096\n");
}
END_TEST

/* A directory that someone else could move (writable by group or others
 * above it, or owned by another user) is opened per access, as without
 * the cache: moved out of the base, it does not take the writes along. */
START_TEST(directories_others_could_move_are_not_kept)
{
	fs->no_openat2 = _i & 1;
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "c", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "c/d", err));
	cleanup_free char *a = cgfs_path(base, "a");
	ck_assert_int_eq(chmod(a, 0777), 0);
	bool root = geteuid() == 0;
	cleanup_free char *c = cgfs_path(base, "c");
	if (root)
		ck_assert_int_eq(chown(c, 65534, 65534), 0);
	int before = cgfs_open_fds();
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	CGFS_OK(bx_cgfs_write(fs, "a/b", "memory.max", "4096", err));
	/* "a" itself is kept (the base is ours); a/b is not. */
	ck_assert_int_eq(cgfs_open_fds(), before + 1);
	if (root) {
		CGFS_OK(bx_cgfs_write(fs, "c/d", "memory.max", "1", err));
		ck_assert_int_eq(cgfs_open_fds(), before + 2);
	}
	/* a/b moves out; a new a/b takes its place: the next write goes to
	 * the new one, nothing lands outside. */
	cleanup_free char *ab = cgfs_path(base, "a/b");
	cleanup_free char *moved = cgfs_path(outside, "moved");
	ck_assert_int_eq(rename(ab, moved), 0);
	ck_assert_int_eq(mkdir(ab, 0755), 0);
	CGFS_OK(bx_cgfs_write(fs, "a/b", "pids.max", "7", err));
	ck_assert(cgfs_lexists(base, "a/b/pids.max"));
	ck_assert(!cgfs_lexists(outside, "moved/pids.max"));
	bx_cgfs_cache_end(fs);
	ck_assert_int_eq(cgfs_open_fds(), before);
}
END_TEST

START_TEST(mkdir_and_rmdir_through_the_fs_keep_it_right)
{
	fs->no_openat2 = _i & 1;
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b/c", err));
	CGFS_OK(bx_cgfs_write(fs, "a/b/c", "memory.max", "1", err));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "memory.max", "2", err));
	/* Removed and made again: the old descriptors (of b and c) are gone. */
	CGFS_OK(bx_cgfs_rmdir(fs, "a/b/c", err));
	CGFS_OK(bx_cgfs_rmdir(fs, "a/b", err));
	ck_assert_int_eq(bx_cgfs_exists(fs, "a/b", NULL), 0);
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b/c", err));
	ck_assert_int_eq(bx_cgfs_exists(fs, "a/b/c", NULL), 1);
	CGFS_READS(fs, "a/b/c", "memory.max", "max");
	CGFS_OK(bx_cgfs_write(fs, "a/b/c", "memory.max", "3", err));
	cleanup_free char *v = cgfs_get(base, "a/b/c/memory.max");
	ck_assert_str_eq(v, "3\n");
	/* A file made a symlink inside a cached directory: refused. */
	cleanup_free char *l = cgfs_path(base, "a/b/c/pids.max");
	cleanup_free char *target = cgfs_path(outside, "x");
	ck_assert_int_eq(symlink(target, l), 0);
	bx_error *e = NULL;
	ck_assert_int_eq(bx_cgfs_write(fs, "a/b/c", "pids.max", "1", &e), -1);
	ck_assert_int_eq(e->errnum, ELOOP);
	bx_error_free(e);
	ck_assert(!cgfs_lexists(outside, "x"));
	bx_cgfs_cache_end(fs);
}
END_TEST

/* A directory this session made is fresh: its files are created O_EXCL,
 * with no check (nobody but us and root can have made one). Not one made
 * by someone else, not one beneath a directory others can change, and not
 * in the next session. A file there written twice is still cut to its new
 * value. */
START_TEST(directories_made_in_the_session_are_fresh)
{
	fs->no_openat2 = _i & 1;
	cleanup_free char *open_dir = cgfs_path(base, "open");
	ck_assert_int_eq(mkdir(open_dir, 0755), 0);
	ck_assert_int_eq(chmod(open_dir, 0777), 0); /* others may change it */
	cleanup_free char *theirs = cgfs_path(base, "theirs");
	ck_assert_int_eq(mkdir(theirs, 0755), 0);
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	CGFS_OK(bx_cgfs_mkdir(fs, "a", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "a/b", err));
	CGFS_OK(bx_cgfs_mkdir(fs, "open/x", err));
	ck_assert(bx_dircache_fresh(fs, "a"));
	ck_assert(bx_dircache_fresh(fs, "a/b"));
	ck_assert(!bx_dircache_fresh(fs, "open/x"));
	ck_assert(!bx_dircache_fresh(fs, "theirs"));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "memory.max", "12345", err));
	CGFS_OK(bx_cgfs_write(fs, "a/b", "memory.max", "1", err));
	cleanup_free char *v = cgfs_get(base, "a/b/memory.max");
	ck_assert_str_eq(v, "1\n");
	char *back = NULL;
	CGFS_OK(bx_cgfs_write_read(fs, "a/b", "pids.max", "7", &back, err));
	ck_assert_str_eq(back, "7");
	free(back);
	struct stat st;
	cleanup_free char *f = cgfs_path(base, "a/b/pids.max");
	ck_assert_int_eq(lstat(f, &st), 0);
	ck_assert(S_ISREG(st.st_mode) && st.st_nlink == 1);
	bx_cgfs_cache_end(fs);
	ck_assert(!bx_dircache_fresh(fs, "a"));
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	ck_assert(!bx_dircache_fresh(fs, "a"));
	CGFS_OK(bx_cgfs_write(fs, "a", "memory.max", "5", err));
	ck_assert(!bx_dircache_fresh(fs, "a"));
	bx_cgfs_cache_end(fs);
}
END_TEST

/* A file kept open by an observation (bx_cgfs_keep_file) is written
 * through that descriptor, and still checked first in directory mode: a
 * hard link to a file outside is refused, a longer old text is cut. */
START_TEST(kept_files_are_checked_before_a_write)
{
	fs->no_openat2 = _i & 1;
	cleanup_free char *a = cgfs_path(base, "a");
	ck_assert_int_eq(mkdir(a, 0755), 0);
	cgfs_put(base, "a/memory.max", "123456789\n");
	cgfs_put(outside, "target", "precious\n");
	cleanup_free char *target = cgfs_path(outside, "target");
	cleanup_free char *hard = cgfs_path(base, "a/pids.max");
	ck_assert_int_eq(link(target, hard), 0);
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	int baseline = cgfs_open_fds();
	cleanup_free char *mm = cgfs_path(base, "a/memory.max");
	bx_cgfs_keep_file(fs, "a", "memory.max", open(mm, O_RDWR | O_CLOEXEC));
	bx_cgfs_keep_file(fs, "a", "pids.max", open(hard, O_RDWR | O_CLOEXEC));
	char *back = NULL;
	CGFS_OK(bx_cgfs_write_read(fs, "a", "memory.max", "1", &back, err));
	ck_assert_str_eq(back, "1");
	free(back);
	cleanup_free char *v = cgfs_get(base, "a/memory.max");
	ck_assert_str_eq(v, "1\n");
	CGFS_FAILS(bx_cgfs_write(fs, "a", "pids.max", "1", err), EMLINK);
	cleanup_free char *t = cgfs_get(outside, "target");
	ck_assert_str_eq(t, "precious\n");
	ck_assert_int_eq(cgfs_open_fds(), baseline); /* both taken and closed */
	bx_cgfs_keep_file(fs, "a", "memory.max", open(mm, O_RDWR | O_CLOEXEC));
	bx_cgfs_cache_end(fs);
	ck_assert_int_le(cgfs_open_fds(), baseline); /* what was kept is closed */
}
END_TEST

/* More directories than the cache holds: every access right, the number
 * of descriptors bounded, all released at the end. */
START_TEST(many_directories_bounded)
{
	fs->no_openat2 = _i & 1;
	CGFS_OK(bx_cgfs_mkdir(fs, "s", err));
	int before = cgfs_open_fds();
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	for (int i = 0; i < 200; i++) {
		char cg[32], val[16];
		snprintf(cg, sizeof cg, "s/b%03d", i);
		snprintf(val, sizeof val, "%d", 1000 + i);
		CGFS_OK(bx_cgfs_mkdir(fs, cg, err));
		CGFS_OK(bx_cgfs_write(fs, cg, "pids.max", val, err));
		ck_assert_int_le(cgfs_open_fds(), before + 32);
	}
	for (int i = 199; i >= 0; i--) {
		char cg[32], val[16];
		snprintf(cg, sizeof cg, "s/b%03d", i);
		snprintf(val, sizeof val, "%d", 1000 + i);
		CGFS_READS(fs, cg, "pids.max", val);
	}
	bx_cgfs_cache_end(fs);
	ck_assert_int_eq(cgfs_open_fds(), before);
}
END_TEST

Suite *suite_cgfs_cache(void)
{
	Suite *s = suite_create("cgfs_cache");
	TCase *t = tcase_create("cache");
	tcase_add_unchecked_fixture(t, cgfs_scratch_setup, cgfs_scratch_teardown);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, guarded_directories_are_kept_and_released, 0, 2);
	tcase_add_loop_test(t, directories_others_could_move_are_not_kept, 0, 2);
	tcase_add_loop_test(t, mkdir_and_rmdir_through_the_fs_keep_it_right, 0, 2);
	tcase_add_loop_test(t, many_directories_bounded, 0, 2);
	tcase_add_loop_test(t, directories_made_in_the_session_are_fresh, 0, 2);
	tcase_add_loop_test(t, kept_files_are_checked_before_a_write, 0, 2);
	suite_add_tcase(s, t);
	return s;
}
