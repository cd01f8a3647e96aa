/* libboxcg: declarative cgroup v2 box classes for runtimes.
 *
 * A policy (YAML) declares box classes: resource profiles such as "small:
 * 1 CPU, 1 GiB". This library loads and validates policies, previews and
 * applies them as one transaction, and runs the life of a box: create a
 * box of a class, start a process in it, list boxes, delete a box.
 *
 *   boxcg_target  where cgroups live: the cgroup2 mount, a delegated
 *                 subtree, or a plain directory (directory mode, for tests)
 *   boxcg_policy  a loaded, valid policy
 *   boxcg_plan    the operations that take the live tree to the policy
 *   boxcg_error   a failure: a message with context and an errno
 *
 * Conventions:
 *   - Fallible functions return 0 on success and -1 on failure, and take
 *     `boxcg_error **err` last. On failure *err (when err is not NULL and
 *     *err is NULL) receives an error the caller frees with
 *     boxcg_error_free(). Nothing is printed; nothing exits the process.
 *   - Strings returned as `const char *` belong to the handle they came
 *     from and live as long as it does.
 *   - No global state. Distinct handles may be used from different threads
 *     at the same time; one handle must not be used by two threads at once.
 *
 * Build: pkg-config --cflags --libs boxcg. See docs/LIBRARY.md. */
#ifndef BOXCG_H
#define BOXCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *boxcg_version(void);

/* ---- errors -------------------------------------------------------------- */

typedef struct boxcg_error boxcg_error;

/* "create box b1 of class small: mkdir boxlite/small/b1: Permission denied".
 * A failure reported together with a second one (a rollback that failed
 * too) reads "first; also: second". */
const char *boxcg_error_message(const boxcg_error *e);
/* The errno behind the error, 0 when it is not a system error (an invalid
 * policy, a stale plan...). */
int boxcg_error_errno(const boxcg_error *e);
void boxcg_error_free(boxcg_error *e);

/* ---- targets ------------------------------------------------------------- */

typedef struct boxcg_target boxcg_target;

/* Open the place boxes live in.
 *   root: a cgroup2 mount or a delegated cgroup directory; a plain
 *         directory selects directory mode (interface files are plain
 *         files; no process can really be in a box). NULL: discover it
 *         (the cgroup2 mount for root; otherwise the delegated cgroup the
 *         caller runs in, from /proc/self/cgroup).
 *   state_dir: where the transaction lock and journal live; NULL:
 *         /run/boxcg. Rootless callers pass a directory of their own.
 *         On a systemd host it also holds the record of the delegated
 *         base (sd-base), so that opening a target seldom asks systemd
 *         over D-Bus. */
int boxcg_target_open(const char *root, const char *state_dir, boxcg_target **out,
		      boxcg_error **err);
/* The absolute path of the base directory. */
const char *boxcg_target_base(const boxcg_target *t);
/* true when the root is a plain directory, not cgroup2. */
bool boxcg_target_is_directory(const boxcg_target *t);
void boxcg_target_close(boxcg_target *t);

/* ---- policies and their diagnostics -------------------------------------- */

typedef struct boxcg_policy boxcg_policy;
typedef struct boxcg_diagnostics boxcg_diagnostics;
typedef struct boxcg_diagnostic boxcg_diagnostic;

typedef enum boxcg_severity {
	BOXCG_SEVERITY_WARNING = 0,
	BOXCG_SEVERITY_ERROR = 1,
} boxcg_severity;

/* Load `npaths` policy files or directories (of *.yaml / *.yml, read in
 * name order) as one policy, validated and compiled for the target's host
 * (t NULL: this machine).
 *
 * 0: *out is the policy (there may be warnings). -1: no policy; *err says
 * why: "the policy has N errors" (errno 0) when it is invalid, or a
 * runtime failure. Either way, when diags is not NULL, *diags receives
 * every problem found (free it with boxcg_diagnostics_free). */
int boxcg_policy_load(const boxcg_target *t, const char *const *paths, size_t npaths,
		      boxcg_policy **out, boxcg_diagnostics **diags, boxcg_error **err);
/* The same from one in-memory YAML document named `name` in diagnostics. */
int boxcg_policy_load_buffer(const boxcg_target *t, const char *name, const char *data,
			     size_t len, boxcg_policy **out, boxcg_diagnostics **diags,
			     boxcg_error **err);
void boxcg_policy_free(boxcg_policy *p);

/* The policy's `root` ("boxlite") and its classes, in declaration order. */
const char *boxcg_policy_root(const boxcg_policy *p);
size_t boxcg_policy_class_count(const boxcg_policy *p);
const char *boxcg_policy_class_name(const boxcg_policy *p, size_t i);

/* Diagnostics, sorted by file, line and column. At most the first 10,000
 * found are kept (count); errors counts every error found. */
size_t boxcg_diagnostics_count(const boxcg_diagnostics *d);
size_t boxcg_diagnostics_errors(const boxcg_diagnostics *d);
const boxcg_diagnostic *boxcg_diagnostics_at(const boxcg_diagnostics *d, size_t i);
void boxcg_diagnostics_free(boxcg_diagnostics *d);

boxcg_severity boxcg_diagnostic_severity(const boxcg_diagnostic *g);
const char *boxcg_diagnostic_file(const boxcg_diagnostic *g);  /* may be NULL */
unsigned boxcg_diagnostic_line(const boxcg_diagnostic *g);     /* 1-based, 0 unknown */
unsigned boxcg_diagnostic_column(const boxcg_diagnostic *g);   /* 1-based, 0 unknown */
const char *boxcg_diagnostic_message(const boxcg_diagnostic *g);
/* The YAML path of the offending node ("classes.small.box.memory.high"),
 * or NULL. */
const char *boxcg_diagnostic_path(const boxcg_diagnostic *g);
/* The whole line as the CLI prints it:
 * "web.yaml:14:12: error: memory.high (2GiB) is above memory.max (1GiB) [classes.small.box.memory.high]" */
const char *boxcg_diagnostic_text(const boxcg_diagnostic *g);

/* ---- plans --------------------------------------------------------------- */

typedef struct boxcg_plan boxcg_plan;
typedef struct boxcg_step boxcg_step;

typedef enum boxcg_op {
	BOXCG_OP_ENABLE = 0,  /* write "+ctrl" to cgroup.subtree_control */
	BOXCG_OP_MKDIR = 1,   /* create the cgroup */
	BOXCG_OP_WRITE = 2,   /* write a value to an interface file */
	BOXCG_OP_RMDIR = 3,   /* remove the cgroup (prune) */
	BOXCG_OP_DISABLE = 4, /* write "-ctrl" to cgroup.subtree_control (prune) */
	BOXCG_OP_RECORD = 5,  /* record which settings boxcg manages in the cgroup
	                         (the xattr user.boxcg.managed; new = the record) */
} boxcg_op;

/* Remove class slices and static boxes the policy no longer declares. */
#define BOXCG_PLAN_PRUNE 0x1u

/* Compare the live tree with the policy. An empty plan means the tree
 * already matches. */
int boxcg_plan_compute(boxcg_target *t, const boxcg_policy *p, unsigned flags, boxcg_plan **out,
		       boxcg_error **err);
size_t boxcg_plan_count(const boxcg_plan *plan);
const boxcg_step *boxcg_plan_step(const boxcg_plan *plan, size_t i);
/* Cgroups created and removed, files changed. BOXCG_OP_RECORD steps are
 * bookkeeping, never counted: the plan has changes when these sum above 0
 * (boxcg_plan_count includes records; boxcg_apply writes them). */
size_t boxcg_plan_to_create(const boxcg_plan *plan);
size_t boxcg_plan_to_change(const boxcg_plan *plan);
size_t boxcg_plan_to_remove(const boxcg_plan *plan);
/* The plan as `boxcg plan` prints it (no color); NULL when out of memory. */
const char *boxcg_plan_text(boxcg_plan *plan);
void boxcg_plan_free(boxcg_plan *plan);

boxcg_op boxcg_step_op(const boxcg_step *s);
const char *boxcg_step_cgroup(const boxcg_step *s); /* relative to the base; "" = the base */
const char *boxcg_step_file(const boxcg_step *s);   /* NULL for MKDIR/RMDIR */
const char *boxcg_step_old(const boxcg_step *s);    /* NULL when the cgroup is new */
const char *boxcg_step_new(const boxcg_step *s);    /* NULL for MKDIR/RMDIR */
/* The policy line that asked for the step (file may be NULL). */
const char *boxcg_step_location_file(const boxcg_step *s);
unsigned boxcg_step_location_line(const boxcg_step *s);
unsigned boxcg_step_location_column(const boxcg_step *s);
const char *boxcg_step_path(const boxcg_step *s);    /* YAML path, or NULL */
/* An effect no rollback can undo (reclaim, OOM kill), or NULL. */
const char *boxcg_step_warning(const boxcg_step *s);

typedef enum boxcg_apply_status {
	BOXCG_APPLY_OK = 0,              /* applied, or nothing to do */
	BOXCG_APPLY_ROLLED_BACK = 1,     /* failed; every completed step undone */
	BOXCG_APPLY_ROLLBACK_FAILED = 2, /* failed, and so did the rollback: the
	                                    journal is kept for `boxcg recover` */
	BOXCG_APPLY_NOT_STARTED = 3,     /* refused before any change (stale
	                                    plan, lock held, pending journal) */
} boxcg_apply_status;

/* Apply the plan as one transaction, under the state directory's lock. A
 * plan whose observed state no longer matches the live tree is refused
 * (errno ESTALE): compute it again. *status (when not NULL) tells how a
 * failure ended. */
int boxcg_apply(boxcg_target *t, const boxcg_plan *plan, boxcg_apply_status *status,
		boxcg_error **err);

/* ---- boxes --------------------------------------------------------------- */

/* An existing box of this class is fine (no error, nothing changed). */
#define BOXCG_CREATE_EXIST_OK 0x1u

/* Create box `id` of class `class_name` at <base>/<root>/<class>/<id> with
 * the class's limits (and the class slice and ancestors when missing), as
 * one transaction. Box ids are unique across classes: EEXIST when the id
 * is taken (unless BOXCG_CREATE_EXIST_OK and it is in this class). */
int boxcg_box_create(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, unsigned flags, boxcg_error **err);

typedef struct boxcg_box boxcg_box;

/* A box's own value of a limit its class opens to its boxes (`sizes:` in
 * the policy): key "memory.max", value "2GiB" in the policy's units. */
typedef struct boxcg_set {
	const char *key;
	const char *value;
} boxcg_set;

/* boxcg_box_create with the box's own values (`boxcg box create --set`):
 * each within the range its class allows, the class's value for the
 * others. Refused before anything is created, naming the class's
 * file:line:col: a key the class does not open (EPERM), a value out of
 * range (ERANGE) or that does not parse (EINVAL). The values are recorded
 * with the box, so plans and applies keep them. With
 * BOXCG_CREATE_EXIST_OK and nsets > 0 an existing box is EEXIST (use
 * boxcg_box_update). */
int boxcg_box_create_sized(boxcg_target *t, const boxcg_policy *p, const char *class_name,
			   const char *id, const boxcg_set *sets, size_t nsets, unsigned flags,
			   boxcg_error **err);

/* Only compute what boxcg_box_update would do (nothing is changed). */
#define BOXCG_UPDATE_DRY_RUN 0x1u
/* Write a memory.max below the box's memory.current anyway. */
#define BOXCG_UPDATE_FORCE 0x2u

/* Change the own values of live box `id` (class_name NULL: the class
 * holding it): its recorded values with these over them, checked as at
 * creation, then one transaction in the kernel-safe order, journaled and
 * rolled back on failure; the new values become its recorded ones. Only
 * the files whose value they change are read and written (a limit that
 * follows memory.max moves with it); drift elsewhere in the box is left
 * to boxcg_apply. A
 * memory.max below the box's memory.current is EBUSY unless
 * BOXCG_UPDATE_FORCE (the kernel would reclaim and OOM-kill in the box
 * rather than fail the write). *plan (may be NULL) receives what was (or,
 * with BOXCG_UPDATE_DRY_RUN, would be) done; free it with boxcg_plan_free. */
int boxcg_box_update(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, const boxcg_set *sets, size_t nsets, unsigned flags,
		     boxcg_plan **plan, boxcg_error **err);

/* Freeze every process of the box (cgroup.freeze 1) and wait up to
 * timeout_ms (< 0: forever) for cgroup.events to read `frozen 1`. On a
 * timeout it writes 0 back, so the box is never left half-frozen, and
 * fails with ETIMEDOUT. */
int boxcg_box_freeze(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, int timeout_ms, boxcg_error **err);
/* Thaw it (cgroup.freeze 0) and wait for `frozen 0`. */
int boxcg_box_thaw(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		   const char *id, int timeout_ms, boxcg_error **err);

/* A descriptor of the box's directory (O_RDONLY | O_DIRECTORY |
 * O_CLOEXEC) into *fd, for runtimes that start processes themselves with
 * clone3(CLONE_INTO_CGROUP) (clone_args.cgroup = *fd). The caller closes
 * it. On a directory root there is no cgroup to clone into: the fd is
 * still a directory (boxcg_target_is_directory says so). */
int boxcg_box_dirfd(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, int *fd, boxcg_error **err);

/* One box: its class, own values, limits and state (boxcg_box_free). */
int boxcg_box_query(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, boxcg_box **out, boxcg_error **err);
/* The limits the box is held to, as the kernel reads them back:
 * "cpu.max" -> "200000 100000"; NULL when the box has no such limit from
 * its class or own values. Only for boxes from boxcg_box_query. */
const char *boxcg_box_limit(const boxcg_box *b, const char *file);
void boxcg_box_free(boxcg_box *b);

/* Kill the processes of a populated box instead of refusing it. */
#define BOXCG_DELETE_KILL 0x1u

/* Delete box `id` (class_name NULL: find the class holding it). A box
 * with processes is refused (EBUSY, with their number) unless
 * BOXCG_DELETE_KILL: then they are killed (cgroup.kill, or SIGKILL to each
 * before Linux 5.14) and the call waits up to timeout_ms (< 0: forever)
 * for the kernel to report the box empty (ETIMEDOUT otherwise). */
int boxcg_box_delete(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, unsigned flags, int timeout_ms, boxcg_error **err);

/* Move process `pid` into the box. */
int boxcg_box_attach(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, pid_t pid, boxcg_error **err);

/* The box's directory, "<base>/<root>/<class>/<id>", into buf (ERANGE when
 * it does not fit). The box need not exist. */
int boxcg_box_path(const boxcg_target *t, const boxcg_policy *p, const char *class_name,
		   const char *id, char *buf, size_t size, boxcg_error **err);

typedef struct boxcg_box_list boxcg_box_list;

/* Every box under every class of the policy, in class order, then by id. */
int boxcg_box_list_read(boxcg_target *t, const boxcg_policy *p, boxcg_box_list **out,
			boxcg_error **err);
size_t boxcg_box_list_count(const boxcg_box_list *l);
const boxcg_box *boxcg_box_list_at(const boxcg_box_list *l, size_t i);
void boxcg_box_list_free(boxcg_box_list *l);

const char *boxcg_box_id(const boxcg_box *b);
const char *boxcg_box_class(const boxcg_box *b);
const char *boxcg_box_cgroup(const boxcg_box *b);    /* relative to the base */
/* Usage, -1 when the cgroup has no such file (controller not enabled). */
int64_t boxcg_box_pids_current(const boxcg_box *b);  /* pids.current */
int64_t boxcg_box_memory_current(const boxcg_box *b);/* memory.current, bytes */
int64_t boxcg_box_cpu_usage_usec(const boxcg_box *b);/* cpu.stat usage_usec */
int64_t boxcg_box_oom_kills(const boxcg_box *b);     /* memory.events oom_kill */
/* Its own values as "cpu.max=2 memory.max=2147483648" (sorted; "" when it
 * has none; sizes in bytes, CPUs as a number). */
const char *boxcg_box_own(const boxcg_box *b);
/* cgroup.events frozen: 1 frozen, 0 not, -1 unknown. */
int boxcg_box_frozen(const boxcg_box *b);

/* ---- running processes in a box ------------------------------------------ */

/* Start argv (argv[0] looked up in envp's PATH) in an existing box and
 * return its pid; the caller waits for it. The child is born in the box
 * with clone3(CLONE_INTO_CGROUP), or on kernels without it (before 5.7)
 * forked and joined before exec. envp NULL: the caller's environment. It
 * inherits the caller's signal mask and open descriptors that are not
 * close-on-exec. A command that cannot be found or executed is an error
 * (errno ENOENT / EACCES...), not a child. */
int boxcg_box_spawn(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, char *const argv[], char *const envp[], pid_t *pid,
		    boxcg_error **err);

/* `boxcg box exec`: create the box if needed, run argv in it and wait for
 * it, forwarding SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
 * SIGWINCH, SIGCONT, SIGALRM and SIGPWR (blocked in the calling thread for
 * the duration; the command gets the thread's original mask).
 * *exit_status: the command's exit status, or 128+N when signal N killed
 * it. When the command could not be run, -1 with *exit_status 127 (not
 * found) or 126 (not executable) as a shell would set. The wait does not
 * rely on SIGCHLD, so threads may each run one; a signal sent to the
 * process is forwarded only when the other threads block it as well. */
int boxcg_box_exec(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		   const char *id, char *const argv[], char *const envp[], int *exit_status,
		   boxcg_error **err);

/* The fork/exec join, for runtimes that fork themselves:
 *
 *     boxcg_join *j;
 *     if (boxcg_join_prepare(t, p, "small", "b1", &j, &err) < 0) ...
 *     pid_t pid = fork();
 *     if (pid == 0) {
 *             if (boxcg_join_child(j) < 0)
 *                     _exit(126);
 *             execve(...);
 *     }
 *     boxcg_join_free(j);
 *
 * boxcg_join_prepare() opens the box's cgroup.procs (close-on-exec) and
 * formats the bytes to write, "0\n" (pid 0: the writing process).
 * boxcg_join_child() makes one write(2) of them to that descriptor and
 * nothing else: it allocates nothing, takes no lock, and is
 * async-signal-safe, so it may run between fork() and exec() in a
 * multithreaded program. 0 on success, -1 with errno set. */
typedef struct boxcg_join boxcg_join;
int boxcg_join_prepare(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		       const char *id, boxcg_join **out, boxcg_error **err);
int boxcg_join_child(const boxcg_join *j);
/* The pre-opened cgroup.procs descriptor (to keep it across a
 * close-all-fds loop in the child). */
int boxcg_join_fd(const boxcg_join *j);
void boxcg_join_free(boxcg_join *j);

/* ---- statistics ---------------------------------------------------------- */

/* A figure the cgroup does not have (controller not enabled, older kernel). */
#define BOXCG_STAT_ABSENT ((int64_t)-1)
/* A limit that is "max" (none). */
#define BOXCG_STAT_MAX ((int64_t)-2)

/* One PSI line: averages in hundredths of a percent (1234 = 12.34%),
 * total stall time in microseconds. */
typedef struct boxcg_psi {
	int64_t avg10, avg60, avg300, total_usec;
} boxcg_psi;

/* A box's usage next to its limits, exactly as the kernel reports it. */
typedef struct boxcg_stats {
	int64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;       /* cpu.stat */
	int64_t cpu_nr_periods, cpu_nr_throttled, cpu_throttled_usec;
	int64_t memory_current, memory_peak, memory_high, memory_max; /* bytes */
	int64_t memory_events_low, memory_events_high, memory_events_max;
	int64_t memory_events_oom, memory_events_oom_kill, memory_events_oom_group_kill;
	int64_t swap_current, swap_peak, swap_max;
	int64_t pids_current, pids_peak, pids_max, pids_events_max;
	/* io.stat summed over devices (ABSENT without io.stat) */
	int64_t io_rbytes, io_wbytes, io_rios, io_wios;
	boxcg_psi cpu_some, cpu_full, memory_some, memory_full, io_some, io_full;
} boxcg_stats;

/* Read box `id`'s statistics (class_name NULL: find the class holding it).
 * class_name with id NULL reads the class slice (its boxes summed by the
 * kernel). */
int boxcg_box_stats(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, boxcg_stats *out, boxcg_error **err);

/* ---- events -------------------------------------------------------------- */

typedef struct boxcg_events boxcg_events;

/* One box event. `kind` is "created", "deleted", "populated", "empty",
 * "frozen", "thawed", "memory_high", "memory_max", "oom", "oom_kill",
 * "oom_group_kill", "pids_max" or "memory_pressure". The counters are the
 * box's after the event (for "deleted": the last read while it existed);
 * BOXCG_STAT_ABSENT where it has no such file. */
typedef struct boxcg_event {
	const char *kind;
	const char *class_name;
	const char *box;
	int64_t time_ns;       /* CLOCK_REALTIME when it was seen */
	int64_t count, delta;  /* counter events: its value and rise; else -1, 0 */
	int64_t cpu_usage_usec, memory_current, memory_peak, oom_kill, pids_current;
} boxcg_event;

/* Watch every box of the policy's classes (the target and the policy
 * must outlive the handle): poll() notifications of cgroup.events,
 * memory.events and pids.events, a PSI trigger on memory.pressure, and
 * inotify for boxes created and deleted. Never polls on a timer. */
int boxcg_events_open(boxcg_target *t, const boxcg_policy *p, boxcg_events **out,
		      boxcg_error **err);
/* An epoll descriptor to add to the runtime's own loop (EPOLLIN): it is
 * readable when boxcg_events_read has something to handle. */
int boxcg_events_fd(const boxcg_events *ev);
/* Handle what is ready, never blocking: *v (valid until the next call or
 * the close) holds *n events, 0 when nothing happened. */
int boxcg_events_read(boxcg_events *ev, const boxcg_event **v, size_t *n, boxcg_error **err);
void boxcg_events_close(boxcg_events *ev);

#ifdef __cplusplus
}
#endif

#endif
