/* The observed state: what the live tree (or a snapshot of it) holds for
 * the cgroups a policy manages, and the ancestors' subtree_control. */
#ifndef BX_PLAN_STATE_H
#define BX_PLAN_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "model.h"

typedef struct bx_file_state {
	char *name;   /* interface file */
	char *raw;    /* what it read (trailing newline stripped); NULL when the
	                 file does not exist (its controller is not enabled) */
	unsigned char form; /* BX_FORM_*: its exact bytes, where known */
} bx_file_state;

/* How a file's exact bytes follow from raw (directory mode's live reads
 * know; a byte-exact rollback needs them, apply/capture.c). */
enum {
	BX_FORM_UNKNOWN = 0,
	BX_FORM_NL,     /* raw and one newline */
	BX_FORM_BARE,   /* raw, no newline */
	BX_FORM_ABSENT, /* no file: raw is what the emulation answers */
};

/* What was read for one cgroup (bx_cg_state.observed), so a state can be
 * observed again the same way and a snapshot knows what it covers. */
enum {
	BX_OBS_CONTROLLERS = 1u << 0, /* cgroup.controllers */
	BX_OBS_SUBTREE = 1u << 1,     /* cgroup.subtree_control */
	BX_OBS_CHILDREN = 1u << 2,    /* child cgroup names */
	BX_OBS_EVENTS = 1u << 3,      /* cgroup.events populated */
	BX_OBS_STATIC = 1u << 4,      /* the user.boxcg.static xattr */
	BX_OBS_MANAGED = 1u << 5,     /* the user.boxcg.managed record (plan/managed.h) */
};

typedef struct bx_cg_state {
	char *path;               /* relative to the base; "" = the base */
	bool exists;
	unsigned controllers;     /* cgroup.controllers (bx_ctrl bits) */
	unsigned subtree_control; /* cgroup.subtree_control */
	bool populated;           /* cgroup.events populated 1 */
	bool static_box;          /* marked as a static box by boxcg */
	char *managed;            /* BX_OBS_MANAGED: the record of what boxcg
	                             manages here, as read; NULL when none */
	bool managed_unsupported; /* BX_OBS_MANAGED: the filesystem keeps no
	                             user xattrs (ENOTSUP), so no record */
	bx_file_state *files;
	size_t nfiles;
	char **children;          /* child cgroup names, sorted */
	size_t nchildren;
	unsigned observed;        /* BX_OBS_* bits: what was read */
	size_t nfiles_cap;
} bx_cg_state;

typedef struct bx_state {
	bx_cg_state *v;           /* ancestors first */
	size_t n, cap;
	char *base_path;
	bool dirmode;
	bx_host_facts facts;
	bool hybrid;              /* cgroup2 beside v1 hierarchies */
	unsigned v1_bound;        /* controllers bound to v1 hierarchies (bx_ctrl bits) */
	char *tree;               /* snapshots of a whole subtree: its path (every
	                             cgroup and managed file under it is recorded);
	                             NULL for a policy's observation */
	bool sorted;              /* v is in bx_path_cmp order (bx_state_sort) */
	bool undeclared;          /* it holds a cgroup the policy does not
	                             declare that --prune would consider (an
	                             undeclared class slice, a static box no
	                             longer declared): without, a --prune plan
	                             removes nothing */
} bx_state;

/* A cgroup's record (plan/managed.h) as read already: its text (NULL:
 * none), and whether the filesystem keeps no user xattrs. */
typedef struct bx_record_seen {
	const char *text;
	bool unsupported;
} bx_record_seen;

/* What to observe: the whole policy, or (box create) one box. */
typedef struct bx_scope {
	const char *class_name;   /* NULL = whole policy */
	const char *box_id;       /* with class_name: just this box; NULL with a
	                             class_name: that class slice and its boxes */
	const char *const *files; /* with box_id: only these of the box's
	                             interface files (box update: what its new
	                             values change; a cpu weight brings its
	                             family); NULL: every file its class sets */
	size_t nfiles;
	const bx_record_seen *box_record; /* with box_id: the box's record as
	                             the transaction read it under its lock (box
	                             update needs it first); NULL: read it */
} bx_scope;

/* Read, from the live tree, only what `p` manages within `scope`. */
int bx_observe(bx_cgfs *fs, const bx_policy *p, const bx_scope *scope, bx_state **out,
	       bx_error **err);
/* The same observation, answered from a snapshot instead of the host
 * (plan --state): the result is what bx_observe returned on the host the
 * snapshot was taken on. Fails naming what the snapshot does not cover. */
int bx_observe_snapshot(const bx_state *snap, const bx_policy *p, const bx_scope *scope,
			bx_state **out, bx_error **err);
/* The same observation with every cgroup that `memo` (sorted) records
 * answered from it instead of the host, and the others read live: how a
 * long-lived handle skips re-reading a box's ancestors (lib/frame). NULL
 * memo: bx_observe. */
int bx_observe_memo(bx_cgfs *fs, const bx_state *memo, const bx_policy *p, const bx_scope *scope,
		    bx_state **out, bx_error **err);
/* Observe again exactly what `then` observed (same cgroups, same files,
 * same BX_OBS_* bits): how a saved plan is checked for staleness without
 * the policy. */
int bx_observe_again(bx_cgfs *fs, const bx_state *then, bx_state **out, bx_error **err);
/* The whole subtree under `tree` (every cgroup, every interface file boxcg
 * manages, present or not) plus the ancestors from the base: `boxcg
 * snapshot`. */
int bx_observe_tree(bx_cgfs *fs, const char *tree, bx_state **out, bx_error **err);

const bx_cg_state *bx_state_find(const bx_state *st, const char *path);
/* The raw value of `file` in cgroup `path`, NULL if not observed (or the
 * file does not exist: see bx_cg_file to tell the two apart). */
const char *bx_state_file(const bx_state *st, const char *path, const char *file);
/* The file entry of a cgroup, NULL if it was not observed. */
const bx_file_state *bx_cg_file(const bx_cg_state *cg, const char *file);
void bx_state_free(bx_state *st);

/* Building a state (observe, snapshots, tests). */
bx_state *bx_state_new(const char *base_path, bool dirmode);
/* Append a cgroup (pointers from earlier calls may move). NULL on OOM. */
bx_cg_state *bx_state_add(bx_state *st, const char *path);
/* Record a file (raw NULL = absent); replaces an earlier entry. -1 on OOM. */
int bx_cg_set_file(bx_cg_state *cg, const char *name, const char *raw);
/* Set the form of a file already recorded. */
void bx_cg_file_form(bx_cg_state *cg, const char *name, unsigned char form);
/* Append a deep copy of `cg` (from another state). -1 on OOM. */
int bx_state_copy_cg(bx_state *st, const bx_cg_state *cg);
/* Sort v ancestors-first (bx_path_cmp) so lookups are binary searches. */
void bx_state_sort(bx_state *st);
/* Compare cgroup paths so that a cgroup sorts right before its
 * descendants ("a" < "a/b" < "a-b"): a preorder walk of the tree. */
int bx_path_cmp(const char *a, const char *b);

/* A 64-bit FNV-1a hash, as 16 hex digits, of the state's canonical form
 * (paths, existence, controllers, subtree_control, static marks, records
 * of managed settings, children and canonical file values, directory mode, v1-bound controllers; never
 * the base's path, `populated` or pids.current). A change detector, not a
 * security measure. Caller frees. */
char *bx_state_fingerprint(const bx_state *st);

/* Snapshots: the observed state as a JSON document (format_version 1),
 * and back. */
char *bx_state_to_json(const bx_state *st, bx_error **err);
int bx_state_from_json(const char *text, bx_state **out, bx_error **err);

#endif
