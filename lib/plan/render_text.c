/* A plan for people, the way `terraform plan` shows one: a block per
 * cgroup, `+` created, `~` changed, `-` removed, each line a file's old →
 * new value and the policy line that asked for it, `!` under a change no
 * rollback can undo, and a summary line. Also the drift report of `boxcg
 * diff`. RECORD steps (the record of which settings boxcg manages) are
 * bookkeeping, not changes: never shown (-v: one dim line counts them). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/human.h"
#include "plan/plan_int.h"

#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"
#define LOC_COLUMN 52 /* where location comments start at the latest, when the line fits */

/* Formatted locations, remembered: ten thousand boxes of a class share
 * the same few. Direct-mapped on the (pooled) YAML path and the line. */
#define LOC_CACHE 256
typedef struct loc_ent {
	const char *file, *ypath;
	unsigned line, col;
	char *text;
	size_t len, width; /* bytes; columns */
	size_t split;      /* where the YAML path starts in text, 0: none */
} loc_ent;

/* Policy file names as shown: relative to the current directory. */
typedef struct rel_ent {
	const char *file; /* the step's (pooled) name */
	char *shown;
} rel_ent;

/* Whole lines of writes into new cgroups: the same for every box of a
 * class. Keyed on the step's (pooled) strings and location. */
typedef struct line_ent {
	const char *file, *key, *new, *ypath, *lfile;
	unsigned line, col;
	size_t align;   /* the block's comment column the line was made for */
	bool own;       /* and whether its comments were on lines of their own */
	char *text;
	size_t len;
} line_ent;

typedef struct out {
	bx_buf b;
	bool color;
	loc_ent *cache; /* LOC_CACHE entries, or NULL */
	line_ent *lines; /* LOC_CACHE entries, or NULL */
	bx_write_fn fn; /* streaming: the text goes here in pieces */
	void *ctx;
	bool failed;    /* fn failed */
	size_t columns; /* fit location comments in this width; 0: no limit */
	const char *cwd; /* show policy files relative to it; NULL: as given */
	rel_ent *rel;   /* the names so shown */
	size_t nrel, rel_cap;
} out;

#define FLUSH_AT (64u << 10)

/* Streaming: hand what is buffered to fn (at line ends only). */
static void flush(out *o, bool always)
{
	if (!o->fn || o->b.oom || (!always && o->b.len < FLUSH_AT))
		return;
	if (o->b.len && !o->failed && o->fn(o->ctx, o->b.s, o->b.len) < 0)
		o->failed = true;
	o->b.len = 0;
}

static void out_done(out *o)
{
	for (size_t i = 0; o->cache && i < LOC_CACHE; i++)
		free(o->cache[i].text);
	free(o->cache);
	o->cache = NULL;
	for (size_t i = 0; o->lines && i < LOC_CACHE; i++)
		free(o->lines[i].text);
	free(o->lines);
	o->lines = NULL;
	for (size_t i = 0; i < o->nrel; i++)
		free(o->rel[i].shown);
	free(o->rel);
	o->rel = NULL;
	o->nrel = o->rel_cap = 0;
}

static const char *c_(const out *o, const char *code) { return o->color ? code : ""; }

static const char *show_cg(const char *cg) { return *cg ? cg : "(base)"; }

/* Appends without printf: plans run to a hundred thousand lines. */
static inline void put_n(out *o, const char *s, size_t n)
{
	if (o->b.len + n + 1 <= o->b.cap) {
		memcpy(o->b.s + o->b.len, s, n);
		o->b.len += n;
		o->b.s[o->b.len] = '\0';
		return;
	}
	bx_buf_add(&o->b, s, n);
}

static inline void put(out *o, const char *s) { put_n(o, s, strlen(s)); }

static void put_uint(out *o, unsigned long long v)
{
	char d[24];
	size_t i = sizeof d;
	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	put_n(o, d + i, sizeof d - i);
}

static void pad(out *o, size_t n)
{
	static const char spaces[] = "                                                        ";
	while (n) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		put_n(o, spaces, k);
		n -= k;
	}
}

/* Values as they read: quoted only when empty. */
/* Outside text (values read from the tree, cgroup and file names):
 * escaped when it holds anything a terminal would act on (bx_esc). */
static void put_safe(out *o, const char *s)
{
	if (!bx_esc_needed(s)) {
		put(o, s);
		return;
	}
	char *e = bx_esc(s);
	put(o, e ? e : "?");
	free(e);
}

/* A value of `file`, in human units where that reads better (plan/human.h). */
static void value(out *o, const char *file, const char *v)
{
	char h[BX_VALUE_HUMAN_MAX];
	if (!v || !*v)
		put(o, !v ? "(none)" : "\"\"");
	else if (bx_value_human(file, v, h, sizeof h))
		put(o, h);
	else
		put_safe(o, v);
}

/* Visible width of what the buffer holds since `from` (UTF-8 aware). */
static size_t width_since(const out *o, size_t from)
{
	size_t n = 0;
	for (size_t i = from; i < o->b.len; i++)
		n += ((unsigned char)o->b.s[i] & 0xC0) != 0x80;
	return n;
}

/* The policy file's name as shown (relative to o->cwd), remembered. */
static const char *shown_file(out *o, const char *file)
{
	if (!o->cwd || file[0] != '/')
		return file;
	for (size_t i = 0; i < o->nrel; i++)
		if (o->rel[i].file == file)
			return o->rel[i].shown;
	char *shown = bx_path_relative(file, o->cwd);
	if (!shown || bx_grow(&o->rel, &o->rel_cap, o->nrel + 1, sizeof *o->rel) < 0) {
		free(shown);
		return file;
	}
	o->rel[o->nrel++] = (rel_ent){ file, shown };
	return shown;
}

/* Columns of s[0..n) (UTF-8 aware). */
static size_t columns_of(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* Writes "file:line:col ypath"; returns where ypath starts (0: none). */
static size_t loc_text(out *o, const bx_loc *loc, const char *ypath, const char *none)
{
	size_t at = o->b.len, split = 0;
	if (loc->file) {
		put_safe(o, shown_file(o, loc->file));
		put(o, ":");
		put_uint(o, loc->line);
		put(o, ":");
		put_uint(o, loc->col);
		if (ypath) {
			put(o, " ");
			split = o->b.len - at;
		}
	}
	if (ypath)
		put(o, ypath);
	if (!loc->file && !ypath)
		put(o, none);
	return split;
}

/* A location's text: from the cache (`cached`: steps share a class's few
 * locations; cgroups have their own), or made into *tmp (the caller
 * frees tmp->text). NULL: nothing to show, or out of memory. */
static loc_ent *loc_get(out *o, const bx_loc *loc, const char *ypath, const char *none, bool cached,
			loc_ent *tmp)
{
	if (!loc->file && !ypath && !none)
		return NULL;
	if (cached && !o->cache)
		o->cache = calloc(LOC_CACHE, sizeof *o->cache);
	loc_ent *e = tmp;
	*tmp = (loc_ent){0};
	if (cached && o->cache && (loc->file || ypath)) {
		size_t h = (((uintptr_t)ypath >> 3) ^ ((uintptr_t)loc->file >> 3) ^ loc->line * 31u ^
			    loc->col) & (LOC_CACHE - 1);
		e = &o->cache[h];
		if (!(e->text && e->file == loc->file && e->ypath == ypath && e->line == loc->line &&
		      e->col == loc->col)) {
			free(e->text);
			*e = (loc_ent){ loc->file, ypath, loc->line, loc->col, NULL, 0, 0, 0 };
		}
	}
	if (!e->text) {
		/* formatted at the end of the buffer, then taken out */
		size_t at = o->b.len;
		e->split = loc_text(o, loc, ypath, none);
		e->text = o->b.oom ? NULL : strndup(o->b.s + at, o->b.len - at);
		o->b.len = at;
		if (o->b.s)
			o->b.s[at] = '\0';
		if (!e->text) {
			o->b.oom = true;
			return NULL;
		}
		e->len = strlen(e->text);
		e->width = columns_of(e->text, e->len);
	}
	return e;
}

static size_t gap_to(size_t width, size_t align) { return width + 2 <= align ? align - width : 2; }

/* Does the comment fit beside a line `width` wide, at column `align`? */
static bool loc_fits(out *o, size_t width, size_t align, const bx_loc *loc, const char *ypath,
		     const char *none, bool cached)
{
	loc_ent tmp, *e = loc_get(o, loc, ypath, none, cached, &tmp);
	bool fits = !e || !o->columns || width + gap_to(width, align) + 2 + e->width <= o->columns;
	if (e == &tmp)
		free(tmp.text);
	return fits;
}

/* "  # file:line:col ypath", padded to column `align` so locations line
 * up (two spaces when the line is wider already). `width` is the visible
 * width of what the line holds so far. `own` (its block does not fit
 * o->columns beside its lines): the comment goes on a line of its own
 * below, indented by `indent`; when even that is too wide, the YAML path
 * goes on one more. */
static void location(out *o, size_t width, const bx_loc *loc, const char *ypath, const char *none,
		     bool cached, size_t indent, size_t align, bool own)
{
	loc_ent tmp, *e = loc_get(o, loc, ypath, none, cached, &tmp);
	if (!e)
		return;
	own = own && o->columns;
	bool split = own && e->split && indent + 2 + e->width > o->columns;
	if (own) {
		put(o, "\n");
		pad(o, indent);
	} else {
		pad(o, gap_to(width, align));
	}
	if (o->color)
		put(o, DIM);
	put_n(o, "# ", 2);
	if (split) {
		/* "file:line:col" here, the YAML path below */
		put_n(o, e->text, e->split - 1);
		if (o->color)
			put(o, RESET);
		put(o, "\n");
		pad(o, indent);
		if (o->color)
			put(o, DIM);
		put_n(o, "# ", 2);
		put_n(o, e->text + e->split, e->len - e->split);
	} else {
		put_n(o, e->text, e->len);
	}
	if (o->color)
		put(o, RESET);
	if (e == &tmp)
		free(tmp.text);
}

/* The visible part of one step's line; returns its width. */
static size_t step_text(out *o, const bx_step *s)
{
	size_t at = o->b.len;
	switch (s->op) {
	case BX_OP_ENABLE:
	case BX_OP_DISABLE:
		put(o, s->file);
		put(o, ": ");
		put(o, s->write);
		break;
	case BX_OP_WRITE:
		put(o, s->file);
		if (s->key) {
			put(o, "[");
			put(o, s->key);
			put(o, "]");
		}
		if (s->old) {
			put(o, ": ");
			value(o, s->file, s->old);
			put(o, " → ");
		} else {
			put(o, " = ");
		}
		value(o, s->file, s->new);
		break;
	default:
		break;
	}
	return width_since(o, at);
}

/* "      ! text", its words wrapped to o->columns under the text. */
static void warning(out *o, const char *w)
{
	put(o, "      ");
	put(o, c_(o, YELLOW));
	put(o, "! ");
	size_t col = 8;
	for (const char *p = w; *p;) {
		size_t n = strcspn(p, " ");
		size_t cols = columns_of(p, n);
		if (p != w && o->columns && col + 1 + cols > o->columns) {
			put(o, "\n");
			pad(o, 8);
			col = 8;
		} else if (p != w) {
			put(o, " ");
			col++;
		}
		put_n(o, p, n);
		col += cols;
		p += n;
		p += strspn(p, " ");
	}
	put(o, c_(o, RESET));
	put(o, "\n");
}

/* Steps grouped by cgroup, the groups in tree order (a parent before its
 * children), each group's steps in the order they run. A cgroup's steps
 * mostly run back to back: sort those runs, not the steps. */
typedef struct run {
	size_t from, to;
	const char *cg;
} run;

static int cmp_run(const void *a, const void *b)
{
	const run *x = a, *y = b;
	int c = x->cg == y->cg ? 0 : bx_path_cmp(x->cg, y->cg);
	return c ? c : (x->from > y->from) - (x->from < y->from);
}

/* The runs in tree order. A plan is made top-down, so its runs are in
 * order already but for the controllers enabled in ancestors on the way:
 * keep the ordered ones, sort the few others, merge the two. RECORD
 * steps make no run (a run may span some: block() skips them). */
static run *runs_of(const bx_plan *pl, size_t *nruns)
{
	size_t count = 0;
	const char *prev = NULL;
	for (size_t i = 0; i < pl->n; i++) {
		const char *cg = pl->v[i].cgroup;
		if (pl->v[i].op == BX_OP_RECORD)
			continue;
		count += !prev || (prev != cg && strcmp(prev, cg) != 0);
		prev = cg;
	}
	run *v = calloc(count + 1, sizeof *v), *side = NULL;
	size_t n = 0, ns = 0, nm = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < pl->n; i++) {
		const char *cg = pl->v[i].cgroup;
		if (pl->v[i].op == BX_OP_RECORD)
			continue;
		if (n && (v[n - 1].cg == cg || strcmp(v[n - 1].cg, cg) == 0))
			v[n - 1].to = i + 1;
		else
			v[n++] = (run){ i, i + 1, cg };
	}
	if (!(side = calloc(n + 1, sizeof *side))) {
		free(v);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (nm && cmp_run(&v[nm - 1], &v[i]) > 0)
			side[ns++] = v[i];
		else
			v[nm++] = v[i];
	}
	if (ns) {
		qsort(side, ns, sizeof *side, cmp_run);
		/* merge from the back into v */
		size_t i = nm, j = ns, k = n;
		while (j > 0) {
			if (i > 0 && cmp_run(&v[i - 1], &side[j - 1]) > 0)
				v[--k] = v[--i];
			else
				v[--k] = side[--j];
		}
	}
	free(side);
	*nruns = n;
	return v;
}

static bool same_cg(const run *a, const run *b) { return a->cg == b->cg || strcmp(a->cg, b->cg) == 0; }

static void header(out *o, const bx_plan *pl)
{
	if (pl->dirmode) {
		put(o, "Directory mode: ");
		put(o, pl->base_path);
		put(o, " is a plain directory, not a cgroup2 filesystem.\n\n");
	}
	if (pl->no_records) {
		put(o, "Note: ");
		put(o, pl->base_path);
		put(o, " keeps no user xattrs: boxcg cannot record the settings it manages,\n"
		       "so settings removed from the policy are left as they are.\n\n");
	}
}

/* What a step's location comment says when no policy line asked for it. */
static const char *no_location(const bx_step *s)
{
	switch (s->op) {
	case BX_OP_DISABLE:
		return "no declared setting needs it";
	case BX_OP_WRITE:
		return "no longer declared: the kernel's default";
	default:
		return NULL;
	}
}

/* The width of a step's line, measured by writing it and taking it back. */
static size_t step_width(out *o, const bx_step *s)
{
	size_t at = o->b.len;
	size_t w = 4 + step_text(o, s);
	o->b.len = at;
	if (o->b.s)
		o->b.s[at] = '\0';
	return w;
}

static bool listed(const bx_step *s)
{
	return s->op != BX_OP_MKDIR && s->op != BX_OP_RMDIR && s->op != BX_OP_RECORD;
}

/* Where a block's location comments start: two columns after its widest
 * line (`widest` so far: its header), at most LOC_COLUMN, so the comments
 * of a block of short lines stay aligned and close to them (and fit a
 * narrow width more often). *own: some comment would not fit o->columns
 * beside its line, so all of the block's go on lines of their own (a
 * block reads one way). */
static size_t block_layout(out *o, const bx_plan *pl, const run *r, size_t from, size_t to,
			   size_t widest, const bx_step *head, const char *head_none, bool *own)
{
	size_t head_w = widest;
	for (size_t k = from; k < to; k++)
		for (size_t i = r[k].from; i < r[k].to; i++) {
			size_t w = listed(&pl->v[i]) ? step_width(o, &pl->v[i]) : 0;
			if (w > widest)
				widest = w;
		}
	size_t align = widest + 2 < LOC_COLUMN ? widest + 2 : LOC_COLUMN;
	*own = false;
	if (!o->columns)
		return align;
	if (head && !loc_fits(o, head_w, align, &head->loc, head->ypath, head_none, false))
		return *own = true, align;
	for (size_t k = from; k < to; k++)
		for (size_t i = r[k].from; i < r[k].to; i++) {
			const bx_step *s = &pl->v[i];
			if (listed(s) &&
			    !loc_fits(o, step_width(o, s), align, &s->loc, s->ypath, no_location(s), true))
				return *own = true, align;
		}
	return align;
}

static void block(out *o, const bx_plan *pl, const run *r, size_t from, size_t to)
{
	char mark = '~';
	const bx_step *head = NULL;
	for (size_t k = from; k < to; k++)
		for (size_t i = r[k].from; i < r[k].to; i++) {
			const bx_step *s = &pl->v[i];
			if (s->op == BX_OP_MKDIR)
				mark = '+', head = s;
			else if (s->op == BX_OP_RMDIR)
				mark = '-', head = s;
		}
	const char *col = mark == '+' ? GREEN : mark == '-' ? RED : YELLOW;
	put(o, c_(o, col));
	put(o, c_(o, BOLD));
	put_n(o, &mark, 1);
	put(o, c_(o, RESET));
	size_t vis = o->b.len;
	put(o, " ");
	put_safe(o, show_cg(r[from].cg));
	size_t hw = 1 + width_since(o, vis);
	const char *head_none = mark == '-' ? "not declared by the policy" : NULL;
	bool own;
	size_t align = block_layout(o, pl, r, from, to, hw, head, head_none, &own);
	if (head)
		location(o, hw, &head->loc, head->ypath, head_none, false, 2, align, own);
	put(o, "\n");
	if (head && head->warning)
		warning(o, head->warning);
	for (size_t k = from; k < to; k++)
		for (size_t i = r[k].from; i < r[k].to; i++) {
			const bx_step *s = &pl->v[i];
			if (s->op == BX_OP_MKDIR || s->op == BX_OP_RMDIR || s->op == BX_OP_RECORD)
				continue;
			line_ent *e = NULL;
			if (s->op == BX_OP_WRITE && !s->old && !s->warning) {
				if (!o->lines)
					o->lines = calloc(LOC_CACHE, sizeof *o->lines);
				if (o->lines) {
					size_t h = (((uintptr_t)s->new >> 3) * 31u ^ ((uintptr_t)s->file >> 3) ^
						    ((uintptr_t)s->key >> 3) ^ s->loc.line * 131u) &
						   (LOC_CACHE - 1);
					e = &o->lines[h];
					if (e->text && e->file == s->file && e->key == s->key && e->new == s->new &&
					    e->ypath == s->ypath && e->lfile == s->loc.file &&
					    e->line == s->loc.line && e->col == s->loc.col && e->align == align &&
					    e->own == own) {
						put_n(o, e->text, e->len);
						continue;
					}
				}
			}
			size_t at = o->b.len;
			put(o, "    ");
			size_t w = step_text(o, s);
			location(o, 4 + w, &s->loc, s->ypath, no_location(s), true, 6, align, own);
			put(o, "\n");
			if (s->warning)
				warning(o, s->warning);
			char *t = e && !o->b.oom ? strndup(o->b.s + at, o->b.len - at) : NULL;
			if (t) {
				free(e->text);
				*e = (line_ent){ s->file,     s->key,     s->new, s->ypath, s->loc.file,
						 s->loc.line, s->loc.col, align,  own,      t,
						 o->b.len - at };
			}
		}
}

/* -v: "(+ N managed-files records to write)", dim, when there are any. */
static void records_note(out *o, const bx_plan *pl, bool verbose)
{
	size_t n = verbose ? bx_plan_records(pl) : 0;
	if (!n)
		return;
	put(o, c_(o, DIM));
	put(o, "(+ ");
	put_uint(o, n);
	put(o, n == 1 ? " managed-files record to write)" : " managed-files records to write)");
	put(o, c_(o, RESET));
	put(o, "\n");
}

static size_t undeclared_count(const bx_plan *u)
{
	size_t n = 0;
	for (size_t i = 0; u && i < u->n; i++)
		n += u->v[i].op == BX_OP_RMDIR;
	return n;
}

/* The cgroups not in the policy, in the drift plan's order (deepest
 * first, as --prune would remove them). */
static void undeclared_list(out *o, const bx_plan *u, bool lead)
{
	if (!undeclared_count(u))
		return;
	if (lead)
		put(o, "\n");
	put(o, "Not in the policy (`plan --prune` shows their removal):\n");
	for (size_t i = 0; i < u->n; i++) {
		const bx_step *s = &u->v[i];
		if (s->op != BX_OP_RMDIR)
			continue;
		put(o, c_(o, YELLOW));
		put(o, "? ");
		put(o, c_(o, RESET));
		put(o, s->cgroup);
		if (s->warning) {
			put(o, "  (--prune refuses: ");
			put(o, s->warning);
			put(o, ")");
		}
		put(o, "\n");
	}
}

static void undeclared_summary(out *o, const bx_plan *u)
{
	size_t n = undeclared_count(u);
	if (!n)
		return;
	put_uint(o, n);
	put(o, " not in the policy: use --prune.\n");
}

static void render(out *o, const bx_plan *pl, bool verbose, const bx_plan *undeclared,
		   bool summary_only)
{
	header(o, pl);
	if (!bx_plan_has_changes(pl)) {
		if (undeclared_count(undeclared)) {
			undeclared_list(o, undeclared, false);
			put(o, "\n");
		}
		put(o, "No changes.\n");
		undeclared_summary(o, undeclared);
		records_note(o, pl, verbose);
		return;
	}
	if (!summary_only) {
		size_t nr;
		run *r = runs_of(pl, &nr);
		if (!r) {
			o->b.oom = true;
			return;
		}
		put(o, "boxcg will perform these actions:\n\n");
		for (size_t i = 0; i < nr;) {
			size_t j = i + 1;
			while (j < nr && same_cg(&r[j], &r[i]))
				j++;
			block(o, pl, r, i, j);
			flush(o, false);
			i = j;
		}
		free(r);
		out_done(o);
		undeclared_list(o, undeclared, true);
		put(o, "\n");
	}
	if (o->color)
		put(o, BOLD);
	put(o, "Plan:");
	if (o->color)
		put(o, RESET);
	put(o, " ");
	put_uint(o, pl->to_create);
	put(o, " to create, ");
	put_uint(o, pl->to_change);
	put(o, " to change, ");
	put_uint(o, pl->to_remove);
	put(o, " to remove.\n");
	undeclared_summary(o, undeclared);
	records_note(o, pl, verbose);
}

char *bx_plan_render_text(const bx_plan *pl, const bx_render_opts *ro)
{
	out o = { .color = ro && ro->color, .columns = ro ? ro->columns : 0, .cwd = ro ? ro->cwd : NULL };
	render(&o, pl, ro && ro->verbose, ro ? ro->undeclared : NULL, ro && ro->summary_only);
	out_done(&o);
	return bx_buf_take(&o.b);
}

int bx_plan_write_text(const bx_plan *pl, const bx_render_opts *ro, bx_write_fn fn, void *ctx)
{
	out o = { .color = ro && ro->color, .fn = fn, .ctx = ctx, .columns = ro ? ro->columns : 0,
		  .cwd = ro ? ro->cwd : NULL };
	render(&o, pl, ro && ro->verbose, ro ? ro->undeclared : NULL, ro && ro->summary_only);
	out_done(&o);
	bool oom = o.b.oom;
	flush(&o, true);
	bx_buf_free(&o.b);
	if (oom)
		errno = ENOMEM;
	return oom || o.failed ? -1 : 0;
}

/* --- drift (boxcg diff) ---------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void drift_line(out *o, const bx_step *s)
{
	const char *none = NULL;
	put(o, c_(o, s->op == BX_OP_MKDIR ? GREEN : s->op == BX_OP_RMDIR ? RED : YELLOW));
	size_t at = o->b.len;
	put_safe(o, show_cg(s->cgroup));
	put(o, ": ");
	switch (s->op) {
	case BX_OP_MKDIR:
		put(o, "missing");
		break;
	case BX_OP_RMDIR:
		put(o, "exists, not declared by the policy");
		break;
	case BX_OP_ENABLE:
		put(o, "cgroup.subtree_control lacks ");
		put(o, s->write + 1);
		break;
	case BX_OP_DISABLE:
		put(o, "cgroup.subtree_control enables ");
		put(o, s->write + 1);
		none = "no declared setting needs it";
		break;
	case BX_OP_WRITE:
		put(o, s->file);
		if (s->key) {
			put(o, "[");
			put(o, s->key);
			put(o, "]");
		}
		put(o, " is ");
		value(o, s->file, s->old);
		if (!s->loc.file && !s->ypath) {
			/* an io.weight device line follows the default weight */
			if (s->new && strcmp(s->new, "default") == 0) {
				put(o, ", no longer declared (back to the default weight)");
				break;
			}
			put(o, ", no longer declared (the kernel's default is ");
			value(o, s->file, s->new);
			put(o, ")");
			break;
		}
		put(o, ", the policy says ");
		value(o, s->file, s->new);
		break;
	case BX_OP_RECORD: /* bookkeeping, not drift: skipped by the caller */
		break;
	}
	size_t w = width_since(o, at);
	put(o, c_(o, RESET));
	location(o, w, &s->loc, s->ypath, none, true, 4, LOC_COLUMN,
		 !loc_fits(o, w, LOC_COLUMN, &s->loc, s->ypath, none, true));
	put(o, "\n");
	/* drift carries refusals in the warning: say why it stays */
	if (s->op == BX_OP_RMDIR && s->warning) {
		put(o, "      ");
		put(o, c_(o, DIM));
		put(o, "--prune would refuse: ");
		put(o, s->warning);
		put(o, c_(o, RESET));
		put(o, "\n");
	}
}

char *bx_plan_render_drift(const bx_plan *pl, const bx_render_opts *ro)
{
	out o = { .color = ro && ro->color, .columns = ro ? ro->columns : 0, .cwd = ro ? ro->cwd : NULL };
	header(&o, pl);
	/* what the plan creates is reported as missing, once */
	char **made = calloc(pl->n + 1, sizeof *made);
	size_t nmade = 0, ndiff = 0, nr = 0;
	run *r = made ? runs_of(pl, &nr) : NULL;
	if (!r) {
		free(made);
		bx_buf_free(&o.b);
		return NULL;
	}
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].op == BX_OP_MKDIR)
			made[nmade++] = pl->v[i].cgroup;
	qsort(made, nmade, sizeof *made, cmp_str);
	for (size_t k = 0; k < nr; k++) {
		for (size_t i = r[k].from; i < r[k].to; i++) {
			const bx_step *s = &pl->v[i];
			char *cg = s->cgroup;
			if (s->op == BX_OP_RECORD ||
			    (s->op != BX_OP_MKDIR && bsearch(&cg, made, nmade, sizeof *made, cmp_str)))
				continue;
			drift_line(&o, s);
			ndiff++;
		}
	}
	free(r);
	free(made);
	out_done(&o);
	if (ndiff == 0) {
		put(&o, "No drift: the live cgroups match the policy.\n");
	} else {
		put(&o, "\n");
		put(&o, c_(&o, BOLD));
		put_uint(&o, ndiff);
		put(&o, ndiff == 1 ? " difference" : " differences");
		put(&o, c_(&o, RESET));
		put(&o, " between the live cgroups and the policy.\n");
	}
	return bx_buf_take(&o.b);
}
