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
	char *raw;    /* what it read (trailing newline stripped) */
} bx_file_state;

typedef struct bx_cg_state {
	char *path;               /* relative to the base; "" = the base */
	bool exists;
	unsigned controllers;     /* cgroup.controllers (bx_ctrl bits) */
	unsigned subtree_control; /* cgroup.subtree_control */
	bool populated;           /* cgroup.events populated 1 */
	bool static_box;          /* marked as a static box by boxcg */
	bx_file_state *files;
	size_t nfiles;
	char **children;          /* child cgroup names, sorted */
	size_t nchildren;
} bx_cg_state;

typedef struct bx_state {
	bx_cg_state *v;           /* ancestors first */
	size_t n, cap;
	char *base_path;
	bool dirmode;
	bx_host_facts facts;
} bx_state;

/* What to observe: the whole policy, or (box create) one box. */
typedef struct bx_scope {
	const char *class_name;   /* NULL = whole policy */
	const char *box_id;       /* with class_name: just this box */
} bx_scope;

/* Read, from the live tree, only what `p` manages within `scope`. */
int bx_observe(bx_cgfs *fs, const bx_policy *p, const bx_scope *scope, bx_state **out,
	       bx_error **err);
const bx_cg_state *bx_state_find(const bx_state *st, const char *path);
/* The raw value of `file` in cgroup `path`, NULL if not observed. */
const char *bx_state_file(const bx_state *st, const char *path, const char *file);
void bx_state_free(bx_state *st);

/* Snapshots: the observed state as a JSON document (format_version 1),
 * and back. */
char *bx_state_to_json(const bx_state *st, bx_error **err);
int bx_state_from_json(const char *text, bx_state **out, bx_error **err);

#endif
