/* The mutations of a transaction, each counted by the test hooks before
 * it runs: a write, mkdir or rmdir through bx_cgfs, and the static-box
 * mark (an xattr on the cgroup directory). */
#ifndef BX_APPLY_MUTATE_H
#define BX_APPLY_MUTATE_H

#include <stdbool.h>

#include "apply/hooks.h"
#include "cgroupfs/cgfs.h"
#include "core/err.h"

#define BX_STATIC_XATTR "user.boxcg.static"

int bx_mut_write(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *file, const char *value,
		 bx_error **err);
/* The write, then what the file reads afterwards (bx_cgfs_write_read). */
int bx_mut_write_read(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *file,
		      const char *value, char **back, bx_error **err);
int bx_mut_mkdir(bx_cgfs *fs, bx_hooks *h, const char *cg, bx_error **err);
int bx_mut_rmdir(bx_cgfs *fs, bx_hooks *h, const char *cg, bx_error **err);

/* Set user.boxcg.static=1 on the cgroup. A filesystem without user
 * xattrs (ENOTSUP: cgroupfs before Linux 5.7, some tmpfs) is not an
 * error: *marked says whether the mark is there. */
int bx_mut_mark_static(bx_cgfs *fs, bx_hooks *h, const char *cg, bool *marked, bx_error **err);

/* Set the record of what boxcg manages in the cgroup (plan/managed.h) to
 * `text`, or remove it when text is NULL. A filesystem without user
 * xattrs is not an error: *kept says whether the record is there. */
int bx_mut_set_managed(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *text, bool *kept,
		       bx_error **err);

/* A RECORD step: set the record (a filesystem without user xattrs keeps
 * none: not an error). Not read back: fsetxattr stores all or nothing. */
int bx_mut_record_managed(bx_cgfs *fs, bx_hooks *h, const char *cg, const char *text,
			  bx_error **err);
/* The record as it is: *text NULL when there is none (or xattrs are
 * unsupported: *unsupported). */
int bx_read_managed(bx_cgfs *fs, const char *cg, char **text, bool *unsupported, bx_error **err);

/* Whether the cgroup carries the mark (false where xattrs are unsupported). */
int bx_is_marked_static(bx_cgfs *fs, const char *cg, bool *marked, bx_error **err);

/* "cg/file", or "file" for the base; caller frees. */
char *bx_cg_show(const char *cg, const char *file);

#endif
