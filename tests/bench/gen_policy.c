/* gen_policy: print the benchmark policy (see gen_model.h) as YAML.
 *
 *   gen_policy [--classes N] [--boxes N] [--root R] [--profile full|host]
 *              [--hugetlb SIZE]... [--dir DIR [--per-file N]] [--sizes]
 *
 * Deterministic: the same options print the same bytes. Defaults: 200
 * classes, 10,000 static boxes, root "bench", the full profile.
 *
 * --dir writes a policy directory instead of printing one document:
 * DIR/00-classes.yaml (header and classes), then DIR/10-boxes-NNNN.yaml
 * with at most N (default 10,000) static boxes each, since boxcg refuses
 * a single policy file above 4 MiB (about 90,000 boxes).
 *
 * --sizes gives the first class of each chain (and so every class) a
 * `sizes:` block: the limits a box may set for itself (row 3U, box update). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen_model.h"

/* Print the settings of `kv` not equal to the parent's (all of them for
 * a chain head), as "  group: { key: value, ... }" lines under `block`.
 * Settings from `defaults` are left to the defaults block. */
static void print_block(const char *block, const gen_kv *kv, size_t n, const gen_kv *parent,
			size_t np)
{
	int opened = 0;
	const char *group = NULL;
	for (size_t k = 0; k < n; k++) {
		if (kv[k].from_defaults)
			continue;
		int inherited = 0;
		for (size_t q = 0; q < np; q++)
			inherited |= strcmp(parent[q].file, kv[k].file) == 0 &&
				     strcmp(parent[q].yaml, kv[k].yaml) == 0;
		if (inherited)
			continue;
		if (!opened) {
			printf("    %s:\n", block);
			opened = 1;
		}
		if (group && strcmp(group, kv[k].group) == 0) {
			printf(", %s: %s", kv[k].key, kv[k].yaml);
		} else {
			if (group)
				printf(" }\n");
			printf("      %s: { %s: %s", kv[k].group, kv[k].key, kv[k].yaml);
			group = kv[k].group;
		}
	}
	if (group)
		printf(" }\n");
}

static void print_defaults(const gen_params *p)
{
	gen_kv kv[GEN_MAX_KV];
	size_t n = gen_box_settings(p, 0, kv);
	const char *group = NULL;
	for (size_t k = 0; k < n; k++) {
		if (!kv[k].from_defaults)
			continue;
		if (!group)
			printf("defaults:\n");
		if (group && strcmp(group, kv[k].group) == 0) {
			printf(", %s: %s", kv[k].key, kv[k].yaml);
			continue;
		}
		if (group)
			printf(" }\n");
		printf("  %s: { %s: %s", kv[k].group, kv[k].key, kv[k].yaml);
		group = kv[k].group;
	}
	if (group)
		printf(" }\n");
}

static int sizes; /* --sizes */

static void print_class(const gen_params *p, unsigned i)
{
	char name[32], pname[32];
	gen_kv box[GEN_MAX_KV], slice[GEN_MAX_KV], pbox[GEN_MAX_KV], pslice[GEN_MAX_KV];
	size_t nb = gen_box_settings(p, i, box), ns = gen_slice_settings(p, i, slice);
	size_t npb = 0, nps = 0;
	int parent = gen_class_parent(i);

	gen_class_name(i, name);
	printf("  %s:\n", name);
	printf("    description: generated class %u\n", i);
	if (parent >= 0) {
		gen_class_name((unsigned)parent, pname);
		printf("    extends: %s\n", pname);
		npb = gen_box_settings(p, (unsigned)parent, pbox);
		nps = gen_slice_settings(p, (unsigned)parent, pslice);
	}
	print_block("box", box, nb, pbox, npb);
	print_block("slice", slice, ns, pslice, nps);
	if (sizes && parent < 0) {
		/* limits a box may set for itself (box update, row 3U); the
		 * classes that extend this one inherit them */
		printf("    sizes:\n");
		if (p->profile == GEN_FULL)
			printf("      memory.max: { min: 64MiB, max: 64GiB }\n"
			       "      cpu.max: { min: 0.1, max: 64 }\n"
			       "      pids.max: { min: 1, max: 100000 }\n"
			       "      cpu.weight: { min: 1, max: 10000 }\n");
		else
			printf("      cgroup.max_depth: { min: 1, max: 100 }\n");
	}
}

static void print_boxes(const gen_params *p, unsigned from, unsigned to)
{
	if (from >= to)
		return;
	printf("boxes:\n");
	for (unsigned j = from; j < to; j++) {
		char id[32], cls[32];
		gen_box_id(j, id);
		gen_class_name(gen_box_class(p, j), cls);
		printf("  - { id: %s, class: %s }\n", id, cls);
	}
}

/* Point stdout at DIR/NAME. */
static int to_file(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (fflush(stdout) || !freopen(path, "w", stdout)) {
		fprintf(stderr, "gen_policy: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: gen_policy [--classes N] [--boxes N] [--root R]\n"
			"                  [--profile full|host] [--hugetlb SIZE]...\n"
			"                  [--dir DIR [--per-file N]] [--sizes]\n");
	return 1;
}

int main(int argc, char **argv)
{
	gen_params p;
	gen_params_init(&p);
	const char *dir = NULL;
	unsigned long per_file = 10000;
	for (int i = 1; i < argc; i++) {
		int r = gen_parse_opt(&p, argc, argv, &i);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--sizes") == 0) {
			sizes = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "--dir") == 0) {
			dir = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "--per-file") == 0) {
			per_file = strtoul(argv[++i], NULL, 10);
			if (per_file == 0)
				return usage();
		} else {
			return usage();
		}
	}
	if (dir && ((mkdir(dir, 0755) < 0 && errno != EEXIST) || to_file(dir, "00-classes.yaml") < 0))
		return 1;

	printf("# Generated by tests/bench/gen_policy: %u classes, %u static boxes, %s profile.\n",
	       p.classes, p.boxes, p.profile == GEN_FULL ? "full" : "host");
	printf("version: 1\nroot: %s\n", p.root);
	print_defaults(&p);
	printf("classes:\n");
	for (unsigned i = 0; i < p.classes; i++)
		print_class(&p, i);
	if (!dir) {
		print_boxes(&p, 0, p.boxes);
	} else {
		for (unsigned from = 0, k = 0; from < p.boxes; from += (unsigned)per_file, k++) {
			char name[64];
			unsigned to = p.boxes - from > per_file ? from + (unsigned)per_file : p.boxes;
			snprintf(name, sizeof name, "10-boxes-%04u.yaml", k);
			if (to_file(dir, name) < 0)
				return 1;
			printf("version: 1\nroot: %s\n", p.root);
			print_boxes(&p, from, to);
		}
	}
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
