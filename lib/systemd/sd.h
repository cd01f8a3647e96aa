/* systemd hosts: where boxcg may write when systemd owns the cgroup tree.
 *
 * When systemd is PID 1 it is the single writer of the cgroup hierarchy;
 * another program may manage only a subtree systemd delegated to it (a
 * service or scope with Delegate=yes; systemd's CGROUP_DELEGATION.md). The
 * delegated unit boxcg works in is `boxcg.service`:
 *
 *   root      the system manager's boxcg.service (shipped in
 *             cmd/boxcg/systemd/boxcg.service.in: Delegate=yes, a main process
 *             that stays for the unit's life, the policy applied by
 *             ExecStartPost). It must be loaded and running.
 *   others    the user manager's boxcg.service: when it is not running,
 *             boxcg starts it as a transient unit (Delegate=yes, Type=exec,
 *             ExecStart=/bin/sleep infinity), as
 *             `systemd-run --user --scope -p Delegate=yes` gets its scope.
 *
 * Either way the unit's main process is moved into the leaf `.holder` of
 * the unit's cgroup (cgroup v2 allows no processes in a cgroup whose
 * children have controllers enabled; a name with a leading dot can never be
 * a policy root), and the unit's cgroup is the base. The managers are
 * reached over D-Bus with sd-bus (libsystemd, opened with dlopen() only
 * when a lookup is needed; a missing library is an error naming the
 * package libsystemd0): their private sockets (/run/systemd/private,
 * $XDG_RUNTIME_DIR/systemd/private), then the bus. The answer is cached
 * between commands (basecache.h).
 *
 * A boxcg built without libsystemd (the static binary of the busybox
 * kernel guest) reports on a systemd host that it cannot ask systemd, and
 * the caller passes --root. */
#ifndef BX_SYSTEMD_SD_H
#define BX_SYSTEMD_SD_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/err.h"

/* The unit boxcg works in, in either manager. */
#define BX_SD_UNIT "boxcg.service"
/* The leaf of the unit's cgroup its own processes are moved into. */
#define BX_SD_HOLDER ".holder"

/* true when systemd is PID 1 of this system or container (the directory
 * /run/systemd/system exists, as sd_booted(3) tests). BOXCG_SYSTEMD=0 in
 * the environment says no (tests that exercise the other paths on a
 * systemd host). */
bool bx_sd_booted(void);

/* What boxcg found out about its delegated unit. */
typedef struct bx_sd_unit {
	bool user;          /* the user manager's, not the system's */
	char *cgroup;       /* the unit's ControlGroup ("/system.slice/boxcg.service") */
	bool delegate;      /* Delegate=yes */
	char *active_state; /* ActiveState ("active", "inactive", ...) */
	char *load_state;   /* LoadState ("loaded", "not-found", ...) */
	char *delegated;    /* DelegateControllers, space separated ("" = none given: all) */
} bx_sd_unit;

void bx_sd_unit_free(bx_sd_unit *u);

/* Look the unit up in the system (as_root) or the caller's user manager;
 * nothing is started. */
int bx_sd_unit_query(bool as_root, bx_sd_unit *u, bx_error **err);

/* Find the base on a systemd host: the cgroup of the delegated unit under
 * the cgroup2 mount `mount`, checked (loaded, running, Delegate=yes). For
 * a non-root caller the unit is started when missing, and when the caller
 * runs outside it (runuser, cron, a system unit) the caller itself is
 * moved into the unit's `.holder` by the user manager (which asks the
 * system manager: only it may move a process across the delegation
 * boundary), so that boxes can be entered. The unit's own processes are
 * moved into `.holder`. *base is malloc'ed. */
int bx_sd_find_base(const char *mount, bool as_root, char **base, bx_error **err);

/* Move every process of cgroup directory `dir` into dir/.holder (made when
 * missing). 0 when there was none to move. */
int bx_sd_vacate(const char *dir, bx_error **err);

/* When the base lies in a user manager's tree (…/user@UID.service/…):
 * what to do about controller `ctrl` missing there, as text to append to
 * the error ("\n" + the drop-in for /etc/systemd/system/user@.service.d/
 * that delegates it, with the controllers delegated now plus ctrl). NULL
 * for any other base (or when out of memory). */
char *bx_sd_delegate_hint(const char *base_path, const char *ctrl);

#endif
