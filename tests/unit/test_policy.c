/* The policy front end: compiled settings (canonical values, order,
 * controllers, locations), merging, `extends` and host facts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/policy.h"

/* A fixed host: 4 KiB pages, 8 GiB, 8 CPUs, 2 MB and 1 GB huge pages. */
static bx_host_facts facts(void)
{
	return (bx_host_facts){
		.page_size = 4096,
		.mem_total = 8ull << 30,
		.ncpus = 8,
		.hugepage_sizes = { 2ull << 20, 1ull << 30, 0 },
	};
}

typedef struct loaded {
	bx_policy *p;
	bx_diags d;
	char *all; /* every diagnostic, one per line, sorted */
} loaded;

static loaded load_with(const char *yaml, const bx_host_facts *f)
{
	loaded l = {0};
	bx_error *err = NULL;
	int r = bx_policy_load_buffer("p.yaml", yaml, strlen(yaml), f, &l.p, &l.d, &err);
	ck_assert_msg(r == 0, "load failed: %s", err ? err->msg : "?");
	bx_diags_sort(&l.d);
	bx_buf b = {0};
	bx_buf_puts(&b, "");
	for (size_t i = 0; i < l.d.n; i++) {
		char *s = bx_diag_format(&l.d.v[i]);
		bx_buf_printf(&b, "%s\n", s);
		free(s);
	}
	l.all = bx_buf_take(&b);
	return l;
}

static loaded load(const char *yaml)
{
	bx_host_facts f = facts();
	return load_with(yaml, &f);
}

static void unload(loaded *l)
{
	bx_policy_free(l->p);
	bx_diags_free(&l->d);
	free(l->all);
}

/* The value of `file` (and `key`) in a class's box or slice, or NULL. */
static const bx_setting *setting(const bx_settings *s, const char *file, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].file, file) == 0 && bx_streq(s->v[i].key, key))
			return &s->v[i];
	return NULL;
}

static const char *value(const bx_policy *p, const char *cls, bool slice, const char *file,
			 const char *key)
{
	const bx_class *c = bx_policy_class(p, cls);
	ck_assert_msg(c, "no class %s", cls);
	const bx_setting *s = setting(slice ? &c->slice : &c->box, file, key);
	return s ? s->value : NULL;
}

#define BOX(p, c, f) value(p, c, false, f, NULL)
#define SLICE(p, c, f) value(p, c, true, f, NULL)

/* ---- canonical values ---------------------------------------------------- */

START_TEST(memory_is_whole_pages)
{
	loaded l = load("version: 1\n"
			"classes:\n"
			"  a:\n"
			"    box:\n"
			"      memory: { min: 4097, low: 1000000, high: 90%, max: 1GiB, swap_max: 1.3K,\n"
			"                swap_high: 0, zswap_max: max }\n"
			"  huge:\n"
			"    box:\n"
			"      memory: { max: 9223372036854775807, high: 8191P }\n"
			"  ram:\n"
			"    box:\n"
			"      memory: { max: 50% }\n");
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(BOX(l.p, "a", "memory.min"), "4096");
	ck_assert_str_eq(BOX(l.p, "a", "memory.low"), "999424"); /* the kernel reads back 999424 */
	ck_assert_str_eq(BOX(l.p, "a", "memory.high"), "966365184");
	ck_assert_str_eq(BOX(l.p, "a", "memory.max"), "1073741824");
	ck_assert_str_eq(BOX(l.p, "a", "memory.swap.max"), "0");
	ck_assert_str_eq(BOX(l.p, "a", "memory.swap.high"), "0");
	ck_assert_str_eq(BOX(l.p, "a", "memory.zswap.max"), "max");
	/* at the page counter's maximum the kernel reads back "max" */
	ck_assert_str_eq(BOX(l.p, "huge", "memory.max"), "max");
	ck_assert_str_eq(BOX(l.p, "huge", "memory.high"), "9222246136947933184");
	ck_assert_str_eq(BOX(l.p, "ram", "memory.max"), "4294967296"); /* 50% of 8 GiB */
	unload(&l);

	bx_host_facts f = facts();
	f.page_size = 65536;
	l = load_with("version: 1\nclasses: { a: { box: { memory: { max: 100000 } } } }\n", &f);
	ck_assert_str_eq(BOX(l.p, "a", "memory.max"), "65536");
	ck_assert_uint_eq(l.p->facts.page_size, 65536);
	unload(&l);
}
END_TEST

START_TEST(cpu_values)
{
	loaded l = load("version: 1\n"
			"classes:\n"
			"  one: { box: { cpu: { max: 1 } } }\n"
			"  half: { box: { cpu: { max: 0.5, period: 50ms, burst: 20ms } } }\n"
			"  milli: { box: { cpu: { max: \"1500m\" } } }\n"
			"  pct: { box: { cpu: { max: \"150%\" } } }\n"
			"  unlimited: { box: { cpu: { max: max } } }\n"
			"  period-only: { box: { cpu: { period: 20ms } } }\n"
			"  weights: { box: { cpu: { weight: 250 } } }\n"
			"  nice: { box: { cpu: { nice: -5 } } }\n"
			"  idle: { box: { cpu: { idle: true } } }\n"
			"  not-idle: { box: { cpu: { idle: false, weight: 7 } } }\n");
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(BOX(l.p, "one", "cpu.max"), "100000 100000");
	ck_assert_str_eq(BOX(l.p, "half", "cpu.max"), "25000 50000");
	ck_assert_str_eq(BOX(l.p, "half", "cpu.max.burst"), "20000");
	ck_assert_str_eq(BOX(l.p, "milli", "cpu.max"), "150000 100000");
	ck_assert_str_eq(BOX(l.p, "pct", "cpu.max"), "150000 100000");
	ck_assert_str_eq(BOX(l.p, "unlimited", "cpu.max"), "max 100000");
	ck_assert_str_eq(BOX(l.p, "period-only", "cpu.max"), "max 20000");
	ck_assert_str_eq(BOX(l.p, "weights", "cpu.weight"), "250");
	ck_assert_ptr_null(BOX(l.p, "weights", "cpu.max"));
	ck_assert_str_eq(BOX(l.p, "nice", "cpu.weight.nice"), "-5");
	ck_assert_str_eq(BOX(l.p, "idle", "cpu.idle"), "1");
	ck_assert_str_eq(BOX(l.p, "not-idle", "cpu.idle"), "0");
	ck_assert_str_eq(BOX(l.p, "not-idle", "cpu.weight"), "7");
	unload(&l);
}
END_TEST

START_TEST(other_controllers)
{
	loaded l = load("version: 1\n"
			"classes:\n"
			"  a:\n"
			"    box:\n"
			"      pids: { max: 100 }\n"
			"      memory: { oom_group: true }\n"
			"      cpuset: { cpus: \"6,0-3\", mems: \"0\" }\n"
			"      hugetlb: { 2MB: 3M, 1GB: 1.5G }\n"
			"      misc: { sev: 10, sev_es: max }\n"
			"      cgroup: { max_descendants: 0, max_depth: max }\n"
			"  b:\n"
			"    box:\n"
			"      pids: { max: max }\n"
			"      hugetlb: { 2MB: max }\n");
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(BOX(l.p, "a", "pids.max"), "100");
	ck_assert_str_eq(BOX(l.p, "b", "pids.max"), "max");
	ck_assert_str_eq(BOX(l.p, "a", "memory.oom.group"), "1");
	ck_assert_str_eq(BOX(l.p, "a", "cpuset.cpus"), "0-3,6");
	ck_assert_str_eq(BOX(l.p, "a", "cpuset.mems"), "0");
	/* whole huge pages, rounded down */
	ck_assert_str_eq(BOX(l.p, "a", "hugetlb.2MB.max"), "2097152");
	ck_assert_str_eq(BOX(l.p, "a", "hugetlb.1GB.max"), "1073741824");
	ck_assert_str_eq(BOX(l.p, "b", "hugetlb.2MB.max"), "max");
	ck_assert_str_eq(value(l.p, "a", false, "misc.max", "sev"), "10");
	ck_assert_str_eq(value(l.p, "a", false, "misc.max", "sev_es"), "max");
	ck_assert_str_eq(BOX(l.p, "a", "cgroup.max.descendants"), "0");
	ck_assert_str_eq(BOX(l.p, "a", "cgroup.max.depth"), "max");
	unload(&l);
}
END_TEST

START_TEST(io_values)
{
	loaded l = load("version: 1\n"
			"classes:\n"
			"  a:\n"
			"    box:\n"
			"      io:\n"
			"        weight: 50\n"
			"        devices:\n"
			"          - { device: \"8:16\", wiops: 10 }\n"
			"          - { device: \"8:0\", rbps: 10MiB, riops: 1000, weight: 10 }\n"
			"          - { device: \"253:0\", weight: 200 }\n"
			"          - { device: \"8:32\", rbps: max, wbps: max }\n");
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(value(l.p, "a", false, "io.weight", "default"), "50");
	ck_assert_str_eq(value(l.p, "a", false, "io.weight", "8:0"), "10");
	ck_assert_str_eq(value(l.p, "a", false, "io.weight", "253:0"), "200");
	ck_assert_str_eq(value(l.p, "a", false, "io.max", "8:0"),
			 "rbps=10485760 wbps=max riops=1000 wiops=max");
	ck_assert_str_eq(value(l.p, "a", false, "io.max", "8:16"), "rbps=max wbps=max riops=max wiops=10");
	ck_assert_str_eq(value(l.p, "a", false, "io.max", "8:32"), "rbps=max wbps=max riops=max wiops=max");
	ck_assert_ptr_null(value(l.p, "a", false, "io.max", "253:0")); /* weight only */
	/* keyed files: "default" first, then devices by number */
	const bx_settings *s = &bx_policy_class(l.p, "a")->box;
	const char *order[][2] = { { "io.weight", "default" }, { "io.weight", "8:0" }, { "io.weight", "253:0" },
				   { "io.max", "8:0" },        { "io.max", "8:16" }, { "io.max", "8:32" } };
	ck_assert_uint_eq(s->n, BX_ARRAY_LEN(order));
	for (size_t i = 0; i < s->n; i++) {
		ck_assert_str_eq(s->v[i].file, order[i][0]);
		ck_assert_str_eq(s->v[i].key, order[i][1]);
	}
	ck_assert_uint_eq(s->ctrls, BX_CTRL_IO);
	unload(&l);
}
END_TEST

/* Settings follow the registry's write rank; controllers accumulate. */
START_TEST(rank_order_and_controllers)
{
	loaded l = load("version: 1\n"
			"classes:\n"
			"  a:\n"
			"    box:\n"
			"      pids: { max: 10 }\n"
			"      memory: { max: 1G, high: 1G, low: 1M, min: 1M, swap_max: 0, oom_group: true }\n"
			"      hugetlb: { 1GB: 1G, 2MB: 2M }\n"
			"      cpu: { max: 1, weight: 10, burst: 1ms }\n"
			"      cpuset: { mems: 0, cpus: 0 }\n"
			"      cgroup: { max_depth: 3, max_descendants: 5 }\n"
			"      misc: { sev: 1 }\n"
			"      io: { weight: 10 }\n");
	ck_assert_msg(l.p, "%s", l.all);
	const bx_settings *s = &bx_policy_class(l.p, "a")->box;
	static const char *const want[] = {
		"cgroup.max.descendants", "cgroup.max.depth", "cpuset.cpus", "cpuset.mems",
		"cpu.weight", "cpu.max.burst", "cpu.max", "io.weight", "memory.oom.group", "memory.min",
		"memory.low", "memory.swap.max", "memory.high", "memory.max", "hugetlb.2MB.max",
		"hugetlb.1GB.max", "pids.max", "misc.max",
	};
	ck_assert_uint_eq(s->n, BX_ARRAY_LEN(want));
	for (size_t i = 0; i < s->n; i++) {
		ck_assert_str_eq(s->v[i].file, want[i]);
		ck_assert_ptr_eq(s->v[i].file_info, bx_file_lookup(want[i]));
		if (i)
			ck_assert_int_le(s->v[i - 1].file_info->rank, s->v[i].file_info->rank);
	}
	ck_assert_uint_eq(s->ctrls, BX_CTRL_CPUSET | BX_CTRL_CPU | BX_CTRL_IO | BX_CTRL_MEMORY |
					    BX_CTRL_HUGETLB | BX_CTRL_PIDS | BX_CTRL_MISC);
	ck_assert_uint_eq(bx_policy_class(l.p, "a")->slice.n, 0);
	ck_assert_uint_eq(bx_policy_class(l.p, "a")->slice.ctrls, 0);
	unload(&l);
}
END_TEST

START_TEST(locations_and_paths)
{
	loaded l = load("version: 1\n"
			"root: sandbox/boxlite\n"
			"classes:\n"
			"  small:\n"
			"    description: 1 vCPU\n"
			"    box:\n"
			"      memory: { max: 1GiB, high: 90% }\n"
			"  medium:\n"
			"    extends: small\n"
			"    box:\n"
			"      memory:\n"
			"        max: 4GiB\n"
			"boxes:\n"
			"  - { id: b1, class: medium }\n");
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(l.p->root, "sandbox/boxlite");
	ck_assert_uint_eq(l.p->root_loc.line, 2);
	ck_assert_uint_eq(l.p->root_loc.col, 7);
	ck_assert_uint_eq(l.p->nclasses, 2);
	const bx_class *m = &l.p->classes[1];
	ck_assert_str_eq(m->name, "medium");
	ck_assert_str_eq(m->loc.file, "p.yaml");
	ck_assert_uint_eq(m->loc.line, 8);
	ck_assert_uint_eq(m->loc.col, 3);
	ck_assert_ptr_null(m->description);
	ck_assert_str_eq(l.p->classes[0].description, "1 vCPU");
	const bx_setting *hi = setting(&m->box, "memory.high", NULL), *mx = setting(&m->box, "memory.max", NULL);
	/* inherited: the location is where it was written (in small), the value medium's */
	ck_assert_str_eq(hi->value, "3865468928");
	ck_assert_str_eq(hi->ypath, "classes.small.box.memory.high");
	ck_assert_uint_eq(hi->loc.line, 7);
	ck_assert_uint_eq(hi->loc.col, 34);
	ck_assert_str_eq(mx->ypath, "classes.medium.box.memory.max");
	ck_assert_uint_eq(mx->loc.line, 12);
	ck_assert_uint_eq(mx->loc.col, 14);
	ck_assert_ptr_eq(mx->loc.file, l.p->files[0]); /* interned by the policy */
	ck_assert_uint_eq(l.p->nfiles, 1);
	ck_assert_uint_eq(l.p->nboxes, 1);
	ck_assert_str_eq(l.p->boxes[0].id, "b1");
	ck_assert_str_eq(l.p->boxes[0].class_name, "medium");
	ck_assert_uint_eq(l.p->boxes[0].loc.line, 14);
	ck_assert_ptr_null(bx_policy_class(l.p, "large"));
	unload(&l);

	l = load("version: 1\nclasses: { a: {} }\n");
	ck_assert_str_eq(l.p->root, "boxlite"); /* the default */
	ck_assert_uint_eq(l.p->classes[0].box.n, 0);
	unload(&l);
}
END_TEST

/* ---- merging and extends ------------------------------------------------- */

START_TEST(merge_order)
{
	/* defaults < ancestors' box (farthest first) < own box; mappings merge
	 * key by key; a list replaces; slices inherit without defaults */
	loaded l = load("version: 1\n"
			"defaults:\n"
			"  pids: { max: 1000 }\n"
			"  memory: { max: 1GiB, swap_max: 0 }\n"
			"  cpu: { weight: 50 }\n"
			"classes:\n"
			"  base:\n"
			"    box:\n"
			"      memory: { max: 2GiB, high: 90% }\n"
			"      io: { devices: [ { device: \"8:0\", rbps: 1M }, { device: \"8:16\", rbps: 2M } ] }\n"
			"    slice:\n"
			"      memory: { max: 8GiB }\n"
			"  mid:\n"
			"    extends: base\n"
			"    box:\n"
			"      pids: { max: 500 }\n"
			"      io: { devices: [ { device: \"8:32\", wbps: 3M } ] }\n"
			"    slice:\n"
			"      pids: { max: 5000 }\n"
			"  leaf:\n"
			"    extends: mid\n"
			"    box:\n"
			"      memory: { max: 4GiB }\n");
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(BOX(l.p, "base", "pids.max"), "1000");       /* from defaults */
	ck_assert_str_eq(BOX(l.p, "base", "memory.max"), "2147483648"); /* own over defaults */
	ck_assert_str_eq(BOX(l.p, "base", "memory.swap.max"), "0");     /* defaults, key by key */
	ck_assert_str_eq(BOX(l.p, "base", "cpu.weight"), "50");
	ck_assert_str_eq(BOX(l.p, "mid", "pids.max"), "500");
	ck_assert_str_eq(BOX(l.p, "leaf", "pids.max"), "500");          /* nearest ancestor */
	ck_assert_str_eq(BOX(l.p, "leaf", "memory.max"), "4294967296");
	/* 90% of 4 GiB is 3865470566.4 bytes: whole bytes, then whole pages */
	ck_assert_str_eq(BOX(l.p, "leaf", "memory.high"), "3865468928");
	ck_assert_str_eq(BOX(l.p, "leaf", "memory.swap.max"), "0");
	/* the list replaced: only mid's device */
	ck_assert_ptr_null(value(l.p, "leaf", false, "io.max", "8:0"));
	ck_assert_ptr_null(value(l.p, "leaf", false, "io.max", "8:16"));
	ck_assert_str_eq(value(l.p, "leaf", false, "io.max", "8:32"), "rbps=max wbps=3145728 riops=max wiops=max");
	ck_assert_str_eq(value(l.p, "base", false, "io.max", "8:16"), "rbps=2097152 wbps=max riops=max wiops=max");
	/* slices: inherited, no defaults */
	ck_assert_str_eq(SLICE(l.p, "leaf", "memory.max"), "8589934592");
	ck_assert_str_eq(SLICE(l.p, "leaf", "pids.max"), "5000");
	ck_assert_ptr_null(SLICE(l.p, "base", "pids.max"));
	ck_assert_ptr_null(SLICE(l.p, "base", "cpu.weight"));
	unload(&l);
}
END_TEST

START_TEST(exclusive_cpu_keys_displace_across_layers)
{
	loaded l = load("version: 1\n"
			"defaults:\n"
			"  cpu: { weight: 100 }\n"
			"classes:\n"
			"  parent: {}\n"
			"  nice:\n"
			"    extends: parent\n"
			"    box: { cpu: { nice: 5 } }\n"
			"  idle:\n"
			"    extends: nice\n"
			"    box: { cpu: { idle: true } }\n"
			"  weighted:\n"
			"    extends: idle\n"
			"    box: { cpu: { weight: 10 } }\n"
			"  not-idle:\n"
			"    extends: nice\n"
			"    box: { cpu: { idle: false } }\n");
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(BOX(l.p, "parent", "cpu.weight"), "100");
	ck_assert_str_eq(BOX(l.p, "nice", "cpu.weight.nice"), "5");
	ck_assert_ptr_null(BOX(l.p, "nice", "cpu.weight"));
	ck_assert_str_eq(BOX(l.p, "idle", "cpu.idle"), "1");
	ck_assert_ptr_null(BOX(l.p, "idle", "cpu.weight.nice"));
	ck_assert_ptr_null(BOX(l.p, "idle", "cpu.weight"));
	ck_assert_str_eq(BOX(l.p, "weighted", "cpu.weight"), "10");
	ck_assert_ptr_null(BOX(l.p, "weighted", "cpu.idle"));
	/* idle: false displaces nothing */
	ck_assert_str_eq(BOX(l.p, "not-idle", "cpu.idle"), "0");
	ck_assert_str_eq(BOX(l.p, "not-idle", "cpu.weight.nice"), "5");
	unload(&l);
}
END_TEST

START_TEST(extends_errors)
{
	loaded l = load("version: 1\n"
			"classes:\n"
			"  small: {}\n"
			"  a: { extends: b }\n"
			"  b: { extends: a }\n"
			"  c: { extends: smal }\n"
			"  d: { extends: c }\n"
			"  e: { extends: e }\n");
	ck_assert_ptr_null(l.p);
	ck_assert_str_eq(l.all,
			 "p.yaml:4:17: error: class inheritance cycle: a -> b -> a [classes.a.extends]\n"
			 "p.yaml:6:17: error: class 'c' extends unknown class 'smal' (did you mean 'small'?) [classes.c.extends]\n"
			 "p.yaml:8:17: error: class inheritance cycle: e -> e [classes.e.extends]\n");
	unload(&l);

	/* a long chain resolves without recursion */
	bx_buf b = {0};
	bx_buf_puts(&b, "version: 1\nclasses:\n  c0: { box: { pids: { max: 7 } } }\n");
	for (int i = 1; i < 5000; i++)
		bx_buf_printf(&b, "  c%d: { extends: c%d }\n", i, i - 1);
	char *text = bx_buf_take(&b);
	l = load(text);
	ck_assert_msg(l.p, "%s", l.all);
	ck_assert_str_eq(BOX(l.p, "c4999", "pids.max"), "7");
	unload(&l);
	free(text);
}
END_TEST

START_TEST(cross_field_reported_once)
{
	/* the same inherited pair is reported at one place, not per class */
	loaded l = load("version: 1\n"
			"classes:\n"
			"  a: { box: { memory: { max: 1G, high: 2G } } }\n"
			"  b: { extends: a }\n"
			"  c: { extends: b, box: { pids: { max: 1 } } }\n"
			"  d: { extends: a, box: { memory: { max: 512M } } }\n");
	ck_assert_ptr_null(l.p);
	ck_assert_str_eq(l.all,
			 "p.yaml:3:40: error: memory.high (2G) is above memory.max (1G) [classes.a.box.memory.high]\n"
			 "p.yaml:6:42: error: memory.max (512M) is below memory.high (2G, set at classes.a.box.memory.high) [classes.d.box.memory.max]\n");
	unload(&l);
}
END_TEST

/* ---- host facts ---------------------------------------------------------- */

START_TEST(host_facts_checks)
{
	const char *cpus = "version: 1\nclasses: { a: { box: { cpuset: { cpus: \"0-8\" } } } }\n";
	loaded l = load(cpus);
	ck_assert_str_eq(l.all, "p.yaml:2:40: error: cpuset.cpus: CPU 8 does not exist on this host (it has CPUs 0-7) [classes.a.box.cpuset.cpus]\n");
	unload(&l);
	bx_host_facts f = facts();
	f.ncpus = 0; /* unknown: not checked */
	l = load_with(cpus, &f);
	ck_assert_str_eq(BOX(l.p, "a", "cpuset.cpus"), "0-8");
	unload(&l);
	f.ncpus = 1;
	l = load_with(cpus, &f);
	ck_assert_str_eq(l.all, "p.yaml:2:40: error: cpuset.cpus: CPU 8 does not exist on this host (it has CPU 0 only) [classes.a.box.cpuset.cpus]\n");
	unload(&l);

	const char *huge = "version: 1\nclasses: { a: { box: { hugetlb: { 64KB: 1M } } } }\n";
	l = load(huge);
	ck_assert_str_eq(l.all, "p.yaml:2:35: error: hugetlb.64KB: this host has no 64KB huge pages (it has 2MB, 1GB) [classes.a.box.hugetlb.64KB]\n");
	unload(&l);
	f = facts();
	f.hugepage_sizes[0] = 0;
	l = load_with(huge, &f);
	ck_assert_str_eq(l.all, "p.yaml:2:35: error: hugetlb.64KB: this host has no 64KB huge pages (it has none) [classes.a.box.hugetlb.64KB]\n");
	unload(&l);
	f = facts();
	f.hugepage_sizes[0] = 64 << 10;
	f.page_size = 4096;
	l = load_with("version: 1\nclasses: { a: { box: { hugetlb: { 64KB: 100K } } } }\n", &f);
	ck_assert_str_eq(BOX(l.p, "a", "hugetlb.64KB.max"), "65536");
	unload(&l);

	f = facts();
	f.mem_total = 0;
	l = load_with("version: 1\nclasses: { a: { box: { memory: { max: 50% } } } }\n", &f);
	ck_assert_str_eq(l.all, "p.yaml:2:39: error: memory.max: 50% of host memory, but this host's memory size is unknown [classes.a.box.memory.max]\n");
	unload(&l);
}
END_TEST

START_TEST(warnings_do_not_block)
{
	loaded l = load("version: 1\n"
			"classes:\n"
			"  a:\n"
			"    box: { pids: { max: 100 }, cpu: { max: 2 }, hugetlb: { 2MB: 4M } }\n"
			"    slice: { pids: { max: 10 }, cpu: { max: 1, period: 10ms }, hugetlb: { 2MB: 2M } }\n");
	ck_assert_ptr_nonnull(l.p);
	ck_assert_uint_eq(l.d.errors, 0);
	ck_assert_uint_eq(l.d.warnings, 3);
	ck_assert(strstr(l.all, "warning: pids.max (100) is above the class slice's pids.max (10)"));
	ck_assert(strstr(l.all, "warning: cpu.max (2) is above the class slice's cpu.max (1)"));
	ck_assert(strstr(l.all, "warning: hugetlb.2MB (4M) is above the class slice's hugetlb.2MB (2M)"));
	unload(&l);
}
END_TEST

Suite *suite_policy(void);
Suite *suite_policy(void)
{
	Suite *s = suite_create("policy");
	TCase *t = tcase_create("compile");
	tcase_add_test(t, memory_is_whole_pages);
	tcase_add_test(t, cpu_values);
	tcase_add_test(t, other_controllers);
	tcase_add_test(t, io_values);
	tcase_add_test(t, rank_order_and_controllers);
	tcase_add_test(t, locations_and_paths);
	suite_add_tcase(s, t);
	t = tcase_create("merge");
	tcase_add_test(t, merge_order);
	tcase_add_test(t, exclusive_cpu_keys_displace_across_layers);
	tcase_add_test(t, extends_errors);
	tcase_add_test(t, cross_field_reported_once);
	suite_add_tcase(s, t);
	t = tcase_create("facts");
	tcase_add_test(t, host_facts_checks);
	tcase_add_test(t, warnings_do_not_block);
	suite_add_tcase(s, t);
	return s;
}
