/* box/: the lifecycle on directory roots: create (one transaction), find,
 * attach, delete (refusal, --kill), list, run. */
#include "test_box_fixture.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "box/box.h"

Suite *suite_box_life(void);

static bx_box_create_opts create_opts(bxf *f)
{
	bx_box_create_opts o = { .apply = { .state_dir = f->state } };
	return o;
}

static void create_ok(bxf *f, const char *cls, const char *id)
{
	bx_box_create_opts o = create_opts(f);
	bx_box_create_result r;
	bx_error *e = NULL;
	int rc = bx_box_create(f->fs, f->p, cls, id, &o, &r, &e);
	ck_assert_msg(rc == 0, "create %s: %s", id, e ? e->msg : "?");
	bx_apply_result_free(&r.apply);
}

START_TEST(create_makes_the_box_with_its_class_limits)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	bx_box_create_opts o = create_opts(&f);
	bx_box_create_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_create(f.fs, f.p, "small", "b1", &o, &r, &e), 0);
	ck_assert(!r.existed);
	ck_assert_uint_eq(r.created, 3); /* boxlite, boxlite/small, the box */
	bx_apply_result_free(&r.apply);
	char *pids = bxf_get(&f, "boxlite/small/b1/pids.max");
	char *mem = bxf_get(&f, "boxlite/small/b1/memory.max");
	char *stc = bxf_get(&f, "boxlite/small/cgroup.subtree_control");
	ck_assert_str_eq(pids, "16\n");
	ck_assert_str_eq(mem, "67108864\n");
	ck_assert_str_eq(stc, "memory pids\n");
	free(pids), free(mem), free(stc);
	/* Only this box: the static box of another class is not created. */
	ck_assert(!bxf_exists(&f, "boxlite/big"));
	/* A second box reuses the slice: just itself. */
	ck_assert_int_eq(bx_box_create(f.fs, f.p, "small", "b2", &o, &r, &e), 0);
	ck_assert_uint_eq(r.created, 1);
	bx_apply_result_free(&r.apply);
	bxf_close(&f);
}
END_TEST

START_TEST(create_refuses_taken_ids_bad_ids_and_unknown_classes)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	create_ok(&f, "small", "b1");
	bx_box_create_opts o = create_opts(&f);
	bx_box_create_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_create(f.fs, f.p, "small", "b1", &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, EEXIST);
	ck_assert_str_eq(e->msg, "box b1 already exists in class small");
	bx_error_free(e), e = NULL;
	/* Ids are unique across classes, exist_ok or not. */
	o.exist_ok = true;
	ck_assert_int_eq(bx_box_create(f.fs, f.p, "big", "b1", &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, EEXIST);
	ck_assert_ptr_nonnull(strstr(e->msg, "in class small"));
	bx_error_free(e), e = NULL;
	/* exist_ok in its own class: nothing to do. */
	ck_assert_int_eq(bx_box_create(f.fs, f.p, "small", "b1", &o, &r, &e), 0);
	ck_assert(r.existed);
	ck_assert_uint_eq(r.created, 0);

	const char *bad[] = { "", ".", "..", "../x", "a/b", "-x", "a.b", "a b",
			      "x1234567890123456789012345678901234567890123456789012345678901234" };
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		ck_assert_int_eq(bx_box_create(f.fs, f.p, "small", bad[i], &o, &r, &e), -1);
		ck_assert_msg(e->errnum == EINVAL, "id \"%s\": %s", bad[i], e->msg);
		bx_error_free(e), e = NULL;
	}
	ck_assert_int_eq(bx_box_create(f.fs, f.p, "huge", "b9", &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	ck_assert_str_eq(e->msg, "the policy has no class \"huge\"");
	bx_error_free(e);
	ck_assert(!bxf_exists(&f, "boxlite/small/b9"));
	bxf_close(&f);
}
END_TEST

/* A failure midway is rolled back: not even the ancestors remain. */
START_TEST(create_failure_leaves_nothing)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	bool done = false;
	for (long at = 1; at <= 64 && !done; at++) {
		bx_box_create_opts o = create_opts(&f);
		o.apply.fault_at = at;
		o.apply.fault_errno = EIO;
		bx_box_create_result r;
		bx_error *e = NULL;
		int rc = bx_box_create(f.fs, f.p, "small", "b1", &o, &r, &e);
		if (rc == 0) { /* fewer mutations than `at`: it just worked */
			bx_apply_result_free(&r.apply);
			done = true;
			break;
		}
		ck_assert_msg(r.apply.failed || r.apply.phase != BX_PHASE_STEP, "fault %ld: %s", at, e->msg);
		ck_assert_msg(!r.apply.rollback_failed, "fault %ld: rollback failed", at);
		ck_assert_ptr_nonnull(strstr(e->msg, "create box b1 of class small"));
		bx_error_free(e);
		bx_apply_result_free(&r.apply);
		ck_assert_msg(!bxf_exists(&f, "boxlite"), "fault %ld left boxlite behind", at);
	}
	ck_assert(done);
	ck_assert(bxf_exists(&f, "boxlite/small/b1/pids.max"));
	bxf_close(&f);
}
END_TEST

START_TEST(find_looks_under_every_class)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	create_ok(&f, "big", "b1");
	const bx_class *c = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_find(f.fs, f.p, "b1", &c, &e), 0);
	ck_assert_str_eq(c->name, "big");
	ck_assert_int_eq(bx_box_find(f.fs, f.p, "nope", &c, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_box_locate(f.fs, f.p, "small", "b1", &c, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_box_locate(f.fs, f.p, "big", "b1", &c, &e), 0);
	ck_assert_str_eq(c->name, "big");
	/* Someone made the same id in another class by hand: ambiguous. */
	bxf_put(&f, "boxlite/small/b1/cgroup.procs", "");
	ck_assert_int_eq(bx_box_find(f.fs, f.p, "b1", &c, &e), -1);
	ck_assert_int_eq(e->errnum, EEXIST);
	ck_assert_str_eq(e->msg, "box b1 exists in class small and in class big: name the class with --class");
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_box_locate(f.fs, f.p, "small", "b1", &c, &e), 0);
	ck_assert_str_eq(c->name, "small");
	ck_assert_int_eq(bx_box_find(f.fs, f.p, "../b1", &c, &e), -1);
	ck_assert_int_eq(e->errnum, EINVAL);
	bx_error_free(e);
	bxf_close(&f);
}
END_TEST

START_TEST(delete_refuses_a_populated_box)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	create_ok(&f, "small", "b1");
	bxf_put(&f, "boxlite/small/b1/cgroup.procs", "123\n456\n");
	bxf_put(&f, "boxlite/small/b1/sub/cgroup.procs", "789\n");
	size_t n = 0;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_nprocs(f.fs, "boxlite/small/b1", &n, &e), 0);
	ck_assert_uint_eq(n, 3);
	bx_box_delete_opts o = { .timeout_ms = 1000 };
	bx_box_delete_result r;
	ck_assert_int_eq(bx_box_delete(f.fs, "boxlite/small/b1", &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, EBUSY);
	ck_assert_str_eq(e->msg, "box boxlite/small/b1 is populated: 3 processes in it; stop them, or "
				 "delete with --kill");
	bx_error_free(e), e = NULL;
	ck_assert(bxf_exists(&f, "boxlite/small/b1/sub"));
	/* One process: singular. */
	bxf_put(&f, "boxlite/small/b1/cgroup.procs", "");
	bxf_put(&f, "boxlite/small/b1/sub/cgroup.procs", "789\n");
	ck_assert_int_eq(bx_box_delete(f.fs, "boxlite/small/b1", &o, &r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e->msg, ": 1 process in it; stop it,"));
	bx_error_free(e), e = NULL;
	/* Empty again: deleted, the cgroup below it first. */
	bxf_put(&f, "boxlite/small/b1/sub/cgroup.procs", "");
	ck_assert_int_eq(bx_box_delete(f.fs, "boxlite/small/b1", &o, &r, &e), 0);
	ck_assert_uint_eq(r.removed, 2);
	ck_assert_uint_eq(r.nprocs, 0);
	ck_assert(!bxf_exists(&f, "boxlite/small/b1"));
	ck_assert(bxf_exists(&f, "boxlite/small")); /* the slice stays */
	ck_assert_int_eq(bx_box_delete(f.fs, "boxlite/small/b1", &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e);
	bxf_close(&f);
}
END_TEST

/* Directory mode's --kill empties cgroup.procs like cgroup.kill would,
 * and never signals the pids a plain file lists. */
START_TEST(delete_kill_in_directory_mode_signals_nobody)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	create_ok(&f, "small", "b1");
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	char line[32];
	snprintf(line, sizeof line, "%d\n", (int)child);
	bxf_put(&f, "boxlite/small/b1/cgroup.procs", line);
	bxf_put(&f, "boxlite/small/b1/sub/cgroup.procs", line);
	bx_box_delete_opts o = { .kill = true, .timeout_ms = 1000 };
	bx_box_delete_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_delete(f.fs, "boxlite/small/b1", &o, &r, &e), 0);
	ck_assert_uint_eq(r.nprocs, 2);
	ck_assert(!r.used_signals);
	ck_assert_uint_eq(r.removed, 2);
	ck_assert(!bxf_exists(&f, "boxlite/small/b1"));
	ck_assert_int_eq(waitpid(child, NULL, WNOHANG), 0); /* still alive */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	bxf_close(&f);
}
END_TEST

START_TEST(attach_writes_the_pid)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	create_ok(&f, "small", "b1");
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_attach(f.fs, "boxlite/small/b1", 4242, &e), 0);
	ck_assert_int_eq(bx_box_attach(f.fs, "boxlite/small/b1", 77, &e), 0);
	char *procs = bxf_get(&f, "boxlite/small/b1/cgroup.procs");
	ck_assert_str_eq(procs, "4242\n77\n");
	free(procs);
	ck_assert_int_eq(bx_box_attach(f.fs, "boxlite/small/b1", 0, &e), -1);
	ck_assert_int_eq(e->errnum, EINVAL);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_box_attach(f.fs, "boxlite/small/b1", -5, &e), -1);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_box_attach(f.fs, "boxlite/small/nope", 10, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	ck_assert_ptr_nonnull(strstr(e->msg, "attach pid 10"));
	bx_error_free(e);
	bxf_close(&f);
}
END_TEST

START_TEST(list_reports_usage_and_dashes)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	bx_box_list l;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_list_read(f.fs, f.p, &l, &e), 0); /* no slices yet */
	ck_assert_uint_eq(l.n, 0);
	bx_box_list_free(&l);
	create_ok(&f, "small", "zeta");
	create_ok(&f, "small", "alpha");
	create_ok(&f, "big", "b1");
	bxf_put(&f, "boxlite/small/zeta/pids.current", "3\n");
	bxf_put(&f, "boxlite/small/zeta/memory.current", "1048576\n");
	bxf_put(&f, "boxlite/small/zeta/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
	bxf_put(&f, "boxlite/small/zeta/memory.events", "low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\noom_group_kill 0\n");
	bxf_put(&f, "boxlite/small/zeta/cgroup.procs", "11\n12\n");
	bxf_put(&f, "boxlite/small/alpha/pids.current", "junk\n");
	bxf_put(&f, "boxlite/small/not-a-box", "a plain file is not a box\n");
	bxf_put(&f, "boxlite/small/bad.name/cgroup.procs", "");
	ck_assert_int_eq(bx_box_list_read(f.fs, f.p, &l, &e), 0);
	ck_assert_uint_eq(l.n, 3);
	/* Class order (small, big), then ids sorted. */
	ck_assert_str_eq(l.v[0].id, "alpha");
	ck_assert_str_eq(l.v[1].id, "zeta");
	ck_assert_str_eq(l.v[2].id, "b1");
	ck_assert_str_eq(l.v[2].class_name, "big");
	ck_assert_str_eq(l.v[1].cgroup, "boxlite/small/zeta");
	ck_assert_int_eq(l.v[1].pids_current, 3);
	ck_assert_int_eq(l.v[1].memory_current, 1048576);
	ck_assert_int_eq(l.v[1].cpu_usage_usec, 1500);
	ck_assert_int_eq(l.v[1].oom_kills, 1);
	ck_assert_int_eq(l.v[1].nprocs, 2);
	ck_assert_int_eq(l.v[0].pids_current, -1); /* junk reads as missing */
	ck_assert_int_eq(l.v[0].memory_current, -1);
	ck_assert_int_eq(l.v[0].cpu_usage_usec, -1);
	ck_assert_int_eq(l.v[0].oom_kills, -1);
	ck_assert_int_eq(l.v[0].nprocs, 0);
	bx_box_list_free(&l);
	bxf_close(&f);
}
END_TEST

/* Directory mode runs the command forked and joined; once it is reaped,
 * its join line leaves cgroup.procs (lines others wrote stay). */
START_TEST(run_in_directory_mode)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	create_ok(&f, "small", "b1");
	bxf_put(&f, "boxlite/small/b1/cgroup.procs", "99\n");
	char *seen = bx_sprintf("%s/seen", f.dir);
	char *procs = bx_sprintf("%s/boxlite/small/b1/cgroup.procs", f.root);
	char *argv[] = { "sh", "-c", "cat \"$1\" > \"$2\"; exit 4", "sh", procs, seen, NULL };
	bx_box_spawn_opts o = { .argv = argv };
	bx_spawn_result res;
	int code;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_box_run(f.fs, "boxlite/small/b1", &o, &code, &res, &e), 0);
	ck_assert_int_eq(code, 4);
	ck_assert_int_eq(res.method, BX_SPAWN_FORK_JOIN);
	FILE *fp = fopen(seen, "r");
	char buf[64] = "";
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, fp) ? fp : NULL);
	ck_assert_str_eq(buf, "99\n");
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, fp));
	ck_assert_str_eq(buf, "0\n");
	fclose(fp);
	char *after = bxf_get(&f, "boxlite/small/b1/cgroup.procs");
	ck_assert_str_eq(after, "99\n");
	free(after);

	/* Not found: no child at all (127 for the CLI). */
	char *nf[] = { "bx-no-such-command", NULL };
	o.argv = nf;
	ck_assert_int_eq(bx_box_run(f.fs, "boxlite/small/b1", &o, &code, &res, &e), -1);
	ck_assert_int_eq(res.stage, BX_SPAWN_FAILED_EXEC);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e), e = NULL;
	/* Found but not executable: the child joined, failed, was reaped,
	 * and its line is gone again. */
	char *ne[] = { procs, NULL };
	o.argv = ne;
	ck_assert_int_eq(bx_box_run(f.fs, "boxlite/small/b1", &o, &code, &res, &e), -1);
	ck_assert_int_eq(res.stage, BX_SPAWN_FAILED_EXEC);
	ck_assert_int_eq(e->errnum, EACCES);
	bx_error_free(e), e = NULL;
	after = bxf_get(&f, "boxlite/small/b1/cgroup.procs");
	ck_assert_str_eq(after, "99\n");
	free(after);
	/* A box that is not there. */
	o.argv = argv;
	ck_assert_int_eq(bx_box_run(f.fs, "boxlite/small/gone", &o, &code, &res, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e);
	free(seen), free(procs);
	bxf_close(&f);
}
END_TEST

START_TEST(paths_and_ids)
{
	bxf f;
	bxf_open(&f, "version: 1\nroot: a/b\nclasses:\n  c1:\n    box: { pids: { max: 5 } }\n");
	char *p = bx_box_path(f.p, "c1", "x");
	ck_assert_str_eq(p, "a/b/c1/x");
	free(p);
	ck_assert(bx_box_id_valid("a"));
	ck_assert(bx_box_id_valid("A_b-9"));
	ck_assert(!bx_box_id_valid(NULL));
	ck_assert(!bx_box_id_valid("_a"));
	create_ok(&f, "c1", "x");
	ck_assert(bxf_exists(&f, "a/b/c1/x/pids.max"));
	bxf_close(&f);
}
END_TEST

Suite *suite_box_life(void)
{
	Suite *s = suite_create("box_life");
	TCase *tc = tcase_create("life");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, create_makes_the_box_with_its_class_limits);
	tcase_add_test(tc, create_refuses_taken_ids_bad_ids_and_unknown_classes);
	tcase_add_test(tc, create_failure_leaves_nothing);
	tcase_add_test(tc, find_looks_under_every_class);
	tcase_add_test(tc, delete_refuses_a_populated_box);
	tcase_add_test(tc, delete_kill_in_directory_mode_signals_nobody);
	tcase_add_test(tc, attach_writes_the_pid);
	tcase_add_test(tc, list_reports_usage_and_dashes);
	tcase_add_test(tc, run_in_directory_mode);
	tcase_add_test(tc, paths_and_ids);
	suite_add_tcase(s, tc);
	return s;
}
