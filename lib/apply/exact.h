/* Directory mode only: exact snapshots of a cgroup directory's plain
 * files, so a rollback leaves the tree byte-for-byte as it was (files the
 * transaction created are removed again, trailing newlines and all).
 * On a real cgroup2 tree interface files cannot be created or removed and
 * none of this runs. */
#ifndef BX_APPLY_EXACT_H
#define BX_APPLY_EXACT_H

#include <stdbool.h>

#include "apply/hooks.h"
#include "apply/record.h"
#include "cgroupfs/cgfs.h"
#include "core/err.h"

/* Add to *out the exact bytes of `name` in cgroup `cg` (value NULL when
 * the file does not exist). */
int bx_exact_capture(bx_cgfs *fs, const char *cg, const char *name, bx_fileset *out,
		     bx_error **err);

/* Add to *out every regular file of cgroup `cg`. */
int bx_exact_capture_dir(bx_cgfs *fs, const char *cg, bx_fileset *out, bx_error **err);

/* Put back the files of `snap` (writing or removing each one that
 * differs, one mutation each); with whole_dir, also remove regular files
 * the snapshot does not list. */
int bx_exact_restore(bx_cgfs *fs, bx_hooks *h, const char *cg, const bx_fileset *snap,
		     bool whole_dir, bx_error **err);

/* *differs: NULL when the directory matches `snap`, else the name of the
 * first file that differs (caller frees). */
int bx_exact_diff(bx_cgfs *fs, const char *cg, const bx_fileset *snap, bool whole_dir,
		  char **differs, bx_error **err);

#endif
