/* The public API (boxcg.h) on directory roots: handle lifecycles, errors as
 * values, diagnostics and plan accessors, boxes and the fork/exec join. */
#include "test_box_fixture.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "boxcg.h"

Suite *suite_api(void);

typedef struct api {
	bxf f;           /* only the directories; the API opens its own */
	boxcg_target *t;
	boxcg_policy *p;
} api;

static void api_open(api *a, const char *yaml)
{
	bxf_open(&a->f, NULL);
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_target_open(a->f.root, a->f.state, &a->t, &err), 0);
	a->p = NULL;
	if (yaml) {
		int rc = boxcg_policy_load_buffer(a->t, "p.yaml", yaml, strlen(yaml), &a->p, NULL, &err);
		ck_assert_msg(rc == 0, "load: %s", err ? boxcg_error_message(err) : "?");
	}
}

static void api_close(api *a)
{
	boxcg_policy_free(a->p);
	boxcg_target_close(a->t);
	bxf_close(&a->f);
}

START_TEST(target_lifecycle_and_errors)
{
	api a;
	api_open(&a, NULL);
	ck_assert(boxcg_target_is_directory(a.t));
	ck_assert_str_eq(boxcg_target_base(a.t), a.f.root);
	/* A missing root: an error value with errno and a message. */
	boxcg_error *err = NULL;
	boxcg_target *t2 = (boxcg_target *)&a; /* must be reset to NULL */
	char *missing = bx_sprintf("%s/missing", a.f.dir);
	ck_assert_int_eq(boxcg_target_open(missing, NULL, &t2, &err), -1);
	ck_assert_ptr_null(t2);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	ck_assert_ptr_nonnull(strstr(boxcg_error_message(err), missing));
	/* The first error is kept: a second failure does not replace it. */
	ck_assert_int_eq(boxcg_target_open(missing, NULL, &t2, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	boxcg_error_free(err);
	/* err NULL: failures are still reported by the return value. */
	ck_assert_int_eq(boxcg_target_open(missing, NULL, &t2, NULL), -1);
	ck_assert_int_eq(boxcg_target_open(a.f.root, NULL, NULL, NULL), -1);
	/* NULL is fine for every free/close, and accessors of NULL are neutral. */
	boxcg_error_free(NULL);
	boxcg_target_close(NULL);
	boxcg_policy_free(NULL);
	boxcg_plan_free(NULL);
	boxcg_diagnostics_free(NULL);
	boxcg_box_list_free(NULL);
	boxcg_join_free(NULL);
	ck_assert_ptr_null(boxcg_error_message(NULL));
	ck_assert_int_eq(boxcg_error_errno(NULL), 0);
	ck_assert_uint_eq(boxcg_diagnostics_count(NULL), 0);
	ck_assert_ptr_null(boxcg_diagnostics_at(NULL, 0));
	ck_assert_int_eq(boxcg_join_fd(NULL), -1);
	errno = 0;
	ck_assert_int_eq(boxcg_join_child(NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(boxcg_version(), BOXCG_VERSION);
	free(missing);
	api_close(&a);
}
END_TEST

START_TEST(policy_diagnostics_are_iterable)
{
	api a;
	api_open(&a, NULL);
	const char *bad = "version: 1\n"
			  "classes:\n"
			  "  small:\n"
			  "    box:\n"
			  "      memory: { max: 1GiB, high: 2GiB }\n"
			  "      pids: { maxx: 3 }\n";
	boxcg_policy *p = (boxcg_policy *)&a;
	boxcg_diagnostics *d = NULL;
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_policy_load_buffer(a.t, "bad.yaml", bad, strlen(bad), &p, &d, &err), -1);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(boxcg_error_errno(err), 0);
	ck_assert_str_eq(boxcg_error_message(err), "the policy has 2 errors");
	boxcg_error_free(err), err = NULL;
	ck_assert_uint_eq(boxcg_diagnostics_count(d), 2);
	ck_assert_uint_eq(boxcg_diagnostics_errors(d), 2);
	/* Sorted by line: memory (line 5) before pids (line 6). */
	const boxcg_diagnostic *g0 = boxcg_diagnostics_at(d, 0), *g1 = boxcg_diagnostics_at(d, 1);
	ck_assert_ptr_null(boxcg_diagnostics_at(d, 2));
	ck_assert_int_eq(boxcg_diagnostic_severity(g0), BOXCG_SEVERITY_ERROR);
	ck_assert_str_eq(boxcg_diagnostic_file(g0), "bad.yaml");
	ck_assert_uint_eq(boxcg_diagnostic_line(g0), 5);
	ck_assert_uint_gt(boxcg_diagnostic_column(g0), 0);
	ck_assert_str_eq(boxcg_diagnostic_path(g0), "classes.small.box.memory.high");
	ck_assert_ptr_nonnull(strstr(boxcg_diagnostic_message(g0), "memory.high"));
	ck_assert_uint_eq(boxcg_diagnostic_line(g1), 6);
	ck_assert_ptr_nonnull(strstr(boxcg_diagnostic_path(g1), "pids"));
	char *want = bx_sprintf("bad.yaml:5:%u: error: %s [classes.small.box.memory.high]",
				boxcg_diagnostic_column(g0), boxcg_diagnostic_message(g0));
	ck_assert_str_eq(boxcg_diagnostic_text(g0), want);
	free(want);
	boxcg_diagnostics_free(d);

	/* More problems than are kept: the first 10,000 listed, every error counted. */
	bx_buf many = {0};
	bx_buf_puts(&many, "version: 1\nclasses: { a: {} }\nboxes: [");
	for (int i = 0; i < 10004; i++)
		bx_buf_puts(&many, "1, ");
	bx_buf_puts(&many, "1]\n");
	char *text = bx_buf_take(&many);
	ck_assert_int_eq(boxcg_policy_load_buffer(a.t, "many.yaml", text, strlen(text), &p, &d, &err), -1);
	ck_assert_str_eq(boxcg_error_message(err), "the policy has 10005 errors");
	boxcg_error_free(err), err = NULL;
	ck_assert_uint_eq(boxcg_diagnostics_count(d), 10000);
	ck_assert_uint_eq(boxcg_diagnostics_errors(d), 10005);
	ck_assert_ptr_nonnull(boxcg_diagnostics_at(d, 9999));
	ck_assert_ptr_null(boxcg_diagnostics_at(d, 10000));
	boxcg_diagnostics_free(d);
	free(text);

	/* A valid policy: its classes in declaration order. */
	const char *good = "version: 1\nroot: rt\nclasses:\n  b: { box: { pids: { max: 2 } } }\n"
			   "  a: { box: { pids: { max: 3 } } }\n";
	ck_assert_int_eq(boxcg_policy_load_buffer(a.t, "good.yaml", good, strlen(good), &p, &d, &err), 0);
	ck_assert_uint_eq(boxcg_diagnostics_count(d), 0);
	boxcg_diagnostics_free(d);
	ck_assert_str_eq(boxcg_policy_root(p), "rt");
	ck_assert_uint_eq(boxcg_policy_class_count(p), 2);
	ck_assert_str_eq(boxcg_policy_class_name(p, 0), "b");
	ck_assert_str_eq(boxcg_policy_class_name(p, 1), "a");
	ck_assert_ptr_null(boxcg_policy_class_name(p, 2));
	boxcg_policy_free(p);

	/* From files; a missing file is a diagnostic, not a crash. No target:
	 * this machine's facts. */
	char *file = bx_sprintf("%s/p.yaml", a.f.dir);
	FILE *fp = fopen(file, "w");
	fputs(good, fp);
	fclose(fp);
	const char *paths[] = { file };
	ck_assert_int_eq(boxcg_policy_load(NULL, paths, 1, &p, NULL, &err), 0);
	boxcg_policy_free(p);
	const char *none[] = { "/nonexistent/boxcg.yaml" };
	ck_assert_int_eq(boxcg_policy_load(a.t, none, 1, &p, &d, &err), -1);
	ck_assert_uint_ge(boxcg_diagnostics_errors(d), 1);
	boxcg_diagnostics_free(d);
	boxcg_error_free(err), err = NULL;
	ck_assert_int_eq(boxcg_policy_load(a.t, paths, 0, &p, NULL, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EINVAL);
	boxcg_error_free(err);
	free(file);
	api_close(&a);
}
END_TEST

START_TEST(plan_apply_and_stale_plans)
{
	api a;
	api_open(&a, BXF_POLICY);
	boxcg_plan *plan = NULL;
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_plan_compute(a.t, a.p, 0, &plan, &err), 0);
	ck_assert_uint_gt(boxcg_plan_count(plan), 0);
	/* boxlite, its two class slices, the static box keeper. */
	ck_assert_uint_eq(boxcg_plan_to_create(plan), 4);
	ck_assert_uint_eq(boxcg_plan_to_remove(plan), 0);
	bool saw_keeper_pids = false;
	for (size_t i = 0; i < boxcg_plan_count(plan); i++) {
		const boxcg_step *s = boxcg_plan_step(plan, i);
		if (boxcg_step_op(s) == BOXCG_OP_WRITE && strcmp(boxcg_step_cgroup(s), "boxlite/big/keeper") == 0 &&
		    strcmp(boxcg_step_file(s), "pids.max") == 0) {
			saw_keeper_pids = true;
			ck_assert_str_eq(boxcg_step_new(s), "100");
			ck_assert_ptr_null(boxcg_step_old(s)); /* a new cgroup */
			ck_assert_str_eq(boxcg_step_location_file(s), "p.yaml");
			ck_assert_uint_eq(boxcg_step_location_line(s), 9);
			ck_assert_uint_gt(boxcg_step_location_column(s), 0);
			ck_assert_str_eq(boxcg_step_path(s), "classes.big.box.pids.max");
			ck_assert_ptr_null(boxcg_step_warning(s));
		}
	}
	ck_assert(saw_keeper_pids);
	ck_assert_ptr_null(boxcg_plan_step(plan, boxcg_plan_count(plan)));
	const char *text = boxcg_plan_text(plan);
	ck_assert_ptr_nonnull(strstr(text, "Plan: 4 to create"));

	/* Someone changes the tree in between: the plan is stale. */
	bxf_put(&a.f, "boxlite/cgroup.subtree_control", "");
	boxcg_apply_status st = BOXCG_APPLY_OK;
	ck_assert_int_eq(boxcg_apply(a.t, plan, &st, &err), -1);
	ck_assert_int_eq(st, BOXCG_APPLY_NOT_STARTED);
	ck_assert_int_eq(boxcg_error_errno(err), ESTALE);
	boxcg_error_free(err), err = NULL;
	boxcg_plan_free(plan);

	ck_assert_int_eq(boxcg_plan_compute(a.t, a.p, 0, &plan, &err), 0);
	ck_assert_int_eq(boxcg_apply(a.t, plan, &st, &err), 0);
	ck_assert_int_eq(st, BOXCG_APPLY_OK);
	boxcg_plan_free(plan);
	ck_assert(bxf_exists(&a.f, "boxlite/big/keeper/pids.max"));
	/* Converged: an empty plan applies as a no-op. */
	ck_assert_int_eq(boxcg_plan_compute(a.t, a.p, 0, &plan, &err), 0);
	ck_assert_uint_eq(boxcg_plan_count(plan), 0);
	ck_assert_int_eq(boxcg_apply(a.t, plan, NULL, &err), 0);
	boxcg_plan_free(plan);
	ck_assert_int_eq(boxcg_plan_compute(a.t, a.p, 0x80, &plan, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EINVAL);
	boxcg_error_free(err);
	api_close(&a);
}
END_TEST

START_TEST(boxes_through_the_api)
{
	api a;
	api_open(&a, BXF_POLICY);
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_box_create(a.t, a.p, "small", "b1", 0, &err), 0);
	ck_assert_int_eq(boxcg_box_create(a.t, a.p, "small", "b1", 0, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EEXIST);
	boxcg_error_free(err), err = NULL;
	ck_assert_int_eq(boxcg_box_create(a.t, a.p, "small", "b1", BOXCG_CREATE_EXIST_OK, &err), 0);
	ck_assert_int_eq(boxcg_box_create(a.t, a.p, "small", "b1", 0x10, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EINVAL);
	boxcg_error_free(err), err = NULL;
	ck_assert_int_eq(boxcg_box_create(a.t, NULL, "small", "b1", 0, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EINVAL);
	boxcg_error_free(err), err = NULL;

	char buf[4096];
	ck_assert_int_eq(boxcg_box_path(a.t, a.p, "small", "b1", buf, sizeof buf, &err), 0);
	char *want = bx_sprintf("%s/boxlite/small/b1", a.f.root);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(boxcg_box_path(a.t, a.p, "small", "b1", buf, strlen(want), &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), ERANGE);
	boxcg_error_free(err), err = NULL;
	free(want);

	ck_assert_int_eq(boxcg_box_attach(a.t, a.p, NULL, "b1", 4242, &err), 0);
	boxcg_box_list *l = NULL;
	ck_assert_int_eq(boxcg_box_list_read(a.t, a.p, &l, &err), 0);
	ck_assert_uint_eq(boxcg_box_list_count(l), 1);
	const boxcg_box *b = boxcg_box_list_at(l, 0);
	ck_assert_str_eq(boxcg_box_id(b), "b1");
	ck_assert_str_eq(boxcg_box_class(b), "small");
	ck_assert_str_eq(boxcg_box_cgroup(b), "boxlite/small/b1");
	ck_assert_int_eq(boxcg_box_pids_current(b), -1);
	ck_assert_int_eq(boxcg_box_memory_current(b), -1);
	ck_assert_int_eq(boxcg_box_cpu_usage_usec(b), -1);
	ck_assert_int_eq(boxcg_box_oom_kills(b), -1);
	ck_assert_ptr_null(boxcg_box_list_at(l, 1));
	boxcg_box_list_free(l);

	/* Populated (the attached pid): refused, then --kill. */
	ck_assert_int_eq(boxcg_box_delete(a.t, a.p, NULL, "b1", 0, 1000, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EBUSY);
	ck_assert_ptr_nonnull(strstr(boxcg_error_message(err), "1 process"));
	boxcg_error_free(err), err = NULL;
	ck_assert_int_eq(boxcg_box_delete(a.t, a.p, NULL, "b1", BOXCG_DELETE_KILL, 1000, &err), 0);
	ck_assert(!bxf_exists(&a.f, "boxlite/small/b1"));
	ck_assert_int_eq(boxcg_box_delete(a.t, a.p, NULL, "b1", 0, 1000, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	boxcg_error_free(err);
	api_close(&a);
}
END_TEST

START_TEST(exec_and_spawn_through_the_api)
{
	api a;
	api_open(&a, BXF_POLICY);
	boxcg_error *err = NULL;
	char *argv[] = { "sh", "-c", "exit 9", NULL };
	int status = 0;
	/* exec creates the box when needed. */
	ck_assert_int_eq(boxcg_box_exec(a.t, a.p, "small", "e1", argv, NULL, &status, &err), 0);
	ck_assert_int_eq(status, 9);
	ck_assert(bxf_exists(&a.f, "boxlite/small/e1"));
	char *envp[] = { "PATH=/nonexistent", NULL };
	char *argv2[] = { "sh", "-c", "exit 0", NULL };
	ck_assert_int_eq(boxcg_box_exec(a.t, a.p, "small", "e1", argv2, envp, &status, &err), -1);
	ck_assert_int_eq(status, 127);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	boxcg_error_free(err), err = NULL;

	/* spawn: the caller waits. */
	pid_t pid = 0;
	char *argv3[] = { "sh", "-c", "exit 3", NULL };
	ck_assert_int_eq(boxcg_box_spawn(a.t, a.p, NULL, "e1", argv3, NULL, &pid, &err), 0);
	ck_assert_int_gt(pid, 0);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	ck_assert_int_eq(boxcg_box_spawn(a.t, a.p, NULL, "nope", argv3, NULL, &pid, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	ck_assert_int_eq(pid, 0);
	boxcg_error_free(err);
	api_close(&a);
}
END_TEST

/* The runtime's own fork: prepare, fork, join in the child, exec. */
START_TEST(join_prepare_fork_child)
{
	api a;
	api_open(&a, BXF_POLICY);
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_box_create(a.t, a.p, "big", "j1", 0, &err), 0);
	boxcg_join *j = NULL;
	ck_assert_int_eq(boxcg_join_prepare(a.t, a.p, "big", "j1", &j, &err), 0);
	int fd = boxcg_join_fd(j);
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (boxcg_join_child(j) < 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
		_exit(127);
	}
	boxcg_join_free(j);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char *procs = bxf_get(&a.f, "boxlite/big/j1/cgroup.procs");
	ck_assert_str_eq(procs, "0\n");
	free(procs);
	ck_assert_int_eq(boxcg_join_prepare(a.t, a.p, NULL, "missing", &j, &err), -1);
	ck_assert_ptr_null(j);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	boxcg_error_free(err);
	api_close(&a);
}
END_TEST

/* Distinct handles in distinct threads at the same time: each thread opens
 * its own target and policy, runs a command in its own box (the wait uses
 * no SIGCHLD, which the main thread would take), and deletes the box. */
typedef struct worker {
	const char *root, *state;
	int n, status, rc;
	char msg[256];
} worker;

static void *work(void *arg)
{
	worker *w = arg;
	boxcg_error *err = NULL;
	boxcg_target *t = NULL;
	boxcg_policy *p = NULL;
	char id[16], code[32];
	snprintf(id, sizeof id, "w%d", w->n);
	snprintf(code, sizeof code, "exit %d", 20 + w->n);
	char *argv[] = { "sh", "-c", code, NULL };
	w->rc = -1;
	if (boxcg_target_open(w->root, w->state, &t, &err) == 0 &&
	    boxcg_policy_load_buffer(t, "p.yaml", BXF_POLICY, strlen(BXF_POLICY), &p, NULL, &err) == 0 &&
	    boxcg_box_exec(t, p, "small", id, argv, NULL, &w->status, &err) == 0 &&
	    boxcg_box_delete(t, p, NULL, id, 0, 5000, &err) == 0)
		w->rc = 0;
	if (err)
		snprintf(w->msg, sizeof w->msg, "%s", boxcg_error_message(err));
	boxcg_error_free(err);
	boxcg_policy_free(p);
	boxcg_target_close(t);
	return NULL;
}

START_TEST(threads_with_distinct_handles)
{
	api a;
	api_open(&a, NULL);
	enum { N = 4 };
	worker w[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		w[i] = (worker){ .root = a.f.root, .state = a.f.state, .n = i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_msg(w[i].rc == 0, "worker %d: %s", i, w[i].msg);
		ck_assert_int_eq(w[i].status, 20 + i);
	}
	ck_assert(!bxf_exists(&a.f, "boxlite/small/w0"));
	ck_assert(bxf_exists(&a.f, "boxlite/small"));
	api_close(&a);
}
END_TEST

Suite *suite_api(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, target_lifecycle_and_errors);
	tcase_add_test(tc, policy_diagnostics_are_iterable);
	tcase_add_test(tc, plan_apply_and_stale_plans);
	tcase_add_test(tc, boxes_through_the_api);
	tcase_add_test(tc, exec_and_spawn_through_the_api);
	tcase_add_test(tc, join_prepare_fork_child);
	tcase_add_test(tc, threads_with_distinct_handles);
	suite_add_tcase(s, tc);
	return s;
}
