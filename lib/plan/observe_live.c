/* Observation answered by the live cgroupfs (bx_cgfs): bx_observe,
 * bx_observe_again, bx_observe_tree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "core/util.h"
#include "plan/observe_src.h"

/* The mark the applier puts on a static box's directory. */
#define BX_STATIC_XATTR "user.boxcg.static"

static int live_exists(void *ctx, const char *cg, bx_error **err)
{
	return bx_cgfs_exists(ctx, cg, err);
}

/* A file that does not exist (its controller is not enabled) reads as
 * NULL; directory mode answers registry defaults itself. */
static int live_read(void *ctx, const char *cg, const char *file, char **raw, bx_error **err)
{
	bx_error *e = NULL;
	*raw = NULL;
	if (bx_cgfs_read(ctx, cg, file, raw, &e) == 0)
		return 0;
	if (e && e->errnum == ENOENT) {
		bx_error_free(e);
		*raw = NULL;
		return 0;
	}
	*err = e;
	return -1;
}

static int live_children(void *ctx, const char *cg, char ***names, size_t *n, bx_error **err)
{
	return bx_cgfs_children(ctx, cg, names, n, err);
}

static int live_controllers(void *ctx, const char *cg, unsigned *bits, bx_error **err)
{
	return bx_cgfs_controllers(ctx, cg, bits, err);
}

static int live_subtree(void *ctx, const char *cg, unsigned *bits, bx_error **err)
{
	char *raw = NULL;
	if (live_read(ctx, cg, "cgroup.subtree_control", &raw, err) < 0)
		return -1;
	*bits = bx_ctrl_parse_list(raw);
	free(raw);
	return 0;
}

static int live_populated(void *ctx, const char *cg, bool *populated, bx_error **err)
{
	char *raw = NULL;
	if (live_read(ctx, cg, "cgroup.events", &raw, err) < 0)
		return -1;
	*populated = false;
	for (const char *l = raw; l && *l;) {
		if (strncmp(l, "populated ", 10) == 0)
			*populated = l[10] == '1';
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	free(raw);
	return 0;
}

static int live_static(void *ctx, const char *cg, bool *marked, bx_error **err)
{
	int fd = -1;
	if (bx_cgfs_open_dir(ctx, cg, &fd, err) < 0)
		return -1;
	ssize_t r = fgetxattr(fd, BX_STATIC_XATTR, NULL, 0);
	int e = errno;
	close(fd);
	if (r >= 0) {
		*marked = true;
		return 0;
	}
	*marked = false;
	if (e == ENODATA || e == ENOTSUP)
		return 0;
	bx_cgfs *fs = ctx;
	return bx_err(err, e, "read the %s mark of %s/%s", BX_STATIC_XATTR, fs->base_path, cg);
}

static void live_src(bx_cgfs *fs, bx_obs_src *src)
{
	*src = (bx_obs_src){
		.ctx = fs,
		.exists = live_exists,
		.read = live_read,
		.children = live_children,
		.controllers = live_controllers,
		.subtree = live_subtree,
		.populated = live_populated,
		.static_mark = live_static,
		.base_path = fs->base_path,
		.dirmode = fs->dirmode,
		.hybrid = fs->hybrid,
		.v1_bound = fs->v1_bound,
		.facts = fs->facts,
	};
}

int bx_observe(bx_cgfs *fs, const bx_policy *p, const bx_scope *scope, bx_state **out,
	       bx_error **err)
{
	bx_obs_src src;
	live_src(fs, &src);
	return bx_observe_with(&src, p, scope, out, err);
}

int bx_observe_again(bx_cgfs *fs, const bx_state *then, bx_state **out, bx_error **err)
{
	bx_obs_src src;
	live_src(fs, &src);
	return bx_observe_again_with(&src, then, out, err);
}

int bx_observe_tree(bx_cgfs *fs, const char *tree, bx_state **out, bx_error **err)
{
	bx_obs_src src;
	live_src(fs, &src);
	return bx_observe_tree_with(&src, tree, out, err);
}
