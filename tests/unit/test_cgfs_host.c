/* cgroupfs on this machine's real cgroup2 (as root only): a uniquely named
 * scratch cgroup right under the mount found by discovery, exercised
 * through bx_cgfs and removed on every path. No other cgroup's files are
 * touched: every path below starts with the scratch name. */
#include <dirent.h>
#include <time.h>

#include "test_cgfs.h"

static char *mount;   /* the cgroup2 mount, NULL when the tests skip */
static char *scratch; /* "boxcg-unit-PID-TIME", under the mount */
static const char *skip_reason;

/* Remove dir and the cgroups below it, deepest first (rmdir on cgroupfs
 * ignores interface files). Only directories are ever removed. */
static void rm_cgroups(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char *sub = bx_sprintf("%s/%s", dir, e->d_name);
			if (sub)
				rm_cgroups(sub);
			free(sub);
		}
	closedir(d);
	rmdir(dir);
}

static void host_setup(void)
{
	skip_reason = NULL;
	if (geteuid() != 0) {
		skip_reason = "not root";
		return;
	}
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	mount = bx_cgfs_find_mount(buf);
	if (!mount) {
		skip_reason = "no cgroup2 mount";
		return;
	}
	scratch = bx_sprintf("boxcg-unit-%d-%ld", (int)getpid(), (long)time(NULL));
}

static void host_teardown(void)
{
	if (mount && scratch)
		for (int i = 0; i < 3; i++) {
			char *p = bx_sprintf("%s/%s-%d", mount, scratch, i);
			rm_cgroups(p);
			struct stat st;
			if (p && stat(p, &st) == 0)
				fprintf(stderr, "cgfs_host: could not remove %s\n", p);
			free(p);
		}
	free(mount);
	free(scratch);
	mount = scratch = NULL;
}

static bool skipped(void)
{
	if (skip_reason)
		fprintf(stderr, "cgfs_host: skipped (%s)\n", skip_reason);
	return skip_reason != NULL;
}

START_TEST(real_cgroup2_roundtrip)
{
	if (skipped())
		return;
	bx_cgfs *fs = NULL;
	CGFS_OK(bx_cgfs_open(NULL, &fs, err));
	ck_assert(!fs->dirmode);
	ck_assert_str_eq(fs->base_path, mount);
	fs->no_openat2 = _i == 1;
	cleanup_free char *cg = bx_sprintf("%s-%d", scratch, _i);
	cleanup_free char *child = bx_sprintf("%s/child", cg);
	cleanup_free char *grand = bx_sprintf("%s/grand", child);

	ck_assert_int_eq(bx_cgfs_exists(fs, cg, NULL), 0);
	CGFS_OK(bx_cgfs_mkdir(fs, cg, err));
	ck_assert_int_eq(bx_cgfs_exists(fs, cg, NULL), 1);
	CGFS_FAILS(bx_cgfs_mkdir(fs, cg, err), EEXIST);
	CGFS_READS(fs, cg, "cgroup.max.descendants", "max");
	CGFS_OK(bx_cgfs_write(fs, cg, "cgroup.max.descendants", "5", err));
	CGFS_READS(fs, cg, "cgroup.max.descendants", "5");
	CGFS_OK(bx_cgfs_write(fs, cg, "cgroup.max.descendants", "max\n", err));
	CGFS_READS(fs, cg, "cgroup.max.descendants", "max");
	/* Written and read back through one open file: the kernel makes the
	 * text anew from offset 0. */
	char *back = NULL;
	CGFS_OK(bx_cgfs_write_read(fs, cg, "cgroup.max.descendants", "7", &back, err));
	ck_assert_str_eq(back, "7");
	free(back);
	CGFS_OK(bx_cgfs_write_read(fs, cg, "cgroup.max.descendants", "max", &back, err));
	ck_assert_str_eq(back, "max");
	free(back);
	CGFS_OK(bx_cgfs_write_read(fs, cg, "cgroup.subtree_control", "", &back, err));
	ck_assert_str_eq(back, "");
	free(back);
	back = NULL;
	CGFS_FAILS(bx_cgfs_write_read(fs, cg, "cgroup.max.descendants", "x", &back, err), EINVAL);
	ck_assert_ptr_null(back);
	CGFS_READS(fs, cg, "cgroup.max.descendants", "max");
	/* An empty value is a real write (the kernel ignores 0 bytes). */
	CGFS_FAILS(bx_cgfs_write(fs, cg, "cgroup.max.descendants", "", err), EINVAL);
	CGFS_OK(bx_cgfs_write(fs, cg, "cgroup.subtree_control", "", err));
	CGFS_FAILS(bx_cgfs_write(fs, cg, "cgroup.subtree_control", "+bogus", err), EINVAL);
	CGFS_FAILS(bx_cgfs_write(fs, cg, "no.such.file", "1", err), ENOENT);
	char *v = NULL;
	CGFS_FAILS(bx_cgfs_read(fs, cg, "memory.max", &v, err), ENOENT); /* no defaults here */
	unsigned bits;
	CGFS_OK(bx_cgfs_controllers(fs, cg, &bits, err));
	/* A controller bound to v1 can never be enabled on the v2 side. */
	if (fs->v1_bound & BX_CTRL_MEMORY)
		CGFS_FAILS(bx_cgfs_write(fs, cg, "cgroup.subtree_control", "+memory", err), ENOENT);

	/* The kernel's limits apply through bx_cgfs: depth 1 allows a child,
	 * not a grandchild (EAGAIN). */
	CGFS_OK(bx_cgfs_write(fs, cg, "cgroup.max.depth", "1", err));
	CGFS_OK(bx_cgfs_mkdir(fs, child, err));
	CGFS_FAILS(bx_cgfs_mkdir(fs, grand, err), EAGAIN);
	char **names;
	size_t n;
	CGFS_OK(bx_cgfs_children(fs, cg, &names, &n, err));
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(names[0], "child");
	bx_strv_free(names, n);
	int fd;
	CGFS_OK(bx_cgfs_open_dir(fs, child, &fd, err));
	close(fd);

	/* Fault injection stops a mutation before it reaches the kernel. */
	fs->fail_after = 1;
	CGFS_FAILS(bx_cgfs_rmdir(fs, child, err), EIO);
	ck_assert_int_eq(bx_cgfs_exists(fs, child, NULL), 1);
	fs->fail_after = 2;
	CGFS_OK(bx_cgfs_write(fs, cg, "cgroup.max.depth", "max", err));
	CGFS_FAILS(bx_cgfs_write(fs, cg, "cgroup.max.depth", "3", err), EIO);
	CGFS_READS(fs, cg, "cgroup.max.depth", "max");

	CGFS_FAILS(bx_cgfs_rmdir(fs, cg, err), EBUSY); /* a child cgroup */
	CGFS_OK(bx_cgfs_rmdir(fs, child, err));
	CGFS_OK(bx_cgfs_rmdir(fs, cg, err));
	ck_assert_int_eq(bx_cgfs_exists(fs, cg, NULL), 0);
	bx_cgfs_close(fs);
}
END_TEST

START_TEST(explicit_roots_inside_cgroup2)
{
	if (skipped())
		return;
	bx_cgfs *fs = NULL;
	CGFS_OK(bx_cgfs_open(mount, &fs, err));
	ck_assert(!fs->dirmode);
	cleanup_free char *cg = bx_sprintf("%s-2", scratch);
	CGFS_OK(bx_cgfs_mkdir(fs, cg, err));
	/* A cgroup below the mount is a cgroup2 base as well. */
	cleanup_free char *path = bx_sprintf("%s/%s", mount, cg);
	bx_cgfs *sub = NULL;
	CGFS_OK(bx_cgfs_open(path, &sub, err));
	ck_assert(!sub->dirmode);
	ck_assert_str_eq(sub->base_path, path);
	CGFS_OK(bx_cgfs_mkdir(sub, "inner", err));
	CGFS_OK(bx_cgfs_write(sub, "inner", "cgroup.max.descendants", "2", err));
	CGFS_READS(fs, cg, "cgroup.max.descendants", "max");
	cleanup_free char *inner = bx_sprintf("%s/inner", cg);
	CGFS_READS(fs, inner, "cgroup.max.descendants", "2");
	CGFS_OK(bx_cgfs_rmdir(sub, "inner", err));
	bx_cgfs_close(sub);
	CGFS_OK(bx_cgfs_rmdir(fs, cg, err));
	bx_cgfs_close(fs);
}
END_TEST

Suite *suite_cgfs_host(void);
Suite *suite_cgfs_host(void)
{
	Suite *s = suite_create("cgfs_host");
	TCase *t = tcase_create("host");
	tcase_add_unchecked_fixture(t, host_setup, host_teardown);
	tcase_add_loop_test(t, real_cgroup2_roundtrip, 0, 2);
	tcase_add_test(t, explicit_roots_inside_cgroup2);
	suite_add_tcase(s, t);
	return s;
}
