/* Observation answered by the live cgroupfs (bx_cgfs): bx_observe,
 * bx_observe_again, bx_observe_tree.
 *
 * A cgroup is opened once (bx_cgfs_open_dir: resolved beneath the base
 * without following symlinks) and its interface files are read relative
 * to that directory: openat(O_NOFOLLOW) of a validated name, one read.
 * So a no-op plan costs about what reading the same files costs. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "plan/managed.h"
#include "plan/observe_src.h"

/* The mark the applier puts on a static box's directory. */
#define BX_STATIC_XATTR "user.boxcg.static"

static const char *show(const char *cg) { return *cg ? cg : "(base)"; }

/* Handles are directory fds, stored as 2 * (fd + 1) + borrowed, so that
 * 0 is none; a borrowed one belongs to the session's directory cache
 * (bx_cgfs_dir_get: observing under the applier's lock). */
static int fd_of(void *h) { return (int)((intptr_t)h >> 1) - 1; }

static int live_open(void *ctx, const char *cg, void **h, bx_error **err)
{
	int fd = -1;
	bool borrowed = false;
	bx_error *e = NULL;
	*h = NULL;
	if (bx_cgfs_dir_get(ctx, cg, &fd, &borrowed, &e) < 0) {
		if (e && e->errnum == ENOENT) {
			bx_error_free(e);
			return 0;
		}
		*err = e;
		return -1;
	}
	*h = (void *)(((intptr_t)fd + 1) * 2 + borrowed);
	return 1;
}

static void live_close(void *ctx, void *h)
{
	if (h)
		bx_cgfs_dir_put(ctx, fd_of(h), (intptr_t)h & 1);
}

/* A file that does not exist (its controller is not enabled) reads as
 * NULL; directory mode answers registry defaults for missing files.
 * With `keep` (in a session), the file is opened O_RDWR and kept for the
 * write that follows (bx_cgfs_keep_file); a file that may not be opened
 * for writing is read as usual, and the write opens it. */
static int read_file(bx_cgfs *fs, void *h, const char *cg, const char *file, char **raw,
		     unsigned char *form, bool keep, bx_error **err)
{
	*raw = NULL;
	unsigned char dummy;
	if (!form)
		form = &dummy;
	*form = BX_FORM_UNKNOWN;
	if (!bx_cgfile_valid(file))
		return bx_err(err, EINVAL, "read %s/%s: unsafe interface file name", show(cg), file);
	keep = keep && fs->cache;
	/* Directory mode: O_NONBLOCK, and pread refuses what is not a plain
	 * file (bx_not_plain), so a planted FIFO cannot hang or feed a read
	 * (as bx_cgfs_read). */
	int flags = O_NOFOLLOW | O_CLOEXEC | (fs->dirmode ? O_NONBLOCK : 0);
	int fd = keep ? openat(fd_of(h), file, O_RDWR | flags) : -1;
	if (fd < 0) {
		keep = false;
		fd = openat(fd_of(h), file, O_RDONLY | flags);
	}
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT && !fs->dirmode)
			return 0;
		if (e == ENOENT) { /* the registry default; the directory is open */
			*raw = bx_dirmode_default(file);
			*form = BX_FORM_ABSENT;
			if (*raw || errno == ENOENT)
				return 0;
			return bx_err(err, errno, "read %s/%s", show(cg), file);
		}
		return bx_err(err, e, "read %s/%s", show(cg), file);
	}
	/* interface files fit a page, so one read mostly; kernfs and plain
	 * files alike: a short read is the end */
	size_t got = 0;
	int r = bx_pread_all(fd, true, raw, &got);
	int e = errno;
	if (r == 0 && keep)
		bx_cgfs_keep_file(fs, cg, file, fd);
	else
		close(fd);
	if (r < 0 && fs->dirmode && bx_not_plain(e))
		return bx_err(err, EINVAL, "read %s/%s: not a plain file", show(cg), file);
	if (r < 0)
		return bx_err(err, e, "read %s/%s", show(cg), file);
	size_t n = strlen(*raw);
	/* directory mode: the bytes are known when no NUL hid any */
	bool whole = got == n;
	bool nl = n && (*raw)[n - 1] == '\n';
	if (nl)
		(*raw)[n - 1] = '\0';
	if (fs->dirmode && whole)
		*form = nl ? BX_FORM_NL : BX_FORM_BARE;
	return 0;
}

static int live_read(void *ctx, void *h, const char *cg, const char *file, char **raw,
		     unsigned char *form, bx_error **err)
{
	return read_file(ctx, h, cg, file, raw, form, false, err);
}

static int live_read_kept(void *ctx, void *h, const char *cg, const char *file, char **raw,
			  unsigned char *form, bx_error **err)
{
	return read_file(ctx, h, cg, file, raw, form, true, err);
}

static int live_children(void *ctx, void *h, const char *cg, char ***names, size_t *n,
			 bx_error **err)
{
	(void)h;
	return bx_cgfs_children(ctx, cg, names, n, err);
}

static int live_controllers(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err)
{
	bx_cgfs *fs = ctx;
	if (fs->dirmode)
		return bx_cgfs_controllers(ctx, cg, bits, err); /* the emulation's answer */
	/* the kernel's file, read beneath the open directory */
	char *raw = NULL;
	if (live_read(ctx, h, cg, "cgroup.controllers", &raw, NULL, err) < 0)
		return -1;
	if (!raw)
		return bx_err(err, ENOENT, "read %s/cgroup.controllers", show(cg));
	*bits = bx_ctrl_parse_list(raw);
	free(raw);
	return 0;
}

static int live_subtree(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err)
{
	char *raw = NULL;
	if (live_read(ctx, h, cg, "cgroup.subtree_control", &raw, NULL, err) < 0)
		return -1;
	*bits = bx_ctrl_parse_list(raw);
	free(raw);
	return 0;
}

static int live_populated(void *ctx, void *h, const char *cg, bool *populated, bx_error **err)
{
	char *raw = NULL;
	if (live_read(ctx, h, cg, "cgroup.events", &raw, NULL, err) < 0)
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

static int live_static(void *ctx, void *h, const char *cg, bool *marked, bx_error **err)
{
	ssize_t r = fgetxattr(fd_of(h), BX_STATIC_XATTR, NULL, 0);
	*marked = r >= 0;
	if (r >= 0 || errno == ENODATA || errno == ENOTSUP)
		return 0;
	bx_cgfs *fs = ctx;
	return bx_err(err, errno, "read the %s mark of %s/%s", BX_STATIC_XATTR, fs->base_path, cg);
}

static int live_managed(void *ctx, void *h, const char *cg, char **text, bool *unsupported,
			bx_error **err)
{
	*text = NULL;
	*unsupported = false;
	char small[1024];
	ssize_t n = fgetxattr(fd_of(h), BX_MANAGED_XATTR, small, sizeof small);
	char *big = NULL;
	if (n < 0 && errno == ERANGE) {
		/* a long record: ask for its size */
		ssize_t want = fgetxattr(fd_of(h), BX_MANAGED_XATTR, NULL, 0);
		if (want >= 0 && want <= BX_MANAGED_MAX && (big = malloc((size_t)want + 1)))
			n = fgetxattr(fd_of(h), BX_MANAGED_XATTR, big, (size_t)want);
		else if (want > BX_MANAGED_MAX)
			errno = E2BIG;
		else if (want >= 0)
			errno = ENOMEM;
		else
			n = want;
	}
	if (n < 0) {
		int e = errno;
		free(big);
		if (e == ENODATA)
			return 0;
		if (e == ENOTSUP) {
			*unsupported = true;
			return 0;
		}
		bx_cgfs *fs = ctx;
		return bx_err(err, e, "read the %s record of %s/%s", BX_MANAGED_XATTR, fs->base_path, cg);
	}
	char *buf = big ? big : small;
	*text = strndup(buf, (size_t)n);
	free(big);
	return *text ? 0 : bx_err(err, ENOMEM, "observe");
}

void bx_obs_live_src(bx_cgfs *fs, bx_obs_src *src)
{
	*src = (bx_obs_src){
		.ctx = fs,
		.open = live_open,
		.close = live_close,
		.read = live_read,
		.read_kept = live_read_kept,
		.children = live_children,
		.controllers = live_controllers,
		.subtree = live_subtree,
		.populated = live_populated,
		.static_mark = live_static,
		.managed = live_managed,
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
	bx_obs_live_src(fs, &src);
	return bx_observe_with(&src, p, scope, out, err);
}

int bx_observe_again(bx_cgfs *fs, const bx_state *then, bx_state **out, bx_error **err)
{
	bx_obs_src src;
	bx_obs_live_src(fs, &src);
	return bx_observe_again_with(&src, then, out, err);
}

int bx_observe_tree(bx_cgfs *fs, const char *tree, bx_state **out, bx_error **err)
{
	bx_obs_src src;
	bx_obs_live_src(fs, &src);
	return bx_observe_tree_with(&src, tree, out, err);
}
