/* Starting a command inside a box.
 *
 * The preferred way is clone3(CLONE_INTO_CGROUP) with the box's directory
 * fd: the child is born in the box, so not one instruction of it runs
 * outside. Kernels without it (before 5.7: ENOSYS, E2BIG or EINVAL) get a
 * fork whose child joins the box before exec with bx_join_child(), which
 * only calls write(2) on a descriptor the parent opened.
 *
 * The child never returns into the caller's code: it sets the signal mask
 * it was given, joins if needed and calls execve() on a path resolved by
 * the parent (execve is async-signal-safe; PATH search is not). A failed
 * join or exec is reported back through a close-on-exec pipe, so the caller
 * gets an error value instead of a child that silently exits. */
#ifndef BX_BOX_SPAWN_H
#define BX_BOX_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "box/join.h"
#include "core/err.h"

typedef enum bx_spawn_method {
	BX_SPAWN_CLONE3,    /* clone3(CLONE_INTO_CGROUP) */
	BX_SPAWN_FORK_JOIN, /* fork, write "0\n" to cgroup.procs, exec */
} bx_spawn_method;

typedef enum bx_spawn_stage {
	BX_SPAWN_OK,
	BX_SPAWN_FAILED_SPAWN, /* clone3/fork itself failed: no child */
	BX_SPAWN_FAILED_JOIN,  /* the child could not join the box */
	BX_SPAWN_FAILED_EXEC,  /* the child could not exec the command */
} bx_spawn_stage;

typedef struct bx_spawn_req {
	const char *path;          /* executable, already resolved (bx_exec_resolve) */
	char *const *argv;         /* argv[0] is what the command sees */
	char *const *envp;         /* NULL: the caller's environ */
	int cgroup_fd;             /* O_DIRECTORY fd of the box for clone3;
	                              -1: no clone3 (directory mode) */
	const bx_join *join;       /* the fallback's join (required when
	                              cgroup_fd is -1 or clone3 is unsupported) */
	const sigset_t *child_mask;/* the child's signal mask; NULL: inherit */
	bool no_clone3;            /* tests: take the fallback on purpose */
} bx_spawn_req;

typedef struct bx_spawn_result {
	pid_t pid;               /* the child, running CMD; 0 when it failed */
	bx_spawn_method method;  /* how it was placed */
	bx_spawn_stage stage;    /* where it failed; the error's errno says why */
	int clone3_errno;        /* why clone3 was not used (0 if it was) */
} bx_spawn_result;

/* true when clone3 failed because the kernel lacks it or CLONE_INTO_CGROUP
 * (the fork+join fallback applies); false for real failures (EBUSY into a
 * cgroup with controllers enabled, EPERM, EAGAIN from pids.max...). */
bool bx_clone3_unsupported(int errnum);

/* Start the command. 0: out->pid runs it (it has already exec'd). -1: no
 * command runs; out->stage says which step failed; a child that failed to
 * join or exec has been reaped. */
int bx_spawn(const bx_spawn_req *req, bx_spawn_result *out, bx_error **err);

/* Resolve a command name as execvp would: a name with a '/' is taken as
 * is, else each entry of `path_env` (NULL or unset: "/usr/local/bin:/usr/bin:/bin";
 * an empty entry is the current directory) is tried for an executable
 * regular file. ENOENT when nothing matches, EACCES when only
 * non-executable matches exist. */
int bx_exec_resolve(const char *cmd, const char *path_env, char **out, bx_error **err);

/* The exit status a shell gives a command that could not be run: 127 when
 * it was not found (ENOENT, ENOTDIR), 126 otherwise (EACCES, ENOEXEC...). */
int bx_exec_failure_status(int errnum);

#endif
