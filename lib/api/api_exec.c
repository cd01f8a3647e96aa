/* Running processes in a box through the public API: spawn, exec (run and
 * wait), and the fork/exec join. */
#include <errno.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "box/spawn.h"
#include "core/util.h"

int boxcg_box_spawn(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, char *const argv[], char *const envp[], pid_t *pid,
		    boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (!pid || !argv || !argv[0])
		return bx_api_fail(err, (bx_err(&e, EINVAL, "spawn: no %s", !pid ? "pid" : "command"), e));
	*pid = 0;
	cleanup_free char *cg = NULL;
	bx_box_spawn_opts o = { .argv = argv, .envp = envp };
	bx_spawn_result res;
	if (bx_api_box_cgroup(t, p, class_name, id, &cg, &e) < 0 ||
	    bx_box_spawn(t->fs, cg, &o, &res, &e) < 0)
		return bx_api_fail(err, e);
	*pid = res.pid;
	return 0;
}

int boxcg_box_exec(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		   const char *id, char *const argv[], char *const envp[], int *exit_status,
		   boxcg_error **err)
{
	bx_error *e = NULL;
	int dummy;
	if (!exit_status)
		exit_status = &dummy;
	*exit_status = -1;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (!argv || !argv[0])
		return bx_api_fail(err, (bx_err(&e, EINVAL, "exec: no command"), e));
	bx_box_create_opts co = { .exist_ok = true };
	co.apply.state_dir = t->state_dir;
	co.apply.keep = &t->keep;
	co.frame = &t->frame;
	bx_box_create_result cres;
	int r = bx_box_create(t->fs, p->p, class_name, id, &co, &cres, &e);
	bx_apply_result_free(&cres.apply);
	if (r < 0)
		return bx_api_fail(err, e);
	cleanup_free char *cg = bx_box_path(p->p, class_name, id);
	if (!cg)
		return bx_api_fail(err, (bx_err(&e, ENOMEM, "exec"), e));
	bx_box_spawn_opts o = { .argv = argv, .envp = envp };
	bx_spawn_result res;
	if (bx_box_run(t->fs, cg, &o, exit_status, &res, &e) < 0) {
		if (res.stage == BX_SPAWN_FAILED_EXEC)
			*exit_status = bx_exec_failure_status(e ? e->errnum : ENOENT);
		return bx_api_fail(err, e);
	}
	return 0;
}

int boxcg_join_prepare(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		       const char *id, boxcg_join **out, boxcg_error **err)
{
	bx_error *e = NULL;
	if (!out)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "join: out is NULL"), e));
	*out = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	cleanup_free char *cg = NULL;
	boxcg_join *j = calloc(1, sizeof *j);
	if (!j)
		return bx_api_fail(err, (bx_err(&e, ENOMEM, "join"), e));
	if (bx_api_box_cgroup(t, p, class_name, id, &cg, &e) < 0 ||
	    bx_join_prepare(t->fs, cg, &j->j, &e) < 0) {
		free(j);
		return bx_api_fail(err, e);
	}
	*out = j;
	return 0;
}

/* Async-signal-safe: one write(2) of pre-formatted bytes. */
int boxcg_join_child(const boxcg_join *j)
{
	if (!j) {
		errno = EINVAL;
		return -1;
	}
	return bx_join_child(&j->j);
}

int boxcg_join_fd(const boxcg_join *j) { return j ? j->j.fd : -1; }

void boxcg_join_free(boxcg_join *j)
{
	if (!j)
		return;
	bx_join_close(&j->j);
	free(j);
}
