/* Running one plan step: its mutation, then reading the value back and
 * comparing it, in canonical form, with what the plan wanted. A write the
 * kernel accepted but stores differently is a failure too. */
#ifndef BX_APPLY_STEP_H
#define BX_APPLY_STEP_H

#include "apply/hooks.h"
#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "plan/plan.h"

/* Run one step and read its result back. On failure *untouched (when not
 * NULL) says the step changed nothing at all (a mkdir that failed, EEXIST
 * say: undoing it must not remove what was there), so its undo record is
 * left out of a rollback. */
int bx_step_run(bx_cgfs *fs, bx_hooks *h, const bx_step *s, bool *untouched, bx_error **err);

/* One line describing the step: `write "50000 100000" to a/b/cpu.max`.
 * Caller frees. */
char *bx_step_describe(const bx_step *s);

#endif
