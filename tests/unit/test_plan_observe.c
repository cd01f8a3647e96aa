/* plan/observe: what is read from a directory-mode tree, and that a
 * snapshot of the tree answers the same observation identically. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "test_plan_fixture.h"

static char root[256];

static void put_file(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	ck_assert_msg(mkdir(p, 0755) == 0, "%s: %s", p, strerror(errno));
}

static bool mark_static(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	return setxattr(p, "user.boxcg.static", "1", 1, 0) == 0;
}

static void setup(void)
{
	snprintf(root, sizeof root, "/tmp/bx-observe-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static bx_policy *policy(void)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "slice", "memory.max", NULL, "17179869184", 12);
	fx_set(p, c, "box", "cpu.max", NULL, "100000 100000", 7);
	fx_set(p, c, "box", "pids.max", NULL, "16", 9);
	fx_box(p, "b1", "small", 20);
	fx_box(p, "b2", "small", 21);
	return p;
}

static bx_cgfs *open_root(void)
{
	bx_cgfs *fs = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_cgfs_open(root, &fs, &e) == 0, "%s", e ? e->msg : "?");
	ck_assert(fs->dirmode);
	return fs;
}

static void seed(void)
{
	put_file("cgroup.subtree_control", "cpu memory pids\n");
	mk("boxlite");
	put_file("boxlite/cgroup.subtree_control", "cpu memory pids\n");
	mk("boxlite/small");
	put_file("boxlite/small/cgroup.subtree_control", "cpu pids\n");
	put_file("boxlite/small/memory.max", "17179869184\n");
	mk("boxlite/small/b1");
	put_file("boxlite/small/b1/pids.max", "max\n");
	mk("boxlite/small/rt"); /* a runtime box */
	put_file("boxlite/small/rt/pids.current", "40\n");
	mk("boxlite/small/Bad.name"); /* not a box name: ignored */
	mk("boxlite/old"); /* an undeclared class slice */
	mk("boxlite/old/s1");
	put_file("boxlite/old/s1/cgroup.events", "populated 1\nfrozen 0\n");
}

START_TEST(observes_what_the_policy_manages)
{
	seed();
	bx_policy *p = policy();
	bx_cgfs *fs = open_root();
	bx_state *st = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_observe(fs, p, NULL, &st, &e) == 0, "%s", e ? e->msg : "?");
	ck_assert(st->sorted);
	const bx_cg_state *b = bx_state_find(st, "");
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->subtree_control, BX_CTRL_CPU | BX_CTRL_MEMORY | BX_CTRL_PIDS);
	ck_assert_uint_eq(b->controllers, (1u << BX_NCTRL) - 1); /* directory mode: all */
	const bx_cg_state *s = bx_state_find(st, "boxlite/small");
	ck_assert_uint_eq(s->nchildren, 3); /* b1 Bad.name rt */
	ck_assert_str_eq(bx_state_file(st, "boxlite/small", "memory.max"), "17179869184");
	ck_assert_uint_eq(s->nfiles, 1); /* only what the slice settings name */
	/* b1 exists; b2 does not and nothing is read for it */
	ck_assert(bx_state_find(st, "boxlite/small/b1")->exists);
	ck_assert_str_eq(bx_state_file(st, "boxlite/small/b1", "pids.max"), "max");
	ck_assert_str_eq(bx_state_file(st, "boxlite/small/b1", "cpu.max"), "max 100000");
	const bx_cg_state *b2 = bx_state_find(st, "boxlite/small/b2");
	ck_assert(b2 && !b2->exists && b2->nfiles == 0);
	/* nothing below a missing cgroup */
	ck_assert_ptr_null(bx_state_find(st, "boxlite/small/b2/x"));
	/* the runtime box: its files, its mark, and pids.current because
	 * pids.max is being lowered below "max" */
	const bx_cg_state *rt = bx_state_find(st, "boxlite/small/rt");
	ck_assert(rt && rt->exists && (rt->observed & BX_OBS_STATIC) && !rt->static_box);
	ck_assert_str_eq(bx_state_file(st, "boxlite/small/rt", "pids.current"), "40");
	ck_assert_ptr_null(bx_state_find(st, "boxlite/small/Bad.name"));
	/* the undeclared slice and what is below it, for --prune */
	const bx_cg_state *old = bx_state_find(st, "boxlite/old");
	ck_assert(old && (old->observed & BX_OBS_CHILDREN) && (old->observed & BX_OBS_EVENTS));
	const bx_cg_state *s1 = bx_state_find(st, "boxlite/old/s1");
	ck_assert(s1 && s1->populated);
	bx_state_free(st);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

START_TEST(a_missing_slice_reads_nothing_below)
{
	put_file("cgroup.subtree_control", "");
	bx_policy *p = policy();
	bx_cgfs *fs = open_root();
	bx_state *st = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_observe(fs, p, NULL, &st, &e), 0);
	ck_assert(!bx_state_find(st, "boxlite")->exists);
	/* below a missing cgroup nothing is recorded: it is missing too */
	ck_assert_ptr_null(bx_state_find(st, "boxlite/small"));
	ck_assert_ptr_null(bx_state_find(st, "boxlite/small/b1"));
	ck_assert_uint_eq(st->n, 2);
	bx_plan *pl = NULL;
	ck_assert_int_eq(bx_plan_compute(p, st, &(bx_plan_opts){ 0 }, &pl, &e), 0);
	ck_assert_uint_eq(pl->to_create, 4);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

START_TEST(static_mark_read_from_the_xattr)
{
	seed();
	if (!mark_static("boxlite/small/rt"))
		return; /* no user xattrs on this filesystem */
	bx_policy *p = policy();
	bx_cgfs *fs = open_root();
	bx_state *st = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_observe(fs, p, NULL, &st, &e), 0);
	const bx_cg_state *rt = bx_state_find(st, "boxlite/small/rt");
	ck_assert(rt->static_box);
	/* a marked box no longer declared: what is below it is observed too */
	ck_assert(rt->observed & BX_OBS_CHILDREN);
	bx_state_free(st);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

static char *json_of(const bx_state *st)
{
	bx_error *e = NULL;
	char *s = bx_state_to_json(st, &e);
	ck_assert_msg(s != NULL, "%s", e ? e->msg : "?");
	return s;
}

START_TEST(snapshot_answers_like_the_host)
{
	seed();
	mark_static("boxlite/old/s1");
	bx_policy *p = policy();
	bx_cgfs *fs = open_root();
	bx_state *live = NULL, *snap = NULL, *back = NULL, *offline = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_observe(fs, p, NULL, &live, &e), 0);
	ck_assert_msg(bx_observe_tree(fs, "boxlite", &snap, &e) == 0, "%s", e ? e->msg : "?");
	ck_assert_str_eq(snap->tree, "boxlite");
	/* the snapshot survives JSON */
	char *js = json_of(snap);
	ck_assert_msg(bx_state_from_json(js, &back, &e) == 0, "%s", e ? e->msg : "?");
	char *js2 = json_of(back);
	ck_assert_str_eq(js, js2);
	/* and answers the policy's observation exactly as the host did */
	ck_assert_msg(bx_observe_snapshot(back, p, NULL, &offline, &e) == 0, "%s",
		      e ? e->msg : "?");
	char *a = json_of(live), *b = json_of(offline);
	ck_assert_str_eq(a, b);
	char *fa = bx_state_fingerprint(live), *fb = bx_state_fingerprint(offline);
	ck_assert_str_eq(fa, fb);
	free(fa), free(fb), free(a), free(b), free(js), free(js2);
	bx_state_free(live);
	bx_state_free(snap);
	bx_state_free(back);
	bx_state_free(offline);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

START_TEST(snapshot_of_another_root_is_refused)
{
	seed();
	bx_policy *p = policy();
	free(p->root);
	p->root = strdup("elsewhere");
	bx_cgfs *fs = open_root();
	bx_state *snap = NULL, *offline = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_observe_tree(fs, "boxlite", &snap, &e), 0);
	/* "elsewhere" is not among the base's children → it does not exist:
	 * the base's children were not recorded, so the snapshot cannot say */
	ck_assert_int_eq(bx_observe_snapshot(snap, p, NULL, &offline, &e), -1);
	ck_assert_msg(strstr(e->msg, "does not record") && strstr(e->msg, "covers boxlite"), "%s",
		      e->msg);
	bx_error_free(e);
	bx_state_free(snap);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

START_TEST(observe_again_sees_changes)
{
	seed();
	bx_policy *p = policy();
	bx_cgfs *fs = open_root();
	bx_state *then = NULL, *now = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_observe(fs, p, NULL, &then, &e), 0);
	ck_assert_int_eq(bx_observe_again(fs, then, &now, &e), 0);
	char *a = json_of(then), *b = json_of(now);
	ck_assert_str_eq(a, b);
	free(a), free(b);
	bx_state_free(now);
	put_file("boxlite/small/memory.max", "max\n");
	ck_assert_int_eq(bx_observe_again(fs, then, &now, &e), 0);
	ck_assert_str_eq(bx_state_file(now, "boxlite/small", "memory.max"), "max");
	bx_state_free(now);
	bx_state_free(then);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

START_TEST(scoped_observation_reads_one_box)
{
	seed();
	bx_policy *p = policy();
	bx_cgfs *fs = open_root();
	bx_state *st = NULL;
	bx_error *e = NULL;
	bx_scope sc = { .class_name = "small", .box_id = "adhoc" };
	ck_assert_int_eq(bx_observe(fs, p, &sc, &st, &e), 0);
	ck_assert_ptr_null(bx_state_find(st, "boxlite/small/b1"));
	ck_assert_ptr_null(bx_state_find(st, "boxlite/old"));
	const bx_cg_state *a = bx_state_find(st, "boxlite/small/adhoc");
	ck_assert(a && !a->exists);
	ck_assert(!(bx_state_find(st, "boxlite/small")->observed & BX_OBS_CHILDREN));
	bx_state_free(st);
	sc.box_id = "../x";
	ck_assert_int_eq(bx_observe(fs, p, &sc, &st, &e), -1);
	ck_assert(strstr(e->msg, "invalid box id"));
	bx_error_free(e);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

START_TEST(hostile_directory_roots)
{
	seed();
	bx_policy *p = policy();
	bx_cgfs *fs = open_root();
	bx_state *st = NULL;
	bx_error *e = NULL;
	char path[512], target[512];
	/* a symlink planted where a limit file is: refused, never followed */
	snprintf(target, sizeof target, "%s/outside", root);
	FILE *f = fopen(target, "w");
	fputs("12345\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/boxlite/small/b1/cpu.max", root);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(bx_observe(fs, p, NULL, &st, &e), -1);
	ck_assert_msg(strstr(e->msg, "boxlite/small/b1/cpu.max"), "%s", e->msg);
	ck_assert_int_eq(e->errnum, ELOOP);
	bx_error_free(e);
	e = NULL;
	unlink(path);
	/* a FIFO: not read (it would hang), refused */
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	ck_assert_int_eq(bx_observe(fs, p, NULL, &st, &e), -1);
	ck_assert_msg(strstr(e->msg, "not a plain file"), "%s", e->msg);
	bx_error_free(e);
	e = NULL;
	unlink(path);
	/* a directory where a file is */
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(bx_observe(fs, p, NULL, &st, &e), -1);
	ck_assert_msg(strstr(e->msg, "not a plain file"), "%s", e->msg);
	bx_error_free(e);
	e = NULL;
	rmdir(path);
	/* a symlinked cgroup directory: refused too */
	snprintf(target, sizeof target, "%s/boxlite/small/rt", root);
	snprintf(path, sizeof path, "%s/boxlite/small/b2", root);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(bx_observe(fs, p, NULL, &st, &e), -1);
	ck_assert_msg(strstr(e->msg, "b2"), "%s", e->msg);
	bx_error_free(e);
	unlink(path);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

START_TEST(long_files_read_whole)
{
	seed();
	/* a cpuset list longer than one read */
	bx_buf b = {0};
	for (int i = 0; i < 6000; i += 2)
		bx_buf_printf(&b, "%s%d", i ? "," : "", i);
	char *list = bx_buf_take(&b);
	ck_assert_uint_gt(strlen(list), 8192);
	put_file("boxlite/small/b1/cpuset.cpus", list);
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "cpuset.cpus", NULL, "0", 7);
	fx_box(p, "b1", "small", 20);
	bx_cgfs *fs = open_root();
	bx_state *st = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_observe(fs, p, NULL, &st, &e) == 0, "%s", e ? e->msg : "?");
	ck_assert_str_eq(bx_state_file(st, "boxlite/small/b1", "cpuset.cpus"), list);
	free(list);
	bx_state_free(st);
	bx_cgfs_close(fs);
	bx_policy_free(p);
}
END_TEST

Suite *suite_plan_observe(void);
Suite *suite_plan_observe(void)
{
	Suite *s = suite_create("plan_observe");
	TCase *t = tcase_create("observe");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, observes_what_the_policy_manages);
	tcase_add_test(t, a_missing_slice_reads_nothing_below);
	tcase_add_test(t, static_mark_read_from_the_xattr);
	tcase_add_test(t, snapshot_answers_like_the_host);
	tcase_add_test(t, snapshot_of_another_root_is_refused);
	tcase_add_test(t, observe_again_sees_changes);
	tcase_add_test(t, scoped_observation_reads_one_box);
	tcase_add_test(t, hostile_directory_roots);
	tcase_add_test(t, long_files_read_whole);
	suite_add_tcase(s, t);
	return s;
}
