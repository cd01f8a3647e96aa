/* Every read, write, mkdir and rmdir boxcg makes, relative to the base fd.
 * One openat2 per file access, one write() per value; directory mode
 * branches off to dirmode.c only where the kernel's semantics must be
 * emulated. */
#include "cgroupfs/cgfs_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define CHECK_CG(cg, what)                                                                    \
	do {                                                                                  \
		if (!bx_cgpath_valid(cg))                                                     \
			return bx_err(err, EINVAL, "%s: unsafe cgroup path \"%s\"", what,     \
				      (cg) ? (cg) : "(null)");                                \
	} while (0)
#define CHECK_FILE(file, what)                                                                \
	do {                                                                                  \
		if (!bx_cgfile_valid(file))                                                   \
			return bx_err(err, EINVAL, "%s: unsafe interface file name \"%s\"", what, \
				      (file) ? (file) : "(null)");                            \
	} while (0)

/* cpuset lists may exceed a page (the kernel allows 100 + 6 * NR_CPUS). */
static bool cpuset_list(const char *file)
{
	return strncmp(file, "cpuset.cpus", 11) == 0 || strncmp(file, "cpuset.mems", 11) == 0;
}

int bx_cgfs_read(bx_cgfs *fs, const char *cg, const char *file, char **out, bx_error **err)
{
	*out = NULL;
	CHECK_CG(cg, "read");
	CHECK_FILE(file, "read");
	bx_cgpath_buf path;
	if (bx_cgfs_join(path, cg, file) < 0)
		return bx_err(err, errno, "read %s%s%s", BX_CGSHOW(cg), file);
	/* Directory mode: O_NONBLOCK, and pread refuses what is not a plain
	 * file (bx_not_plain), so a planted FIFO cannot hang or feed a read. */
	int fd = bx_cgfs_resolve(fs, path, fs->dirmode ? O_RDONLY | O_NONBLOCK : O_RDONLY, 0);
	if (fd < 0) {
		if (errno == ENOENT && fs->dirmode)
			return bx_dirmode_read_missing(fs, cg, file, out, err);
		return bx_err(err, errno, "read %s", path);
	}
	/* A plain file (directory mode) ends at a short read, and a huge (or
	 * sparse) one is refused, not read whole: the kernel's interface
	 * files are small. A kernfs file with many records (cgroup.procs)
	 * may return less than asked before its end, so it is read until
	 * read() says 0. */
	int r = fs->dirmode ? bx_pread_all(fd, true, out, NULL) : bx_read_fd(fd, out);
	int e = errno;
	close(fd);
	if (r < 0 && fs->dirmode && bx_not_plain(e))
		return bx_err(err, EINVAL, "read %s: not a plain file", path);
	if (r < 0 && e == EFBIG)
		return bx_err(err, EFBIG, "read %s: larger than %u KiB, no interface file is", path,
			      BX_DIRMODE_READ_MAX >> 10);
	if (r < 0)
		return bx_err(err, e, "read %s", path);
	size_t n = strlen(*out);
	if (n && (*out)[n - 1] == '\n')
		(*out)[n - 1] = '\0';
	return 0;
}

static void strip_newline(char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '\n')
		s[n - 1] = '\0';
}

/* A write, and with `back` the read-back through the same open file. */
static int write_value(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		       char **back, bx_error **err)
{
	CHECK_CG(cg, "write");
	CHECK_FILE(file, "write");
	if (!value)
		return bx_err(err, EINVAL, "write %s%s%s: no value", BX_CGSHOW(cg), file);
	size_t len = strlen(value);
	if (len > fs->facts.page_size - 1 && !cpuset_list(file))
		return bx_err(err, E2BIG, "write %s%s%s: a value of %zu bytes does not fit a page",
			      BX_CGSHOW(cg), file, len);
	int inj = bx_cgfs_injected(fs);
	if (inj)
		return bx_err(err, inj, "write %s%s%s (injected fault)", BX_CGSHOW(cg), file);
	if (fs->dirmode) {
		if (bx_dirmode_write(fs, cg, file, value, back, err) < 0)
			return -1;
		if (back && !*back) /* the emulation had nothing to store */
			return bx_cgfs_read(fs, cg, file, back, err);
		if (back)
			strip_newline(*back);
		return 0;
	}
	bx_cgpath_buf path;
	if (bx_cgfs_join(path, cg, file) < 0)
		return bx_err(err, errno, "write %s%s%s", BX_CGSHOW(cg), file);
	/* kept open by the observation that read its old value (box update) */
	int fd = bx_cgfs_take_file(fs, cg, file);
	if (fd < 0)
		fd = bx_cgfs_resolve(fs, path, back ? O_RDWR : O_WRONLY, 0);
	bool reread = false;
	if (fd < 0 && back && errno == EACCES) {
		/* writable but not readable here: read it back on its own */
		fd = bx_cgfs_resolve(fs, path, O_WRONLY, 0);
		reread = true;
	}
	if (fd < 0)
		return bx_err(err, errno, "write %s", path);
	/* The kernel ignores a write of 0 bytes: send an empty value as a
	 * newline, as `echo > file` does, so "" (cpuset inherit, an empty
	 * subtree_control) is a real write. */
	const char *buf = len ? value : "\n";
	size_t n = len ? len : 1;
	ssize_t w = write(fd, buf, n);
	int e = errno;
	if (w < 0 || (size_t)w != n) {
		close(fd);
		if (w < 0)
			return bx_err(err, e, "write %s", path);
		return bx_err(err, EIO, "write %s: short write (%zd of %zu bytes)", path, w, n);
	}
	/* The same open file, read again from offset 0: the kernel makes
	 * the text anew (seq_file restarts at position 0). */
	/* Interface files are read in one go: a short read is the end, as
	 * in observation (one pread, not a second one that returns 0). */
	int r = back && !reread ? bx_pread_all(fd, true, back, NULL) : 0;
	e = errno;
	close(fd);
	if (r < 0)
		return bx_err(err, e, "read back %s", path);
	if (reread)
		return bx_cgfs_read(fs, cg, file, back, err);
	if (back)
		strip_newline(*back);
	return 0;
}

int bx_cgfs_write(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		  bx_error **err)
{
	return write_value(fs, cg, file, value, NULL, err);
}

int bx_cgfs_write_read(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		       char **back, bx_error **err)
{
	*back = NULL;
	return write_value(fs, cg, file, value, back, err);
}

int bx_cgfs_mkdir(bx_cgfs *fs, const char *cg, bx_error **err)
{
	CHECK_CG(cg, "mkdir");
	if (!*cg)
		return bx_err(err, EEXIST, "mkdir: the base exists");
	int inj = bx_cgfs_injected(fs);
	if (inj)
		return bx_err(err, inj, "mkdir %s (injected fault)", cg);
	int pfd;
	const char *name;
	if (bx_cgfs_parent(fs, cg, &pfd, &name) < 0)
		return bx_err(err, errno, "mkdir %s", cg);
	int r = mkdirat(pfd, name, 0755);
	int e = errno;
	if (r == 0) {
		bx_dircache_forget(fs, cg); /* an old one of that name, gone */
		bx_dircache_adopt(fs, cg, pfd, name); /* its writes follow */
	}
	bx_cgfs_parent_close(fs, pfd);
	return r < 0 ? bx_err(err, e, "mkdir %s", cg) : 0;
}

int bx_cgfs_rmdir(bx_cgfs *fs, const char *cg, bx_error **err)
{
	CHECK_CG(cg, "rmdir");
	if (!*cg)
		return bx_err(err, EBUSY, "rmdir: refusing to remove the base");
	int inj = bx_cgfs_injected(fs);
	if (inj)
		return bx_err(err, inj, "rmdir %s (injected fault)", cg);
	if (fs->dirmode)
		return bx_dirmode_rmdir(fs, cg, err);
	int pfd;
	const char *name;
	if (bx_cgfs_parent(fs, cg, &pfd, &name) < 0)
		return bx_err(err, errno, "rmdir %s", cg);
	int r = unlinkat(pfd, name, AT_REMOVEDIR);
	int e = errno;
	bx_cgfs_parent_close(fs, pfd);
	if (r == 0)
		bx_dircache_forget(fs, cg);
	return r < 0 ? bx_err(err, e, "rmdir %s", cg) : 0;
}

int bx_cgfs_exists(bx_cgfs *fs, const char *cg, bx_error **err)
{
	CHECK_CG(cg, "stat");
	int fd;
	if (fs->cache && *cg) {
		/* in a session: the cgroup's descriptor, kept for what follows
		 * (a mkdir's check, then the writes in the new cgroup) */
		bool borrowed;
		fd = bx_dircache_get(fs, cg, strlen(cg), &borrowed);
		if (fd >= 0 && !borrowed)
			close(fd);
	} else {
		fd = bx_cgfs_resolve(fs, *cg ? cg : ".", O_PATH | O_DIRECTORY, 0);
		if (fd >= 0)
			close(fd);
	}
	if (fd >= 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	return bx_err(err, errno, "stat cgroup %s", *cg ? cg : "(base)");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bx_cgfs_children(bx_cgfs *fs, const char *cg, char ***names, size_t *n, bx_error **err)
{
	*names = NULL;
	*n = 0;
	CHECK_CG(cg, "list");
	int fd = bx_cgfs_resolve(fs, *cg ? cg : ".", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return bx_err(err, errno, "list cgroup %s", *cg ? cg : "(base)");
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return bx_err(err, e, "list cgroup %s", *cg ? cg : "(base)");
	}
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *e;
	int r = 0;
	errno = 0;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || !bx_dirent_is_dir(d, e))
			continue;
		char *s = strdup(e->d_name);
		if (!s || bx_grow(&v, &cap, cnt + 1, sizeof *v) < 0) {
			free(s);
			r = bx_err(err, ENOMEM, "list cgroup %s", *cg ? cg : "(base)");
			break;
		}
		v[cnt++] = s;
		errno = 0;
	}
	if (!r && errno)
		r = bx_err(err, errno, "list cgroup %s", *cg ? cg : "(base)");
	closedir(d);
	if (r < 0) {
		bx_strv_free(v, cnt);
		return -1;
	}
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_str);
	*names = v;
	*n = cnt;
	return 0;
}

void bx_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int bx_cgfs_controllers(bx_cgfs *fs, const char *cg, unsigned *bits, bx_error **err)
{
	*bits = 0;
	cleanup_free char *s = NULL;
	if (bx_cgfs_read(fs, cg, "cgroup.controllers", &s, err) < 0)
		return -1;
	*bits = bx_ctrl_parse_list(s);
	return 0;
}

int bx_cgfs_open_dir(bx_cgfs *fs, const char *cg, int *fd, bx_error **err)
{
	*fd = -1;
	CHECK_CG(cg, "open");
	/* A real O_RDONLY fd: clone3(CLONE_INTO_CGROUP) refuses O_PATH ones. */
	*fd = bx_cgfs_resolve(fs, *cg ? cg : ".", O_RDONLY | O_DIRECTORY, 0);
	return *fd < 0 ? bx_err(err, errno, "open cgroup %s", *cg ? cg : "(base)") : 0;
}

int bx_cgfs_open_file(bx_cgfs *fs, const char *cg, const char *file, int flags, int *fd,
		      bx_error **err)
{
	*fd = -1;
	CHECK_CG(cg, "open");
	CHECK_FILE(file, "open");
	bx_cgpath_buf path;
	if (bx_cgfs_join(path, cg, file) < 0)
		return bx_err(err, errno, "open %s%s%s", BX_CGSHOW(cg), file);
	/* Directory mode: interface files exist for writing even before a
	 * first write created the plain file. */
	if (fs->dirmode && (flags & O_ACCMODE) != O_RDONLY)
		flags |= O_CREAT;
	if (!fs->dirmode) {
		*fd = bx_cgfs_resolve(fs, path, flags, 0644);
		return *fd < 0 ? bx_err(err, errno, "open %s", path) : 0;
	}
	/* Directory mode: never block in open() on a planted FIFO (box exec
	 * opens cgroup.procs with signals blocked), and only a plain file
	 * with one link; blocking again after the check, as asked. */
	int f = bx_cgfs_resolve(fs, path, flags | O_NONBLOCK, 0644);
	if (f < 0)
		return bx_err(err, errno == ENXIO ? EINVAL : errno, "open %s%s", path,
			      errno == ENXIO ? ": not a plain file" : "");
	struct stat st;
	int bad = fstat(f, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : st.st_nlink > 1 ? EMLINK : 0;
	if (!bad && !(flags & O_NONBLOCK)) {
		int fl = fcntl(f, F_GETFL);
		if (fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) < 0)
			bad = errno;
	}
	if (bad) {
		close(f);
		return bx_err(err, bad, "open %s%s", path,
			      bad == EINVAL ? ": not a plain file" : bad == EMLINK ? ": has more than one link" : "");
	}
	*fd = f;
	return 0;
}

char *bx_cgfs_ctrl_unavailable(const bx_cgfs *fs, const char *cg, unsigned bit)
{
	const char *name = bx_ctrl_name(bit);
	if (!name)
		name = "(unknown controller)";
	if (fs->v1_bound & bit)
		return bx_sprintf("%s is bound to a cgroup v1 hierarchy on this host", name);
	return bx_sprintf("%s is not available in %s%scgroup.controllers", name,
			  cg && *cg ? cg : "the base's ", cg && *cg ? "/" : "");
}
