/* The box lifecycle: create, find, attach, run a command in, delete and
 * list the boxes of a policy's classes.
 *
 * A box is the cgroup <base>/<root>/<class>/<id>. Creating it is one
 * transaction of the applier (observe just that box, plan, apply), so its
 * class slice and ancestors are created with it when missing and a
 * failure leaves nothing behind. The rest are direct cgroupfs operations
 * on the box itself. */
#ifndef BX_BOX_BOX_H
#define BX_BOX_BOX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "apply/apply.h"
#include "box/join.h"
#include "box/spawn.h"
#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "frame/frame.h"
#include "model.h"
#include "plan/plan.h"
#include "sizes/sizes.h"

/* "<root>/<class>/<id>"; NULL on ENOMEM. */
char *bx_box_path(const bx_policy *p, const char *class_name, const char *id);

/* A box id follows the name rule ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$. */
bool bx_box_id_valid(const char *id);

/* Which class holds box `id`: looks for <root>/<class>/<id> under every
 * class of the policy. ENOENT when none does; EEXIST (naming both
 * classes) when several do. */
int bx_box_find(bx_cgfs *fs, const bx_policy *p, const char *id, const bx_class **out,
		bx_error **err);

/* The first class other than `skip` that holds box `id` (*out NULL when
 * none): box create looks in its own class through its observation. */
int bx_box_find_other(bx_cgfs *fs, const bx_policy *p, const bx_class *skip, const char *id,
		      const bx_class **out, bx_error **err);

/* The class to act on: `class_name` when given (ENOENT if the policy has
 * no such class, or if the box is not in it), else bx_box_find(). */
int bx_box_locate(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  const bx_class **out, bx_error **err);

/* Processes in the box and the cgroups below it (lines of their
 * cgroup.procs; a missing cgroup.procs counts none). */
int bx_box_nprocs(bx_cgfs *fs, const char *cg, size_t *n, bx_error **err);

typedef struct bx_box_create_opts {
	bx_apply_opts apply;   /* state_dir, lock_timeout, test hooks */
	bool exist_ok;         /* an existing box of this class is fine (box exec) */
	const char *const *sets; /* the box's own values: "KEY=VALUE" for limits
	                            its class opens (sizes/sizes.h) */
	size_t nsets;
	struct bx_frame *frame;  /* NULL, or what a long-lived handle remembers
	                            of the cgroups above its boxes (lib/frame) */
} bx_box_create_opts;

typedef struct bx_box_create_result {
	bool existed;            /* exist_ok and the box was there: nothing done */
	size_t created;          /* cgroups created (ancestors, slice, box) */
	bx_apply_result apply;   /* the transaction's result (free it) */
} bx_box_create_result;

/* Create box `id` of class `class_name` with the class's limits, creating
 * the class slice and ancestors that are missing, as one transaction
 * under the state directory's lock. EEXIST when the box exists (in this
 * or another class: ids are unique across classes) unless exist_ok and it
 * is in this class. On an apply failure res->apply says whether the
 * rollback completed. */
int bx_box_create(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  const bx_box_create_opts *o, bx_box_create_result *res, bx_error **err);

typedef struct bx_box_update_opts {
	bx_apply_opts apply;     /* state_dir, lock_timeout, test hooks */
	const char *const *sets; /* "KEY=VALUE": new own values (sizes/sizes.h) */
	size_t nsets;
	bool dry_run;            /* plan only */
	bool force;              /* lower memory.max below memory.current anyway */
	struct bx_frame *frame;  /* as bx_box_create_opts.frame */
} bx_box_update_opts;

typedef struct bx_box_update_result {
	bx_plan *plan;           /* what it did (or, dry_run, would do) */
	bx_apply_result apply;   /* the transaction's result */
	char *own;               /* the box's own values afterwards */
} bx_box_update_result;

/* Change the own values of live box `id` (class_name NULL: found): the
 * recorded values with the new ones over them, checked against the
 * class's `sizes` as at creation, then one transaction (observe, plan,
 * apply: the planner's kernel-safe order, a journal, rollback on failure)
 * under the state directory's lock; the new values become the recorded
 * ones in the same transaction. A memory.max below the box's
 * memory.current is EBUSY unless o->force. */
int bx_box_update(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  const bx_box_update_opts *o, bx_box_update_result *res, bx_error **err);
void bx_box_update_result_free(bx_box_update_result *r);

/* Freeze (or thaw) the box at `cg`: write cgroup.freeze, then wait up to
 * timeout_ms (< 0: forever) for cgroup.events to read `frozen 1` (0),
 * woken by poll(POLLPRI). A freeze that times out writes 0 back and fails
 * with ETIMEDOUT, so the box is never left half-frozen. */
int bx_box_set_frozen(bx_cgfs *fs, const char *cg, bool freeze, int timeout_ms, bx_error **err);
/* The same for box `id` (class_name NULL: found), under the state
 * directory's lock (ao: state_dir, lock_timeout; may be NULL); refused
 * while a journal is pending. */
int bx_box_freeze(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  bool freeze, int timeout_ms, const bx_apply_opts *ao, bx_error **err);

/* Move process `pid` into the box (one write to its cgroup.procs). */
int bx_box_attach(bx_cgfs *fs, const char *cg, pid_t pid, bx_error **err);

typedef struct bx_box_delete_opts {
	bool kill;       /* kill what runs in it first */
	int timeout_ms;  /* how long to wait for it to empty (< 0: forever) */
	bool no_cgroup_kill; /* tests: use the pre-5.14 SIGKILL rounds even
	                        where cgroup.kill exists */
} bx_box_delete_opts;

/* One counter of cgroup `cg`: the whole file `file` as a number when key
 * is NULL ("1234"), else the value of `key` in that flat keyed file
 * (cpu.stat usage_usec); -1 when missing, unreadable or not a number. */
int64_t bx_box_counter(bx_cgfs *fs, const char *cg, const char *file, const char *key);

/* What a deleted box leaves behind: cpu.stat usage_usec, memory.peak
 * (memory.current where the kernel has no peak) and memory.events
 * oom_kill. */
typedef struct bx_box_final {
	int64_t cpu_usage_usec, memory_peak, oom_kill;
} bx_box_final;

/* Read them now (-1 for a missing file). */
void bx_box_final_read(bx_cgfs *fs, const char *cg, bx_box_final *f);

typedef struct bx_box_delete_result {
	size_t nprocs;   /* processes it held (killed with kill) */
	bool used_signals; /* no cgroup.kill: SIGKILL to every listed pid */
	size_t removed;  /* cgroups removed (the box and any below it) */
	/* Its last counters, read after the kill and before the rmdir (they
	 * vanish with the cgroup); -1 where it has no such file. */
	bx_box_final final;
} bx_box_delete_result;

/* Delete the box at `cg`: refused (EBUSY, saying how many processes)
 * while populated unless o->kill; with it, cgroup.kill (or, before Linux
 * 5.14, SIGKILL to every listed pid until none is left), then a wait for
 * cgroup.events `populated 0` in poll(POLLPRI) up to o->timeout_ms
 * (ETIMEDOUT), then rmdir of the cgroups below it and of the box. */
int bx_box_delete(bx_cgfs *fs, const char *cg, const bx_box_delete_opts *o,
		  bx_box_delete_result *res, bx_error **err);

/* Kill everything in the box (and below) and wait until it is empty.
 * no_cgroup_kill: behave as on a kernel without cgroup.kill (tests). */
int bx_box_kill(bx_cgfs *fs, const char *cg, int timeout_ms, bool no_cgroup_kill,
		bool *used_signals, bx_error **err);

/* One box and its usage; -1 where the file is missing or unreadable. */
typedef struct bx_box_info {
	char *id;
	const char *class_name;  /* points into the policy */
	char *cgroup;            /* "<root>/<class>/<id>" */
	int64_t pids_current;    /* pids.current */
	int64_t memory_current;  /* memory.current, bytes */
	int64_t cpu_usage_usec;  /* cpu.stat usage_usec */
	int64_t oom_kills;       /* memory.events oom_kill */
	int64_t nprocs;          /* lines of cgroup.procs */
	bx_owns own;             /* its own values (sizes/sizes.h), as they apply now */
	char *own_text;          /* the same as record entries: "cpu.max=2 pids.max=8" */
	int frozen;              /* cgroup.events frozen: 1, 0, or -1 unknown */
	bx_settings *limits;     /* bx_box_info_read: its class's box settings with
	                            its own values (what it is held to); NULL in lists */
} bx_box_info;

typedef struct bx_box_list {
	bx_box_info *v;
	size_t n, cap;
} bx_box_list;

/* Every box under every class slice of the policy, in class order then by
 * id. A missing class slice has no boxes. */
int bx_box_list_read(bx_cgfs *fs, const bx_policy *p, bx_box_list *out, bx_error **err);
void bx_box_list_free(bx_box_list *l);

/* One box of class `c`: usage, state, own values and limits. ENOENT when
 * it does not exist. Free with bx_box_info_free. */
int bx_box_info_read(bx_cgfs *fs, const bx_policy *p, const bx_class *c, const char *id,
		     bx_box_info *out, bx_error **err);
void bx_box_info_free(bx_box_info *b);

/* The own values of the box at `cg` (its record's key=value entries), as
 * they apply under class `c`; none when it has no record. */
int bx_box_own_read(bx_cgfs *fs, const bx_class *c, const char *cg, bx_owns *out, bx_error **err);

/* Open what a join needs: the box's cgroup.procs for writing (O_CLOEXEC;
 * appending in directory mode), and the "0\n" bytes. */
int bx_join_prepare(bx_cgfs *fs, const char *cg, bx_join *j, bx_error **err);

typedef struct bx_box_spawn_opts {
	char *const *argv;          /* the command; argv[0] is looked up in PATH */
	char *const *envp;          /* NULL: the caller's environment */
	const sigset_t *child_mask; /* the child's signal mask; NULL: inherit */
	bool no_clone3;             /* tests: force the fork+join fallback */
} bx_box_spawn_opts;

/* Start the command in the box: clone3(CLONE_INTO_CGROUP) with the box's
 * directory fd, or fork + join before exec on kernels without it (and in
 * directory mode, where there is no cgroup to clone into). See spawn.h. */
int bx_box_spawn(bx_cgfs *fs, const char *cg, const bx_box_spawn_opts *o, bx_spawn_result *res,
		 bx_error **err);

/* After the spawned command was reaped: directory mode removes the line
 * its join wrote to cgroup.procs, as the kernel drops an exited process.
 * Nothing to do on cgroup2. */
int bx_box_reaped(bx_cgfs *fs, const char *cg, const bx_spawn_result *res, bx_error **err);

/* Run the command in the box and wait for it: the forwarded signals
 * (bx_forward_sigset) are blocked in the calling thread for the duration
 * and passed on to the command; the child gets the caller's original
 * mask. *exit_code is the shell's view of how it ended (128+sig
 * when killed). When it could not be started, -1 with res->stage saying
 * why (BX_SPAWN_FAILED_EXEC: a shell would exit 127 or 126). */
int bx_box_run(bx_cgfs *fs, const char *cg, const bx_box_spawn_opts *o, int *exit_code,
	       bx_spawn_result *res, bx_error **err);

#endif
