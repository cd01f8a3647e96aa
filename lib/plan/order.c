/* The write order inside one cgroup, and the warnings about effects no
 * rollback can undo.
 *
 * Registry rank first (lib/knob_files.c: structural limits, cpuset,
 * cpu.idle and cpu.weight.nice before cpu.weight, burst before quota,
 * io, memory, hugetlb, pids, misc), then two refinements that depend on
 * the values:
 *
 *   cpu.max.burst / cpu.max: the kernel refuses burst > quota, both when
 *   the burst is written and when the quota is. Burst first works when
 *   the new burst fits the old quota; otherwise the quota is being raised
 *   past it, and quota first works (the old burst fits the old quota,
 *   which is below the new one).
 *
 *   memory.min / low / high / max: written so that min <= low <= high <=
 *   max holds after every write. The values being lowered go first,
 *   bottom-up (min, low, high, max: each new value is at least its lower
 *   neighbour's, already lowered or still old and below its own new one,
 *   and below its upper neighbour's old value), then the values being
 *   raised, top-down (max, high, low, min), by the mirror argument. So
 *   when everything is lowered, max is written last; when everything is
 *   raised, max first. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/normalize.h"
#include "plan/plan_int.h"

typedef struct sort_ctx {
	const bx_change *v;
	size_t i;
} sort_item;

int bx_setting_cmp(const bx_setting *p, const bx_setting *q)
{
	int rp = p->file_info ? p->file_info->rank : 1000, rq = q->file_info ? q->file_info->rank : 1000;
	if (rp != rq)
		return rp < rq ? -1 : 1;
	int c = strcmp(p->file, q->file);
	if (c)
		return c;
	/* io.weight's "default" line before the devices' own */
	const char *kp = p->key ? p->key : "", *kq = q->key ? q->key : "";
	bool dp = strcmp(kp, "default") == 0, dq = strcmp(kq, "default") == 0;
	if (dp != dq)
		return dp ? -1 : 1;
	return strcmp(kp, kq);
}

static int cmp_item(const void *a, const void *b)
{
	const sort_item *x = a, *y = b;
	int c = bx_setting_cmp(x->v[x->i].s, y->v[y->i].s);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static size_t find(const bx_change *v, size_t n, const char *file, unsigned ctrl)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].s->file_info && v[i].s->file_info->ctrl == ctrl && strcmp(v[i].s->file, file) == 0)
			return i;
	return SIZE_MAX;
}

static bool num(const char *s, uint64_t *out) { return s && bx_parse_u64_or_max(s, out) == 0; }

/* The quota of a canonical cpu.max ("50000 100000", "max 100000"). */
static bool quota_of(const char *cpu_max, uint64_t *q)
{
	if (!cpu_max)
		return false;
	char buf[32];
	size_t n = strcspn(cpu_max, " ");
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, cpu_max, n);
	buf[n] = '\0';
	return num(buf, q);
}

static void order_cpu(bx_change *v, size_t n)
{
	size_t ib = find(v, n, "cpu.max.burst", BX_CTRL_CPU), iq = find(v, n, "cpu.max", BX_CTRL_CPU);
	if (ib == SIZE_MAX || iq == SIZE_MAX)
		return;
	uint64_t new_burst, old_quota;
	bool burst_first = !(num(v[ib].want, &new_burst) && quota_of(v[iq].cur, &old_quota) &&
			     new_burst > old_quota);
	if (burst_first != (ib < iq)) {
		bx_change t = v[ib];
		v[ib] = v[iq];
		v[iq] = t;
	}
}

static const char *const mem_chain[] = { "memory.min", "memory.low", "memory.high", "memory.max" };

static void order_memory(bx_change *v, size_t n)
{
	size_t at[4], pos[4], np = 0;
	bool lowered[4];
	for (size_t k = 0; k < 4; k++) {
		at[k] = find(v, n, mem_chain[k], BX_CTRL_MEMORY);
		if (at[k] == SIZE_MAX)
			continue;
		uint64_t a, b;
		lowered[k] = num(v[at[k]].want, &a) && num(v[at[k]].cur, &b) && a <= b;
		pos[np++] = at[k];
	}
	if (np < 2)
		return;
	/* The positions the chain occupies, in ascending order. */
	for (size_t i = 1; i < np; i++)
		for (size_t j = i; j > 0 && pos[j - 1] > pos[j]; j--) {
			size_t t = pos[j];
			pos[j] = pos[j - 1];
			pos[j - 1] = t;
		}
	bx_change seq[4];
	size_t ns = 0;
	for (size_t k = 0; k < 4; k++)
		if (at[k] != SIZE_MAX && lowered[k])
			seq[ns++] = v[at[k]];
	for (size_t k = 4; k-- > 0;)
		if (at[k] != SIZE_MAX && !lowered[k])
			seq[ns++] = v[at[k]];
	for (size_t i = 0; i < np; i++)
		v[pos[i]] = seq[i];
}

typedef struct cpuset_range {
	unsigned long lo, hi;
} cpuset_range;

/* Parse a canonical list into ranges; false if it is not one. */
static bool parse_list(const char *s, cpuset_range *r, size_t max, size_t *n)
{
	*n = 0;
	while (*s) {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;
		if (end == s)
			return false;
		s = end;
		if (*s == '-') {
			hi = strtoul(s + 1, &end, 10);
			if (end == s + 1)
				return false;
			s = end;
		}
		if (*n == max)
			return false;
		r[(*n)++] = (cpuset_range){ lo, hi };
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	return true;
}

/* Does `want` drop a CPU (node) that `cur` has? "" means all of them. */
static bool cpuset_shrinks(const char *file, const char *cur, const char *want,
			   const bx_host_facts *f)
{
	char all[32];
	if (!*want)
		return false; /* back to inheriting everything */
	if (!*cur) {
		if (strcmp(file, "cpuset.cpus") != 0 || !f || !f->ncpus)
			return false; /* how many nodes "all" is is unknown */
		snprintf(all, sizeof all, f->ncpus > 1 ? "0-%u" : "0", f->ncpus - 1);
		cur = all;
	}
	cpuset_range a[256], b[256];
	size_t na, nb;
	if (!parse_list(cur, a, 256, &na) || !parse_list(want, b, 256, &nb))
		return strcmp(cur, want) != 0;
	/* every range of cur inside the union of want's (merged, sorted) */
	for (size_t i = 0; i < na; i++) {
		unsigned long x = a[i].lo;
		while (x <= a[i].hi) {
			size_t j = 0;
			while (j < nb && !(b[j].lo <= x && x <= b[j].hi))
				j++;
			if (j == nb)
				return true;
			if (b[j].hi >= a[i].hi)
				break;
			x = b[j].hi + 1;
		}
	}
	return false;
}

static char *warning_for(const bx_change *c, const char *pids_current, const bx_host_facts *f)
{
	const char *file = c->s->file;
	uint64_t a, b, cur;
	if ((strcmp(file, "memory.max") == 0 || strcmp(file, "memory.high") == 0) &&
	    num(c->want, &a) && num(c->cur, &b) && a < b)
		return bx_sprintf("lowering %s makes the kernel reclaim memory%s; a rollback cannot "
				  "undo that",
				  file, strcmp(file, "memory.max") == 0 ? " and may OOM-kill processes" : "");
	if (strcmp(file, "pids.max") == 0 && num(c->want, &a) && num(pids_current, &cur) && a < cur)
		return bx_sprintf("pids.max %s is below the %s processes running now: forks fail "
				  "until they exit",
				  c->want, pids_current);
	if ((strcmp(file, "cpuset.cpus") == 0 || strcmp(file, "cpuset.mems") == 0) && c->cur &&
	    cpuset_shrinks(file, c->cur, c->want, f))
		return bx_sprintf("shrinking %s moves tasks off the %s it drops; a rollback cannot "
				  "move them back",
				  file, strcmp(file, "cpuset.cpus") == 0 ? "CPUs" : "memory nodes");
	return NULL;
}

int bx_order_changes(bx_change *v, size_t n, bool existed, const char *pids_current,
		     const bx_host_facts *facts, bx_error **err)
{
	if (n > 1) {
		/* a cgroup has a few dozen settings at most: no allocation then */
		sort_item it_small[64];
		bx_change tmp_small[64];
		sort_item *it = n <= 64 ? it_small : calloc(n, sizeof *it);
		bx_change *tmp = n <= 64 ? tmp_small : calloc(n, sizeof *tmp);
		if (!it || !tmp) {
			if (it != it_small)
				free(it);
			if (tmp != tmp_small)
				free(tmp);
			return bx_err(err, ENOMEM, "plan");
		}
		for (size_t i = 0; i < n; i++)
			it[i] = (sort_item){ v, i };
		/* insertion sort: a handful of items, mostly in order already */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && cmp_item(&it[j - 1], &it[j]) > 0; j--) {
				sort_item t = it[j];
				it[j] = it[j - 1];
				it[j - 1] = t;
			}
		for (size_t i = 0; i < n; i++)
			tmp[i] = v[it[i].i];
		memcpy(v, tmp, n * sizeof *v);
		if (it != it_small)
			free(it);
		if (tmp != tmp_small)
			free(tmp);
		order_cpu(v, n);
		order_memory(v, n);
	}
	for (size_t i = 0; existed && i < n; i++) {
		free(v[i].warning);
		v[i].warning = warning_for(&v[i], pids_current, facts);
	}
	return 0;
}
