/* cgroupfs: finding the cgroup2 mount (mountinfo), the delegated cgroup of
 * a non-root user, and what bx_cgfs_open accepts as a base. */
#include <pthread.h>
#include <sys/syscall.h>

#include "test_cgfs.h"

/* This machine's kind of host: systemd hybrid. */
static const char hybrid_text[] =
	"22 1 8:1 / / rw,relatime - ext4 /dev/vda rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

START_TEST(mountinfo_unified)
{
	const char *t = "25 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
			"30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev shared:4 - cgroup2 cgroup2 "
			"rw,nsdelegate,memory_recursiveprot\n";
	bx_mountinfo mi;
	CGFS_OK(bx_mountinfo_parse(t, &mi, err));
	ck_assert_str_eq(mi.cg2_mount, "/sys/fs/cgroup");
	ck_assert_str_eq(mi.cg2_root, "/");
	ck_assert(!mi.hybrid);
	ck_assert_uint_eq(mi.v1_bound, 0);
	bx_mountinfo_free(&mi);
	char *m = bx_cgfs_find_mount(t);
	ck_assert_str_eq(m, "/sys/fs/cgroup");
	free(m);
}
END_TEST

START_TEST(mountinfo_hybrid_records_v1_controllers)
{
	bx_mountinfo mi;
	CGFS_OK(bx_mountinfo_parse(hybrid_text, &mi, err));
	ck_assert_str_eq(mi.cg2_mount, "/sys/fs/cgroup/unified");
	ck_assert(mi.hybrid);
	/* blkio is io; cpuacct and name=systemd bind nothing boxcg knows. */
	ck_assert_uint_eq(mi.v1_bound,
			  BX_CTRL_CPU | BX_CTRL_CPUSET | BX_CTRL_MEMORY | BX_CTRL_IO | BX_CTRL_PIDS);
	bx_mountinfo_free(&mi);
	/* A combined v1 mount binds both. */
	CGFS_OK(bx_mountinfo_parse("1 0 0:1 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
				   "rw,cpu,cpuacct\n"
				   "2 0 0:2 / /u rw - cgroup2 none rw\n",
				   &mi, err));
	ck_assert_uint_eq(mi.v1_bound, BX_CTRL_CPU);
	ck_assert(mi.hybrid);
	bx_mountinfo_free(&mi);
}
END_TEST

START_TEST(mountinfo_without_cgroup2)
{
	const char *none = "22 1 8:1 / / rw - ext4 /dev/vda rw\n"
			   "23 22 0:5 / /proc rw - proc proc rw\n";
	ck_assert_ptr_null(bx_cgfs_find_mount(none));
	ck_assert_ptr_null(bx_cgfs_find_mount(""));
	/* Pure v1 (legacy) host: no cgroup2, and not "hybrid" either. */
	bx_mountinfo mi;
	CGFS_OK(bx_mountinfo_parse("35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
				   &mi, err));
	ck_assert_ptr_null(mi.cg2_mount);
	ck_assert(!mi.hybrid);
	bx_mountinfo_free(&mi);
	/* "cgroup2" as a source or an option is not the fstype. */
	ck_assert_ptr_null(bx_cgfs_find_mount("40 1 0:9 / /x rw - tmpfs cgroup2 rw\n"
					      "41 1 0:9 / /y rw,cgroup2 - ext4 /dev/cgroup2 cgroup2\n"
					      "42 1 0:9 / /z rw - cgroup2fs none rw\n"));
}
END_TEST

START_TEST(mountinfo_escapes_and_odd_lines)
{
	const char *t = "garbage without separator\n"
			"\n"
			"1 2\n"
			"7 1 0:3 / /weird\\040-\\040dir rw - ext4 /dev/x rw\n"
			"8 1 0:4 / /mnt/my\\040cgroups\\011and\\134more rw shared:1 master:2 - cgroup2 "
			"cgroup2 rw";
	char *m = bx_cgfs_find_mount(t);
	ck_assert_str_eq(m, "/mnt/my cgroups\tand\\more");
	free(m);
}
END_TEST

START_TEST(mountinfo_cgroup2_not_first_and_whole_tree_preferred)
{
	/* A bind mount of a sub-tree is listed first; the whole hierarchy
	 * mounted later is the one to use. */
	const char *t = "20 1 0:5 / /proc rw - proc proc rw\n"
			"50 1 0:38 /user.slice /srv/bound rw - cgroup2 cgroup2 rw\n"
			"51 1 0:38 / /run/cg2 rw - cgroup2 cgroup2 rw\n"
			"52 1 0:38 / /second rw - cgroup2 cgroup2 rw\n";
	bx_mountinfo mi;
	CGFS_OK(bx_mountinfo_parse(t, &mi, err));
	ck_assert_str_eq(mi.cg2_mount, "/run/cg2");
	ck_assert_str_eq(mi.cg2_root, "/");
	bx_mountinfo_free(&mi);
	/* Only the bind mount: use it, and remember its root. */
	CGFS_OK(bx_mountinfo_parse("50 1 0:38 /user.slice /srv/bound rw - cgroup2 cgroup2 rw\n",
				   &mi, err));
	ck_assert_str_eq(mi.cg2_mount, "/srv/bound");
	ck_assert_str_eq(mi.cg2_root, "/user.slice");
	bx_mountinfo_free(&mi);
}
END_TEST

START_TEST(mountinfo_cgroup_mounts_below)
{
	ck_assert(bx_mountinfo_has_cgroup_below(hybrid_text, "/sys/fs/cgroup"));
	ck_assert(bx_mountinfo_has_cgroup_below(hybrid_text, "/sys"));
	ck_assert(bx_mountinfo_has_cgroup_below(hybrid_text, "/"));
	ck_assert(!bx_mountinfo_has_cgroup_below(hybrid_text, "/sys/fs/cgroup/unified"));
	ck_assert(!bx_mountinfo_has_cgroup_below(hybrid_text, "/sys/fs/cgrou"));
	ck_assert(!bx_mountinfo_has_cgroup_below(hybrid_text, "/tmp"));
}
END_TEST

/* The v1 hierarchies from /proc/self/cgroup, and on this machine the same
 * answer as its mountinfo gives (what a given cgroup2 root uses instead). */
START_TEST(proc_cgroup_lists_the_v1_hierarchies)
{
	bool hybrid = true;
	unsigned bits = 1;
	bx_proc_cgroup_v1("0::/user.slice/user-0.slice/session-1.scope\n", &hybrid, &bits);
	ck_assert(!hybrid);
	ck_assert_uint_eq(bits, 0);
	bx_proc_cgroup_v1("12:memory:/\n"
			  "5:cpu,cpuacct:/user.slice\n"
			  "3:blkio:/\n"
			  "1:name=systemd:/init.scope\n"
			  "7:pids:/a:b:c\n"
			  "garbage\n"
			  "\n"
			  "0::/init.scope\n",
			  &hybrid, &bits);
	ck_assert(hybrid);
	ck_assert_uint_eq(bits, BX_CTRL_MEMORY | BX_CTRL_CPU | BX_CTRL_IO | BX_CTRL_PIDS);
	/* name=systemd alone: a hybrid host that binds no controller */
	bx_proc_cgroup_v1("1:name=systemd:/\n0::/\n", &hybrid, &bits);
	ck_assert(hybrid);
	ck_assert_uint_eq(bits, 0);
	bx_proc_cgroup_v1("", &hybrid, &bits);
	ck_assert(!hybrid);
	bx_proc_cgroup_v1(NULL, &hybrid, &bits);
	ck_assert(!hybrid);

	cleanup_free char *cg = cgfs_get("/proc/self", "cgroup");
	cleanup_free char *mt = cgfs_get("/proc/self", "mountinfo");
	bx_mountinfo mi;
	CGFS_OK(bx_mountinfo_parse(mt, &mi, err));
	bx_proc_cgroup_v1(cg, &hybrid, &bits);
	if (mi.cg2_mount) {
		ck_assert_int_eq(hybrid, mi.hybrid);
		ck_assert_uint_eq(bits, mi.v1_bound);
	}
	bx_mountinfo_free(&mi);
}
END_TEST

START_TEST(discover_as_root_is_the_mount)
{
	bx_mountinfo mi;
	char *base = NULL;
	CGFS_OK(bx_cgfs_discover(hybrid_text, NULL, true, &base, &mi, err));
	ck_assert_str_eq(base, "/sys/fs/cgroup/unified");
	ck_assert(mi.hybrid);
	free(base);
	bx_mountinfo_free(&mi);
	CGFS_FAILS(bx_cgfs_discover("1 0 0:1 / / rw - ext4 x rw\n", NULL, true, &base, &mi, err),
		   ENOENT);
	ck_assert_ptr_null(base);
}
END_TEST

/* A fake cgroup2 tree under dir/mnt: root-owned 0555 levels above the
 * delegation, a delegated user@UID.service subtree writable by uid. */
static const char *const deleg_levels[] = {
	"user.slice",
	"user.slice/user-65534.slice",
	"user.slice/user-65534.slice/session-1.scope",
	"user.slice/user-65534.slice/user@65534.service",
	"user.slice/user-65534.slice/user@65534.service/app.slice",
	"user.slice/user-65534.slice/user@65534.service/app.slice/boxcg.scope",
};

static bool delegated_level(const char *rel)
{
	return strstr(rel, "user@") != NULL;
}

static void build_tree(const char *dir, uid_t uid)
{
	cgfs_mkdirs(dir, "mnt");
	for (size_t i = 0; i < BX_ARRAY_LEN(deleg_levels); i++) {
		cleanup_free char *rel = bx_sprintf("mnt/%s", deleg_levels[i]);
		cgfs_mkdirs(dir, rel);
		bool mine = delegated_level(rel);
		const char *files[] = { "cgroup.procs", "cgroup.subtree_control" };
		for (size_t f = 0; f < 2; f++) {
			cleanup_free char *fr = bx_sprintf("%s/%s", rel, files[f]);
			cgfs_put(dir, fr, "");
			cleanup_free char *fp = cgfs_path(dir, fr);
			ck_assert_int_eq(chmod(fp, mine ? 0644 : 0444), 0);
			if (mine && uid)
				ck_assert_int_eq(chown(fp, uid, (gid_t)-1), 0);
		}
	}
	/* Modes last, deepest first, so the 0555 parents do not stop us. */
	for (size_t i = BX_ARRAY_LEN(deleg_levels); i-- > 0;) {
		cleanup_free char *p = bx_sprintf("%s/mnt/%s", dir, deleg_levels[i]);
		bool mine = delegated_level(p);
		if (mine && uid)
			ck_assert_int_eq(chown(p, uid, (gid_t)-1), 0);
		ck_assert_int_eq(chmod(p, mine ? 0755 : 0555), 0);
	}
	cleanup_free char *mnt = cgfs_path(dir, "mnt");
	ck_assert_int_eq(chmod(mnt, 0555), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(chmod(cgfs_scratch, 0755), 0); /* for nobody to get there */
}

/* Run discovery as an unprivileged user: when we are root, in a thread
 * that drops to nobody with the raw syscalls, which change only the
 * calling thread's credentials (glibc's wrappers would change every
 * thread's); otherwise right here (the 0555 levels do it). The result is
 * "OK base" or "ERR errno msg". */
typedef struct disc_job {
	const char *mountinfo, *proc_cgroup;
	char *result;
} disc_job;

static void *disc_thread(void *arg)
{
	disc_job *j = arg;
	if (geteuid() == 0 &&
	    (syscall(SYS_setgroups, 0, NULL) < 0 || syscall(SYS_setresgid, 65534, 65534, 65534) < 0 ||
	     syscall(SYS_setresuid, 65534, 65534, 65534) < 0)) {
		j->result = bx_sprintf("cannot drop privileges: %s", strerror(errno));
		return NULL;
	}
	bx_mountinfo mi;
	char *base = NULL;
	bx_error *e = NULL;
	if (bx_cgfs_discover(j->mountinfo, j->proc_cgroup, false, &base, &mi, &e) == 0) {
		j->result = bx_sprintf("OK %s", base);
		bx_mountinfo_free(&mi);
	} else {
		j->result = bx_sprintf("ERR %d %s", e->errnum, e->msg);
	}
	free(base);
	bx_error_free(e);
	return NULL;
}

static char *discover_unprivileged(const char *mountinfo, const char *proc_cgroup)
{
	disc_job j = { mountinfo, proc_cgroup, NULL };
	uid_t me = geteuid();
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, disc_thread, &j), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(geteuid(), me); /* only the thread dropped privileges */
	ck_assert_ptr_nonnull(j.result);
	return j.result;
}

static char *fake_mountinfo(const char *dir, const char *root)
{
	return bx_sprintf("22 1 8:1 / / rw - ext4 /dev/vda rw\n"
			  "41 22 0:38 %s %s/mnt rw,relatime - cgroup2 cgroup2 rw\n",
			  root, dir);
}

START_TEST(discover_delegated_climbs_to_the_top_of_the_delegation)
{
	cleanup_free char *dir = cgfs_tmpdir();
	build_tree(dir, geteuid() == 0 ? 65534 : 0);
	cleanup_free char *mi = fake_mountinfo(dir, "/");
	cleanup_free char *got = discover_unprivileged(
		mi, "1:name=systemd:/x\n0::/user.slice/user-65534.slice/user@65534.service/app.slice/"
		    "boxcg.scope\n");
	cleanup_free char *want =
		bx_sprintf("OK %s/mnt/user.slice/user-65534.slice/user@65534.service", dir);
	ck_assert_str_eq(got, want);
	/* The mount's root is a sub-tree: the path in /proc/self/cgroup is
	 * relative to the hierarchy, not to the mount. */
	cleanup_free char *mi2 = fake_mountinfo(dir, "/elsewhere");
	cleanup_free char *got2 = discover_unprivileged(
		mi2, "0::/elsewhere/user.slice/user-65534.slice/user@65534.service/app.slice\n");
	ck_assert_str_eq(got2, want);
	cleanup_free char *got3 = discover_unprivileged(mi2, "0::/user.slice\n");
	ck_assert_msg(strncmp(got3, "ERR 18 ", 7) == 0, "%s", got3); /* EXDEV */
	cgfs_rm_rf(dir);
}
END_TEST

START_TEST(discover_refuses_a_cgroup_it_cannot_write)
{
	cleanup_free char *dir = cgfs_tmpdir();
	build_tree(dir, geteuid() == 0 ? 65534 : 0);
	cleanup_free char *mi = fake_mountinfo(dir, "/");
	/* Exists, but owned by root: existence is not enough. */
	cleanup_free char *got =
		discover_unprivileged(mi, "0::/user.slice/user-65534.slice/session-1.scope\n");
	ck_assert_msg(strncmp(got, "ERR 13 ", 7) == 0, "%s", got); /* EACCES */
	ck_assert_msg(strstr(got, "cannot write") && strstr(got, "session-1.scope") &&
			      strstr(got, "--root"),
		      "%s", got);
	/* A delegated directory whose cgroup.procs is not writable. */
	cleanup_free char *procs = bx_sprintf(
		"%s/mnt/user.slice/user-65534.slice/user@65534.service/app.slice/cgroup.procs", dir);
	ck_assert_int_eq(chmod(procs, 0444), 0);
	if (geteuid() == 0)
		ck_assert_int_eq(chown(procs, 0, 0), 0);
	cleanup_free char *got2 = discover_unprivileged(
		mi, "0::/user.slice/user-65534.slice/user@65534.service/app.slice\n");
	ck_assert_msg(strncmp(got2, "ERR 13 ", 7) == 0 && strstr(got2, "cgroup.procs"), "%s", got2);
	/* No "0::" line (a cgroup v1-only process view). */
	cleanup_free char *got3 = discover_unprivileged(mi, "4:memory:/x\n1:cpu:/\n");
	ck_assert_msg(strncmp(got3, "ERR 0 ", 6) == 0 && strstr(got3, "0::"), "%s", got3);
	/* A cgroup that does not exist at all. */
	cleanup_free char *got4 = discover_unprivileged(mi, "0::/no/such\n");
	ck_assert_msg(strncmp(got4, "ERR 2 ", 6) == 0, "%s", got4); /* ENOENT */
	cgfs_rm_rf(dir);
}
END_TEST

START_TEST(open_plain_directory_is_directory_mode)
{
	cleanup_free char *dir = cgfs_tmpdir();
	bx_cgfs *fs = cgfs_open_dir(dir);
	ck_assert_str_eq(fs->base_path, dir);
	ck_assert(!fs->hybrid);
	ck_assert_uint_eq(fs->v1_bound, 0);
	ck_assert_uint_gt(fs->facts.page_size, 0);
	int fl = fcntl(fs->base_fd, F_GETFL);
	ck_assert(fl & O_PATH);
	ck_assert(fcntl(fs->base_fd, F_GETFD) & FD_CLOEXEC);
	bx_cgfs_close(fs);
	cgfs_rm_rf(dir);
}
END_TEST

START_TEST(open_refuses_what_is_not_a_base)
{
	cleanup_free char *dir = cgfs_tmpdir();
	cgfs_put(dir, "file", "x");
	cleanup_free char *file = cgfs_path(dir, "file");
	cleanup_free char *missing = cgfs_path(dir, "missing");
	bx_cgfs *fs = NULL;
	CGFS_FAILS(bx_cgfs_open(file, &fs, err), ENOTDIR);
	ck_assert_ptr_null(fs);
	CGFS_FAILS(bx_cgfs_open(missing, &fs, err), ENOENT);
	bx_error *e = NULL;
	ck_assert_int_eq(bx_cgfs_open("/proc", &fs, &e), -1);
	ck_assert_msg(strstr(e->msg, "procfs") != NULL, "%s", e->msg);
	bx_error_free(e);
	e = NULL;
	ck_assert_int_eq(bx_cgfs_open("/proc/self", &fs, &e), -1);
	bx_error_free(e);
	ck_assert_ptr_null(fs);
	/* The tmpfs holding a hybrid host's hierarchies is no plain dir. */
	struct stat st;
	if (stat("/sys/fs/cgroup/unified", &st) == 0) {
		e = NULL;
		ck_assert_int_eq(bx_cgfs_open("/sys/fs/cgroup", &fs, &e), -1);
		ck_assert_msg(strstr(e->msg, "holds cgroup mounts") != NULL, "%s", e->msg);
		bx_error_free(e);
	}
	if (stat("/sys/fs/cgroup/memory/memory.limit_in_bytes", &st) == 0) {
		e = NULL;
		ck_assert_int_eq(bx_cgfs_open("/sys/fs/cgroup/memory", &fs, &e), -1);
		ck_assert_msg(strstr(e->msg, "cgroup v1 hierarchy") != NULL, "%s", e->msg);
		bx_error_free(e);
	}
	cgfs_rm_rf(dir);
}
END_TEST

START_TEST(unavailable_controller_messages)
{
	cleanup_free char *dir = cgfs_tmpdir();
	bx_cgfs *fs = cgfs_open_dir(dir);
	fs->v1_bound = BX_CTRL_MEMORY;
	char *a = bx_cgfs_ctrl_unavailable(fs, "boxlite", BX_CTRL_MEMORY);
	char *b = bx_cgfs_ctrl_unavailable(fs, "boxlite", BX_CTRL_IO);
	char *c = bx_cgfs_ctrl_unavailable(fs, "", BX_CTRL_IO);
	ck_assert_str_eq(a, "memory is bound to a cgroup v1 hierarchy on this host");
	ck_assert_str_eq(b, "io is not available in boxlite/cgroup.controllers");
	ck_assert_str_eq(c, "io is not available in the base's cgroup.controllers");
	free(a), free(b), free(c);
	bx_cgfs_close(fs);
	cgfs_rm_rf(dir);
}
END_TEST

Suite *suite_cgfs(void);
Suite *suite_cgfs(void)
{
	Suite *s = suite_create("cgfs");
	TCase *t = tcase_create("mountinfo");
	tcase_add_test(t, mountinfo_unified);
	tcase_add_test(t, mountinfo_hybrid_records_v1_controllers);
	tcase_add_test(t, mountinfo_without_cgroup2);
	tcase_add_test(t, mountinfo_escapes_and_odd_lines);
	tcase_add_test(t, mountinfo_cgroup2_not_first_and_whole_tree_preferred);
	tcase_add_test(t, mountinfo_cgroup_mounts_below);
	tcase_add_test(t, proc_cgroup_lists_the_v1_hierarchies);
	suite_add_tcase(s, t);
	t = tcase_create("discover");
	tcase_add_unchecked_fixture(t, cgfs_scratch_setup, cgfs_scratch_teardown);
	tcase_add_test(t, discover_as_root_is_the_mount);
	tcase_add_test(t, discover_delegated_climbs_to_the_top_of_the_delegation);
	tcase_add_test(t, discover_refuses_a_cgroup_it_cannot_write);
	suite_add_tcase(s, t);
	t = tcase_create("open");
	tcase_add_unchecked_fixture(t, cgfs_scratch_setup, cgfs_scratch_teardown);
	tcase_add_test(t, open_plain_directory_is_directory_mode);
	tcase_add_test(t, open_refuses_what_is_not_a_base);
	tcase_add_test(t, unavailable_controller_messages);
	suite_add_tcase(s, t);
	return s;
}
