/* cgroupfs internals shared by the files of lib/cgroupfs/. */
#ifndef BX_CGROUPFS_CGFS_INT_H
#define BX_CGROUPFS_CGFS_INT_H

#include <dirent.h>
#include <limits.h>

#include "cgroupfs/cgfs.h"

/* Room for "cg/file": PATH_MAX is the kernel's limit too. */
typedef char bx_cgpath_buf[PATH_MAX];

/* Join cg and file into buf: "cg/file", "file" when cg is "", "cg" when
 * file is NULL, "." for the base itself. -1 with ENAMETOOLONG if it does
 * not fit. Both parts must already be valid. */
int bx_cgfs_join(bx_cgpath_buf buf, const char *cg, const char *file);

/* Open `path` (relative, already validated) beneath the base without
 * following any symlink: openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS) or, without openat2, one openat(O_NOFOLLOW) per
 * component. O_CLOEXEC is added. Returns the fd, or -1 with errno (ELOOP
 * for a symlink anywhere on the way). */
int bx_cgfs_resolve(bx_cgfs *fs, const char *path, int flags, mode_t mode);
/* The same beneath the directory fd `at` (the base, or a cached cgroup). */
int bx_cgfs_resolve_at(bx_cgfs *fs, int at, const char *path, int flags, mode_t mode);

/* The session's directory cache (dircache.c; fs->cache must be set): an
 * O_PATH fd of directory dir[0..len), opened beneath the base on a miss.
 * *borrowed: the cache owns it; else the caller closes it (a directory
 * in directory mode that others could move is not kept). -1 with errno. */
int bx_dircache_get(bx_cgfs *fs, const char *dir, size_t len, bool *borrowed);
/* Whether fd is one of the cache's (not to be closed by its borrower). */
bool bx_dircache_owns(const bx_cgfs *fs, int fd);
/* Drop the entries of cg and of everything below it (mkdir, rmdir). */
void bx_dircache_forget(bx_cgfs *fs, const char *cg);
/* After bx_cgfs_mkdir made cg beneath pfd (the parent's descriptor, as
 * bx_cgfs_parent gave it): keep the new directory's descriptor, marked
 * fresh, when the parent is one nobody else can change. Nothing happens
 * outside a session or when it cannot be opened. */
void bx_dircache_adopt(bx_cgfs *fs, const char *cg, int pfd, const char *name);
/* Was cg made by this handle's mkdir in this session (bx_dircache_adopt)?
 * Then nobody but us (and root) has made an entry in it since. */
bool bx_dircache_fresh(const bx_cgfs *fs, const char *cg);
/* At bx_cgfs_close: whatever sessions are open. */
void bx_cgfs_cache_free(bx_cgfs *fs);

/* The directory fd of the parent of cg ("a/b" → "a", "a" → the base) and
 * cg's last component. -1 with errno. Release with bx_cgfs_parent_close. */
int bx_cgfs_parent(bx_cgfs *fs, const char *cg, int *pfd, const char **name);
void bx_cgfs_parent_close(bx_cgfs *fs, int pfd);

/* A directory entry that is a real directory, not a symlink to one. */
bool bx_dirent_is_dir(DIR *d, const struct dirent *e);

/* The fault-injection countdown, called once per mutation before it runs:
 * 0 to go ahead, else the errno the mutation must fail with. */
int bx_cgfs_injected(bx_cgfs *fs);

/* Read a whole fd (or file beneath the base) into a NUL-terminated string.
 * -1 with errno. */
int bx_read_fd(int fd, char **out);

/* Directory mode (cgroupfs/dirmode.c). */
int bx_dirmode_read_missing(bx_cgfs *fs, const char *cg, const char *file, char **out,
			    bx_error **err);
/* back: NULL, or where to put what the file reads after the write (it may
 * stay NULL when the write stored nothing: read it then). */
int bx_dirmode_write(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		     char **back, bx_error **err);
int bx_dirmode_rmdir(bx_cgfs *fs, const char *cg, bx_error **err);

/* Merge one write into the current text of a keyed file the way the
 * kernel does (cgroupfs/dirmode_keyed.c). 0 and the new text (no trailing
 * newline) in *out, or the errno the kernel would fail the write with. */
int bx_keyed_merge(const char *file, const char *cur, const char *value, char **out);

/* "cg/file" or "file" for messages (static storage of the caller). */
#define BX_CGSHOW(cg) (cg), ((cg)[0] ? "/" : "")

#endif
