/* A cgroup's counters next to its limits: cpu.stat, memory (current, peak,
 * high, max, swap, memory.events), pids (current, peak, max, pids.events),
 * io.stat per device and PSI (cpu, memory, io .pressure), read into a
 * struct. Usable on any cgroup: a box or a class slice (whose figures the
 * kernel sums over its boxes).
 *
 * Every number is exact, as the kernel wrote it. A file the cgroup does
 * not have (controller not enabled, older kernel, directory mode without
 * it) or a value that does not parse is BX_STAT_ABSENT; a limit that
 * reads "max" is BX_STAT_MAX. */
#ifndef BX_STATS_STATS_H
#define BX_STATS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "model.h"

#define BX_STAT_ABSENT ((int64_t)-1)
#define BX_STAT_MAX ((int64_t)-2)

/* One line of a PSI file: averages in hundredths of a percent (the
 * kernel prints two decimals), total stall time in microseconds. */
typedef struct bx_psi_line {
	int64_t avg10, avg60, avg300, total_usec;
} bx_psi_line;

typedef struct bx_psi {
	bx_psi_line some, full;
} bx_psi;

enum { BX_PSI_CPU, BX_PSI_MEMORY, BX_PSI_IO, BX_PSI_N };
extern const char *const bx_psi_names[BX_PSI_N]; /* "cpu", "memory", "io" */

/* memory.events, in the kernel's order. */
enum {
	BX_MEV_LOW, BX_MEV_HIGH, BX_MEV_MAX, BX_MEV_OOM, BX_MEV_OOM_KILL,
	BX_MEV_OOM_GROUP_KILL, BX_MEV_N
};
extern const char *const bx_mev_names[BX_MEV_N];

/* One io.stat line. */
typedef struct bx_io_dev {
	unsigned major, minor;
	int64_t rbytes, wbytes, rios, wios, dbytes, dios;
} bx_io_dev;

typedef struct bx_stats {
	/* cpu.stat */
	int64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;
	int64_t cpu_nr_periods, cpu_nr_throttled, cpu_throttled_usec;
	/* memory */
	int64_t mem_current, mem_peak, mem_high, mem_max;
	int64_t mem_events[BX_MEV_N];
	int64_t swap_current, swap_peak, swap_max;
	/* pids */
	int64_t pids_current, pids_peak, pids_max, pids_events_max;
	/* io.stat, in the kernel's order */
	bx_io_dev *io;
	size_t nio;
	/* cpu.pressure, memory.pressure, io.pressure */
	bx_psi psi[BX_PSI_N];
} bx_stats;

/* Read the counters of cgroup `cg` (relative to the base): the cgroup is
 * opened once and each file is read relative to it (openat O_NOFOLLOW).
 * ENOENT when the cgroup does not exist. In directory mode a planted FIFO
 * or device is refused (EINVAL), a missing limit reads as the kernel's
 * default. *out is filled even when absent; free it with bx_stats_free. */
int bx_stats_read(bx_cgfs *fs, const char *cg, bx_stats *out, bx_error **err);
/* The same through an open directory fd of the cgroup. */
int bx_stats_read_at(bx_cgfs *fs, int dirfd, const char *cg, bx_stats *out, bx_error **err);
void bx_stats_free(bx_stats *s);

/* Parsers (testable): each fills what it finds and leaves the rest. */
void bx_stats_parse_cpu(const char *text, bx_stats *s);
void bx_stats_parse_psi(const char *text, bx_psi *p);
int bx_stats_parse_io(const char *text, bx_io_dev **v, size_t *n);
/* "1234" → 1234, "max" → BX_STAT_MAX when allow_max, else ABSENT. */
int64_t bx_stats_parse_scalar(const char *text, bool allow_max);

/* The cgroups of a policy's classes: each class slice then its boxes. */
typedef struct bx_stats_entry {
	const char *class_name; /* into the policy */
	char *box;              /* NULL for the class slice */
	char *cgroup;           /* "<root>/<class>[/<id>]" */
	bx_stats st;
} bx_stats_entry;

typedef struct bx_stats_set {
	bx_stats_entry *v;
	size_t n, cap;
} bx_stats_set;

/* ids == NULL (nids 0): every class slice that exists, each followed by
 * its boxes (by id). Otherwise just those boxes, located as box commands
 * do (ENOENT for an unknown id). */
int bx_stats_collect(bx_cgfs *fs, const bx_policy *p, const char *const *ids, size_t nids,
		     bx_stats_set *out, bx_error **err);
void bx_stats_set_free(bx_stats_set *s);

#endif
