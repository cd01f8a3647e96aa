/* Safe names and safe resolution: every path boxcg opens is relative to
 * the base fd, made of validated components, and resolved without
 * following a symlink anywhere, so nothing planted inside the base can
 * send a write outside it. */
#include "cgroupfs/cgfs_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/util.h"

#define BX_NAME_MAX 64

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* What each byte may be in a cgroup path: 1 letter or digit, 2 '_' or
 * '-', 3 '/', 0 anything else (NUL included). */
#define AN(c) [c] = 1
static const unsigned char path_class[256] = {
	AN('0'), AN('1'), AN('2'), AN('3'), AN('4'), AN('5'), AN('6'), AN('7'), AN('8'), AN('9'),
	AN('a'), AN('b'), AN('c'), AN('d'), AN('e'), AN('f'), AN('g'), AN('h'), AN('i'), AN('j'),
	AN('k'), AN('l'), AN('m'), AN('n'), AN('o'), AN('p'), AN('q'), AN('r'), AN('s'), AN('t'),
	AN('u'), AN('v'), AN('w'), AN('x'), AN('y'), AN('z'),
	AN('A'), AN('B'), AN('C'), AN('D'), AN('E'), AN('F'), AN('G'), AN('H'), AN('I'), AN('J'),
	AN('K'), AN('L'), AN('M'), AN('N'), AN('O'), AN('P'), AN('Q'), AN('R'), AN('S'), AN('T'),
	AN('U'), AN('V'), AN('W'), AN('X'), AN('Y'), AN('Z'),
	['_'] = 2, ['-'] = 2, ['/'] = 3,
};
#undef AN

/* Components ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$, in one pass over a class
 * table: every access validates its path, and a transaction makes tens of
 * thousands of them. */
bool bx_cgpath_valid(const char *cg)
{
	if (!cg)
		return false;
	if (!*cg) /* the base itself */
		return true;
	const unsigned char *c = (const unsigned char *)cg;
	for (;;) {
		/* a component: a letter or digit, then up to 63 more */
		if (path_class[*c] != 1)
			return false; /* also "", a leading, doubled or trailing '/' */
		const unsigned char *start = c++;
		while (path_class[*c] == 1 || path_class[*c] == 2)
			c++;
		if (c - start > BX_NAME_MAX)
			return false;
		if (!*c)
			return true;
		if (*c != '/')
			return false;
		c++;
	}
}

bool bx_cgfile_valid(const char *file)
{
	if (!file || !((file[0] >= 'a' && file[0] <= 'z') || (file[0] >= 'A' && file[0] <= 'Z')))
		return false;
	size_t n = 0;
	for (const char *c = file; *c; c++, n++)
		if (!alnum(*c) && *c != '_' && *c != '.')
			return false;
	return n <= BX_NAME_MAX;
}

int bx_cgfs_join(bx_cgpath_buf buf, const char *cg, const char *file)
{
	size_t a = strlen(cg), b = file ? strlen(file) : 0;
	if (a + b + 2 > sizeof(bx_cgpath_buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!a && !b) {
		memcpy(buf, ".", 2);
		return 0;
	}
	memcpy(buf, cg, a);
	size_t n = a;
	if (a && b)
		buf[n++] = '/';
	if (b)
		memcpy(buf + n, file, b);
	buf[n + b] = '\0';
	return 0;
}

/* openat(O_NOFOLLOW) reports a symlink met where a directory is wanted as
 * ENOTDIR; say ELOOP, as openat2 does, when that is what it is. */
static int nofollow_errno(int dirfd, const char *name, int e)
{
	struct stat st;
	if (e == ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return ELOOP;
	return e;
}

/* The fallback: one openat per component, none of them following a
 * symlink. Components were validated, so none is "." or "..". */
static int walk(int base, const char *path, int flags, mode_t mode)
{
	char comp[BX_NAME_MAX + 1];
	int cur = base;
	const char *p = path;
	for (;;) {
		size_t n = strcspn(p, "/");
		if (n >= sizeof comp) {
			if (cur != base)
				close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		bool last = !p[n];
		int fd = last ? openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode)
			      : openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = fd < 0 ? nofollow_errno(cur, comp, errno) : 0;
		if (cur != base)
			close(cur);
		if (fd < 0) {
			errno = e;
			return -1;
		}
		if (last && (flags & O_PATH) && !(flags & O_DIRECTORY)) {
			/* O_PATH|O_NOFOLLOW opens a trailing symlink itself. */
			struct stat st;
			if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
				close(fd);
				errno = ELOOP;
				return -1;
			}
		}
		if (last)
			return fd;
		cur = fd;
		p += n + 1;
	}
}

int bx_cgfs_resolve(bx_cgfs *fs, const char *path, int flags, mode_t mode)
{
	if (strcmp(path, ".") == 0) /* the base itself: nothing to resolve */
		return openat(fs->base_fd, ".", flags | O_CLOEXEC, mode);
	const char *slash = fs->cache ? strrchr(path, '/') : NULL;
	if (slash) {
		/* In a session: the last name beneath its directory's fd. */
		bool borrowed;
		int dfd = bx_dircache_get(fs, path, (size_t)(slash - path), &borrowed);
		if (dfd < 0)
			return -1;
		int fd = bx_cgfs_resolve_at(fs, dfd, slash + 1, flags, mode);
		if (!borrowed) {
			int e = errno;
			close(dfd);
			errno = e;
		}
		return fd;
	}
	return bx_cgfs_resolve_at(fs, fs->base_fd, path, flags, mode);
}

int bx_cgfs_resolve_at(bx_cgfs *fs, int at, const char *path, int flags, mode_t mode)
{
	if (!fs->no_openat2) {
#ifdef SYS_openat2
		/* RESOLVE_NO_SYMLINKS refuses every symlink, the trailing one
		 * included, with ELOOP. O_NOFOLLOW must not be added: it would
		 * turn that into ENOTDIR (with O_DIRECTORY) or open the link
		 * itself (with O_PATH). */
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, at, path, &how, sizeof how);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
#endif
		fs->no_openat2 = true;
	}
	return walk(at, path, flags, mode);
}

/* The directory fd of the parent of cg ("a/b" → "a", "a" → the base) and
 * cg's last component; release the fd with bx_cgfs_parent_close(). */
int bx_cgfs_parent(bx_cgfs *fs, const char *cg, int *pfd, const char **name)
{
	const char *slash = strrchr(cg, '/');
	*name = slash ? slash + 1 : cg;
	if (!slash) {
		*pfd = fs->base_fd;
		return 0;
	}
	size_t n = (size_t)(slash - cg);
	if (fs->cache) {
		bool borrowed;
		*pfd = bx_dircache_get(fs, cg, n, &borrowed);
		return *pfd < 0 ? -1 : 0; /* parent_close tells borrowed fds */
	}
	bx_cgpath_buf parent;
	memcpy(parent, cg, n);
	parent[n] = '\0';
	*pfd = bx_cgfs_resolve(fs, parent, O_PATH | O_DIRECTORY, 0);
	return *pfd < 0 ? -1 : 0;
}

void bx_cgfs_parent_close(bx_cgfs *fs, int pfd)
{
	if (pfd >= 0 && pfd != fs->base_fd && !bx_dircache_owns(fs, pfd))
		close(pfd);
}

/* A real directory, not a symlink to one. */
bool bx_dirent_is_dir(DIR *d, const struct dirent *e)
{
	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	struct stat st;
	return fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

int bx_cgfs_injected(bx_cgfs *fs)
{
	if (fs->fail_after <= 0 || --fs->fail_after > 0)
		return 0;
	return fs->fail_errno ? fs->fail_errno : EIO;
}

int bx_pread_all(int fd, bool regular, char **out, size_t *len)
{
	bx_buf b = {0};
	char chunk[4096];
	off_t off = 0;
	for (;;) {
		ssize_t n = pread(fd, chunk, sizeof chunk, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			bx_buf_free(&b);
			errno = e;
			return -1;
		}
		if (regular && b.len + (size_t)n > BX_DIRMODE_READ_MAX) {
			bx_buf_free(&b);
			errno = EFBIG;
			return -1;
		}
		bx_buf_add(&b, chunk, (size_t)n);
		off += n;
		if (n == 0 || (regular && (size_t)n < sizeof chunk))
			break;
	}
	size_t got = b.len;
	*out = bx_buf_take(&b);
	if (!*out) {
		errno = ENOMEM;
		return -1;
	}
	if (len)
		*len = got;
	return 0;
}

int bx_read_fd(int fd, char **out) { return bx_read_fd_max(fd, (size_t)-1, out); }

int bx_read_fd_max(int fd, size_t max, char **out)
{
	bx_buf b = {0};
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			bx_buf_free(&b);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			bx_buf_free(&b);
			errno = EFBIG;
			return -1;
		}
		bx_buf_add(&b, chunk, (size_t)n);
	}
	*out = bx_buf_take(&b);
	if (!*out) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
