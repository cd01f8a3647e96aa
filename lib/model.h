/* The compiled policy: what the front end hands the planner.
 *
 * Values are already in the kernel's canonical read-back form for the
 * target host (memory in whole pages, cpu.max as "QUOTA PERIOD", cpuset
 * lists sorted and merged, io.max with all four keys), so the planner
 * compares strings and a host just applied plans "No changes.". */
#ifndef BX_MODEL_H
#define BX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "knobs.h"

/* Facts about the target host that compilation depends on. A live host
 * reads them (bx_host_facts_probe); a snapshot carries them. */
typedef struct bx_host_facts {
	uint64_t page_size;      /* bytes, e.g. 4096 */
	uint64_t mem_total;      /* bytes of RAM, for memory.max percentages */
	unsigned ncpus;          /* possible CPUs (cpuset ranges are checked against it; 0 = unknown) */
	uint64_t hugepage_sizes[4]; /* bytes, 0-terminated; e.g. 2 MiB, 1 GiB */
} bx_host_facts;

/* Read this machine's facts (sysconf, /proc/meminfo,
 * /sys/kernel/mm/hugepages). Never fails: unknown values stay 0 and the
 * page size falls back to 4096. */
void bx_host_facts_probe(bx_host_facts *f);

/* One desired value: a whole scalar file, or one line of a keyed file. */
typedef struct bx_setting {
	const bx_file_info *file_info; /* registry entry of the file */
	char *file;     /* interface file: "memory.max", "hugetlb.2MB.max" */
	char *key;      /* keyed files: "8:0", "default", "sev"; NULL otherwise */
	char *value;    /* canonical read-back form; for keyed files the rest of
	                   the line after the key ("rbps=1048576 wbps=max …") */
	bx_loc loc;     /* the policy node that asked for it */
	char *ypath;    /* its YAML path: "classes.small.box.memory.max" */
	/* memory.min/low/high written as a percent of memory.max: the percent
	 * (pct_mant / 10^pct_scale), so a box's own memory.max moves it too */
	bool pct;
	unsigned pct_scale;
	uint64_t pct_mant;
} bx_setting;

typedef struct bx_settings {
	bx_setting *v;
	size_t n, cap;
	unsigned ctrls; /* controllers these settings need (bx_ctrl bits) */
} bx_settings;

/* One value a box sets for itself: "max", or a number in the knob's base
 * unit (bytes for sizes, micro-CPUs for cpu.max, the integer itself). */
typedef struct bx_own_val {
	bool max;
	int64_t n;
} bx_own_val;

/* A limit a class opens to its boxes (`sizes:`): the range a box may ask
 * for, and for sizes a fixed overhead added to what it asks for. The
 * class's `box` value is the default. */
typedef struct bx_open_key {
	const bx_knob *knob;
	bx_loc loc;        /* the key under `sizes:` */
	char *ypath;       /* "classes.vm.sizes.memory.max" */
	bx_own_val lo, hi; /* inclusive */
	int64_t overhead;  /* bytes; sizes only */
} bx_open_key;

typedef struct bx_class {
	char *name;
	bx_loc loc;
	char *description;      /* may be NULL */
	bx_settings box;        /* resolved limits of each box of the class */
	bx_settings slice;      /* resolved limits of the class cgroup */
	bx_open_key *open;      /* limits its boxes may set (`sizes:`), by key */
	size_t nopen;
} bx_class;

typedef struct bx_static_box {
	char *id;
	char *class_name;
	bx_loc loc;
} bx_static_box;

/* A validated, resolved and compiled policy. Owns every string its
 * locations point to. */
typedef struct bx_policy {
	char *root;             /* "boxlite" or "a/b" */
	bx_loc root_loc;
	bx_class *classes;      /* in declaration order (file order, then line) */
	size_t nclasses;
	bx_static_box *boxes;
	size_t nboxes;
	bx_host_facts facts;    /* the facts the values were compiled for */
	char **files;           /* interned file names the locations point to */
	size_t nfiles;
	char **texts;           /* texts[i]: the text of files[i] as read
	                           (NULL: none); saved plans record it */
} bx_policy;

const bx_class *bx_policy_class(const bx_policy *p, const char *name);

void bx_settings_free(bx_settings *s);
void bx_policy_free(bx_policy *p);

#endif
