/* The directory cache of a session (cgfs.h, bx_cgfs_cache_begin): the
 * O_PATH descriptors of the last directories that files were opened in,
 * so that "boxlite/web/w1/memory.max" costs a lookup of "memory.max" in
 * w1's descriptor instead of a walk of four names from the base; the
 * kernel time of an apply is mostly those walks.
 *
 * A directory missing from the cache is opened beneath its parent's
 * descriptor (itself from the cache, down from the base), one validated
 * name at a time with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, as every
 * uncached access is: a symlink anywhere is refused as before.
 *
 * What a held descriptor adds is time: a directory moved out of the base
 * while cached would take the session's writes with it. cgroupfs never
 * moves a cgroup to another parent (rename across parents is refused), so
 * on cgroup2 every directory is cached. In directory mode one is cached
 * only when nobody else can move it or any directory above it up to the
 * base: each of them owned by us (or root) and writable by nobody else
 * (no group or other write bit; an ACL granting write shows in the group
 * bits). Any other directory is opened for the one access and closed, as
 * without the cache. rmdir and mkdir through bx_cgfs drop the entries of
 * the cgroup and everything below it. */
#include "cgroupfs/cgfs_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOTS 32
#define KEPT_FILES 8

typedef struct kept_file {
	char *cg;       /* NULL: empty */
	char file[64];
	int fd;
} kept_file;

typedef struct slot {
	char *path;     /* NULL: empty */
	size_t len;
	uint32_t hash;
	int fd;
	bool guarded;   /* nobody else can move it or what is above it */
	bool closed;    /* and nobody else can move what is in it */
	bool keep;      /* parked when the session ends (bx_cgfs_cache_park) */
	bool fresh;     /* made by bx_cgfs_mkdir in this session (adopt) */
} slot;

struct bx_cgfs_dircache {
	unsigned depth;   /* nested begin calls */
	unsigned next;    /* the slot to reuse next (round robin) */
	bool base_closed; /* nobody else can move what is in the base */
	bool path_only;   /* a directory could not be read: some fds are O_PATH */
	uid_t euid;       /* ours when the cache was made: closed_to_others */
	slot v[SLOTS];
	kept_file kf[KEPT_FILES]; /* bx_cgfs_keep_file: this session only */
};

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void drop(slot *e)
{
	if (e->path) {
		close(e->fd);
		free(e->path);
	}
	*e = (slot){ .fd = -1 };
}

/* Can nobody but us (and root) rename entries of directory fd? Always on
 * cgroupfs, which never moves a cgroup to another parent. */
static bool closed_to_others(const bx_cgfs *fs, uid_t euid, int fd)
{
	if (!fs->dirmode)
		return true;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	return (st.st_uid == euid || st.st_uid == 0) && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

static void drop_file(kept_file *k)
{
	if (k->cg) {
		close(k->fd);
		free(k->cg);
	}
	k->cg = NULL;
	k->fd = -1;
}

static void drop_files(struct bx_cgfs_dircache *c)
{
	for (size_t i = 0; c && i < KEPT_FILES; i++)
		drop_file(&c->kf[i]);
}

static void drop_all(struct bx_cgfs_dircache *c)
{
	for (size_t i = 0; c && i < SLOTS; i++)
		drop(&c->v[i]);
	drop_files(c);
}

static void cache_free(struct bx_cgfs_dircache *c)
{
	drop_all(c);
	free(c);
}

int bx_cgfs_cache_resume(bx_cgfs *fs, bool revive)
{
	if (!fs->cache && fs->parked && revive) {
		fs->cache = fs->parked;
		fs->parked = NULL;
	}
	cache_free(fs->parked);
	fs->parked = NULL;
	if (!fs->cache) {
		fs->cache = calloc(1, sizeof *fs->cache);
		if (!fs->cache) {
			errno = ENOMEM;
			return -1;
		}
		for (size_t i = 0; i < SLOTS; i++)
			fs->cache->v[i].fd = -1;
		for (size_t i = 0; i < KEPT_FILES; i++)
			fs->cache->kf[i].fd = -1;
		fs->cache->euid = geteuid();
		fs->cache->base_closed = closed_to_others(fs, fs->cache->euid, fs->base_fd);
	}
	fs->cache->depth++;
	return 0;
}

int bx_cgfs_cache_begin(bx_cgfs *fs)
{
	return bx_cgfs_cache_resume(fs, false);
}

void bx_cgfs_cache_park(bx_cgfs *fs, const char *const *cgs, size_t n)
{
	if (!fs->cache)
		return;
	for (size_t i = 0; i < SLOTS; i++) {
		slot *e = &fs->cache->v[i];
		for (size_t k = 0; e->path && k < n && !e->keep; k++)
			e->keep = strcmp(e->path, cgs[k]) == 0;
	}
}

void bx_cgfs_cache_end(bx_cgfs *fs)
{
	struct bx_cgfs_dircache *c = fs->cache;
	if (!c || --c->depth > 0)
		return;
	fs->cache = NULL;
	drop_files(c); /* never parked */
	bool kept = false;
	for (size_t i = 0; i < SLOTS; i++) {
		slot *e = &c->v[i];
		if (e->path && e->keep && !c->path_only) {
			e->keep = false; /* the next session parks again */
			e->fresh = false;
			kept = true;
		} else {
			drop(e);
		}
	}
	c->path_only = false;
	if (kept) {
		cache_free(fs->parked);
		fs->parked = c;
	} else {
		free(c);
	}
}

void bx_cgfs_cache_flush(bx_cgfs *fs)
{
	drop_all(fs->cache);
}

void bx_cgfs_cache_free(bx_cgfs *fs)
{
	if (fs->cache)
		fs->cache->depth = 1;
	bx_cgfs_cache_end(fs);
	cache_free(fs->parked);
	fs->parked = NULL;
}

static slot *lookup(struct bx_cgfs_dircache *c, const char *dir, size_t len, uint32_t h)
{
	for (size_t i = 0; i < SLOTS; i++) {
		slot *e = &c->v[i];
		if (e->path && e->hash == h && e->len == len && memcmp(e->path, dir, len) == 0)
			return e;
	}
	return NULL;
}

static slot *insert(struct bx_cgfs_dircache *c, const char *dir, size_t len, int fd)
{
	char *key = strndup(dir, len);
	if (!key)
		return NULL;
	slot *e = &c->v[c->next];
	c->next = (c->next + 1) % SLOTS;
	drop(e);
	*e = (slot){ .path = key, .len = len, .hash = hash(dir, len), .fd = fd };
	return e;
}

int bx_dircache_get(bx_cgfs *fs, const char *dir, size_t len, bool *borrowed)
{
	struct bx_cgfs_dircache *c = fs->cache;
	/* The deepest of dir and its ancestors that is cached. */
	size_t have = len;
	slot *e;
	for (;;) {
		e = lookup(c, dir, have, hash(dir, have));
		if (e || !have)
			break;
		while (have && dir[have - 1] != '/')
			have--;
		if (have)
			have--; /* the '/' */
	}
	*borrowed = true;
	if (e && have == len)
		return e->fd;
	/* Down from there (or the base) one name at a time, as every
	 * uncached access resolves. */
	int cur = e ? e->fd : fs->base_fd;
	bool guarded = e ? e->guarded && e->closed : c->base_closed;
	for (size_t pos = e ? have + 1 : 0; pos < len;) {
		size_t end = pos;
		while (end < len && dir[end] != '/')
			end++;
		char comp[NAME_MAX + 1];
		if (end - pos >= sizeof comp) {
			if (!*borrowed)
				close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, dir + pos, end - pos);
		comp[end - pos] = '\0';
		/* O_RDONLY, so that a borrower can also read its xattrs
		 * (bx_cgfs_dir_get); O_PATH where it may not be read. */
		int fd = bx_cgfs_resolve_at(fs, cur, comp, O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0 && errno == EACCES) {
			fd = bx_cgfs_resolve_at(fs, cur, comp, O_PATH | O_DIRECTORY, 0);
			c->path_only = true;
		}
		int err = errno;
		if (!*borrowed)
			close(cur);
		if (fd < 0) {
			errno = err;
			return -1;
		}
		slot *n = guarded ? insert(c, dir, end, fd) : NULL;
		if (n) {
			n->guarded = true;
			n->closed = closed_to_others(fs, c->euid, fd);
			guarded = n->closed;
		} else {
			guarded = false; /* others could move it: not kept */
		}
		*borrowed = n != NULL;
		cur = fd;
		pos = end + 1;
	}
	return cur;
}

bool bx_dircache_owns(const bx_cgfs *fs, int fd)
{
	if (!fs->cache)
		return false;
	for (size_t i = 0; i < SLOTS; i++)
		if (fs->cache->v[i].path && fs->cache->v[i].fd == fd)
			return true;
	return false;
}

void bx_dircache_adopt(bx_cgfs *fs, const char *cg, int pfd, const char *name)
{
	struct bx_cgfs_dircache *c = fs->cache;
	if (!c || c->path_only)
		return;
	bool parent_closed = pfd == fs->base_fd ? c->base_closed : false;
	for (size_t i = 0; i < SLOTS && pfd != fs->base_fd; i++)
		if (c->v[i].path && c->v[i].fd == pfd)
			parent_closed = c->v[i].guarded && c->v[i].closed;
	if (!parent_closed)
		return;
	int fd = bx_cgfs_resolve_at(fs, pfd, name, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return;
	/* not in the parent's slot: its descriptor is still the caller's */
	if (c->v[c->next].path && c->v[c->next].fd == pfd)
		c->next = (c->next + 1) % SLOTS;
	slot *n = insert(c, cg, strlen(cg), fd);
	if (!n) {
		close(fd);
		return;
	}
	/* No fstat: mkdir made it ours with mode 0755 (a umask only clears
	 * bits), in a parent nobody else can change. */
	n->guarded = n->closed = n->fresh = true;
}

bool bx_dircache_fresh(const bx_cgfs *fs, const char *cg)
{
	const struct bx_cgfs_dircache *c = fs->cache;
	if (!c)
		return false;
	size_t len = strlen(cg);
	const slot *e = lookup((struct bx_cgfs_dircache *)c, cg, len, hash(cg, len));
	return e && e->fresh;
}

static bool below(const char *path, size_t len, const char *cg, size_t n)
{
	return len >= n && memcmp(path, cg, n) == 0 && (len == n || path[n] == '/');
}

static void forget_in(struct bx_cgfs_dircache *c, const char *cg)
{
	if (!c)
		return;
	size_t n = strlen(cg);
	for (size_t i = 0; i < SLOTS; i++) {
		slot *e = &c->v[i];
		if (e->path && below(e->path, e->len, cg, n))
			drop(e);
	}
	for (size_t i = 0; i < KEPT_FILES; i++)
		if (c->kf[i].cg && below(c->kf[i].cg, strlen(c->kf[i].cg), cg, n))
			drop_file(&c->kf[i]);
}

void bx_cgfs_keep_file(bx_cgfs *fs, const char *cg, const char *file, int fd)
{
	struct bx_cgfs_dircache *c = fs->cache;
	kept_file *k = NULL;
	for (size_t i = 0; c && i < KEPT_FILES && !k; i++)
		if (!c->kf[i].cg)
			k = &c->kf[i];
	size_t n = strlen(file);
	if (!k || n >= sizeof k->file || !(k->cg = strdup(cg))) {
		close(fd);
		return;
	}
	memcpy(k->file, file, n + 1);
	k->fd = fd;
}

int bx_cgfs_take_file(bx_cgfs *fs, const char *cg, const char *file)
{
	struct bx_cgfs_dircache *c = fs->cache;
	for (size_t i = 0; c && i < KEPT_FILES; i++) {
		kept_file *k = &c->kf[i];
		if (k->cg && strcmp(k->cg, cg) == 0 && strcmp(k->file, file) == 0) {
			int fd = k->fd;
			free(k->cg);
			k->cg = NULL;
			k->fd = -1;
			return fd;
		}
	}
	return -1;
}

void bx_dircache_forget(bx_cgfs *fs, const char *cg)
{
	forget_in(fs->cache, cg);
	forget_in(fs->parked, cg);
}

int bx_cgfs_dir_get(bx_cgfs *fs, const char *cg, int *fd, bool *borrowed, bx_error **err)
{
	*borrowed = false;
	if (cg && !*cg && fs->base_rfd >= 0) {
		/* the base: one descriptor for the life of the bx_cgfs, like
		 * base_fd itself (0: not opened yet; fd 0 is never ours) */
		if (fs->base_rfd == 0) {
			int b = openat(fs->base_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			fs->base_rfd = b > 0 ? b : -1;
			if (b == 0)
				close(b);
		}
		if (fs->base_rfd > 0) {
			*fd = fs->base_rfd;
			*borrowed = true;
			return 0;
		}
	}
	if (!fs->cache || !cg || !*cg || !bx_cgpath_valid(cg))
		return bx_cgfs_open_dir(fs, cg, fd, err);
	*fd = bx_dircache_get(fs, cg, strlen(cg), borrowed);
	if (*fd < 0)
		return bx_err(err, errno, "open cgroup %s", cg);
	if (!fs->cache->path_only)
		return 0; /* every descriptor it made is O_RDONLY */
	int fl = fcntl(*fd, F_GETFL);
	if (fl >= 0 && !(fl & O_PATH))
		return 0;
	/* an O_PATH one: a descriptor of its own, as without a session */
	if (!*borrowed)
		close(*fd);
	*borrowed = false;
	return bx_cgfs_open_dir(fs, cg, fd, err);
}

void bx_cgfs_dir_put(bx_cgfs *fs, int fd, bool borrowed)
{
	(void)fs;
	if (fd >= 0 && !borrowed)
		close(fd);
}
