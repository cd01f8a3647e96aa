/* Applying a plan as one transaction: lock, journal, step, verify, and on
 * any failure undo every completed step in reverse. */
#ifndef BX_APPLY_APPLY_H
#define BX_APPLY_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "apply/lock.h"
#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "plan/plan.h"

#define BX_APPLY_STATE_DIR "/run/boxcg"
#define BX_APPLY_LOCK_TIMEOUT 30.0

typedef struct bx_apply_opts {
	const char *state_dir;   /* lock and journal; NULL: /run/boxcg */
	double lock_timeout;     /* seconds to wait for the lock: 0 means the
	                            default (30), < 0 do not wait */
	bool locked;             /* the caller holds the lock of state_dir
	                            already (bx_lock_acquire, apply/lock.h),
	                            e.g. across observe and plan */
	const struct bx_lock *held; /* that lock, when the caller has it from
	                            bx_apply_guard (which found no journal
	                            pending): its state directory fd is used,
	                            not opened again, and the journal is not
	                            looked for again. Implies locked. */
	struct bx_lock_keep *keep; /* NULL, or a lock kept open between
	                            transactions (apply/lock.h; a runtime's
	                            boxcg_target) */
	const struct bx_state *seen; /* NULL, or what the plan was computed from,
	                            observed under this same lock just before:
	                            captures take what it holds instead of
	                            reading it again (apply/capture.h) */
	bool box_local;          /* every step is in one box's own cgroup: the
	                            state directory's generation is not
	                            advanced (apply/lock.h). Otherwise it is,
	                            before the first mutation, so that frames
	                            of long-lived handles (lib/frame) read the
	                            cgroups above their boxes again. */
	/* Called after each step that completes, with how many have (of
	 * plan->n): the CLI's progress line. NULL: none. Not during a
	 * rollback. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* Test hooks, set by the CLI from BOXCG_TEST_* variables: */
	long fault_at;           /* > 0: the Nth mutation (journal writes and
	                            fsyncs included) fails with fault_errno */
	int fault_errno;         /* 0: EIO */
	long fault_count;        /* how many mutations fail from the Nth on
	                            (0 or 1: just that one) */
	long kill_at;            /* > 0: SIGKILL ourselves before the Nth mutation */
} bx_apply_opts;

typedef enum bx_apply_phase {
	BX_PHASE_BEGIN,          /* starting: the journal header */
	BX_PHASE_STEP,           /* a step (its record, mutation or read-back) */
	BX_PHASE_COMMIT,         /* removing the journal after the last step */
} bx_apply_phase;

typedef struct bx_apply_result {
	size_t steps_done;       /* steps completed before the end or the failure */
	bool failed;             /* a step failed (the error says which) */
	bx_apply_phase phase;    /* where it failed */
	size_t failed_step;      /* BX_PHASE_STEP: index into plan->v */
	bool journal_failed;     /* the failure was the journal's own I/O,
	                            not the step's change to the tree */
	bool rolled_back;        /* every completed step was undone and verified */
	bool rollback_failed;    /* journal kept: `boxcg recover` is next */
	char **unrestored;       /* "cgroup/file" that could not be restored
	                            ("cgroup/" for a cgroup itself) */
	size_t nunrestored;
	long mutations;          /* mutations made, rollback included */
} bx_apply_result;

/* 0: applied (or nothing to do). -1: failed; *err says why; res says
 * whether the rollback completed. */
int bx_apply(bx_cgfs *fs, const bx_plan *plan, const bx_apply_opts *o, bx_apply_result *res,
	     bx_error **err);

typedef struct bx_recover_result {
	bool had_journal;
	size_t undone;           /* undo records replayed and verified */
	size_t records;          /* undo records in the journal */
	bool torn;               /* its last record was torn (dropped) */
	bool other_boot;         /* a cgroup2 journal from an earlier boot: the
	                            tree it would restore went with that boot;
	                            removed, nothing replayed */
	char *base;              /* the base the journal names */
	char **unrestored;
	size_t nunrestored;
	char **vanished;         /* cgroups removed after the crash: their
	                            records were skipped (nothing left there to
	                            restore), the rest was undone */
	size_t nvanished;
	size_t skipped;          /* records skipped so */
} bx_recover_result;

/* Roll back a transaction a crash left open, and remove its journal.
 * With no journal: 0, had_journal false. The base comes from the journal.
 * A journal for a cgroup2 base written before the last reboot (its boot id
 * is not this boot's) is removed without replaying: other_boot.
 * -1 when something could not be restored (the journal is kept, res lists
 * what) or the journal is corrupt (nothing is touched). */
int bx_recover(const char *state_dir, bx_recover_result *res, bx_error **err);
/* The same with options: state_dir, lock_timeout and the test hooks. */
int bx_recover_with(const bx_apply_opts *o, bx_recover_result *res, bx_error **err);

/* The lock timeout `o` asks for, in seconds (see lock_timeout). */
double bx_apply_lock_timeout(const bx_apply_opts *o);

/* Is a journal waiting for `boxcg recover` in state_dir (NULL: the
 * default)? A missing state directory has none. */
int bx_apply_pending(const char *state_dir, bool *pending, bx_error **err);

/* What every command that changes the tree (apply, box create, delete,
 * attach, update, freeze …) calls first: take the transaction lock of
 * o->state_dir (NULL o or state_dir: the default), waiting up to
 * o->lock_timeout, and refuse (EAGAIN, naming `boxcg recover`) while a
 * journal is pending. Keep *out across the whole change — find, check,
 * mutate — then bx_lock_release() it (apply/lock.h). A bx_apply() under
 * it sets opts.locked. */
int bx_apply_guard(const bx_apply_opts *o, bx_lock **out, bx_error **err);
/* bx_apply_guard in two halves, for a transaction that looks for the
 * pending journal only where it can matter (box create and update): the
 * lock alone, and then the check. Such a transaction changes nothing
 * before bx_apply creates its journal, which O_EXCL refuses while one is
 * pending; every other outcome (nothing to change, a dry run, an error)
 * calls bx_apply_guard_late before it reports, so the pending journal is
 * what it reports, as with bx_apply_guard. */
int bx_apply_guard_lock(const bx_apply_opts *o, bx_lock **out, bx_error **err);
int bx_apply_guard_late(const bx_apply_opts *o, const bx_lock *lock, bx_error **err);

/* A duration for --lock-timeout: "30", "30s", "500ms", "2m", "1h". */
int bx_parse_seconds(const char *s, double *secs, bx_error **err);

/* Test hooks from the CLI's environment (documented as test-only):
 * BOXCG_TEST_FAULT_AT "k[,errno[,count]]" (errno as a number or a name
 * such as EBUSY; count consecutive mutations fail, default 1) and
 * BOXCG_TEST_KILL_AT "k". NULL or "" leaves the option alone. */
int bx_apply_test_hooks(bx_apply_opts *o, const char *fault_at, const char *kill_at,
			bx_error **err);

/* What errno `errnum` means for step `s` in cgroup terms ("EBUSY on
 * cgroup.subtree_control: …"), or NULL when there is nothing to add. */
const char *bx_apply_explain(const bx_step *s, int errnum);

void bx_apply_result_free(bx_apply_result *r);
void bx_recover_result_free(bx_recover_result *r);

#endif
