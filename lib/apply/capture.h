/* Capture: read what a step is about to change and build its undo record
 * (record.h), before anything is written. Also refuses a step the live
 * tree has made meaningless (a cgroup to create that exists, one to
 * remove that does not): the plan is stale. */
#ifndef BX_APPLY_CAPTURE_H
#define BX_APPLY_CAPTURE_H

#include <stdbool.h>

#include "apply/record.h"
#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "plan/plan.h"
#include "plan/state.h"

/* Parse a subtree_control write ("+cpu +memory -io") into the controllers
 * it enables and disables. -1 (EINVAL) on anything else. */
int bx_ctrl_tokens(const char *write, unsigned *plus, unsigned *minus);

/* seen: NULL, or what the plan was computed from, observed under the
 * same lock in this transaction (bx_apply_opts.seen). Then what it holds
 * is not read again: a cgroup to create that it saw missing, and, for the
 * first step of the plan that touches them, a cgroup2 file's value and a
 * cgroup's record of managed settings. Directory mode reads files again
 * for their exact bytes. first: no earlier step of the plan touches what
 * this one does. */
int bx_capture(bx_cgfs *fs, const bx_step *s, long index, const bx_state *seen, bool first,
	       bx_undo *u, bx_error **err);
/* The capture from `seen` alone: 1 and *u, 0 when it must be read live
 * (nothing in *u), -1 on error. */
int bx_capture_seen(bx_cgfs *fs, const bx_step *s, long index, const bx_state *seen, bool first,
		    bx_undo *u, bx_error **err);

#endif
