/* What plan, diff and snapshot work against: the live cgroupfs (or, for
 * plan --state, a snapshot of one), the policy compiled for that host, and
 * what was observed of it. */
#ifndef BX_CLI_PLAN_TARGET_H
#define BX_CLI_PLAN_TARGET_H

#include "cgroupfs/cgfs.h"
#include "cli.h"
#include "model.h"
#include "plan/state.h"

typedef struct bx_target {
	bx_cgfs *fs;          /* the live base, or NULL with a snapshot */
	bx_state *snap;       /* plan --state: the snapshot */
	bx_host_facts facts;  /* what the policy is compiled for */
	bx_policy *policy;
	bx_state *observed;
} bx_target;

/* Open the base (global --root, or discovery), or read the snapshot file
 * `state_path` ("-" = stdin) when given. */
int bx_target_open(cli *c, const char *state_path, bx_target *t, bx_error **err);

/* Load the policy for the target's host facts, printing its diagnostics,
 * then observe what it manages. Returns -1 when both succeeded; otherwise
 * the exit status, the problem already printed. */
int bx_target_load_observe(cli *c, bx_target *t, const char *const *paths, size_t npaths,
			   bx_error **err);

/* Load just the policy (diagnostics printed). -1 when it loaded, else the
 * exit status. */
int bx_target_load(cli *c, bx_target *t, const char *const *paths, size_t npaths);

void bx_target_close(bx_target *t);

/* A whole file (or stdin for "-") as a string, at most `max` bytes. */
int bx_read_text(const char *path, size_t max, char **out, bx_error **err);

#endif
