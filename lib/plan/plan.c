/* The plan container: steps, their strings (a pool), interned policy
 * file names, counts. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/util.h"
#include "plan/plan_int.h"
#include "plan/strpool.h"

bx_plan *bx_plan_new(const char *base_path, bool dirmode)
{
	bx_plan *pl = calloc(1, sizeof *pl);
	if (!pl)
		return NULL;
	pl->base_path = strdup(base_path ? base_path : "");
	pl->dirmode = dirmode;
	pl->strings = bx_strpool_new();
	if (!pl->base_path || !pl->strings) {
		bx_plan_free(pl);
		return NULL;
	}
	return pl;
}

const char *bx_plan_intern(bx_plan *pl, const char *s)
{
	/* a plan built by hand owns each string */
	if (!pl->strings)
		return s ? strdup(s) : NULL;
	return bx_strpool_intern(pl->strings, s);
}

const char *bx_plan_join(bx_plan *pl, const char *a, char sep, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	bool with = sep && la;
	char small[512], *buf = la + lb + 2 <= sizeof small ? small : malloc(la + lb + 2);
	if (!buf)
		return NULL;
	memcpy(buf, a, la);
	if (with)
		buf[la++] = sep;
	memcpy(buf + la, b, lb + 1);
	const char *r = pl->strings ? bx_strpool_store(pl->strings, buf, la + lb) : strdup(buf);
	if (buf != small)
		free(buf);
	return r;
}

/* Policies have a handful of files; steps point to few distinct names,
 * and consecutive steps mostly to the same one: check the last first. */
const char *bx_plan_intern_file(bx_plan *pl, const char *file)
{
	if (!file)
		return NULL;
	for (size_t i = pl->nfiles; i-- > 0;)
		if (pl->files[i] == file)
			return file;
	for (size_t i = pl->nfiles; i-- > 0;)
		if (strcmp(pl->files[i], file) == 0)
			return pl->files[i];
	char *c = strdup(file);
	if (!c || bx_grow(&pl->files, &pl->files_cap, pl->nfiles + 1, sizeof *pl->files) < 0) {
		free(c);
		return NULL;
	}
	pl->files[pl->nfiles++] = c;
	return c;
}

#define HUGE_PAGE (2u << 20)

int bx_plan_reserve(bx_plan *pl, size_t want)
{
	if (want <= pl->cap)
		return 0;
	size_t bytes = want * sizeof *pl->v;
	if (want > SIZE_MAX / sizeof *pl->v)
		return -1;
	if (bytes < HUGE_PAGE)
		return bx_grow(&pl->v, &pl->cap, want, sizeof *pl->v);
	/* A large plan: whole huge pages, a few page faults instead of one
	 * per 4 KiB (the most of a large plan's cost). Without transparent
	 * huge pages this is an ordinary allocation. */
	size_t total = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	void *p = NULL;
	if (posix_memalign(&p, HUGE_PAGE, total) != 0)
		return -1;
	madvise(p, total, MADV_HUGEPAGE);
	if (pl->n)
		memcpy(p, pl->v, pl->n * sizeof *pl->v);
	free(pl->v);
	pl->v = p;
	pl->cap = total / sizeof *pl->v;
	return 0;
}

int bx_plan_push_pooled(bx_plan *pl, const bx_step *s, bx_error **err)
{
	if (pl->n == pl->cap && bx_plan_reserve(pl, pl->cap ? 2 * pl->cap : 64) < 0)
		return bx_err(err, ENOMEM, "plan");
	bx_step c = *s;
	if (s->loc.file && !(c.loc.file = bx_plan_intern_file(pl, s->loc.file)))
		return bx_err(err, ENOMEM, "plan");
	pl->v[pl->n++] = c;
	return 0;
}

static bool pool(bx_plan *pl, char **dst, const char *src)
{
	*dst = (char *)bx_plan_intern(pl, src);
	return !src || *dst;
}

int bx_plan_push(bx_plan *pl, const bx_step *s, bx_error **err)
{
	bx_step c = *s;
	if (!pool(pl, &c.cgroup, s->cgroup ? s->cgroup : "") || !pool(pl, &c.file, s->file) ||
	    !pool(pl, &c.key, s->key) || !pool(pl, &c.write, s->write) || !pool(pl, &c.old, s->old) ||
	    !pool(pl, &c.new, s->new) || !pool(pl, &c.ypath, s->ypath) ||
	    !pool(pl, &c.warning, s->warning))
		return bx_err(err, ENOMEM, "plan");
	return bx_plan_push_pooled(pl, &c, err);
}

int bx_plan_push_ctrl(bx_plan *pl, bx_op op, const char *cg, unsigned bit, unsigned before,
		      const bx_loc *loc, const char *ypath, const char *warning, bx_error **err)
{
	unsigned after = op == BX_OP_ENABLE ? before | bit : before & ~bit;
	cleanup_free char *old = bx_ctrl_format_list(before);
	cleanup_free char *new = bx_ctrl_format_list(after);
	cleanup_free char *write = bx_sprintf("%c%s", op == BX_OP_ENABLE ? '+' : '-', bx_ctrl_name(bit));
	if (!old || !new || !write)
		return bx_err(err, ENOMEM, "plan");
	bx_step s = {
		.op = op,
		.cgroup = (char *)cg,
		.file = "cgroup.subtree_control",
		.write = write,
		.old = old,
		.new = new,
		.loc = loc ? *loc : (bx_loc){0},
		.ypath = (char *)ypath,
		.warning = (char *)warning,
	};
	return bx_plan_push(pl, &s, err);
}

/* --- counts ------------------------------------------------------------------ */

typedef struct pair {
	const char *cg, *file;
	uint64_t hash;
} pair;

static uint64_t fnv(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= UINT64_C(0x100000001b3);
	}
	return (h ^ 0xff) * UINT64_C(0x100000001b3); /* end of field */
}

static bool same(const pair *a, const char *cg, const char *file)
{
	return (a->cg == cg || strcmp(a->cg, cg) == 0) && (a->file == file || strcmp(a->file, file) == 0);
}

void bx_plan_count(bx_plan *pl)
{
	pl->to_create = pl->to_change = pl->to_remove = 0;
	/* Files changed: distinct (cgroup, file) pairs among writes and
	 * subtree_control changes, found with a hash set. In a pooled plan
	 * equal strings are the same pointer: hash the pointers. A record of
	 * managed settings is boxcg's own bookkeeping, not a change to the
	 * tree's limits: never counted. */
	bool pooled = pl->strings != NULL;
	size_t cap = 16;
	while (cap < 2 * pl->n + 2)
		cap *= 2;
	pair *set = calloc(cap, sizeof *set);
	for (size_t i = 0; i < pl->n; i++) {
		const bx_step *s = &pl->v[i];
		if (s->op == BX_OP_RECORD)
			continue;
		if (s->op == BX_OP_MKDIR) {
			pl->to_create++;
			continue;
		}
		if (s->op == BX_OP_RMDIR) {
			pl->to_remove++;
			continue;
		}
		const char *cg = s->cgroup ? s->cgroup : "", *file = s->file ? s->file : "";
		if (!set) { /* out of memory: count every step */
			pl->to_change++;
			continue;
		}
		uint64_t h = pooled ? ((uint64_t)(uintptr_t)cg * UINT64_C(0x9e3779b97f4a7c15)) ^
					      ((uint64_t)(uintptr_t)file * UINT64_C(0xc2b2ae3d27d4eb4f))
				    : fnv(fnv(UINT64_C(0xcbf29ce484222325), cg), file);
		h ^= h >> 29;
		size_t j = h & (cap - 1);
		while (set[j].cg && !(set[j].hash == h && same(&set[j], cg, file)))
			j = (j + 1) & (cap - 1);
		if (!set[j].cg) {
			set[j] = (pair){ cg, file, h };
			pl->to_change++;
		}
	}
	free(set);
}

size_t bx_plan_records(const bx_plan *pl)
{
	size_t n = 0;
	for (size_t i = 0; pl && i < pl->n; i++)
		n += pl->v[i].op == BX_OP_RECORD;
	return n;
}

bool bx_plan_has_changes(const bx_plan *pl)
{
	for (size_t i = 0; pl && i < pl->n; i++)
		if (pl->v[i].op != BX_OP_RECORD)
			return true;
	return false;
}

static void step_free(bx_step *s)
{
	free(s->cgroup);
	free(s->file);
	free(s->key);
	free(s->write);
	free(s->old);
	free(s->new);
	free(s->ypath);
	free(s->warning);
}

void bx_plan_free(bx_plan *p)
{
	if (!p)
		return;
	if (!p->strings)
		for (size_t i = 0; i < p->n; i++)
			step_free(&p->v[i]);
	bx_strpool_free(p->strings);
	free(p->v);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	free(p->base_path);
	free(p->fingerprint);
	bx_strv_free(p->source.names, p->source.n);
	bx_strv_free(p->source.texts, p->source.n);
	free(p);
}
