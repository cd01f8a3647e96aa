/* cgroupfs on this machine's real cgroup2 (as root only): a uniquely named
 * scratch cgroup right under the mount found by discovery, exercised
 * through bx_cgfs and removed on every path. No other cgroup's files are
 * touched: every path below starts with the scratch name. */
#include <dirent.h>
#include <time.h>

#include "test_cgfs.h"

#include "api/api_int.h"
#include "boxcg.h"

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
		for (int i = 0; i < 5; i++) {
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


/* A target's frame (lib/frame) on the real kernel: what it remembers goes
 * stale behind its back, and the kernel's ENOENT gets the box transaction
 * its second try. First the class slice removed (a mkdir under a removed
 * cgroup), then, where the base offers hugetlb with 2 MB pages, the
 * controller disabled in the class slice (the box's hugetlb file is not
 * there). The scratch cgroup <scratch>-3 is the base. */
static void api_ok(int rc, boxcg_error **err, const char *what)
{
	ck_assert_msg(rc == 0, "%s: %s", what, *err ? boxcg_error_message(*err) : "?");
}

/* A scratch cgroup "<scratch>-i" made as a base, and a state directory
 * from the template `state` (mkdtemp): the base's path. */
static char *scratch_base(int i, char *state)
{
	char *base = bx_sprintf("%s/%s-%d", mount, scratch, i);
	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(mkdir(base, 0755), 0);
	ck_assert_ptr_nonnull(mkdtemp(state));
	return base;
}

/* A target on base with the policy `yaml` loaded. */
static void api_open(const char *base, const char *state, const char *yaml, boxcg_target **t,
		     boxcg_policy **p)
{
	boxcg_error *err = NULL;
	api_ok(boxcg_target_open(base, state, t, &err), &err, "open");
	api_ok(boxcg_policy_load_buffer(*t, "p.yaml", yaml, strlen(yaml), p, NULL, &err), &err,
	       "load");
}

static void remove_state(const char *state)
{
	cleanup_free char *rm = bx_sprintf("rm -rf '%s'", state);
	ck_assert_int_eq(system(rm), 0);
}

START_TEST(frame_second_try_on_real_cgroup2)
{
	if (skipped())
		return;
	char state[] = "/tmp/boxcg-frame-state-XXXXXX";
	cleanup_free char *base = scratch_base(3, state);
	cleanup_free char *ctrls_path = bx_sprintf("%s/cgroup.controllers", base);
	char ctrls[256] = "";
	FILE *fp = fopen(ctrls_path, "r");
	ck_assert_ptr_nonnull(fp);
	if (!fgets(ctrls, sizeof ctrls, fp))
		ctrls[0] = '\0';
	fclose(fp);
	struct stat st;
	bool huge = strstr(ctrls, "hugetlb") && stat("/sys/kernel/mm/hugepages/hugepages-2048kB", &st) == 0;
	const char *yaml = huge ? "version: 1\nroot: r\nclasses:\n  vm:\n    box:\n"
				  "      cgroup: { max_depth: 2 }\n      hugetlb: { 2MB: 2MiB }\n"
				: "version: 1\nroot: r\nclasses:\n  vm:\n    box:\n"
				  "      cgroup: { max_depth: 2 }\n";
	boxcg_target *t = NULL;
	boxcg_policy *p = NULL;
	boxcg_error *err = NULL;
	api_open(base, state, yaml, &t, &p);
	api_ok(boxcg_box_create(t, p, "vm", "v1", 0, &err), &err, "create v1");
	api_ok(boxcg_box_create(t, p, "vm", "v2", 0, &err), &err, "create v2");
	ck_assert_ptr_nonnull(t->frame.memo);
	/* the class slice goes, behind the frame */
	api_ok(boxcg_box_delete(t, p, "vm", "v1", 0, 1000, &err), &err, "delete v1");
	api_ok(boxcg_box_delete(t, p, "vm", "v2", 0, 1000, &err), &err, "delete v2");
	ck_assert_ptr_nonnull(t->frame.memo); /* box-local: still remembered */
	cleanup_free char *slice = bx_sprintf("%s/r/vm", base);
	ck_assert_int_eq(rmdir(slice), 0);
	api_ok(boxcg_box_create(t, p, "vm", "v3", 0, &err), &err, "create v3 after the slice went");
	cleanup_free char *v3 = bx_sprintf("%s/r/vm/v3/cgroup.max.depth", base);
	ck_assert_int_eq(stat(v3, &st), 0);
	if (huge) {
		api_ok(boxcg_box_create(t, p, "vm", "v4", 0, &err), &err, "create v4");
		/* hugetlb disabled in the class slice, behind the frame */
		cleanup_free char *stc = bx_sprintf("%s/r/vm/cgroup.subtree_control", base);
		fp = fopen(stc, "w");
		ck_assert_ptr_nonnull(fp);
		ck_assert_int_ge(fputs("-hugetlb", fp), 0);
		ck_assert_int_eq(fclose(fp), 0);
		api_ok(boxcg_box_create(t, p, "vm", "v5", 0, &err), &err,
		       "create v5 after hugetlb went");
		cleanup_free char *h = bx_sprintf("%s/r/vm/v5/hugetlb.2MB.max", base);
		ck_assert_int_eq(stat(h, &st), 0);
	} else {
		fprintf(stderr, "cgfs_host: frame test without hugetlb (base controllers: %s)\n", ctrls);
	}
	boxcg_policy_free(p);
	boxcg_target_close(t);
	remove_state(state);
}
END_TEST

/* box update on real cgroup2: the observation keeps the file it will
 * write open (bx_cgfs_keep_file), the write and its read-back go through
 * it, and nothing stays open after the transaction; a kept file is taken
 * once, and dropped by rmdir and by the session's end. */
START_TEST(kept_files_on_real_cgroup2)
{
	if (skipped())
		return;
	char state[] = "/tmp/boxcg-kept-state-XXXXXX";
	cleanup_free char *base = scratch_base(4, state);
	const char *yaml = "version: 1\nroot: r\nclasses:\n  vm:\n    box:\n"
			   "      cgroup: { max_depth: 2 }\n"
			   "    sizes:\n      cgroup.max_depth: { min: 1, max: 100 }\n";
	boxcg_target *t = NULL;
	boxcg_policy *p = NULL;
	boxcg_error *aerr = NULL;
	api_open(base, state, yaml, &t, &p);
	api_ok(boxcg_box_create(t, p, "vm", "v1", 0, &aerr), &aerr, "create v1");
	int fds = 0;
	cleanup_free char *depth = bx_sprintf("%s/r/vm/v1/cgroup.max.depth", base);
	for (int k = 3; k < 8; k++) {
		char v[16];
		snprintf(v, sizeof v, "%d", k);
		boxcg_set up[] = { { "cgroup.max_depth", v } };
		boxcg_plan *plan = NULL;
		api_ok(boxcg_box_update(t, p, "vm", "v1", up, 1, 0, &plan, &aerr), &aerr, "update");
		ck_assert_uint_eq(boxcg_plan_to_change(plan), 1);
		boxcg_plan_free(plan);
		FILE *fp = fopen(depth, "r");
		ck_assert_ptr_nonnull(fp);
		char got[16] = "";
		ck_assert_ptr_nonnull(fgets(got, sizeof got, fp));
		fclose(fp);
		ck_assert_int_eq(atoi(got), k);
		/* the first leaves the frame's parked directories; then none grows */
		if (k == 3)
			fds = cgfs_open_fds();
		ck_assert_int_eq(cgfs_open_fds(), fds);
	}
	/* a dry run reads the file and keeps nothing either */
	boxcg_set up[] = { { "cgroup.max_depth", "9" } };
	boxcg_plan *plan = NULL;
	api_ok(boxcg_box_update(t, p, "vm", "v1", up, 1, BOXCG_UPDATE_DRY_RUN, &plan, &aerr), &aerr,
	       "dry run");
	boxcg_plan_free(plan);
	ck_assert_int_eq(cgfs_open_fds(), fds);
	boxcg_policy_free(p);
	boxcg_target_close(t);

	/* the store itself */
	bx_cgfs *fs = NULL;
	CGFS_OK(bx_cgfs_open(base, &fs, err));
	int baseline = cgfs_open_fds();
	int fd = open(depth, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	bx_cgfs_keep_file(fs, "r/vm/v1", "cgroup.max.depth", fd); /* no session: closed */
	ck_assert_int_eq(bx_cgfs_take_file(fs, "r/vm/v1", "cgroup.max.depth"), -1);
	ck_assert_int_eq(cgfs_open_fds(), baseline);
	ck_assert_int_eq(bx_cgfs_cache_begin(fs), 0);
	int in_session = cgfs_open_fds();
	bx_cgfs_keep_file(fs, "r/vm/v1", "cgroup.max.depth", open(depth, O_RDWR | O_CLOEXEC));
	char *back = NULL;
	CGFS_OK(bx_cgfs_write_read(fs, "r/vm/v1", "cgroup.max.depth", "2", &back, err));
	ck_assert_str_eq(back, "2");
	free(back);
	ck_assert_int_eq(cgfs_open_fds(), in_session); /* taken, written, closed */
	ck_assert_int_eq(bx_cgfs_take_file(fs, "r/vm/v1", "cgroup.max.depth"), -1);
	bx_cgfs_keep_file(fs, "r/vm/v1", "cgroup.max.depth", open(depth, O_RDWR | O_CLOEXEC));
	CGFS_OK(bx_cgfs_rmdir(fs, "r/vm/v1", err)); /* forgets what is kept in it */
	ck_assert_int_eq(bx_cgfs_take_file(fs, "r/vm/v1", "cgroup.max.depth"), -1);
	cleanup_free char *slice_depth = bx_sprintf("%s/r/vm/cgroup.max.depth", base);
	bx_cgfs_keep_file(fs, "r/vm", "cgroup.max.depth", open(slice_depth, O_RDWR | O_CLOEXEC));
	bx_cgfs_cache_end(fs);
	ck_assert_int_eq(cgfs_open_fds(), baseline);
	bx_cgfs_close(fs);
	remove_state(state);
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
	tcase_add_test(t, frame_second_try_on_real_cgroup2);
	tcase_add_test(t, kept_files_on_real_cgroup2);
	suite_add_tcase(s, t);
	return s;
}
