/* Rollback: undo records in reverse order, then read every restored value
 * back and compare it, in canonical form, with what the record says it
 * was. Each undo is safe whether or not its step had run: a value equal
 * to the recorded one is left alone, a cgroup already gone (or already
 * there) is fine.
 *
 * Strictly in reverse, records inside cgroups the transaction created
 * included: a new cgroup's subtree_control must lose a controller before
 * its parent can (EBUSY otherwise), so its own undo cannot be left to the
 * removal of the cgroup. A record inside a created cgroup that is gone
 * already (a replay of an interrupted rollback) is done. */
#ifndef BX_APPLY_UNDO_H
#define BX_APPLY_UNDO_H

#include <stdbool.h>
#include <stddef.h>

#include "apply/hooks.h"
#include "apply/record.h"
#include "cgroupfs/cgfs.h"
#include "core/err.h"

typedef struct bx_rollback {
	bx_cgfs *fs;
	bx_hooks *hooks;
	bool exact;            /* directory mode: restore exact bytes too */
	bool skip_vanished;    /* recover: a record whose cgroup (for an
	                          RMDIR: its parent) no longer exists, and that
	                          the transaction did not create, is skipped
	                          and its cgroup listed in `vanished`, instead
	                          of failing (someone removed it after the
	                          crash: nothing is left there to restore) */
	char **vanished;       /* the cgroups skipped so; deduplicated */
	size_t nvanished, vcap;
	size_t skipped;        /* records skipped so */
	size_t undone;         /* records undone and verified */
	char **unrestored;     /* "cg/file", "cg/" for a cgroup; deduplicated */
	size_t nunrestored, cap;
} bx_rollback;

/* Undo v[n-1] … v[0]. 0 when everything was restored and verified; else
 * -1, *err the first failure, rb->unrestored what is not as it was. */
int bx_rollback_run(bx_rollback *rb, const bx_undo *v, size_t n, bx_error **err);

/* Hand the vanished list over (caller frees with bx_strv_free). */
char **bx_rollback_take_vanished(bx_rollback *rb, size_t *n);

/* Hand the unrestored list over (caller frees with bx_strv_free). */
char **bx_rollback_take(bx_rollback *rb, size_t *n);
void bx_rollback_free(bx_rollback *rb);

#endif
