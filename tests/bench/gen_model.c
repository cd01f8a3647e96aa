/* The benchmark policy model (see gen_model.h). Every value is a pure
 * function of the class index, chosen so that:
 *   - no value equals the kernel default of its file (a fresh cgroup would
 *     otherwise need no write, and the floor would have to know that);
 *   - memory values are whole MiB (page-aligned: no rounding to argue about);
 *   - the cross-field rules hold (low <= high <= max, box <= slice). */
#include "gen_model.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1024ull * 1024ull)
#define GiB (1024ull * MiB)

void gen_params_init(gen_params *p)
{
	memset(p, 0, sizeof *p);
	p->classes = 200;
	p->boxes = 10000;
	p->root = "bench";
	p->profile = GEN_FULL;
}

static int parse_uint(const char *opt, const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 10000000ul) {
		fprintf(stderr, "%s: bad number '%s'\n", opt, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int gen_parse_opt(gen_params *p, int argc, char **argv, int *i)
{
	const char *opt = argv[*i];
	static const char *const with_arg[] = { "--classes", "--boxes", "--root", "--profile",
						"--hugetlb" };
	int known = 0;
	for (size_t k = 0; k < sizeof with_arg / sizeof *with_arg; k++)
		known |= strcmp(opt, with_arg[k]) == 0;
	if (!known)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s needs an argument\n", opt);
		return -1;
	}
	const char *arg = argv[++*i];
	if (strcmp(opt, "--classes") == 0) {
		if (parse_uint(opt, arg, &p->classes) < 0)
			return -1;
		if (p->classes == 0) {
			fprintf(stderr, "--classes must be at least 1\n");
			return -1;
		}
	} else if (strcmp(opt, "--boxes") == 0) {
		if (parse_uint(opt, arg, &p->boxes) < 0)
			return -1;
	} else if (strcmp(opt, "--root") == 0) {
		p->root = arg;
	} else if (strcmp(opt, "--profile") == 0) {
		if (strcmp(arg, "full") == 0)
			p->profile = GEN_FULL;
		else if (strcmp(arg, "host") == 0)
			p->profile = GEN_HOST;
		else {
			fprintf(stderr, "--profile: 'full' or 'host', not '%s'\n", arg);
			return -1;
		}
	} else {
		if (p->nhugetlb == GEN_MAX_HUGETLB) {
			fprintf(stderr, "--hugetlb: at most %d sizes\n", GEN_MAX_HUGETLB);
			return -1;
		}
		if (strcmp(arg, "2MB") != 0 && strcmp(arg, "1GB") != 0) {
			fprintf(stderr, "--hugetlb: the model knows 2MB and 1GB, not '%s'\n", arg);
			return -1;
		}
		p->hugetlb[p->nhugetlb++] = arg;
	}
	return 1;
}

void gen_class_name(unsigned i, char buf[32])
{
	snprintf(buf, 32, "class-%04u", i);
}

void gen_box_id(unsigned j, char buf[32])
{
	snprintf(buf, 32, "box-%06u", j);
}

unsigned gen_box_class(const gen_params *p, unsigned j)
{
	return j % p->classes;
}

int gen_class_parent(unsigned i)
{
	return i % 5 ? (int)i - 1 : -1;
}

static gen_kv *put(gen_kv *kv, const char *group, const char *key, const char *file)
{
	memset(kv, 0, sizeof *kv);
	kv->group = group;
	kv->key = key;
	snprintf(kv->file, sizeof kv->file, "%s", file);
	return kv;
}

static void put_int(gen_kv *kv, const char *group, const char *key, const char *file,
		    unsigned v)
{
	put(kv, group, key, file);
	snprintf(kv->yaml, sizeof kv->yaml, "%u", v);
	snprintf(kv->value, sizeof kv->value, "%u", v);
}

static void put_mib(gen_kv *kv, const char *group, const char *key, const char *file,
		    unsigned mib)
{
	put(kv, group, key, file);
	snprintf(kv->yaml, sizeof kv->yaml, "%uMiB", mib);
	snprintf(kv->value, sizeof kv->value, "%" PRIu64, (uint64_t)(mib * MiB));
}

static void put_hugetlb(gen_kv *kv, const char *size, unsigned mib)
{
	char file[40];
	snprintf(file, sizeof file, "hugetlb.%s.max", size);
	put_mib(kv, "hugetlb", size, file, mib);
}

/* Per-class values. `chain` is constant along an extends chain (so the
 * derived classes inherit it), `i` varies per class (so they override). */
size_t gen_box_settings(const gen_params *p, unsigned i, gen_kv out[GEN_MAX_KV])
{
	unsigned chain = i / 5;
	size_t n = 0;
	/* cgroup.max.descendants comes from `defaults`, in both profiles. */
	put_int(&out[n], "cgroup", "max_descendants", "cgroup.max.descendants", 64);
	out[n++].from_defaults = 1;
	if (p->profile == GEN_HOST) {
		put_int(&out[n++], "cgroup", "max_depth", "cgroup.max.depth", 2 + i % 3);
		for (unsigned h = 0; h < p->nhugetlb; h++) {
			if (strcmp(p->hugetlb[h], "2MB") == 0)
				put_hugetlb(&out[n++], "2MB", 2 * (1 + i % 8));
			else
				put_hugetlb(&out[n++], "1GB", 1024 * (1 + chain % 2));
		}
		return n;
	}
	put_int(&out[n++], "cpu", "weight", "cpu.weight", 110 + 10 * (i % 7));
	unsigned cpus = 1 + (i / 2) % 4;
	put(&out[n], "cpu", "max", "cpu.max");
	snprintf(out[n].yaml, sizeof out[n].yaml, "%u", cpus);
	snprintf(out[n].value, sizeof out[n].value, "%u 100000", cpus * 100000);
	n++;
	put(&out[n], "io", "weight", "io.weight");
	unsigned iow = 50 + 5 * (chain % 10);
	snprintf(out[n].yaml, sizeof out[n].yaml, "%u", iow);
	snprintf(out[n].value, sizeof out[n].value, "default %u", iow);
	n++;
	unsigned max_mib = 512 + 256 * (i % 8);
	put_mib(&out[n++], "memory", "low", "memory.low", 32 + 32 * (chain % 4));
	put_mib(&out[n++], "memory", "high", "memory.high", max_mib - 64);
	put_mib(&out[n++], "memory", "max", "memory.max", max_mib);
	put_int(&out[n++], "pids", "max", "pids.max", 256 + 16 * (i % 10));
	return n;
}

size_t gen_slice_settings(const gen_params *p, unsigned i, gen_kv out[GEN_MAX_KV])
{
	unsigned chain = i / 5;
	size_t n = 0;
	if (p->profile == GEN_HOST) {
		for (unsigned h = 0; h < p->nhugetlb; h++) {
			if (strcmp(p->hugetlb[h], "2MB") == 0)
				put_hugetlb(&out[n++], "2MB", 256 + 2 * (chain % 16));
			else
				put_hugetlb(&out[n++], "1GB", 4096);
		}
		return n;
	}
	put_mib(&out[n++], "memory", "max", "memory.max", (unsigned)(8 * 1024 * (1 + chain % 4)));
	put_int(&out[n++], "pids", "max", "pids.max", 4096);
	return n;
}

const char *gen_enable_write(const gen_params *p)
{
	if (p->profile == GEN_FULL)
		return "+cpu +io +memory +pids";
	return p->nhugetlb ? "+hugetlb" : "";
}

const char *gen_enable_readback(const gen_params *p)
{
	if (p->profile == GEN_FULL)
		return "cpu io memory pids";
	return p->nhugetlb ? "hugetlb" : "";
}
