/* The preflight behind `boxcg doctor`: for this host and this user, the
 * cgroup mode, who owns the tree, where boxcg would put the policy root,
 * and which controllers are available, delegated and enabled there, with
 * what to do about each missing one. Read-only: it starts no unit and
 * moves no process (unlike the discovery bx_cgfs_open does). */
#ifndef BX_DOCTOR_DOCTOR_H
#define BX_DOCTOR_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct bx_doctor_ctrl {
	const char *name;
	bool available; /* offered by the cgroup2 hierarchy (its root's cgroup.controllers) */
	bool delegated; /* usable at the base (the base's cgroup.controllers) */
	bool enabled;   /* enabled for the base's children (its cgroup.subtree_control) */
	char *fix;      /* what to do when not delegated; NULL when it is */
} bx_doctor_ctrl;

#define BX_DOCTOR_NCTRL 8

typedef struct bx_doctor {
	const char *mode;   /* "unified", "hybrid", "none", "directory" */
	char *mount;        /* the cgroup2 mount, NULL if none */
	const char *owner;  /* "systemd" (PID 1) or "nobody" */
	bool user;          /* not root: the user manager, the user's delegated cgroup */
	unsigned uid;
	/* On a systemd host: the unit boxcg works in. */
	char *unit;         /* "boxcg.service", NULL when systemd is not PID 1 */
	const char *manager; /* "system", "user" */
	char *unit_load, *unit_active; /* LoadState, ActiveState */
	bool unit_delegate; /* Delegate=yes */
	char *base;         /* where the policy root goes, NULL when unknown */
	bool base_pending;  /* the user manager starts the unit on first use */
	char *problem;      /* why boxcg cannot work here, NULL when it can */
	bx_doctor_ctrl ctrls[BX_DOCTOR_NCTRL];
	size_t n_ctrls;
} bx_doctor;

/* root: --root DIR as given (NULL: discover as the other commands do).
 * Fails only when out of memory or /proc cannot be read; everything else
 * that is wrong is d->problem or a controller's fix. */
int bx_doctor_run(const char *root, bx_doctor *d, bx_error **err);
void bx_doctor_free(bx_doctor *d);

#endif
