/* box delete: refuse a populated box, or kill what runs in it, wait for
 * it to empty, and remove it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "box/box.h"
#include "box/box_int.h"
#include "box/procs.h"
#include "core/util.h"

typedef struct cg_list {
	char **v;
	size_t n, cap;
} cg_list;

static void cg_list_free(cg_list *l)
{
	bx_strv_free(l->v, l->n);
	*l = (cg_list){0};
}

/* The cgroups of the subtree at cg, deepest first, cg itself last. */
static int subtree(bx_cgfs *fs, const char *cg, cg_list *out, bx_error **err)
{
	char **kids;
	size_t nk;
	if (bx_cgfs_children(fs, cg, &kids, &nk, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < nk && r == 0; i++) {
		cleanup_free char *sub = bx_sprintf("%s/%s", cg, kids[i]);
		if (!sub)
			r = bx_err(err, ENOMEM, "list %s", cg);
		else if (bx_cgpath_valid(sub))
			r = subtree(fs, sub, out, err);
	}
	bx_strv_free(kids, nk);
	if (r < 0)
		return -1;
	char *self = strdup(cg);
	if (!self || bx_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v) < 0) {
		free(self);
		return bx_err(err, ENOMEM, "list %s", cg);
	}
	out->v[out->n++] = self;
	return 0;
}

typedef struct kill_ctx {
	bx_cgfs *fs;
	const char *cg;
} kill_ctx;

/* SIGKILL every pid listed in the subtree's cgroup.procs files. */
static int kill_round(void *vctx, size_t *listed, bx_error **err)
{
	kill_ctx *k = vctx;
	*listed = 0;
	cg_list l = {0};
	if (subtree(k->fs, k->cg, &l, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < l.n && r == 0; i++) {
		int fd;
		bx_error *e = NULL;
		if (bx_cgfs_open_file(k->fs, l.v[i], "cgroup.procs", O_RDONLY, &fd, &e) < 0) {
			/* A cgroup removed meanwhile holds nothing. */
			if (e->errnum == ENOENT) {
				bx_error_free(e);
				continue;
			}
			r = bx_box_pass(err, e);
			break;
		}
		size_t n = 0;
		r = bx_procs_kill_listed(fd, &n, err);
		close(fd);
		*listed += n;
	}
	cg_list_free(&l);
	return r;
}

/* Every pid listed in the subtree's cgroup.procs files (a cgroup removed
 * meanwhile lists none). */
static int subtree_pids(bx_cgfs *fs, const char *cg, pid_t **pids, size_t *n, bx_error **err)
{
	*pids = NULL;
	*n = 0;
	cg_list l = {0};
	if (subtree(fs, cg, &l, err) < 0)
		return -1;
	size_t cap = 0;
	int r = 0;
	for (size_t i = 0; i < l.n && r == 0; i++) {
		cleanup_free char *text = NULL;
		bx_error *e = NULL;
		if (bx_cgfs_read(fs, l.v[i], "cgroup.procs", &text, &e) < 0) {
			if (e->errnum == ENOENT) {
				bx_error_free(e);
				continue;
			}
			r = bx_box_pass(err, e);
			break;
		}
		cleanup_free pid_t *some = NULL;
		size_t m;
		if ((r = bx_procs_parse(text, &some, &m, err)) < 0)
			break;
		if (m && bx_grow(pids, &cap, *n + m, sizeof **pids) < 0) {
			r = bx_err(err, ENOMEM, "list the processes of %s", cg);
			break;
		}
		if (m)
			memcpy(*pids + *n, some, m * sizeof *some);
		*n += m;
	}
	cg_list_free(&l);
	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
	}
	return r;
}

/* A kill that timed out (`timeout_e`, ETIMEDOUT, taken over): report
 * instead what is still in the box (pids, names, states), so a process
 * stuck in the kernel can be told from one that escaped the kill.
 * Returns -1. */
static int report_remaining(bx_cgfs *fs, const char *cg, int timeout_ms, bx_error *timeout_e,
			    bx_error **err)
{
	if (!err || *err) {
		bx_error_free(timeout_e);
		return -1;
	}
	char after[32];
	if (timeout_ms % 1000 == 0)
		snprintf(after, sizeof after, "%ds", timeout_ms / 1000);
	else
		snprintf(after, sizeof after, "%d ms", timeout_ms);
	pid_t *pids = NULL;
	size_t n = 0;
	bx_error *e = NULL;
	if (subtree_pids(fs, cg, &pids, &n, &e) < 0) {
		/* Keep the timeout; say why the list is missing. */
		*err = timeout_e;
		bx_err_wrap(err, "kill box %s", cg);
		bx_err_also(err, e);
		return -1;
	}
	bx_error_free(timeout_e);
	if (n == 0) {
		bx_err_said(err, ETIMEDOUT,
			   "kill box %s: still populated after %s (SIGKILL sent; its last processes "
			   "were still exiting); the box is kept",
			   cg, after);
		return -1;
	}
	bx_buf b = {0};
	bool stuck = bx_procs_describe(pids, n, 8, &b);
	free(pids);
	cleanup_free char *list = bx_buf_take(&b);
	bx_err_said(err, ETIMEDOUT,
		   "kill box %s: %zu %s still in it after %s (SIGKILL sent): %s%s; the box is kept", cg,
		   n, n == 1 ? "process" : "processes", after, list ? list : "?",
		   stuck ? " (state D: uninterruptible sleep, in I/O most often; SIGKILL takes "
			   "effect when it returns)"
			 : "");
	return -1;
}

int bx_box_kill(bx_cgfs *fs, const char *cg, int timeout_ms, bool no_cgroup_kill,
		bool *used_signals, bx_error **err)
{
	*used_signals = false;
	/* Directory mode: cgroupfs empties the subtree's cgroup.procs. Its
	 * lines are plain text, never processes to signal. */
	if (fs->dirmode)
		return bx_cgfs_write(fs, cg, "cgroup.kill", "1", err);
	cleanup_close int efd = -1;
	if (bx_cgfs_open_file(fs, cg, "cgroup.events", O_RDONLY, &efd, err) < 0)
		return -1;
	bx_error *e = NULL;
	if (!no_cgroup_kill) {
		if (bx_cgfs_write(fs, cg, "cgroup.kill", "1", &e) == 0) {
			if (bx_events_wait_empty(efd, timeout_ms, &e) == 0)
				return 0;
			if (e->errnum == ETIMEDOUT)
				return report_remaining(fs, cg, timeout_ms, e, err);
			bx_box_pass(err, e);
			return bx_err_wrap(err, "kill box %s: wait for it to empty", cg);
		}
		if (e->errnum != ENOENT)
			return bx_box_pass(err, e);
		bx_error_free(e);
	}
	/* Before Linux 5.14 there is no cgroup.kill. */
	*used_signals = true;
	kill_ctx k = { fs, cg };
	if (bx_kill_by_signal(kill_round, &k, efd, timeout_ms, &e) == 0)
		return 0;
	if (e->errnum == ETIMEDOUT)
		return report_remaining(fs, cg, timeout_ms, e, err);
	bx_box_pass(err, e);
	return bx_err_wrap(err, "kill box %s", cg);
}

int bx_box_delete(bx_cgfs *fs, const char *cg, const bx_box_delete_opts *o,
		  bx_box_delete_result *res, bx_error **err)
{
	*res = (bx_box_delete_result){0};
	int ex = bx_cgfs_exists(fs, cg, err);
	if (ex <= 0)
		return ex < 0 ? -1 : bx_err_said(err, ENOENT, "no box at %s", cg);
	if (bx_box_nprocs(fs, cg, &res->nprocs, err) < 0)
		return -1;
	if (res->nprocs && !o->kill)
		return bx_err_said(err, EBUSY,
			      "box %s is populated: %zu %s in it; stop %s, or delete with --kill", cg,
			      res->nprocs, res->nprocs == 1 ? "process" : "processes",
			      res->nprocs == 1 ? "it" : "them");
	if (o->kill &&
	    bx_box_kill(fs, cg, o->timeout_ms, o->no_cgroup_kill, &res->used_signals, err) < 0)
		return -1;
	bx_box_final_read(fs, cg, &res->final);
	cg_list l = {0};
	if (subtree(fs, cg, &l, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < l.n && r == 0; i++) {
		r = bx_cgfs_rmdir(fs, l.v[i], err);
		if (r == 0)
			res->removed++;
	}
	cg_list_free(&l);
	return r;
}
