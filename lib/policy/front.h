/* Internal to the policy front end: the loader's context and the stages
 * it runs.
 *
 *   source.c    read files and directories, size and encoding limits
 *   ytree.c     libyaml events → node tree with marks, duplicate keys
 *   document.c  top level (version, root, defaults, classes, boxes) and
 *               the merge of several files into one policy
 *   limits.c    one limits block: keys, did-you-mean, unit parsing
 *   devices.c   io.devices entries (MAJ:MIN or a /dev path)
 *   resolve.c   `extends` chains and the layered merge of blocks
 *   checks.c    cross-field rules on a merged block
 *   compile.c   merged blocks → canonical bx_settings
 *   load.c      bx_policy_load / bx_policy_load_buffer: run the stages */
#ifndef BX_POLICY_FRONT_H
#define BX_POLICY_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "knobs.h"
#include "model.h"
#include "policy/arena.h"
#include "core/strmap.h"
#include "policy/units.h"
#include "policy/ytree.h"

/* The most files one run reads. */
#define BX_MAX_FILES 4096

/* One io.devices entry. */
enum { BX_IO_RBPS, BX_IO_WBPS, BX_IO_RIOPS, BX_IO_WIOPS, BX_IO_NLIM };

typedef struct bx_dev {
	const bx_ynode *node;      /* the entry mapping */
	unsigned maj, min;
	bool has_weight;
	int64_t weight;
	const bx_ynode *weight_node;
	bool has_lim[BX_IO_NLIM];
	bx_qty lim[BX_IO_NLIM];
} bx_dev;

/* A parsed value; which fields matter depends on the knob's type. */
typedef struct bx_val {
	bx_qty q;           /* SIZE, MEMSIZE, INT, INT_OR_MAX: number, max or percent */
	bx_cpus cpus;       /* CPUS */
	int64_t us;         /* DURATION */
	bool b;             /* BOOL */
	const char *list;   /* CPULIST: canonical form (arena) */
	bx_dev *devs;       /* DEVICES */
	size_t ndevs;
} bx_val;

/* One policy key set in one limits block. */
typedef struct bx_entry {
	const bx_knob *knob;
	const char *member;     /* family member: hugetlb size ("2MB"), misc resource; else NULL */
	uint64_t member_size;   /* hugetlb: the page size in bytes */
	const bx_ynode *node;   /* the value node */
	bool bad;               /* did not parse: already diagnosed; skip */
	int layer;              /* merge layer in a resolved view (higher wins) */
	bx_val v;
} bx_entry;

typedef struct bx_limits {
	const bx_ynode *node;   /* the block mapping, NULL when absent */
	bx_entry *v;            /* in the block's order (arena) */
	size_t n;
} bx_limits;

/* A merged block: the entries in effect, sorted by knob then member. */
typedef struct bx_view {
	const bx_entry **v;
	size_t n;
} bx_view;

typedef struct bx_cdecl {
	const char *name;
	const bx_ynode *key;      /* the class name (its location is the class's) */
	const bx_ynode *body;
	const char *description;
	const bx_ynode *extends;  /* scalar naming the parent, NULL when none */
	bx_limits box, slice;
	const bx_ynode *sizes;    /* the `sizes:` mapping, NULL when absent */
	struct bx_odecl *open;    /* sizes.c: its parsed entries (arena) */
	size_t nopen;
	/* resolve.c */
	int state;                /* 0 unvisited, 1 on the DFS stack, 2 done */
	bool unresolved;          /* unknown parent, in or under a cycle: not compiled */
	size_t parent;            /* index of the parent class (when extends) */
	int depth;                /* 1 for a class without `extends`; its block's layer */
	const struct bx_cdecl *sizes_src; /* resolved: the class whose `sizes:` applies, or NULL */
	bx_view bview, sview;
} bx_cdecl;

typedef struct bx_bdecl {
	const bx_ynode *node;     /* the entry mapping */
	const bx_ynode *id, *cls; /* valid names (scalars) */
} bx_bdecl;

typedef struct bx_front {
	const bx_host_facts *facts;
	bx_diags *diags;
	bool oom;
	bx_arena arena;
	char **files;             /* interned file names; handed to the policy */
	size_t nfiles, files_cap;
	bool files_moved;         /* the compiled policy owns them now */
	char **texts;             /* each file's text, by file index (NULL:
	                             not read); handed to the policy */
	size_t ntexts, texts_cap;
	bool broken;              /* a file could not be read or parsed: skip cross-file checks */
	bool empty;               /* nothing to load at all (every input was refused) */
	/* document.c */
	const bx_ynode *root_node;          /* first `root:` value */
	const char *root;                   /* its text, or "boxlite" */
	const bx_ynode *defaults_node;      /* first `defaults:` value */
	bx_limits defaults;
	bx_view dview;                      /* `defaults` as a view (layer 0) */
	bool dview_built;
	bx_cdecl *classes;
	size_t nclasses, classes_cap;
	bx_bdecl *boxes;
	size_t nboxes, boxes_cap;
	bx_strmap class_index;
	const bx_ynode *first_root;         /* the first file's top mapping */
	const bx_ynode *classes_node;       /* the first `classes:` value */
	size_t class_keys;                  /* class names seen, valid or not */
	/* checks.c: cross-field findings already reported (for inherited blocks) */
	bx_strmap seen;
} bx_front;

/* Diagnostics at a node (location and YAML path from the node). */
void bx_fdiag(bx_front *f, bx_severity sev, const bx_ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define bx_ferr(f, at, ...) bx_fdiag(f, BX_SEV_ERROR, at, __VA_ARGS__)
#define bx_fwarn(f, at, ...) bx_fdiag(f, BX_SEV_WARNING, at, __VA_ARGS__)
/* Diagnostics about a whole file (line 0: unreadable, too large…) or a
 * place with no node (line/col from a libyaml mark). */
void bx_fdiag_at(bx_front *f, bx_severity sev, uint16_t file, unsigned line, unsigned col,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A YAML merge key ("<<: *base"): diagnosed (use `extends`); true if it is one. */
bool bx_merge_key(bx_front *f, const bx_ynode *k);
/* Keep `text` (taken; NULL: empty) as the text of file `idx`. -1 on
 * ENOMEM (text freed). */
int bx_front_set_text(bx_front *f, int idx, char *text);

/* The location of a node, pointing into f->files. */
bx_loc bx_floc(const bx_front *f, const bx_ynode *n);

/* Intern a file name; returns its index, or -1 (diagnostic given) when
 * there are too many files. */
int bx_front_add_file(bx_front *f, const char *name);

/* source.c: read `path` (file or directory) and hand every policy file's
 * bytes to document.c. */
void bx_source_load_path(bx_front *f, const char *path);
/* One buffer as one file. */
void bx_source_load_buffer(bx_front *f, const char *name, const char *data, size_t len);

/* document.c: the structural keys (the JSON Schema is built from them too). */
extern const char *const bx_top_keys[], *const bx_class_keys[], *const bx_box_keys[];
extern const size_t bx_ntop_keys, bx_nclass_keys, bx_nbox_keys;
void bx_doc_add(bx_front *f, uint16_t file, const bx_ynode *root);
/* After every file: policy-wide rules (at least one class, box classes exist). */
void bx_doc_finish(bx_front *f);
/* The class named `name`: its index in f->classes. */
bool bx_class_find(const bx_front *f, const char *name, size_t *idx);
/* The class name closest to an unknown `name`, cached in `cache`. */
const char *bx_class_suggest(bx_front *f, bx_strmap *cache, const char *name);

/* limits.c: parse a limits block (`defaults`, `box`, `slice`). `what`
 * names the block in messages. */
void bx_limits_parse(bx_front *f, const bx_ynode *block, bx_limits *out);
/* Are two blocks' contents the same (for `defaults` given twice)? */
bool bx_limits_equal(const bx_limits *a, const bx_limits *b);

/* sizes.c: one key a class opens to its boxes. */
typedef struct bx_odecl {
	const bx_knob *knob;
	const bx_ynode *key;      /* the key under `sizes:` */
	bx_own_val lo, hi;
	int64_t overhead;
} bx_odecl;
/* Check a class's `sizes:` against its resolved box view (every open key
 * needs a default there) and parse it into c->open. */
void bx_sizes_check(bx_front *f, bx_cdecl *c);
/* The class whose `sizes:` applies to c: its own, else the nearest
 * ancestor's through `extends`; NULL when none. */
const bx_cdecl *bx_sizes_of(const bx_front *f, const bx_cdecl *c);

/* devices.c: parse io.devices (a sequence). Returns false when it did not parse. */
bool bx_devices_parse(bx_front *f, const bx_ynode *seq, bx_val *out);

/* resolve.c: extends chains and merged views for every class. */
void bx_resolve(bx_front *f);

/* checks.c: cross-field rules on a class's merged views. */
void bx_check_class(bx_front *f, const bx_cdecl *c);

/* compile.c: a merged view → settings, in write-rank order. */
int bx_compile_view(bx_front *f, const bx_view *v, bx_settings *out);
/* A memory-like value (sizes, percents resolved against the view's
 * memory.max or host RAM): 1 and *bytes when finite, 0 when max, -1 when
 * unknown (bad value, percent without a base: diagnosed by checks.c). */
int bx_mem_value(const bx_front *f, const bx_view *v, const bx_entry *e, uint64_t *bytes);
/* cpu.max's quota and period in µs: 1 finite, 0 max (or no cpu.max), -1
 * unknown (bad value or overflow). */
int bx_cpu_quota(const bx_view *v, int64_t *quota, int64_t *period);
/* The kernel's largest quota, µs (kernel/sched/core.c max_cfs_runtime). */
#define BX_MAX_QUOTA_US ((INT64_C(1) << 44) - 1)
#define BX_DEFAULT_PERIOD_US 100000
/* The entry for knob key `key` (member NULL for fixed keys) in a view. */
const bx_entry *bx_view_get(const bx_view *v, const char *key, const char *member);

#endif
