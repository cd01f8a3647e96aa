#include "apply/mutate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/util.h"
#include "plan/managed.h"

char *bx_cg_show(const char *cg, const char *file)
{
	if (!file)
		return bx_sprintf("%s/", cg);
	return bx_sprintf("%s%s%s", cg, *cg ? "/" : "", file);
}

int bx_mut_write(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *file, const char *value,
		 bx_error **err)
{
	if (bx_hooks_tick(h) < 0)
		return bx_err(err, errno, "write %s%s%s (injected fault)", cg, *cg ? "/" : "", file);
	return bx_cgfs_write(fs, cg, file, value, err);
}

int bx_mut_write_read(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *file,
		      const char *value, char **back, bx_error **err)
{
	*back = NULL;
	if (bx_hooks_tick(h) < 0)
		return bx_err(err, errno, "write %s%s%s (injected fault)", cg, *cg ? "/" : "", file);
	return bx_cgfs_write_read(fs, cg, file, value, back, err);
}

int bx_mut_mkdir(bx_cgfs *fs, bx_hooks *h, const char *cg, bx_error **err)
{
	if (bx_hooks_tick(h) < 0)
		return bx_err(err, errno, "mkdir %s (injected fault)", cg);
	return bx_cgfs_mkdir(fs, cg, err);
}

int bx_mut_rmdir(bx_cgfs *fs, bx_hooks *h, const char *cg, bx_error **err)
{
	if (bx_hooks_tick(h) < 0)
		return bx_err(err, errno, "rmdir %s (injected fault)", cg);
	return bx_cgfs_rmdir(fs, cg, err);
}

static bool unsupported(int e)
{
	return e == ENOTSUP || e == EOPNOTSUPP;
}

int bx_mut_mark_static(bx_cgfs *fs, bx_hooks *h, const char *cg, bool *marked, bx_error **err)
{
	*marked = false;
	if (bx_hooks_tick(h) < 0)
		return bx_err(err, errno, "mark %s as a static box (injected fault)", cg);
	int fd;
	bool borrowed;
	if (bx_cgfs_dir_get(fs, cg, &fd, &borrowed, err) < 0)
		return -1;
	int r = fsetxattr(fd, BX_STATIC_XATTR, "1", 1, 0), e = errno;
	bx_cgfs_dir_put(fs, fd, borrowed);
	if (r < 0) {
		if (unsupported(e))
			return 0;
		return bx_err(err, e, "mark %s as a static box (xattr " BX_STATIC_XATTR ")", cg);
	}
	*marked = true;
	return 0;
}

int bx_is_marked_static(bx_cgfs *fs, const char *cg, bool *marked, bx_error **err)
{
	*marked = false;
	int fd;
	bool borrowed;
	if (bx_cgfs_dir_get(fs, cg, &fd, &borrowed, err) < 0)
		return -1;
	char v[8];
	ssize_t n = fgetxattr(fd, BX_STATIC_XATTR, v, sizeof v);
	int e = errno;
	bx_cgfs_dir_put(fs, fd, borrowed);
	errno = e;
	if (n < 0) {
		if (errno == ENODATA || unsupported(errno))
			return 0;
		return bx_err(err, errno, "read xattr " BX_STATIC_XATTR " of %s", cg);
	}
	*marked = n == 1 && v[0] == '1';
	return 0;
}

/* Set (or remove) the record. It is not read back: fsetxattr replaces
 * the whole value or fails (E2BIG, ENOSPC), so what it stored is the
 * text, unlike an interface file, whose kernel may keep another value
 * than the one written. */
static int set_managed(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *text, bool *kept,
		       bx_error **err)
{
	*kept = false;
	if (bx_hooks_tick(h) < 0)
		return bx_err(err, errno, "record the managed settings of %s (injected fault)", cg);
	int fd;
	bool borrowed;
	if (bx_cgfs_dir_get(fs, cg, &fd, &borrowed, err) < 0)
		return -1;
	size_t len = text ? strlen(text) : 0;
	int r = text ? fsetxattr(fd, BX_MANAGED_XATTR, text, len, 0)
		     : fremovexattr(fd, BX_MANAGED_XATTR);
	int e = errno;
	bx_cgfs_dir_put(fs, fd, borrowed);
	if (r < 0) {
		if (unsupported(e) || (!text && e == ENODATA))
			return 0;
		return bx_err(err, e, "record the managed settings of %s (xattr " BX_MANAGED_XATTR ")",
			      *cg ? cg : "(base)");
	}
	*kept = text != NULL;
	return 0;
}

int bx_mut_set_managed(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *text, bool *kept,
		       bx_error **err)
{
	return set_managed(fs, h, cg, text, kept, err);
}

int bx_mut_record_managed(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *text,
			  bx_error **err)
{
	bool kept;
	return set_managed(fs, h, cg, text, &kept, err);
}

int bx_read_managed(bx_cgfs *fs, const char *cg, char **text, bool *unsupp, bx_error **err)
{
	*text = NULL;
	*unsupp = false;
	int fd;
	bool borrowed;
	if (bx_cgfs_dir_get(fs, cg, &fd, &borrowed, err) < 0)
		return -1;
	/* most records fit 1 KiB: one read; a longer one, its size first */
	char small[1024];
	char *buf = NULL;
	ssize_t n = fgetxattr(fd, BX_MANAGED_XATTR, small, sizeof small - 1);
	if (n >= 0 && !(buf = strndup(small, (size_t)n)))
		n = -1, errno = ENOMEM;
	else if (n < 0 && errno == ERANGE) {
		n = fgetxattr(fd, BX_MANAGED_XATTR, NULL, 0);
		if (n >= 0 && n <= BX_MANAGED_MAX && (buf = malloc((size_t)n + 1)))
			n = fgetxattr(fd, BX_MANAGED_XATTR, buf, (size_t)n);
		else if (n > BX_MANAGED_MAX)
			n = -1, errno = E2BIG;
		else if (n >= 0)
			n = -1, errno = ENOMEM;
	}
	{
		int e = errno;
		bx_cgfs_dir_put(fs, fd, borrowed);
		errno = e;
	}
	if (n < 0) {
		int e = errno;
		free(buf);
		if (e == ENODATA)
			return 0;
		if (unsupported(e)) {
			*unsupp = true;
			return 0;
		}
		return bx_err(err, e, "read xattr " BX_MANAGED_XATTR " of %s", *cg ? cg : "(base)");
	}
	buf[n] = '\0';
	*text = buf;
	return 0;
}
