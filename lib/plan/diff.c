/* bx_plan_compute: the desired tree, compared with the observed state,
 * as ordered steps.
 *
 * The desired tree: the base, the root's components, one slice per class
 * (its `slice` settings), each static box (its class's `box` settings),
 * and every other existing child of a class slice: a runtime box, kept
 * and reconciled to its class's `box` settings. Walked top-down; for each
 * cgroup: MKDIR if missing; ENABLE in every ancestor from the base down
 * the controllers its own settings need and that ancestor lacks; its
 * WRITEs (order.c). A class slice then also gets, the same way, the
 * controllers its boxes need, so boxes created later find them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/normalize.h"
#include "plan/observe_src.h"
#include "plan/plan_int.h"

void bx_planner_fail(bx_planner *pr, int errnum, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	bx_error *e = NULL;
	bx_err(&e, errnum, "%s", r < 0 ? "out of memory" : msg);
	free(msg);
	if (e)
		bx_err_also(&pr->errs, e);
}

unsigned bx_settings_ctrls(const bx_settings *s)
{
	unsigned c = 0;
	for (size_t i = 0; s && i < s->n; i++)
		if (s->v[i].file_info)
			c |= s->v[i].file_info->ctrl;
	return c;
}

static int add_node(bx_planner *pr, const char *parent_path, const char *name, bx_dn_kind kind,
		    size_t parent, bx_dnode **out, bx_error **err)
{
	if (bx_grow(&pr->n, &pr->cap, pr->nn + 1, sizeof *pr->n) < 0)
		return bx_err(err, ENOMEM, "plan");
	char *path = !name ? strdup("")
		     : *parent_path ? bx_sprintf("%s/%s", parent_path, name)
				    : strdup(name);
	if (!path)
		return bx_err(err, ENOMEM, "plan");
	bx_dnode *d = &pr->n[pr->nn++];
	*d = (bx_dnode){ .path = path, .kind = kind, .parent = parent, .reconcile = true };
	d->live = bx_state_find(pr->st, path);
	d->exists = d->live && d->live->exists;
	if (kind == BX_DN_BASE && !d->live)
		return bx_err(err, EINVAL, "the observed state has no entry for the base");
	*out = d;
	return 0;
}

/* --- the desired tree ---------------------------------------------------- */

static int build_class(bx_planner *pr, const bx_class *c, size_t root, const bx_scope *scope,
		       const bx_static_box *const *sb, size_t nsb, bx_error **err)
{
	bool one_box = scope && scope->box_id;
	bx_dnode *d;
	if (add_node(pr, pr->n[root].path, c->name, BX_DN_SLICE, root, &d, err) < 0)
		return -1;
	size_t si = pr->nn - 1;
	d->cls = c;
	d->set = &c->slice;
	d->loc = c->loc;
	d->ypath = bx_sprintf("classes.%s", c->name);
	/* box create reconciles the box; its slice only when it creates it */
	d->reconcile = !one_box || !d->exists;
	if (!d->ypath)
		return bx_err(err, ENOMEM, "plan");
	if (one_box) {
		/* box create: just that box, static or runtime */
		size_t i = 0;
		while (i < nsb && strcmp(sb[i]->id, scope->box_id) != 0)
			i++;
		bool declared = i < nsb;
		if (add_node(pr, pr->n[si].path, scope->box_id, declared ? BX_DN_STATIC : BX_DN_RUNTIME,
			     si, &d, err) < 0)
			return -1;
		d->cls = c;
		d->set = &c->box;
		d->loc = declared ? sb[i]->loc : c->loc;
		d->ypath = declared ? bx_sprintf("boxes.%s", sb[i]->id) : bx_sprintf("classes.%s.box", c->name);
		return d->ypath ? 0 : bx_err(err, ENOMEM, "plan");
	}
	/* Static boxes and the slice's other children (runtime boxes), both
	 * sorted by name: merged, so boxes go in name order. */
	const bx_cg_state *sl = pr->n[si].live;
	size_t nch = sl && sl->exists ? sl->nchildren : 0;
	for (size_t j = 0, k = 0; j < nsb || k < nch;) {
		int cmp = j < nsb && k < nch ? strcmp(sb[j]->id, sl->children[k]) : j < nsb ? -1 : 1;
		if (cmp <= 0) {
			if (add_node(pr, pr->n[si].path, sb[j]->id, BX_DN_STATIC, si, &d, err) < 0)
				return -1;
			d->cls = c;
			d->set = &c->box;
			d->loc = sb[j]->loc;
			if (!(d->ypath = bx_sprintf("boxes.%s", sb[j]->id)))
				return bx_err(err, ENOMEM, "plan");
			j++;
			k += cmp == 0;
			continue;
		}
		const char *name = sl->children[k++];
		cleanup_free char *path = bx_sprintf("%s/%s", pr->n[si].path, name);
		if (!path)
			return bx_err(err, ENOMEM, "plan");
		if (!bx_state_find(pr->st, path)) /* not a valid name: observe skipped it */
			continue;
		if (add_node(pr, pr->n[si].path, name, BX_DN_RUNTIME, si, &d, err) < 0)
			return -1;
		d->cls = c;
		d->set = &c->box;
		d->loc = c->loc;
		/* a static box no longer declared: --prune removes it, so
		 * there is nothing to reconcile first */
		d->reconcile = !(pr->prune && d->live && d->live->static_box);
		if (!(d->ypath = bx_sprintf("classes.%s.box", c->name)))
			return bx_err(err, ENOMEM, "plan");
	}
	return 0;
}

static int build_tree(bx_planner *pr, const bx_scope *scope, bx_error **err)
{
	const bx_policy *p = pr->p;
	bx_dnode *d;
	if (add_node(pr, "", NULL, BX_DN_BASE, SIZE_MAX, &d, err) < 0)
		return -1;
	size_t parent = 0;
	for (const char *s = p->root; *s;) {
		const char *slash = strchr(s, '/');
		size_t len = slash ? (size_t)(slash - s) : strlen(s);
		cleanup_free char *name = strndup(s, len);
		if (!name)
			return bx_err(err, ENOMEM, "plan");
		if (add_node(pr, pr->n[parent].path, name, BX_DN_ROOT, parent, &d, err) < 0)
			return -1;
		d->loc = p->root_loc;
		if (!(d->ypath = strdup("root")))
			return bx_err(err, ENOMEM, "plan");
		parent = pr->nn - 1;
		s += len + (slash ? 1 : 0);
	}
	const bx_class **classes = NULL;
	const bx_static_box **boxes = NULL;
	if (bx_policy_sorted(p, &classes, &boxes, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0, b = 0; i < p->nclasses && r == 0; i++) {
		const bx_class *c = classes[i];
		while (b < p->nboxes && strcmp(boxes[b]->class_name, c->name) < 0)
			b++;
		size_t e = b;
		while (e < p->nboxes && strcmp(boxes[e]->class_name, c->name) == 0)
			e++;
		if (!scope || !scope->class_name || strcmp(scope->class_name, c->name) == 0)
			r = build_class(pr, c, parent, scope, boxes + b, e - b, err);
		b = e;
	}
	free(classes);
	free(boxes);
	return r;
}

/* --- controllers ---------------------------------------------------------- */

/* The setting that needs controller `bit` and comes first in the policy
 * text: the line a reader looks at. */
static bool loc_before(const bx_loc *a, const bx_loc *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c < 0;
	return a->line != b->line ? a->line < b->line : a->col < b->col;
}

static const bx_setting *first_needing(const bx_settings *s, unsigned bit)
{
	const bx_setting *best = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].file_info && (s->v[i].file_info->ctrl & bit) &&
		    (!best || loc_before(&s->v[i].loc, &best->loc)))
			best = &s->v[i];
	return best;
}

static void unavailable(bx_planner *pr, unsigned bit, const bx_setting *why)
{
	if (pr->unavailable & bit)
		return;
	pr->unavailable |= bit;
	const char *name = bx_ctrl_name(bit);
	const char *reason =
		pr->st->v1_bound & bit
			? "it is bound to a cgroup v1 hierarchy on this host; move it to cgroup v2 "
			  "(cgroup_no_v1= or systemd.unified_cgroup_hierarchy=1) or drop the setting"
			: "it is missing from the base's cgroup.controllers: the cgroup above the base "
			  "has not enabled or delegated it";
	bx_planner_fail(pr, 0, "controller %s is not available at %s (needed by %s, %s:%u:%u [%s]): %s",
			name, pr->st->base_path, why ? why->file : "?",
			why && why->loc.file ? why->loc.file : "?", why ? why->loc.line : 0,
			why ? why->loc.col : 0, why && why->ypath ? why->ypath : "", reason);
}

/* ENABLE, in every ancestor from the base down to `at`, the controllers
 * `s` needs that it lacks. */
static int ensure_ctrls(bx_planner *pr, size_t at, const bx_settings *s, bx_error **err)
{
	unsigned need = bx_settings_ctrls(s);
	if (!need)
		return 0;
	size_t chain[128], nc = 0;
	for (size_t i = at; i != SIZE_MAX && nc < BX_ARRAY_LEN(chain); i = pr->n[i].parent)
		chain[nc++] = i;
	const bx_cg_state *base = pr->n[0].live;
	for (size_t k = nc; k-- > 0;) {
		bx_dnode *x = &pr->n[chain[k]];
		unsigned missing = need & ~x->enabled;
		for (unsigned i = 0; i < BX_NCTRL; i++) {
			unsigned bit = 1u << i;
			if (!(missing & bit))
				continue;
			const bx_setting *why = first_needing(s, bit);
			if (x->kind == BX_DN_BASE && !(base->controllers & bit)) {
				unavailable(pr, bit, why);
				need &= ~bit;
				continue;
			}
			if (bx_plan_push_ctrl(pr->plan, BX_OP_ENABLE, x->path, bit, x->enabled,
					      why ? &why->loc : NULL, why ? why->ypath : NULL, NULL,
					      err) < 0)
				return -1;
			x->enabled |= bit;
		}
	}
	return 0;
}

/* --- writes ----------------------------------------------------------------- */

static char *canon_desired(const bx_setting *s)
{
	if (!s->key)
		return bx_canon_file(s->file, s->value);
	cleanup_free char *line = bx_sprintf("%s %s", s->key, s->value);
	return line ? bx_canon_key(s->file, line, s->key) : NULL;
}

/* What the file reads now (before this plan's writes), canonical. */
static int current(bx_planner *pr, const bx_dnode *d, const bx_setting *s, char **out)
{
	*out = NULL;
	const char *raw = NULL;
	if (d->exists) {
		const bx_file_state *f = bx_cg_file(d->live, s->file);
		if (!f) {
			bx_planner_fail(pr, 0, "the observed state has no %s for %s", s->file, d->path);
			return 1;
		}
		raw = f->raw;
		unsigned ctrl = s->file_info ? s->file_info->ctrl : 0;
		const bx_dnode *par = &pr->n[d->parent];
		bool enabled = !ctrl || (par->live && par->live->exists &&
					 (par->live->subtree_control & ctrl));
		if (!raw && enabled && !pr->st->dirmode) {
			bx_planner_fail(pr, 0,
					"%s has no %s although %s is enabled: this kernel does not "
					"support it (%s:%u:%u [%s])",
					d->path, s->file, ctrl ? bx_ctrl_name(ctrl) : "it",
					s->loc.file ? s->loc.file : "?", s->loc.line, s->loc.col,
					s->ypath ? s->ypath : "");
			return 1;
		}
		if (raw && s->key && strcmp(s->file, "misc.max") == 0 && !pr->st->dirmode &&
		    !bx_keyed_has(raw, s->key)) {
			bx_planner_fail(pr, 0,
					"misc resource %s is not available on this host (%s has no "
					"such line in misc.max) (%s:%u:%u [%s])",
					s->key, d->path, s->loc.file ? s->loc.file : "?", s->loc.line,
					s->loc.col, s->ypath ? s->ypath : "");
			return 1;
		}
	}
	/* A missing cgroup, or a file whose controller is not enabled yet,
	 * reads the kernel's default once it is. */
	*out = s->key ? bx_canon_key(s->file, raw, s->key)
		      : raw ? bx_canon_file(s->file, raw)
			    : strdup(s->file_info && s->file_info->dflt ? s->file_info->dflt : "");
	return *out ? 0 : -1;
}

static bx_change *change_of(bx_change *v, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].s->file, file) == 0)
			return &v[i];
	return NULL;
}

/* Writes with side effects on other files: cpu.idle 1 → 0 resets the
 * weight to 100 (and nice to 0); writing cpu.weight.nice sets cpu.weight
 * from a table. What those files will read then is what counts. */
static int side_effects(bx_change *v, size_t n)
{
	bx_change *idle = change_of(v, n, "cpu.idle"), *nice = change_of(v, n, "cpu.weight.nice");
	bx_change *weight = change_of(v, n, "cpu.weight");
	if (idle && strcmp(idle->cur, "1") == 0 && strcmp(idle->want, "0") == 0) {
		if (weight) {
			free(weight->cur);
			if (!(weight->cur = strdup("100")))
				return -1;
		}
		if (nice) {
			free(nice->cur);
			if (!(nice->cur = strdup("0")))
				return -1;
		}
	}
	if (nice && weight && strcmp(nice->cur, nice->want) != 0)
		weight->forced = true;
	return 0;
}

static void changes_free(bx_change *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].cur);
		free(v[i].want);
		free(v[i].warning);
	}
	free(v);
}

static int writes(bx_planner *pr, const bx_dnode *d, bx_error **err)
{
	const bx_settings *s = d->set;
	bx_change *v = calloc(s->n + 1, sizeof *v);
	size_t n = 0;
	int r = -1;
	if (!v)
		return bx_err(err, ENOMEM, "plan");
	for (size_t i = 0; i < s->n; i++) {
		bx_change *c = &v[n];
		c->s = &s->v[i];
		int cr = current(pr, d, c->s, &c->cur);
		if (cr < 0 || (cr == 0 && !(c->want = canon_desired(c->s)))) {
			free(c->cur);
			bx_err(err, ENOMEM, "plan");
			goto out;
		}
		if (cr == 0)
			n++;
	}
	if (side_effects(v, n) < 0) {
		bx_err(err, ENOMEM, "plan");
		goto out;
	}
	/* keep what differs */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].forced || strcmp(v[i].cur, v[i].want) != 0) {
			v[k++] = v[i];
		} else {
			free(v[i].cur);
			free(v[i].want);
		}
	}
	n = k;
	const char *pc = d->exists ? bx_state_file(pr->st, d->path, "pids.current") : NULL;
	if (bx_order_changes(v, n, d->exists, pc, &pr->st->facts, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *w = bx_write_bytes(v[i].s->file, v[i].s->key, v[i].want);
		if (!w) {
			bx_err(err, ENOMEM, "plan");
			goto out;
		}
		bx_step st = {
			.op = BX_OP_WRITE,
			.cgroup = d->path,
			.file = v[i].s->file,
			.key = v[i].s->key,
			.write = w,
			.old = d->exists ? v[i].cur : NULL,
			.new = v[i].want,
			.loc = v[i].s->loc,
			.ypath = v[i].s->ypath,
			.warning = v[i].warning,
		};
		if (bx_plan_push(pr->plan, &st, err) < 0)
			goto out;
	}
	r = 0;
out:
	changes_free(v, n);
	return r;
}

/* --- the walk ------------------------------------------------------------- */

static int walk(bx_planner *pr, bx_error **err)
{
	for (size_t i = 0; i < pr->nn; i++) {
		bx_dnode *d = &pr->n[i];
		d->enabled = d->exists ? d->live->subtree_control : 0;
		if (d->kind != BX_DN_BASE && !d->exists) {
			bx_step s = {
				.op = BX_OP_MKDIR,
				.cgroup = d->path,
				.loc = d->loc,
				.ypath = d->ypath,
				.static_box = d->kind == BX_DN_STATIC,
			};
			if (bx_plan_push(pr->plan, &s, err) < 0)
				return -1;
		}
		if (d->reconcile && d->set && d->set->n) {
			if (ensure_ctrls(pr, d->parent, d->set, err) < 0)
				return -1;
			if (writes(pr, d, err) < 0)
				return -1;
		}
		if (d->kind == BX_DN_SLICE && ensure_ctrls(pr, i, &d->cls->box, err) < 0)
			return -1;
	}
	return 0;
}

static void planner_free(bx_planner *pr)
{
	for (size_t i = 0; i < pr->nn; i++) {
		free(pr->n[i].path);
		free(pr->n[i].ypath);
	}
	free(pr->n);
	bx_error_free(pr->errs);
}

static int compute(const bx_policy *p, const bx_state *st, const bx_plan_opts *o, bool drift,
		   bx_plan **out, bx_error **err)
{
	*out = NULL;
	const bx_scope *scope = o && o->scope.class_name ? &o->scope : NULL;
	bool prune = o && o->prune;
	if (scope && prune)
		return bx_err(err, EINVAL, "--prune needs the whole policy, not one class or box");
	if (scope && !bx_state_find(st, "")) /* checked below too; clearer here */
		return bx_err(err, EINVAL, "the observed state has no entry for the base");
	bx_planner pr = { .p = p, .st = st, .drift = drift, .prune = prune };
	if (!(pr.plan = bx_plan_new(st->base_path, st->dirmode)))
		return bx_err(err, ENOMEM, "plan");
	int r = -1;
	if (scope) {
		bool found = false;
		for (size_t i = 0; i < p->nclasses && !found; i++)
			found = strcmp(p->classes[i].name, scope->class_name) == 0;
		if (!found) {
			bx_err(err, 0, "the policy has no class \"%s\"", scope->class_name);
			goto out;
		}
	}
	if (build_tree(&pr, scope, err) < 0 || walk(&pr, err) < 0)
		goto out;
	if (prune && !pr.errs && bx_plan_prune(&pr, err) < 0)
		goto out;
	if (pr.errs) {
		*err = bx_steal(&pr.errs);
		goto out;
	}
	bx_plan_count(pr.plan);
	if (!(pr.plan->fingerprint = bx_state_fingerprint(st))) {
		bx_err(err, ENOMEM, "plan");
		goto out;
	}
	*out = bx_steal(&pr.plan);
	r = 0;
out:
	bx_plan_free(pr.plan);
	planner_free(&pr);
	return r;
}

int bx_plan_compute(const bx_policy *p, const bx_state *st, const bx_plan_opts *o,
		    bx_plan **out, bx_error **err)
{
	return compute(p, st, o, false, out, err);
}

int bx_plan_drift(const bx_policy *p, const bx_state *st, bx_plan **out, bx_error **err)
{
	bx_plan_opts o = { .prune = true };
	return compute(p, st, &o, true, out, err);
}
