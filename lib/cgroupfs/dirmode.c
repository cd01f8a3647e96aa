/* Directory mode: a plain directory that behaves like cgroupfs for the
 * files boxcg manages, so golden tests and the demo see what the kernel
 * would show.
 *
 * Interface files are plain files holding what the kernel would read back
 * (with a trailing newline). A missing file of an existing cgroup reads
 * as the kernel's default. Writes emulate the kernel: cgroup.subtree_control
 * "+a -b" (ENOENT when a is not in cgroup.controllers, EINVAL for an
 * unknown name, EBUSY when a child still enables b or when the cgroup has
 * processes), keyed files merged per key (dirmode_keyed.c), cgroup.procs
 * gaining one pid per write, cgroup.kill emptying the subtree's
 * cgroup.procs. rmdir removes the plain files, and fails EBUSY while the
 * cgroup has child cgroups or processes. */
#include "cgroupfs/cgfs_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* Controllers that obey the no-internal-process rule (not threaded). */
#define DOMAIN_CTRLS (BX_CTRL_IO | BX_CTRL_MEMORY | BX_CTRL_HUGETLB | BX_CTRL_RDMA | BX_CTRL_MISC)
#define ALL_CTRLS ((1u << BX_NCTRL) - 1)

static const struct {
	const char *name, *text;
} core_defaults[] = {
	{ "cgroup.subtree_control", "" },
	{ "cgroup.procs", "" },
	{ "cgroup.threads", "" },
	{ "cgroup.events", "populated 0\nfrozen 0" },
	{ "cgroup.freeze", "0" },
	{ "cgroup.type", "domain" },
};

/* What a fresh cgroup reads for `file`; NULL with errno ENOENT for a file
 * the kernel would not have, ENOMEM. */
char *bx_dirmode_default(const char *file)
{
	if (strcmp(file, "cgroup.controllers") == 0)
		return bx_ctrl_format_list(ALL_CTRLS);
	for (size_t i = 0; i < BX_ARRAY_LEN(core_defaults); i++)
		if (strcmp(file, core_defaults[i].name) == 0)
			return strdup(core_defaults[i].text);
	const bx_file_info *fi = bx_file_lookup(file);
	if (!fi) {
		errno = ENOENT;
		return NULL;
	}
	if (fi->shape == BX_SHAPE_SCALAR)
		return strdup(fi->dflt);
	/* Keyed files list only keys with a value of their own, except
	 * io.weight, whose default line is always there. */
	return strcmp(file, "io.weight") == 0 ? bx_sprintf("default %s", fi->dflt) : strdup("");
}

/* The cgroup exists (in a session: its cached descriptor says so). 0, or
 * -1 with errno. */
static int dir_check(bx_cgfs *fs, const char *cg)
{
	bx_error *e = NULL;
	int r = bx_cgfs_exists(fs, cg, &e);
	if (r < 0) {
		errno = e->errnum ? e->errnum : EIO;
		bx_error_free(e);
		return -1;
	}
	if (r == 0) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int bx_dirmode_read_missing(bx_cgfs *fs, const char *cg, const char *file, char **out,
			    bx_error **err)
{
	if (dir_check(fs, cg) < 0)
		return bx_err(err, errno, "read %s%s%s", BX_CGSHOW(cg), file);
	*out = bx_dirmode_default(file);
	if (!*out)
		return bx_err(err, errno, "read %s%s%s", BX_CGSHOW(cg), file);
	return 0;
}

/* Replace the stored text of a file (one write, newline-terminated);
 * with `back`, read the file back through the same descriptor. */
static int store(bx_cgfs *fs, const char *cg, const char *file, const char *text, char **back,
		 bx_error **err)
{
	bx_cgpath_buf path;
	if (bx_cgfs_join(path, cg, file) < 0)
		return bx_err(err, errno, "write %s%s%s", BX_CGSHOW(cg), file);
	size_t n = strlen(text);
	cleanup_free char *buf = malloc(n + 2);
	if (!buf)
		return bx_err(err, ENOMEM, "write %s", path);
	memcpy(buf, text, n);
	if (!n || text[n - 1] != '\n')
		buf[n++] = '\n';
	/* In a directory this session made (bx_dircache_fresh), a file that
	 * O_EXCL creates is new, plain and ours: nothing to check or cut.
	 * Elsewhere, write only once the file is known to be a plain file of
	 * its own: O_NONBLOCK so a planted FIFO fails (ENXIO; "not a plain
	 * file" when opened for reading too) instead of hanging, and a hard
	 * link (to a file outside the base) is refused. Then the new text
	 * from offset 0, and a truncation only when the old one was longer. */
	int mode = (back ? O_RDWR : O_WRONLY) | O_CREAT | O_NONBLOCK;
	struct stat st = {0};
	int bad = 0;
	/* the descriptor the observation read it through (box update) */
	int fd = bx_cgfs_take_file(fs, cg, file);
	bool checked = false;
	if (fd < 0 && bx_dircache_fresh(fs, cg))
		checked = (fd = bx_cgfs_resolve(fs, path, mode | O_EXCL, 0644)) >= 0;
	if (fd < 0 && (fd = bx_cgfs_resolve(fs, path, mode, 0644)) < 0)
		return bx_err(err, errno, "write %s", path);
	if (!checked)
		bad = fstat(fd, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : st.st_nlink > 1 ? EMLINK : 0;
	if (bad) {
		close(fd);
		return bx_err(err, bad, "write %s%s", path,
			      bad == EINVAL ? ": not a plain file" : bad == EMLINK ? ": a hard link" : "");
	}
	ssize_t w = pwrite(fd, buf, n, 0);
	int e = w < 0 ? errno : (size_t)w != n ? EIO : 0;
	if (!e && st.st_size > (off_t)n && ftruncate(fd, (off_t)n) < 0)
		e = errno;
	/* What it reads back is what was written: a plain file of its own,
	 * written whole from offset 0 and cut there (no read needed). */
	if (!e && back && !(*back = strndup(buf, n)))
		e = ENOMEM;
	close(fd);
	if (e == EIO && w >= 0 && (size_t)w != n)
		return bx_err(err, EIO, "write %s: short write (%zd of %zu bytes)", path, w, n);
	if (e)
		return bx_err(err, e, "write %s", path);
	return 0;
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

static int read_bits(bx_cgfs *fs, const char *cg, const char *file, unsigned *bits, bx_error **err)
{
	cleanup_free char *s = NULL;
	if (bx_cgfs_read(fs, cg, file, &s, err) < 0)
		return -1;
	*bits = bx_ctrl_parse_list(s);
	return 0;
}

/* Does any child of cg enable one of `bits` in its subtree_control? */
static int child_enables(bx_cgfs *fs, const char *cg, unsigned bits, bool *yes, bx_error **err)
{
	*yes = false;
	char **kids;
	size_t n;
	if (bx_cgfs_children(fs, cg, &kids, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n && !*yes && r == 0; i++) {
		bx_cgpath_buf child;
		unsigned have = 0;
		if (bx_cgfs_join(child, cg, kids[i]) < 0)
			r = bx_err(err, errno, "list cgroup %s", cg);
		else if (bx_cgpath_valid(child))
			r = read_bits(fs, child, "cgroup.subtree_control", &have, err);
		*yes = (have & bits) != 0;
	}
	bx_strv_free(kids, n);
	return r;
}

static int has_procs(bx_cgfs *fs, const char *cg, bool *yes, bx_error **err)
{
	cleanup_free char *procs = NULL;
	if (bx_cgfs_read(fs, cg, "cgroup.procs", &procs, err) < 0)
		return -1;
	*yes = !blank(procs);
	return 0;
}

/* cgroup.events of one cgroup, as the kernel would have it: populated
 * when it or a child cgroup holds a process (the children's events are
 * current), frozen as its own cgroup.freeze says. */
static int events_one(bx_cgfs *fs, const char *cg, bx_error **err)
{
	bool populated;
	if (has_procs(fs, cg, &populated, err) < 0)
		return -1;
	char **kids = NULL;
	size_t n = 0;
	if (!populated && bx_cgfs_children(fs, cg, &kids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && !populated; i++) {
		bx_cgpath_buf child;
		cleanup_free char *ev = NULL;
		bx_error *e = NULL;
		if (bx_cgfs_join(child, cg, kids[i]) < 0 || !bx_cgpath_valid(child))
			continue;
		if (bx_cgfs_read(fs, child, "cgroup.events", &ev, &e) < 0) {
			bx_error_free(e);
			continue;
		}
		populated = strstr(ev, "populated 1") != NULL;
	}
	bx_strv_free(kids, n);
	cleanup_free char *fr = NULL;
	bx_error *e = NULL;
	bool frozen = false;
	if (bx_cgfs_read(fs, cg, "cgroup.freeze", &fr, &e) == 0)
		frozen = fr[0] == '1' && !fs->freeze_stuck;
	bx_error_free(e);
	return store(fs, cg, "cgroup.events", populated ? (frozen ? "populated 1\nfrozen 1" : "populated 1\nfrozen 0")
							 : (frozen ? "populated 0\nfrozen 1" : "populated 0\nfrozen 0"),
		     NULL, err);
}

int bx_dirmode_events_sync(bx_cgfs *fs, const char *cg, bx_error **err)
{
	if (!fs->dirmode)
		return 0;
	bx_cgpath_buf at;
	if (strlen(cg) >= sizeof at)
		return bx_err(err, ENAMETOOLONG, "cgroup.events of %s", cg);
	strcpy(at, cg);
	for (;;) {
		if (events_one(fs, at, err) < 0)
			return -1;
		if (!*at)
			return 0;
		char *slash = strrchr(at, '/');
		if (slash)
			*slash = '\0';
		else
			at[0] = '\0';
	}
}

static int subtree_write(bx_cgfs *fs, const char *cg, const char *value, char **back,
			 bx_error **err)
{
	const char *file = "cgroup.subtree_control";
	unsigned have, avail, enable = 0, disable = 0;
	if (read_bits(fs, cg, file, &have, err) < 0 ||
	    bx_cgfs_controllers(fs, cg, &avail, err) < 0)
		return -1;
	for (const char *s = value; *s;) {
		s += strspn(s, " \t\n");
		size_t n = strcspn(s, " \t\n");
		if (!n)
			break;
		unsigned bit = n > 1 ? bx_ctrl_from_name(s + 1, n - 1) : 0;
		if (!bit || (s[0] != '+' && s[0] != '-'))
			return bx_err(err, EINVAL, "write %s%s%s", BX_CGSHOW(cg), file);
		if (s[0] == '+')
			enable |= bit, disable &= ~bit;
		else
			disable |= bit, enable &= ~bit;
		s += n;
	}
	if (enable & ~avail)
		return bx_err(err, ENOENT, "write %s%s%s", BX_CGSHOW(cg), file);
	bool busy = false;
	if (disable && child_enables(fs, cg, disable & have, &busy, err) < 0)
		return -1;
	if (!busy && *cg && (enable & ~have & DOMAIN_CTRLS) && has_procs(fs, cg, &busy, err) < 0)
		return -1;
	if (busy)
		return bx_err(err, EBUSY, "write %s%s%s", BX_CGSHOW(cg), file);
	cleanup_free char *list = bx_ctrl_format_list((have | enable) & ~disable);
	if (!list)
		return bx_err(err, ENOMEM, "write %s%s%s", BX_CGSHOW(cg), file);
	return store(fs, cg, file, list, back, err);
}

/* cgroup.procs / cgroup.threads: one pid per write, listed once. */
static int procs_write(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		       char **back, bx_error **err)
{
	size_t n = strcspn(value, "\n");
	if (!n || value[n + (value[n] == '\n')] || strspn(value, "0123456789") != n)
		return bx_err(err, EINVAL, "write %s%s%s", BX_CGSHOW(cg), file);
	unsigned stc;
	if (read_bits(fs, cg, "cgroup.subtree_control", &stc, err) < 0)
		return -1;
	if (*cg && (stc & DOMAIN_CTRLS)) /* no internal processes */
		return bx_err(err, EBUSY, "write %s%s%s", BX_CGSHOW(cg), file);
	cleanup_free char *cur = NULL;
	if (bx_cgfs_read(fs, cg, file, &cur, err) < 0)
		return -1;
	for (const char *l = cur; *l;) {
		size_t ln = strcspn(l, "\n");
		if (ln == n && strncmp(l, value, n) == 0)
			return 0;
		l += ln + (l[ln] == '\n');
	}
	bx_buf b = {0};
	bx_buf_puts(&b, cur);
	if (*cur)
		bx_buf_puts(&b, "\n");
	bx_buf_add(&b, value, n);
	cleanup_free char *text = bx_buf_take(&b);
	if (!text)
		return bx_err(err, ENOMEM, "write %s%s%s", BX_CGSHOW(cg), file);
	return store(fs, cg, file, text, back, err);
}

/* cgroup.kill "1": every process of the subtree is gone. */
static int kill_subtree(bx_cgfs *fs, const char *cg, bx_error **err)
{
	cleanup_free char *procs = NULL;
	if (bx_cgfs_read(fs, cg, "cgroup.procs", &procs, err) < 0)
		return -1;
	if (!blank(procs) && store(fs, cg, "cgroup.procs", "", NULL, err) < 0)
		return -1;
	char **kids;
	size_t n;
	if (bx_cgfs_children(fs, cg, &kids, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		bx_cgpath_buf child;
		if (bx_cgfs_join(child, cg, kids[i]) < 0)
			r = bx_err(err, errno, "kill %s", cg);
		else if (bx_cgpath_valid(child))
			r = kill_subtree(fs, child, err);
	}
	bx_strv_free(kids, n);
	return r < 0 ? -1 : events_one(fs, cg, err);
}

int bx_dirmode_write(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		     char **back, bx_error **err)
{
	bool special = strncmp(file, "cgroup.", 7) == 0;
	const bx_file_info *fi = bx_file_lookup(file);
	if ((special || (fi && fi->shape == BX_SHAPE_KEYED)) && dir_check(fs, cg) < 0)
		return bx_err(err, errno, "write %s%s%s", BX_CGSHOW(cg), file);
	if (strcmp(file, "cgroup.subtree_control") == 0)
		return subtree_write(fs, cg, value, back, err);
	if (strcmp(file, "cgroup.procs") == 0 || strcmp(file, "cgroup.threads") == 0)
		return procs_write(fs, cg, file, value, back, err) < 0 ? -1
			: bx_dirmode_events_sync(fs, cg, err);
	if (strcmp(file, "cgroup.kill") == 0) {
		if (strcmp(value, "1") && strcmp(value, "1\n"))
			return bx_err(err, EINVAL, "write %s%s%s", BX_CGSHOW(cg), file);
		return kill_subtree(fs, cg, err) < 0 ? -1 : bx_dirmode_events_sync(fs, cg, err);
	}
	if (strcmp(file, "cgroup.freeze") == 0) {
		if (strcmp(value, "0") && strcmp(value, "0\n") && strcmp(value, "1") && strcmp(value, "1\n"))
			return bx_err(err, EINVAL, "write %s%s%s", BX_CGSHOW(cg), file);
		return store(fs, cg, file, value, back, err) < 0 ? -1 : bx_dirmode_events_sync(fs, cg, err);
	}
	if (strcmp(file, "cgroup.controllers") == 0 || strcmp(file, "cgroup.events") == 0)
		return bx_err(err, EACCES, "write %s%s%s", BX_CGSHOW(cg), file); /* read-only */
	if (fi && fi->shape == BX_SHAPE_KEYED) {
		cleanup_free char *cur = NULL, *merged = NULL;
		if (bx_cgfs_read(fs, cg, file, &cur, err) < 0)
			return -1;
		int e = bx_keyed_merge(file, cur, value, &merged);
		if (e)
			return bx_err(err, e, "write %s%s%s", BX_CGSHOW(cg), file);
		return store(fs, cg, file, merged, back, err);
	}
	return store(fs, cg, file, value, back, err);
}

int bx_dirmode_rmdir(bx_cgfs *fs, const char *cg, bx_error **err)
{
	int fd = bx_cgfs_resolve(fs, cg, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return bx_err(err, errno, "rmdir %s", cg);
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return bx_err(err, e, "rmdir %s", cg);
	}
	int r = 0;
	bool busy = false;
	struct dirent *e;
	const char *foreign = NULL;
	while (!busy && !foreign && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		busy = bx_dirent_is_dir(d, e);
		if (!busy && !bx_interface_file_name(e->d_name))
			foreign = e->d_name;
	}
	/* A cgroup holds interface files only: anything else is someone's
	 * data, and rmdir (as the kernel's on a plain directory) refuses. */
	if (foreign)
		r = bx_err(err, ENOTEMPTY, "rmdir %s: it holds %s, which is not a cgroup interface file",
			   cg, foreign);
	else if (!busy && has_procs(fs, cg, &busy, err) < 0)
		r = -1;
	else if (busy)
		r = bx_err(err, EBUSY, "rmdir %s", cg);
	if (r == 0) {
		rewinddir(d);
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    unlinkat(dirfd(d), e->d_name, 0) < 0) {
				r = bx_err(err, errno, "rmdir %s: remove %s", cg, e->d_name);
				break;
			}
	}
	closedir(d);
	if (r < 0)
		return -1;
	int pfd;
	const char *name;
	if (bx_cgfs_parent(fs, cg, &pfd, &name) < 0)
		return bx_err(err, errno, "rmdir %s", cg);
	r = unlinkat(pfd, name, AT_REMOVEDIR);
	int en = errno;
	bx_cgfs_parent_close(fs, pfd);
	if (r == 0)
		bx_dircache_forget(fs, cg);
	return r < 0 ? bx_err(err, en, "rmdir %s", cg) : 0;
}
