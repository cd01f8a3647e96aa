/* boxcg box list [--json] POLICY...
 *
 * Every box under every class slice of the policy, with its class and
 * usage: pids.current, memory.current, CPU time (cpu.stat usage_usec) and
 * OOM kills (memory.events oom_kill). A file the cgroup does not have
 * (controller not enabled, directory mode) shows as "-" (JSON: null).
 * STATE: frozen or running (cgroup.events frozen), "-" without it.
 *
 * JSON: {"format_version":1,"base":…,"dirmode":bool,"boxes":[{"id","class",
 * "cgroup","pids_current","memory_current","cpu_usage_usec","oom_kills",
 * "frozen" (cgroup.events; null without one),"own" (the box's own values:
 * {"memory.max":"2147483648",…})}]} */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_box.h"
#include "core/util.h"
#include "policy/units.h"

static json_t *num_or_null(int64_t v) { return v < 0 ? json_null() : json_integer(v); }

static int print_json(const box_ctx *bc, const bx_box_list *l)
{
	json_t *boxes = json_array();
	for (size_t i = 0; boxes && i < l->n; i++) {
		const bx_box_info *b = &l->v[i];
		json_t *own = json_object();
		for (size_t k = 0; own && k < b->own.n; k++) {
			char v[32];
			bx_own_format(b->own.v[k].open->knob, &b->own.v[k].v, false, v, sizeof v);
			json_object_set_new(own, b->own.v[k].open->knob->key, json_string(v));
		}
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", b->id, "class",
				      b->class_name, "cgroup", b->cgroup, "pids_current",
				      num_or_null(b->pids_current), "memory_current",
				      num_or_null(b->memory_current), "cpu_usage_usec",
				      num_or_null(b->cpu_usage_usec), "oom_kills", num_or_null(b->oom_kills),
				      "frozen", b->frozen < 0 ? json_null() : json_boolean(b->frozen),
				      "own", own);
		if (!o || json_array_append_new(boxes, o) < 0) {
			json_decref(boxes);
			boxes = NULL;
		}
	}
	json_t *doc = boxes ? json_pack("{s:i, s:s, s:b, s:o}", "format_version", 1, "base",
					bc->fs->base_path, "dirmode", bc->fs->dirmode, "boxes", boxes)
			    : NULL;
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (!text)
		return -1;
	puts(text);
	free(text);
	return 0;
}

/* "-", "512B", "1.5KiB", "20.0MiB" */
static void fmt_bytes(char *buf, size_t n, int64_t v)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	if (v < 0) {
		snprintf(buf, n, "-");
		return;
	}
	if (v < 1024) {
		snprintf(buf, n, "%" PRId64 "B", v);
		return;
	}
	double x = (double)v / 1024;
	size_t u = 0;
	while (x >= 1024 && u + 1 < BX_ARRAY_LEN(unit))
		x /= 1024, u++;
	snprintf(buf, n, "%.1f%s", x, unit[u]);
}

static void fmt_int(char *buf, size_t n, int64_t v)
{
	if (v < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%" PRId64, v);
}

static void fmt_usec(char *buf, size_t n, int64_t v)
{
	if (v < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%" PRId64 ".%03" PRId64 "s", v / 1000000, v / 1000 % 1000);
}

static void print_text(cli *c, const box_ctx *bc, const bx_box_list *l)
{
	box_say_dirmode(bc, stdout);
	if (!l->n) {
		printf("No boxes.\n");
		return;
	}
	int wid = 3, wcl = 5;
	for (size_t i = 0; i < l->n; i++) {
		int a = (int)strlen(l->v[i].id), b = (int)strlen(l->v[i].class_name);
		wid = a > wid ? a : wid;
		wcl = b > wcl ? b : wcl;
	}
	const char *bold = cli_color(c->color, CLI_BOLD), *off = cli_color(c->color, CLI_RESET);
	printf("%s%-*s  %-*s  %6s  %10s  %10s  %9s  %s%s\n", bold, wid, "BOX", wcl, "CLASS", "PIDS",
	       "MEMORY", "CPU", "OOM_KILLS", "STATE", off);
	for (size_t i = 0; i < l->n; i++) {
		const bx_box_info *b = &l->v[i];
		char pids[24], mem[24], cpu[32], oom[24];
		fmt_int(pids, sizeof pids, b->pids_current);
		fmt_bytes(mem, sizeof mem, b->memory_current);
		fmt_usec(cpu, sizeof cpu, b->cpu_usage_usec);
		fmt_int(oom, sizeof oom, b->oom_kills);
		printf("%-*s  %-*s  %6s  %10s  %10s  %9s  %s\n", wid, b->id, wcl, b->class_name, pids, mem,
		       cpu, oom, b->frozen < 0 ? "-" : b->frozen ? "frozen" : "running");
	}
}

static int run_box_list(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	bool json = false;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			json = true;
			break;
		default:
			return cli_usage(c, "box list", "unknown option");
		}
	}
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	bx_box_list l;
	bx_error *err = NULL;
	if (bx_box_list_read(bc.fs, bc.policy, &l, &err) < 0) {
		status = cli_fail(c, err);
	} else {
		status = BX_EXIT_OK;
		if (json) {
			if (print_json(&bc, &l) < 0) {
				bx_err(&err, 0, "out of memory while writing JSON");
				status = cli_fail(c, err);
			}
		} else {
			print_text(c, &bc, &l);
		}
		bx_box_list_free(&l);
	}
	box_close(&bc);
	return status;
}

static const cli_opt box_list_opts[] = {
	{ "json", 0, NULL, "one JSON document (format_version 1)" },
	{ 0 },
};

BX_COMMAND(box_list, "box list", "[--json] POLICY...",
	   "list the boxes with their usage (pids, memory, CPU time, OOM kills)", run_box_list,
	   .opts = box_list_opts,
	   .details = "Usage: pids.current, memory.current, CPU time (cpu.stat usage_usec), OOM "
		      "kills (memory.events oom_kill); \"-\" where the cgroup has no such file.");
