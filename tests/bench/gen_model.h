/* The benchmark policy model: one deterministic description of the
 * generated policy, shared by the generator (which prints it as YAML) and
 * by the floor programs (which perform the cgroupfs operations a perfect
 * tool would derive from it, without parsing anything).
 *
 * Class i is named "class-NNNN"; box j is "box-NNNNNN" of class j % C.
 * Classes come in chains of five: class i (i % 5 != 0) extends class i-1,
 * so the YAML of a class only states the keys whose resolved value differs
 * from its parent's, and inheritance is exercised on every policy size.
 *
 * Two profiles:
 *   full  every box has 8 limits in 4 controllers (cpu, io, memory, pids),
 *         every class slice 2 (memory, pids); for directory mode and for
 *         hosts with those controllers
 *   host  only what this kind of hybrid host offers on its cgroup2 mount:
 *         cgroup.max.* (core) and hugetlb.<size>.max for each size given */
#ifndef BENCH_GEN_MODEL_H
#define BENCH_GEN_MODEL_H

#include <stddef.h>

enum gen_profile { GEN_FULL, GEN_HOST };

#define GEN_MAX_HUGETLB 4
#define GEN_MAX_KV 12

typedef struct gen_params {
	unsigned classes;
	unsigned boxes;
	const char *root;                      /* policy `root`, default "bench" */
	enum gen_profile profile;
	const char *hugetlb[GEN_MAX_HUGETLB];  /* host profile: "2MB", "1GB" */
	unsigned nhugetlb;
} gen_params;

/* One resolved setting of a class, in the forms each side needs. */
typedef struct gen_kv {
	const char *group;  /* YAML block: "memory" */
	const char *key;    /* YAML key inside it: "max" (hugetlb: the size) */
	char yaml[32];      /* as the policy spells it: "512MiB" */
	char file[40];      /* interface file: "memory.max" */
	char value[48];     /* what is written and read back: "536870912" */
	int from_defaults;  /* set by the policy's `defaults:` block */
} gen_kv;

/* Parse one generator option at argv[*i] (--classes N, --boxes N,
 * --root R, --profile full|host, --hugetlb SIZE), advancing *i past its
 * argument. Returns 1 if it was one, 0 if not, -1 on a bad value (a
 * message is printed). */
int gen_parse_opt(gen_params *p, int argc, char **argv, int *i);
void gen_params_init(gen_params *p);

void gen_class_name(unsigned i, char buf[32]);
void gen_box_id(unsigned j, char buf[32]);
unsigned gen_box_class(const gen_params *p, unsigned j);
/* The class class i extends, or -1 for the head of a chain. */
int gen_class_parent(unsigned i);

/* Resolved settings of each box of class i / of the class slice, in the
 * registry's write order. Returns how many were stored in out. */
size_t gen_box_settings(const gen_params *p, unsigned i, gen_kv out[GEN_MAX_KV]);
size_t gen_slice_settings(const gen_params *p, unsigned i, gen_kv out[GEN_MAX_KV]);

/* The controllers every ancestor must enable, as written to
 * cgroup.subtree_control ("+cpu +io +memory +pids"), and as a directory
 * mode file reads back ("cpu io memory pids"); "" when none are needed. */
const char *gen_enable_write(const gen_params *p);
const char *gen_enable_readback(const gen_params *p);

#endif
