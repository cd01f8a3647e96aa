/* box delete: refuse a populated box, or kill what runs in it, wait for
 * it to empty, and remove it. */
#include <errno.h>
#include <fcntl.h>
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
		if (bx_cgfs_write(fs, cg, "cgroup.kill", "1", &e) == 0)
			return bx_events_wait_empty(efd, timeout_ms, err) < 0
				       ? bx_err_wrap(err, "kill box %s: wait for it to empty", cg)
				       : 0;
		if (e->errnum != ENOENT)
			return bx_box_pass(err, e);
		bx_error_free(e);
	}
	/* Before Linux 5.14 there is no cgroup.kill. */
	*used_signals = true;
	kill_ctx k = { fs, cg };
	if (bx_kill_by_signal(kill_round, &k, efd, timeout_ms, err) < 0)
		return bx_err_wrap(err, "kill box %s", cg);
	return 0;
}

int bx_box_delete(bx_cgfs *fs, const char *cg, const bx_box_delete_opts *o,
		  bx_box_delete_result *res, bx_error **err)
{
	*res = (bx_box_delete_result){0};
	int ex = bx_cgfs_exists(fs, cg, err);
	if (ex <= 0)
		return ex < 0 ? -1 : bx_box_err(err, ENOENT, "no box at %s", cg);
	if (bx_box_nprocs(fs, cg, &res->nprocs, err) < 0)
		return -1;
	if (res->nprocs && !o->kill)
		return bx_box_err(err, EBUSY,
			      "box %s is populated: %zu %s in it; stop %s, or delete with --kill", cg,
			      res->nprocs, res->nprocs == 1 ? "process" : "processes",
			      res->nprocs == 1 ? "it" : "them");
	if (o->kill &&
	    bx_box_kill(fs, cg, o->timeout_ms, o->no_cgroup_kill, &res->used_signals, err) < 0)
		return -1;
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
