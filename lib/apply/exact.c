#include "apply/exact.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "knobs.h"

#define EXACT_MAX (1u << 20) /* bytes of one snapshotted file */

/* Read `name` beneath dfd: 0 and *s (NULL when absent), or -1 with errno. */
static int read_exact(int dfd, const char *name, char **s, size_t *len)
{
	*s = NULL;
	*len = 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	int e = fstat(fd, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	bx_buf b = {0};
	bx_buf_add(&b, "", 0);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > EXACT_MAX) {
			int e2 = n < 0 ? errno : EFBIG;
			close(fd);
			bx_buf_free(&b);
			errno = e2;
			return -1;
		}
		bx_buf_add(&b, chunk, (size_t)n);
		if ((size_t)n < sizeof chunk)
			break; /* a regular file: a short read is its end */
	}
	close(fd);
	if (b.oom) {
		bx_buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	*len = b.len;
	*s = bx_buf_take(&b);
	return 0;
}

static int open_cg(bx_cgfs *fs, const char *cg, int *dfd, bx_error **err)
{
	return bx_cgfs_open_dir(fs, cg, dfd, err);
}

int bx_exact_capture(bx_cgfs *fs, const char *cg, const char *name, bx_fileset *out,
		     bx_error **err)
{
	int dfd;
	bool borrowed;
	if (bx_cgfs_dir_get(fs, cg, &dfd, &borrowed, err) < 0)
		return -1;
	cleanup_free char *s = NULL;
	size_t len;
	int r = read_exact(dfd, name, &s, &len), e = errno;
	bx_cgfs_dir_put(fs, dfd, borrowed);
	if (r < 0)
		return bx_err(err, e, "snapshot %s%s%s", cg, *cg ? "/" : "", name);
	if (bx_fileset_add(out, name, s, len) < 0)
		return bx_err(err, ENOMEM, "snapshot %s%s%s", cg, *cg ? "/" : "", name);
	return 0;
}

/* The regular files of dfd, sorted. */
static int list_files(int dfd, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	int fd = dup(dfd);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	rewinddir(d);
	size_t cap = 0;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d))) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!bx_interface_file_name(e->d_name) ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		char *s = strdup(e->d_name);
		if (!s || bx_grow(names, &cap, *n + 1, sizeof **names) < 0) {
			free(s);
			errno = ENOMEM;
			r = -1;
			break;
		}
		(*names)[(*n)++] = s;
	}
	closedir(d);
	if (r < 0) {
		bx_strv_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return r;
}

int bx_exact_capture_dir(bx_cgfs *fs, const char *cg, bx_fileset *out, bx_error **err)
{
	cleanup_close int dfd = -1;
	if (open_cg(fs, cg, &dfd, err) < 0)
		return -1;
	char **names;
	size_t n;
	if (list_files(dfd, &names, &n) < 0)
		return bx_err(err, errno, "snapshot cgroup %s", cg);
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		char *s;
		size_t len;
		if (read_exact(dfd, names[i], &s, &len) < 0)
			r = bx_err(err, errno, "snapshot %s/%s", cg, names[i]);
		else if (bx_fileset_add(out, names[i], s, len) < 0)
			r = bx_err(err, ENOMEM, "snapshot %s/%s", cg, names[i]);
		free(s);
	}
	bx_strv_free(names, n);
	return r;
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	if (!a || !b)
		return !a && !b;
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Put the exact bytes back: only into an interface file, never through a
 * file with more than one link (truncated only after that check). */
static int put_file(int dfd, const bx_fileval *f)
{
	if (!bx_interface_file_name(f->name)) {
		errno = EPERM;
		return -1;
	}
	if (!f->value)
		return unlinkat(dfd, f->name, 0) < 0 && errno != ENOENT ? -1 : 0;
	int fd = openat(dfd, f->name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = openat(dfd, f->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	struct stat st;
	int e = fstat(fd, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : st.st_nlink != 1 ? EMLINK : 0;
	if (!e && ftruncate(fd, 0) < 0)
		e = errno;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	const char *p = f->value;
	size_t left = f->len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int we = errno;
			close(fd);
			errno = we;
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	return close(fd);
}

int bx_exact_restore(bx_cgfs *fs, bx_hooks *h, const char *cg, const bx_fileset *snap,
		     bool whole_dir, bx_error **err)
{
	cleanup_close int dfd = -1;
	if (open_cg(fs, cg, &dfd, err) < 0)
		return -1;
	const char *sep = *cg ? "/" : "";
	for (size_t i = 0; i < snap->n; i++) {
		const bx_fileval *f = &snap->v[i];
		cleanup_free char *cur = NULL;
		size_t len;
		if (read_exact(dfd, f->name, &cur, &len) < 0)
			return bx_err(err, errno, "restore %s%s%s", cg, sep, f->name);
		if (same_bytes(cur, len, f->value, f->len))
			continue;
		if (bx_hooks_tick(h) < 0 || put_file(dfd, f) < 0)
			return bx_err(err, errno, "restore %s%s%s", cg, sep, f->name);
	}
	if (!whole_dir)
		return 0;
	char **names;
	size_t n;
	if (list_files(dfd, &names, &n) < 0)
		return bx_err(err, errno, "restore cgroup %s", cg);
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (bx_fileset_get(snap, names[i]))
			continue;
		if (bx_hooks_tick(h) < 0 || (unlinkat(dfd, names[i], 0) < 0 && errno != ENOENT))
			r = bx_err(err, errno, "restore %s%s%s: remove", cg, sep, names[i]);
	}
	bx_strv_free(names, n);
	return r;
}

int bx_exact_diff(bx_cgfs *fs, const char *cg, const bx_fileset *snap, bool whole_dir,
		  char **differs, bx_error **err)
{
	*differs = NULL;
	cleanup_close int dfd = -1;
	if (open_cg(fs, cg, &dfd, err) < 0)
		return -1;
	for (size_t i = 0; i < snap->n; i++) {
		const bx_fileval *f = &snap->v[i];
		cleanup_free char *cur = NULL;
		size_t len;
		if (read_exact(dfd, f->name, &cur, &len) < 0)
			return bx_err(err, errno, "compare %s/%s", cg, f->name);
		if (!same_bytes(cur, len, f->value, f->len)) {
			*differs = strdup(f->name);
			return *differs ? 0 : bx_err(err, ENOMEM, "compare");
		}
	}
	if (!whole_dir)
		return 0;
	char **names;
	size_t n;
	if (list_files(dfd, &names, &n) < 0)
		return bx_err(err, errno, "compare cgroup %s", cg);
	for (size_t i = 0; i < n && !*differs; i++)
		if (!bx_fileset_get(snap, names[i]))
			*differs = bx_steal(&names[i]);
	bx_strv_free(names, n);
	return 0;
}
