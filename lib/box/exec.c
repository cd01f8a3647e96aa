/* Running a command in a box: the join's descriptor, the spawn, the wait
 * with signal forwarding, and directory mode's bookkeeping. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box/box.h"
#include "box/procs.h"
#include "box/wait.h"
#include "core/util.h"

int bx_join_prepare(bx_cgfs *fs, const char *cg, bx_join *j, bx_error **err)
{
	*j = (bx_join)BX_JOIN_INIT;
	int flags = O_WRONLY | O_CLOEXEC | (fs->dirmode ? O_APPEND : 0);
	int fd;
	if (bx_cgfs_open_file(fs, cg, "cgroup.procs", flags, &fd, err) < 0)
		return bx_err_wrap(err, "prepare to join box %s", cg);
	bx_join_init(j, fd);
	return 0;
}

/* Drop the first "0" line of a directory-mode cgroup.procs. */
static int drop_join_line(bx_cgfs *fs, const char *cg, bx_error **err)
{
	cleanup_free char *text = NULL;
	if (bx_cgfs_read(fs, cg, "cgroup.procs", &text, err) < 0)
		return -1;
	bx_buf b = {0};
	bool dropped = false;
	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");
		if (!dropped && n == 1 && s[0] == '0')
			dropped = true;
		else if (n) {
			bx_buf_add(&b, s, n);
			bx_buf_puts(&b, "\n");
		}
		s += n + (s[n] == '\n');
	}
	cleanup_free char *kept = bx_buf_take(&b);
	if (!kept)
		return bx_err(err, ENOMEM, "update %s/cgroup.procs", cg);
	if (!dropped)
		return 0;
	cleanup_close int fd = -1;
	if (bx_cgfs_open_file(fs, cg, "cgroup.procs", O_WRONLY | O_NONBLOCK, &fd, err) < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1)
		return bx_err(err, EINVAL, "update %s/cgroup.procs: not a plain file of its own", cg);
	size_t len = strlen(kept);
	if (ftruncate(fd, 0) < 0)
		return bx_err(err, errno, "update %s/cgroup.procs", cg);
	ssize_t w = write(fd, kept, len);
	if (w < 0)
		return bx_err(err, errno, "update %s/cgroup.procs", cg);
	if ((size_t)w != len)
		return bx_err(err, EIO, "update %s/cgroup.procs: short write", cg);
	return bx_dirmode_events_sync(fs, cg, err);
}

/* PATH as the command's environment has it. */
static const char *env_path(char *const *envp)
{
	if (!envp)
		return getenv("PATH");
	for (char *const *e = envp; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			return *e + 5;
	return NULL;
}

int bx_box_spawn(bx_cgfs *fs, const char *cg, const bx_box_spawn_opts *o, bx_spawn_result *res,
		 bx_error **err)
{
	*res = (bx_spawn_result){ .stage = BX_SPAWN_FAILED_SPAWN };
	if (!o->argv || !o->argv[0])
		return bx_err(err, EINVAL, "no command to run");
	cleanup_free char *path = NULL;
	if (bx_exec_resolve(o->argv[0], env_path(o->envp), &path, err) < 0) {
		res->stage = BX_SPAWN_FAILED_EXEC;
		return -1;
	}
	/* Directory mode has no cgroup to clone into: fork and join. */
	cleanup_close int dfd = -1;
	if (!fs->dirmode && !o->no_clone3 && bx_cgfs_open_dir(fs, cg, &dfd, err) < 0)
		return bx_err_wrap(err, "run in box %s", cg);
	bx_join j;
	if (bx_join_prepare(fs, cg, &j, err) < 0)
		return -1;
	bx_spawn_req req = {
		.path = path,
		.argv = o->argv,
		.envp = o->envp,
		.cgroup_fd = dfd,
		.join = &j,
		.child_mask = o->child_mask,
		.no_clone3 = o->no_clone3,
	};
	int r = bx_spawn(&req, res, err);
	bx_join_close(&j);
	/* the join wrote its line itself: the emulated events follow it (the
	 * command runs either way: bookkeeping of the emulation only) */
	if (r == 0 && fs->dirmode) {
		bx_error *e = NULL;
		bx_dirmode_events_sync(fs, cg, &e);
		bx_error_free(e);
	}
	if (r < 0 && res->stage != BX_SPAWN_FAILED_EXEC)
		bx_err_wrap(err, "run in box %s", cg);
	/* A child that joined and then failed to exec has been reaped:
	 * directory mode forgets its line as for any other exit. */
	if (r < 0 && res->stage == BX_SPAWN_FAILED_EXEC && fs->dirmode &&
	    res->method == BX_SPAWN_FORK_JOIN) {
		bx_error *e = NULL;
		if (drop_join_line(fs, cg, &e) < 0)
			bx_err_also(err, e);
	}
	return r;
}

int bx_box_reaped(bx_cgfs *fs, const char *cg, const bx_spawn_result *res, bx_error **err)
{
	if (!fs->dirmode || res->method != BX_SPAWN_FORK_JOIN || !res->pid)
		return 0;
	return drop_join_line(fs, cg, err);
}

int bx_box_run(bx_cgfs *fs, const char *cg, const bx_box_spawn_opts *o, int *exit_code,
	       bx_spawn_result *res, bx_error **err)
{
	*exit_code = -1;
	sigset_t fwd, old;
	bx_forward_sigset(&fwd);
	int e = pthread_sigmask(SIG_BLOCK, &fwd, &old);
	if (e)
		return bx_err(err, e, "block signals");
	bx_box_spawn_opts so = *o;
	if (!so.child_mask)
		so.child_mask = &old;
	int r = bx_box_spawn(fs, cg, &so, res, err);
	if (r == 0) {
		int st;
		r = bx_wait_forward(res->pid, &fwd, &st, err);
		if (r == 0) {
			*exit_code = bx_exit_code(st);
			r = bx_box_reaped(fs, cg, res, err);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}
