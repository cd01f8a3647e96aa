/* Applying a plan as one transaction: lock, journal, step, verify, and on
 * any failure undo every completed step in reverse. */
#ifndef BX_APPLY_APPLY_H
#define BX_APPLY_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "plan/plan.h"

typedef struct bx_apply_opts {
	const char *state_dir;   /* lock and journal; default /run/boxcg */
	double lock_timeout;     /* seconds to wait for the lock (default 30) */
	/* Test hooks, set by the CLI from BOXCG_TEST_* variables: */
	long fault_at;           /* > 0: the Nth mutation (journal writes and
	                            fsyncs included) fails with fault_errno */
	int fault_errno;
	long kill_at;            /* > 0: SIGKILL ourselves before the Nth mutation */
} bx_apply_opts;

typedef struct bx_apply_result {
	size_t steps_done;       /* steps completed before the end or the failure */
	bool failed;             /* a step failed (the error says which) */
	size_t failed_step;      /* index into plan->v */
	bool rolled_back;        /* every completed step was undone and verified */
	bool rollback_failed;    /* journal kept: `boxcg recover` is next */
	char **unrestored;       /* "cgroup/file" that could not be restored */
	size_t nunrestored;
} bx_apply_result;

/* 0: applied (or nothing to do). -1: failed; *err says why; res says
 * whether the rollback completed. */
int bx_apply(bx_cgfs *fs, const bx_plan *plan, const bx_apply_opts *o, bx_apply_result *res,
	     bx_error **err);

typedef struct bx_recover_result {
	bool had_journal;
	size_t undone;
	char **unrestored;
	size_t nunrestored;
} bx_recover_result;

/* Roll back a transaction a crash left open, and remove its journal.
 * With no journal: 0, had_journal false. */
int bx_recover(const char *state_dir, bx_recover_result *res, bx_error **err);

void bx_apply_result_free(bx_apply_result *r);
void bx_recover_result_free(bx_recover_result *r);

#endif
