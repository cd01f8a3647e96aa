/* A plan for people, the way `terraform plan` shows one: a block per
 * cgroup, `+` created, `~` changed, `-` removed, each line a file's old →
 * new value and the policy line that asked for it, `!` under a change no
 * rollback can undo, and a summary line. Also the drift report of `boxcg
 * diff`. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/plan_int.h"

#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"
#define LOC_COLUMN 52 /* where location comments start, when the line fits */

typedef struct out {
	bx_buf b;
	bool color;
} out;

static const char *c_(const out *o, const char *code) { return o->color ? code : ""; }

static const char *show_cg(const char *cg) { return *cg ? cg : "(base)"; }

/* Values as they read: quoted only when empty. */
static void value(bx_buf *b, const char *v)
{
	if (!v)
		bx_buf_puts(b, "(none)");
	else if (!*v)
		bx_buf_puts(b, "\"\"");
	else
		bx_buf_puts(b, v);
}

/* "  # file:line:col ypath", padded so locations line up. `width` is the
 * visible width of what the line holds so far. */
static void location(out *o, size_t width, const bx_loc *loc, const char *ypath, const char *none)
{
	if (!loc->file && !ypath && !none)
		return;
	size_t pad = width < LOC_COLUMN ? LOC_COLUMN - width : 2;
	bx_buf_printf(&o->b, "%*s%s# ", (int)pad, "", c_(o, DIM));
	if (loc->file)
		bx_buf_printf(&o->b, "%s:%u:%u%s", loc->file, loc->line, loc->col, ypath ? " " : "");
	if (ypath)
		bx_buf_puts(&o->b, ypath);
	if (!loc->file && !ypath)
		bx_buf_puts(&o->b, none);
	bx_buf_puts(&o->b, c_(o, RESET));
}

/* The visible part of one step's line, into `line`. */
static void step_text(bx_buf *line, const bx_step *s)
{
	switch (s->op) {
	case BX_OP_ENABLE:
	case BX_OP_DISABLE:
		bx_buf_printf(line, "%s: %s", s->file, s->write);
		break;
	case BX_OP_WRITE:
		bx_buf_puts(line, s->file);
		if (s->key)
			bx_buf_printf(line, "[%s]", s->key);
		if (s->old) {
			bx_buf_puts(line, ": ");
			value(line, s->old);
			bx_buf_puts(line, " → ");
		} else {
			bx_buf_puts(line, " = ");
		}
		value(line, s->new);
		break;
	default:
		break;
	}
}

static size_t visible_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80; /* count UTF-8 characters */
	return n;
}

static void warning(out *o, const char *w)
{
	bx_buf_printf(&o->b, "      %s! %s%s\n", c_(o, YELLOW), w, c_(o, RESET));
}

/* Steps grouped by cgroup, the groups in tree order (a parent before its
 * children), each group's steps in the order they run. */
typedef struct ord {
	size_t step;
	const char *cg;
} ord;

static int cmp_cg(const void *a, const void *b)
{
	const ord *x = a, *y = b;
	int c = bx_path_cmp(x->cg, y->cg);
	return c ? c : (x->step > y->step) - (x->step < y->step);
}

static ord *grouped(const bx_plan *pl)
{
	ord *v = calloc(pl->n + 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < pl->n; i++)
		v[i] = (ord){ i, pl->v[i].cgroup };
	qsort(v, pl->n, sizeof *v, cmp_cg);
	return v;
}

static void header(out *o, const bx_plan *pl)
{
	if (pl->dirmode)
		bx_buf_printf(&o->b,
			      "Directory mode: %s is a plain directory, not a cgroup2 filesystem.\n\n",
			      pl->base_path);
}

static void block(out *o, const bx_plan *pl, const ord *v, size_t from, size_t to)
{
	char mark = '~';
	const bx_step *head = NULL;
	for (size_t i = from; i < to; i++) {
		const bx_step *s = &pl->v[v[i].step];
		if (s->op == BX_OP_MKDIR)
			mark = '+', head = s;
		else if (s->op == BX_OP_RMDIR)
			mark = '-', head = s;
	}
	const char *col = mark == '+' ? GREEN : mark == '-' ? RED : YELLOW;
	const char *cg = show_cg(pl->v[v[from].step].cgroup);
	bx_buf_printf(&o->b, "%s%s%c%s %s", c_(o, col), c_(o, BOLD), mark, c_(o, RESET), cg);
	if (head)
		location(o, 2 + visible_len(cg), &head->loc, head->ypath,
			 mark == '-' ? "not declared by the policy" : NULL);
	bx_buf_puts(&o->b, "\n");
	if (head && head->warning)
		warning(o, head->warning);
	for (size_t i = from; i < to; i++) {
		const bx_step *s = &pl->v[v[i].step];
		if (s->op == BX_OP_MKDIR || s->op == BX_OP_RMDIR)
			continue;
		bx_buf line = {0};
		step_text(&line, s);
		cleanup_free char *text = bx_buf_take(&line);
		bx_buf_printf(&o->b, "    %s", text ? text : "");
		location(o, 4 + (text ? visible_len(text) : 0), &s->loc, s->ypath,
			 s->op == BX_OP_DISABLE ? "no declared setting needs it" : NULL);
		bx_buf_puts(&o->b, "\n");
		if (s->warning)
			warning(o, s->warning);
	}
}

char *bx_plan_render_text(const bx_plan *pl, const bx_render_opts *ro)
{
	out o = { .color = ro && ro->color };
	header(&o, pl);
	if (pl->n == 0) {
		bx_buf_puts(&o.b, "No changes.\n");
		return bx_buf_take(&o.b);
	}
	ord *v = grouped(pl);
	if (!v)
		return NULL;
	bx_buf_puts(&o.b, "boxcg will perform these actions:\n\n");
	for (size_t i = 0; i < pl->n;) {
		size_t j = i + 1;
		while (j < pl->n && strcmp(v[j].cg, v[i].cg) == 0)
			j++;
		block(&o, pl, v, i, j);
		i = j;
	}
	free(v);
	bx_buf_printf(&o.b, "\n%sPlan:%s %zu to create, %zu to change, %zu to remove.\n", c_(&o, BOLD),
		      c_(&o, RESET), pl->to_create, pl->to_change, pl->to_remove);
	return bx_buf_take(&o.b);
}

/* --- drift (boxcg diff) ---------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *bx_plan_render_drift(const bx_plan *pl, const bx_render_opts *ro)
{
	out o = { .color = ro && ro->color };
	header(&o, pl);
	/* what the plan creates is reported as missing, once */
	char **made = calloc(pl->n + 1, sizeof *made);
	size_t nmade = 0, ndiff = 0;
	if (!made)
		return NULL;
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].op == BX_OP_MKDIR)
			made[nmade++] = pl->v[i].cgroup;
	qsort(made, nmade, sizeof *made, cmp_str);
	ord *v = grouped(pl); /* tree order */
	if (!v) {
		free(made);
		return NULL;
	}
	for (size_t i = 0; i < pl->n; i++) {
		const bx_step *s = &pl->v[v[i].step];
		char *cg = s->cgroup;
		if (s->op != BX_OP_MKDIR && bsearch(&cg, made, nmade, sizeof *made, cmp_str))
			continue;
		bx_buf line = {0};
		bx_buf_printf(&line, "%s: ", show_cg(s->cgroup));
		const char *col = YELLOW, *none = NULL;
		switch (s->op) {
		case BX_OP_MKDIR:
			bx_buf_puts(&line, "missing");
			col = GREEN;
			break;
		case BX_OP_RMDIR:
			bx_buf_puts(&line, "exists, not declared by the policy");
			col = RED;
			break;
		case BX_OP_ENABLE:
			bx_buf_printf(&line, "cgroup.subtree_control lacks %s", s->write + 1);
			break;
		case BX_OP_DISABLE:
			bx_buf_printf(&line, "cgroup.subtree_control enables %s", s->write + 1);
			none = "no declared setting needs it";
			break;
		case BX_OP_WRITE:
			bx_buf_puts(&line, s->file);
			if (s->key)
				bx_buf_printf(&line, "[%s]", s->key);
			bx_buf_puts(&line, " is ");
			value(&line, s->old);
			bx_buf_puts(&line, ", the policy says ");
			value(&line, s->new);
			break;
		}
		cleanup_free char *text = bx_buf_take(&line);
		bx_buf_printf(&o.b, "%s%s%s", c_(&o, col), text ? text : "", c_(&o, RESET));
		location(&o, text ? visible_len(text) : 0, &s->loc, s->ypath, none);
		bx_buf_puts(&o.b, "\n");
		/* drift carries refusals in the warning: say why it stays */
		if (s->op == BX_OP_RMDIR && s->warning)
			bx_buf_printf(&o.b, "      %s--prune would refuse: %s%s\n", c_(&o, DIM), s->warning,
				      c_(&o, RESET));
		ndiff++;
	}
	free(v);
	free(made);
	if (ndiff == 0)
		bx_buf_puts(&o.b, "No drift: the live cgroups match the policy.\n");
	else
		bx_buf_printf(&o.b, "\n%s%zu difference%s%s between the live cgroups and the policy.\n",
			      c_(&o, BOLD), ndiff, ndiff == 1 ? "" : "s", c_(&o, RESET));
	return bx_buf_take(&o.b);
}
