/* The knob registry: everything boxcg knows about cgroup interface files,
 * in two tables.
 *
 *   bx_files[]  one entry per cgroup interface file boxcg writes: its
 *               controller, shape (one value, or one line per key), what a
 *               fresh cgroup reads, and its rank in the write order.
 *   bx_knobs[]  one entry per policy key (`memory.high`, `cpu.period`…):
 *               the file it lands in, its value type and range.
 *
 * The loader's schema, the validator, the compiler, the planner, the JSON
 * Schema in schemas/ and the docs are all driven from these tables. Adding
 * a knob is one entry here and one test. */
#ifndef BX_KNOBS_H
#define BX_KNOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Controllers as bits, in the kernel's order (the order in which
 * cgroup.controllers and cgroup.subtree_control read back). */
typedef enum bx_ctrl {
	BX_CTRL_CPUSET = 1u << 0,
	BX_CTRL_CPU = 1u << 1,
	BX_CTRL_IO = 1u << 2,
	BX_CTRL_MEMORY = 1u << 3,
	BX_CTRL_HUGETLB = 1u << 4,
	BX_CTRL_PIDS = 1u << 5,
	BX_CTRL_RDMA = 1u << 6,
	BX_CTRL_MISC = 1u << 7,
} bx_ctrl;
#define BX_NCTRL 8

/* Name of one controller bit ("memory"), NULL for an unknown bit. */
const char *bx_ctrl_name(unsigned bit);
/* Bit of a controller name, 0 when unknown. */
unsigned bx_ctrl_from_name(const char *name, size_t len);
/* Parse a space-separated controller list ("cpu io memory") into bits;
 * unknown names are ignored. */
unsigned bx_ctrl_parse_list(const char *s);
/* Format bits as the kernel reads them back ("cpuset cpu memory"). Caller frees. */
char *bx_ctrl_format_list(unsigned bits);

typedef enum bx_file_shape {
	BX_SHAPE_SCALAR, /* the whole file is one value: "max", "100" */
	BX_SHAPE_KEYED,  /* one line per key: "8:0 rbps=…", "default 100", "RES N" */
} bx_file_shape;

typedef struct bx_file_info {
	const char *name;  /* "memory.max"; "hugetlb.*.max" matches every size */
	unsigned ctrl;     /* bx_ctrl bit, 0 for core cgroup.* files */
	bx_file_shape shape;
	const char *dflt;  /* what a fresh cgroup reads (scalar), or the value
	                      of a key with no line of its own (keyed) */
	int rank;          /* write order inside one cgroup, lower first */
} bx_file_info;

/* Look a file up by name (hugetlb sizes match the pattern); NULL if boxcg
 * does not manage it. */
const bx_file_info *bx_file_lookup(const char *name);
extern const bx_file_info bx_files[];
extern const size_t bx_nfiles;

/* The cpu weight family: cpu.idle, cpu.weight.nice and cpu.weight each
 * rewrite the weight, so they are observed, planned, captured and undone
 * together, in this order (idle first: a weight cannot be written to an
 * idle cgroup). */
#define BX_CPU_WEIGHT_NFILES 3
extern const char *const bx_cpu_weight_files[BX_CPU_WEIGHT_NFILES];
bool bx_is_cpu_weight_file(const char *file);

typedef enum bx_vtype {
	BX_VT_SIZE,      /* bytes or max: K/M/G/T/P, KiB…, Ki…; fractions */
	BX_VT_MEMSIZE,   /* a size, or a percent (of memory.max / host RAM) */
	BX_VT_CPUS,      /* max, 1, 0.5, "1500m", "150%" */
	BX_VT_DURATION,  /* 100ms, 0.5s, 20us; bare integer = µs */
	BX_VT_INT,       /* integer in [min, max] */
	BX_VT_INT_OR_MAX,/* integer in [min, max], or "max" */
	BX_VT_BOOL,
	BX_VT_CPULIST,   /* "0-3,6" */
	BX_VT_STRING,    /* free text (description) */
	BX_VT_DEVICES,   /* io.devices: sequence of device mappings */
} bx_vtype;

typedef struct bx_knob {
	const char *key;   /* policy key under a limits block: "memory.high";
	                      "hugetlb.*" and "misc.*" are families */
	const char *file;  /* interface file it is written to */
	bx_vtype type;
	int64_t min, max;  /* range for INT types (and durations in µs) */
	const char *help;  /* one line, for docs and the JSON Schema */
} bx_knob;

extern const bx_knob bx_knobs[];
extern const size_t bx_nknobs;

/* The keys of one `io.devices` entry, in the same shape: `file` is where
 * the key lands, `type` its value (BX_VT_STRING for `device`: "MAJ:MIN" or
 * a /dev path), min/max the range of the numeric ones. */
extern const bx_knob bx_device_knobs[];
extern const size_t bx_ndevice_knobs;

/* Look a policy key up ("cpu.max", "hugetlb.2MB", "misc.sev"); NULL if none. */
const bx_knob *bx_knob_lookup(const char *key);

/* Is `name` the name of a cgroup interface file: "cgroup." or a
 * registry controller's name and ".", then letters, digits, '_' and '.'
 * ("memory.max", "hugetlb.2MB.max", "cgroup.procs")? Exact restores and
 * directory-mode rmdir touch no other file. */
bool bx_interface_file_name(const char *name);

/* Is `value` (canonical form; for keyed files the part after the key)
 * a value boxcg writes to `file` (line `key`: required exactly for keyed
 * files)? The applier refuses a plan with any other value before it
 * writes anything (knob_syntax.c). */
bool bx_value_syntax_ok(const char *file, const char *key, const char *value);

#endif
