/* boxcg box stats [ID...] [--json] [POLICY...]
 *
 * Usage next to limits for boxes and class slices (lib/stats): cpu.stat,
 * memory current/peak against high/max, memory.events, swap, pids
 * current/peak against max and pids.events, io.stat per device, PSI
 * some/full for cpu, memory and io. Without IDs: every class slice,
 * each followed by its boxes.
 *
 * Operands holding a '/' or a '.' are policy paths ("policy.yaml",
 * "/etc/boxcg", "./policies"); the others are box ids (ids never hold
 * either character). No policy path: /etc/boxcg.
 *
 * JSON: {"format_version":1,"base","dirmode","cgroups":[{"class","box"
 * (null for a slice),"cgroup","cpu":{…},"memory":{…},"pids":{…},"io":[…],
 * "pressure":{…}}]} — exact integers, null where the cgroup has no such
 * file, "max" for no limit. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_box.h"
#include "core/util.h"
#include "stats/stats.h"
#include "stats_json.h"
#include "units.h"

static int print_json(const box_ctx *bc, const bx_stats_set *set)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < set->n; i++) {
		const bx_stats_entry *e = &set->v[i];
		json_t *st = stats_json(&e->st);
		json_t *o = json_pack("{s:s, s:o, s:s}", "class", e->class_name, "box",
				      e->box ? json_string(e->box) : json_null(), "cgroup", e->cgroup);
		int r = o && st ? json_object_update(o, st) : -1;
		json_decref(st);
		if (r < 0 || json_array_append_new(arr, o) < 0)
			arr = (json_decref(arr), NULL);
	}
	json_t *doc = arr ? json_pack("{s:i, s:s, s:b, s:o}", "format_version", 1, "base",
				      bc->fs->base_path, "dirmode", bc->fs->dirmode, "cgroups", arr)
			  : NULL;
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						   JSON_REAL_PRECISION(6))
			 : NULL;
	json_decref(doc);
	if (!text)
		return -1;
	puts(text);
	free(text);
	return 0;
}

static bool all_absent(const int64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] != BX_STAT_ABSENT)
			return false;
	return true;
}

static void print_one(const bx_stats_entry *e)
{
	const bx_stats *s = &e->st;
	units_buf a, b, c, d;
	if (e->box)
		printf("box %s (class %s, %s)\n", e->box, e->class_name, e->cgroup);
	else
		printf("class slice %s (%s)\n", e->class_name, e->cgroup);
	printf("  cpu         usage %s (user %s, system %s)", units_usec(&a, s->cpu_usage_usec),
	       units_usec(&b, s->cpu_user_usec), units_usec(&c, s->cpu_system_usec));
	if (s->cpu_nr_periods != BX_STAT_ABSENT)
		printf("; throttled %s of %s periods, %s", units_int(&a, s->cpu_nr_throttled),
		       units_int(&b, s->cpu_nr_periods), units_usec(&c, s->cpu_throttled_usec));
	printf("\n  memory      current %s  peak %s  high %s  max %s\n",
	       units_bytes(&a, s->mem_current), units_bytes(&b, s->mem_peak),
	       units_bytes(&c, s->mem_high), units_bytes(&d, s->mem_max));
	printf("  mem events ");
	if (all_absent(s->mem_events, BX_MEV_N))
		printf(" -");
	for (int i = 0; i < BX_MEV_N; i++)
		if (s->mem_events[i] != BX_STAT_ABSENT)
			printf(" %s %s", bx_mev_names[i], units_int(&a, s->mem_events[i]));
	printf("\n  swap        current %s  peak %s  max %s\n", units_bytes(&a, s->swap_current),
	       units_bytes(&b, s->swap_peak), units_bytes(&c, s->swap_max));
	printf("  pids        current %s  peak %s  max %s  refused at max %s\n",
	       units_int(&a, s->pids_current), units_int(&b, s->pids_peak),
	       units_int(&c, s->pids_max), units_int(&d, s->pids_events_max));
	if (!s->nio)
		printf("  io          -\n");
	for (size_t i = 0; i < s->nio; i++) {
		const bx_io_dev *x = &s->io[i];
		char dev[24];
		snprintf(dev, sizeof dev, "%u:%u", x->major, x->minor);
		printf("  io %-8s read %s (%s ios), write %s (%s ios)", dev,
		       units_bytes(&a, x->rbytes), units_int(&b, x->rios),
		       units_bytes(&c, x->wbytes), units_int(&d, x->wios));
		if (x->dbytes != BX_STAT_ABSENT)
			printf(", discard %s (%s ios)", units_bytes(&a, x->dbytes),
			       units_int(&b, x->dios));
		printf("\n");
	}
	printf("  pressure     avg10  avg60 avg300      total\n");
	for (int i = 0; i < BX_PSI_N; i++) {
		const bx_psi_line *l[2] = { &s->psi[i].some, &s->psi[i].full };
		for (int k = 0; k < 2; k++) {
			char name[24];
			snprintf(name, sizeof name, "%s %s", bx_psi_names[i], k ? "full" : "some");
			printf("  %-11s %6s %6s %6s %10s\n", name, units_pct(&a, l[k]->avg10),
			       units_pct(&b, l[k]->avg60), units_pct(&c, l[k]->avg300),
			       units_usec(&d, l[k]->total_usec));
		}
	}
}

/* Box ids never hold '/' or '.'; policy paths are written with one. */
static bool is_path(const char *s) { return strchr(s, '/') || strchr(s, '.'); }

static int run_box_stats(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: boxcg box stats [ID...] [--json] POLICY...\n"
			       "Usage next to limits: cpu.stat, memory current/peak against high/max,\n"
			       "memory.events, swap, pids current/peak against max, io.stat per device,\n"
			       "PSI some/full for cpu, memory and io. Without IDs: every class slice,\n"
			       "each followed by its boxes. Operands holding '/' or '.' are policy\n"
			       "paths (write ./policies for a directory), the others box ids.\n");
			return BX_EXIT_OK;
		default:
			return cli_usage(c, "box stats", "unknown option");
		}
	}
	bx_error *err0 = NULL;
	int n = argc - optind, nids = 0, npaths = 0;
	cleanup_free const char **ids = calloc((size_t)n + 1, sizeof *ids);
	cleanup_free char **paths = calloc((size_t)n + 1, sizeof *paths);
	if (!ids || !paths)
		return cli_fail(c, (bx_err(&err0, ENOMEM, "box stats"), err0));
	for (int i = optind; i < argc; i++) {
		if (is_path(argv[i]))
			paths[npaths++] = argv[i];
		else
			ids[nids++] = argv[i];
	}
	box_ctx bc;
	int status = box_open(c, paths, npaths, &bc);
	if (status >= 0)
		return status;
	bx_stats_set set;
	bx_error *err = NULL;
	if (bx_stats_collect(bc.fs, bc.policy, ids, (size_t)nids, &set, &err) < 0) {
		status = cli_fail(c, err);
	} else {
		status = BX_EXIT_OK;
		if (json) {
			if (print_json(&bc, &set) < 0)
				status = cli_fail(c, (bx_err(&err, 0, "out of memory while writing JSON"), err));
		} else {
			if (!c->quiet)
				box_say_dirmode(&bc, stdout);
			if (!set.n)
				printf("No class slices yet.\n");
			for (size_t i = 0; i < set.n; i++) {
				if (i)
					printf("\n");
				print_one(&set.v[i]);
			}
		}
		bx_stats_set_free(&set);
	}
	box_close(&bc);
	return status;
}

static const cli_opt box_stats_opts[] = {
	{ "json", 0, NULL, "one JSON document, exact integers" },
	{ 0 },
};

BX_COMMAND(box_stats, "box stats", "[ID...] [--json] POLICY...",
	   "usage next to limits: cpu, memory, swap, pids, io, pressure", run_box_stats,
	   .opts = box_stats_opts);
