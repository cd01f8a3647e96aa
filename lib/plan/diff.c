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

#include "policy/policy.h"
#include "core/util.h"
#include "plan/fit.h"
#include "plan/managed.h"
#include "plan/normalize.h"
#include "plan/observe_src.h"
#include "plan/plan_int.h"
#include "sizes/sizes.h"

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
	const char *path = name ? bx_plan_join(pr->plan, parent_path, '/', name)
				: bx_plan_intern(pr->plan, "");
	if (!path)
		return bx_err(err, ENOMEM, "plan");
	/* below a missing cgroup everything is missing: no lookup */
	bool parent_missing = parent != SIZE_MAX && !pr->n[parent].exists;
	bx_dnode *d = &pr->n[pr->nn++];
	*d = (bx_dnode){ .path = path, .kind = kind, .parent = parent, .reconcile = true };
	d->live = parent_missing ? NULL : bx_state_find(pr->st, path);
	d->exists = d->live && d->live->exists;
	if (kind == BX_DN_BASE && !d->live)
		return bx_err(err, EINVAL, "the observed state has no entry for the base");
	*out = d;
	return 0;
}

/* --- the desired tree ---------------------------------------------------- */

static bx_wants *wants_of(bx_planner *pr, const bx_settings *set, const char *own, bx_error **err);

/* A box's settings: its class's, or with values of its own (a request,
 * else its record) its own copy. */
static int box_settings(bx_planner *pr, bx_dnode *d, const bx_class *c, const char *request,
			bx_error **err)
{
	d->set = &c->box;
	d->lazy = true; /* the class's, until values of its own say otherwise */
	if (!c->nopen)
		return 0;
	const char *rec = request;
	if (rec && pr->box_set) { /* the caller's, made from the request */
		d->set = pr->box_set;
		d->lazy = false;
		if (d->set->n && !(d->wants = wants_of(pr, d->set, rec, err)))
			return -1;
		return 0;
	}
	if (!rec && !(d->live && d->live->exists && d->live->managed && strchr(d->live->managed, '=')))
		return 0;
	if (!rec)
		rec = d->live->managed;
	bx_owns o;
	if (bx_sizes_from_record(c, rec, &o) < 0)
		return bx_err(err, ENOMEM, "plan");
	if (!o.n)
		return 0;
	bx_settings *s = calloc(1, sizeof *s);
	cleanup_free char *own = bx_sizes_text(&o);
	if (!s || !own || bx_grow(&pr->own, &pr->own_cap, pr->nown + 1, sizeof *pr->own) < 0) {
		free(s);
		bx_owns_free(&o);
		return bx_err(err, ENOMEM, "plan");
	}
	bx_error *e = NULL;
	int r = bx_sizes_settings(c, &o, &pr->st->facts, s, &e);
	bx_owns_free(&o);
	if (r < 0) {
		free(s);
		if (e && e->errnum == ENOMEM) {
			bx_error_free(e);
			return bx_err(err, ENOMEM, "plan");
		}
		bx_planner_fail(pr, 0, "box %s: %s", d->path, e ? e->msg : "?");
		bx_error_free(e);
		return 0;
	}
	pr->own[pr->nown++] = s;
	d->set = s;
	d->lazy = false;
	if (s->n && !(d->wants = wants_of(pr, s, own, err)))
		return -1;
	return 0;
}

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
	d->lazy = true;
	d->box_ctrls = bx_settings_ctrls(&c->box);
	d->loc = c->loc;
	d->ypath = bx_plan_join(pr->plan, "classes", '.', c->name);
	/* box create reconciles the box; its slice only when it creates it */
	d->reconcile = !one_box || !d->exists;
	/* runtime boxes were asked for by the class's box settings */
	const char *box_ypath = d->ypath ? bx_plan_join(pr->plan, d->ypath, '.', "box") : NULL;
	if (!d->ypath || !box_ypath)
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
		if (box_settings(pr, d, c, pr->box_own, err) < 0)
			return -1;
		d->loc = declared ? sb[i]->loc : c->loc;
		d->ypath = declared ? bx_plan_join(pr->plan, "boxes", '.', sb[i]->id)
				    : box_ypath;
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
			if (box_settings(pr, d, c, NULL, err) < 0)
				return -1;
			d->loc = sb[j]->loc;
			if (!(d->ypath = bx_plan_join(pr->plan, "boxes", '.', sb[j]->id)))
				return bx_err(err, ENOMEM, "plan");
			j++;
			k += cmp == 0;
			continue;
		}
		const char *name = sl->children[k++];
		/* not a valid name: observe skipped it */
		cleanup_free char *path = bx_concat(pr->n[si].path, "/", name, NULL);
		if (!path)
			return bx_err(err, ENOMEM, "plan");
		if (!bx_state_find(pr->st, path))
			continue;
		if (add_node(pr, pr->n[si].path, name, BX_DN_RUNTIME, si, &d, err) < 0)
			return -1;
		d->cls = c;
		if (box_settings(pr, d, c, NULL, err) < 0)
			return -1;
		d->loc = c->loc;
		/* a static box no longer declared: --prune removes it, so
		 * there is nothing to reconcile first */
		d->reconcile = !(pr->prune && d->live && d->live->static_box);
		if (!(d->ypath = box_ypath))
			return bx_err(err, ENOMEM, "plan");
	}
	return 0;
}

static int build_tree(bx_planner *pr, const bx_scope *scope, bx_error **err)
{
	const bx_policy *p = pr->p;
	bx_dnode *d;
	/* room for the declared cgroups at once (runtime boxes may add more) */
	if (bx_grow(&pr->n, &pr->cap, p->nclasses + p->nboxes + 16, sizeof *pr->n) < 0)
		return bx_err(err, ENOMEM, "plan");
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
		if (!(d->ypath = bx_plan_intern(pr->plan, "root")))
			return bx_err(err, ENOMEM, "plan");
		parent = pr->nn - 1;
		s += len + (slash ? 1 : 0);
	}
	const bx_class **classes = NULL;
	const bx_static_box **boxes = NULL;
	size_t nclasses, nboxes;
	if (bx_policy_sorted_in(p, scope ? scope->class_name : NULL, &classes, &nclasses, &boxes,
				&nboxes, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0, b = 0; i < nclasses && r == 0; i++) {
		const bx_class *c = classes[i];
		while (b < nboxes && strcmp(boxes[b]->class_name, c->name) < 0)
			b++;
		size_t e = b;
		while (e < nboxes && strcmp(boxes[e]->class_name, c->name) == 0)
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

/* Reported once per controller, with the explanation `validate --host`
 * gives too (plan/fit.c). */
static void unavailable(bx_planner *pr, unsigned bit, const bx_setting *why)
{
	if (pr->unavailable & bit)
		return;
	pr->unavailable |= bit;
	cleanup_free char *msg = bx_fit_explain(pr->st, bit, why, true);
	bx_planner_fail(pr, msg ? 0 : ENOMEM, "%s", msg ? msg : "out of memory");
}

/* ENABLE, in every ancestor from the base down to `at`, the controllers
 * `s` needs that it lacks. */
static int ensure_ctrls(bx_planner *pr, size_t at, const bx_settings *s, unsigned need,
			bx_error **err)
{
	if (!need)
		return 0;
	size_t chain[128], nc = 0;
	for (size_t i = at; i != SIZE_MAX && nc < BX_ARRAY_LEN(chain); i = pr->n[i].parent)
		chain[nc++] = i;
	const bx_cg_state *base = pr->n[0].live;
	for (size_t k = nc; k-- > 0;) {
		bx_dnode *x = &pr->n[chain[k]];
		unsigned missing = need & ~x->enabled;
		if (!missing)
			continue;
		for (unsigned i = 0; i < BX_NCTRL; i++) {
			unsigned bit = 1u << i;
			if (!(missing & bit))
				continue;
			const bx_setting *why = bx_fit_first_needing(s, bit);
			if (x->kind == BX_DN_BASE && !(base->controllers & bit)) {
				unavailable(pr, bit, why);
				need &= ~bit;
				continue;
			}
			if (!x->subtree_changed)
				pr->changes++, x->subtree_changed = true;
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
	cleanup_free char *line = bx_concat(s->key, " ", s->value, NULL);
	return line ? bx_canon_key(s->file, line, s->key) : NULL;
}

/* What a fresh cgroup (or a file whose controller is not enabled yet)
 * reads for this setting. */
static char *canon_default(const bx_setting *s)
{
	if (s->key)
		return bx_canon_key(s->file, NULL, s->key);
	return strdup(s->file_info && s->file_info->dflt ? s->file_info->dflt : "");
}

/* A settings list's values, once per class: canonical, written, default. */
static bx_wants *wants_of(bx_planner *pr, const bx_settings *set, const char *own, bx_error **err)
{
	if (!set || !set->n)
		return NULL;
	if (bx_grow(&pr->wants, &pr->wants_cap, pr->nwants + 1, sizeof *pr->wants) < 0)
		return bx_err(err, ENOMEM, "plan"), NULL;
	bx_wants *ws = calloc(1, sizeof *ws);
	bx_want *w = calloc(set->n, sizeof *w);
	if (!ws || !w) {
		free(ws);
		free(w);
		return bx_err(err, ENOMEM, "plan"), NULL;
	}
	ws->v = w;
	ws->ctrls = bx_settings_ctrls(set);
	pr->wants[pr->nwants++] = ws;
	bx_plan *pl = pr->plan;
	cleanup_free char *managed = bx_managed_of_settings(set);
	if (managed && own && *own) {
		/* the files, then the box's own values: the record's canonical form */
		char *both = bx_concat(managed, *managed ? " " : "", own, NULL);
		free(managed);
		managed = both;
	}
	if (!managed || !(ws->managed = bx_plan_intern(pl, managed)))
		return bx_err(err, ENOMEM, "plan"), NULL;
	for (size_t i = 0; i < set->n; i++) {
		const bx_setting *s = &set->v[i];
		cleanup_free char *want = canon_desired(s);
		cleanup_free char *dflt = canon_default(s);
		cleanup_free char *write = want ? bx_write_bytes(s->file, s->key, want) : NULL;
		w[i] = (bx_want){
			.want = bx_plan_intern(pl, want),
			.write = bx_plan_intern(pl, write),
			.dflt = bx_plan_intern(pl, dflt),
			.file = bx_plan_intern(pl, s->file),
			.key = bx_plan_intern(pl, s->key),
			.ypath = bx_plan_intern(pl, s->ypath),
			.loc = s->loc,
		};
		w[i].loc.file = bx_plan_intern_file(pl, s->loc.file);
		if (!w[i].want || !w[i].write || !w[i].dflt || !w[i].file ||
		    (s->key && !w[i].key) || (s->ypath && !w[i].ypath) || (s->loc.file && !w[i].loc.file))
			return bx_err(err, ENOMEM, "plan"), NULL;
		/* insert i into the rank order of the first i settings */
		size_t k = i;
		while (k > 0 && bx_setting_cmp(&set->v[w[k - 1].order], s) > 0) {
			w[k].order = w[k - 1].order;
			k--;
		}
		w[k].order = i;
	}
	return ws;
}

/* The node's wants: made now when they are its class's (a slice's own,
 * or its boxes', kept on the slice node and shared by them). -1 out of
 * memory. */
static int node_wants(bx_planner *pr, size_t i, bx_error **err)
{
	bx_dnode *d = &pr->n[i];
	if (!d->lazy || d->wants || !d->set || !d->set->n)
		return 0;
	if (d->kind == BX_DN_SLICE) {
		d->wants = wants_of(pr, d->set, NULL, err);
		return d->wants ? 0 : -1;
	}
	bx_dnode *slice = &pr->n[d->parent];
	if (!slice->box_wants && !(slice->box_wants = wants_of(pr, d->set, NULL, err)))
		return -1;
	d->wants = slice->box_wants;
	return 0;
}

/* What the file of an existing cgroup reads now, canonical: 0 and
 * *owned (or *cur pointing at the default), 1 when the setting cannot be
 * planned (the error is collected), 2 when a partial observation left it
 * out (nothing to plan), -1 out of memory. */
static int current(bx_planner *pr, const bx_dnode *d, const bx_setting *s, const bx_want *w,
		   const char **cur, char **owned)
{
	*owned = NULL;
	*cur = w->dflt;
	const bx_file_state *f = bx_cg_file(d->live, s->file);
	if (!f && pr->partial)
		return 2; /* not observed on purpose: not reconciled (box update) */
	if (!f) {
		bx_planner_fail(pr, 0, "the observed state has no %s for %s", s->file, d->path);
		return 1;
	}
	const char *raw = f->raw;
	unsigned ctrl = s->file_info ? s->file_info->ctrl : 0;
	const bx_dnode *par = &pr->n[d->parent];
	bool enabled = !ctrl || (par->live && par->live->exists && (par->live->subtree_control & ctrl));
	if (!raw && enabled && !pr->st->dirmode) {
		bx_planner_fail(pr, 0,
				"%s has no %s although %s is enabled: this kernel does not support it "
				"(%s:%u:%u [%s])",
				d->path, s->file, ctrl ? bx_ctrl_name(ctrl) : "it",
				s->loc.file ? s->loc.file : "?", s->loc.line, s->loc.col,
				s->ypath ? s->ypath : "");
		return 1;
	}
	if (raw && s->key && strcmp(s->file, "misc.max") == 0 && !pr->st->dirmode &&
	    !bx_keyed_has(raw, s->key)) {
		bx_planner_fail(pr, 0,
				"misc resource %s is not available on this host (%s has no such line "
				"in misc.max) (%s:%u:%u [%s])",
				s->key, d->path, s->loc.file ? s->loc.file : "?", s->loc.line, s->loc.col,
				s->ypath ? s->ypath : "");
		return 1;
	}
	/* A file whose controller is not enabled yet reads the kernel's
	 * default once it is. */
	if (!raw)
		return 0;
	*owned = s->key ? bx_canon_key(s->file, raw, s->key) : bx_canon_file(s->file, raw);
	if (!*owned)
		return -1;
	*cur = *owned;
	return 0;
}

static bx_change *change_of(bx_change *v, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].s->file_info && v[i].s->file_info->ctrl == BX_CTRL_CPU &&
		    strcmp(v[i].s->file, file) == 0)
			return &v[i];
	return NULL;
}

/* Writes with side effects on other files: cpu.idle 1 → 0 resets the
 * weight to 100 (and nice to 0); writing cpu.weight.nice sets cpu.weight
 * from a table. What those files will read then is what counts. */
static void side_effects(bx_change *v, size_t n)
{
	bx_change *idle = change_of(v, n, "cpu.idle"), *nice = change_of(v, n, "cpu.weight.nice");
	bx_change *weight = change_of(v, n, "cpu.weight");
	if (idle && strcmp(idle->cur, "1") == 0 && strcmp(idle->want, "0") == 0) {
		if (weight)
			weight->cur = "100";
		if (nice)
			nice->cur = "0";
	}
	if (nice && weight && strcmp(nice->cur, nice->want) != 0)
		weight->forced = true;
}

/* A weight (cpu.weight or cpu.weight.nice) cannot be written while the
 * cgroup is idle: the kernel refuses it (EINVAL). A policy that declares
 * one and not cpu.idle wants a cgroup that is not idle, so a live
 * cpu.idle 1 (an earlier `idle: true`, or a runtime's) is written back to
 * 0 first, attributed to the weight's line; its rank puts it before the
 * weight and side_effects() then sees the weight reset to 100. A kernel
 * without cpu.idle (before 5.15) has nothing to undo. Appends to v[*n]
 * (room for it is there); 0, or -1 out of memory. */
static int implicit_unidle(bx_planner *pr, const bx_dnode *d, bx_change *v, size_t *n,
			   size_t *nx)
{
	bx_change *weight = change_of(v, *n, "cpu.weight");
	if (!weight)
		weight = change_of(v, *n, "cpu.weight.nice");
	if (!weight || change_of(v, *n, "cpu.idle"))
		return 0;
	const bx_file_state *f = bx_cg_file(d->live, "cpu.idle");
	if (!f || !f->raw)
		return 0;
	char *idle = bx_canon_file("cpu.idle", f->raw);
	if (!idle)
		return -1;
	if (strcmp(idle, "0") == 0) {
		free(idle);
		return 0;
	}
	bx_plan *pl = pr->plan;
	bx_extra *x = &pr->extra[(*nx)++];
	const bx_want *ww = weight->w;
	x->w = (bx_want){
		.want = bx_plan_intern(pl, "0"),
		.write = bx_plan_intern(pl, "0"),
		.dflt = bx_plan_intern(pl, "0"),
		.file = bx_plan_intern(pl, "cpu.idle"),
		.ypath = ww->ypath,
		.loc = ww->loc,
	};
	x->s = (bx_setting){
		.file_info = bx_file_lookup("cpu.idle"),
		.file = (char *)x->w.file,
		.value = (char *)x->w.want,
		.loc = ww->loc,
		.ypath = (char *)ww->ypath,
	};
	if (!x->w.want || !x->w.write || !x->w.dflt || !x->w.file) {
		free(idle);
		return -1;
	}
	v[(*n)++] = (bx_change){ .s = &x->s, .cur = idle, .cur_owned = idle, .want = x->w.want,
				 .write = x->w.write, .w = &x->w };
	return 0;
}

/* --- what boxcg managed and the policy no longer declares ------------------ */

/* Does the cgroup keep a record boxcg can plan with? */
static bool recorded(const bx_planner *pr, const bx_dnode *d)
{
	return pr->records && d->exists && d->live && (d->live->observed & BX_OBS_MANAGED) &&
	       !d->live->managed_unsupported;
}

static bool declared(const bx_settings *s, const char *file, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->v[i].file, file) == 0 &&
		    (s->v[i].key ? key && strcmp(s->v[i].key, key) == 0 : !key))
			return true;
	return false;
}

/* Write `file` (line `key`) back to what a fresh cgroup reads: appends a
 * change to v unless the file is absent (its controller is off: there is
 * nothing to reset) or was not observed. 0, or -1 out of memory. */
static int reset(bx_planner *pr, const bx_dnode *d, const char *file, const char *key,
		 bx_change *v, size_t *n, size_t *nx)
{
	const bx_file_info *fi = bx_file_lookup(file);
	const bx_file_state *f = bx_cg_file(d->live, file);
	if (!fi || !f || !f->raw)
		return 0;
	char *cur = key ? bx_canon_key(file, f->raw, key) : bx_canon_file(file, f->raw);
	cleanup_free char *want = key ? bx_canon_key(file, NULL, key) : strdup(fi->dflt ? fi->dflt : "");
	/* an io.weight device line is removed by writing "default" to it */
	cleanup_free char *write = !want ? NULL
				   : key && strcmp(file, "io.weight") == 0 && strcmp(key, "default") != 0
				       ? bx_sprintf("%s default", key)
				       : bx_write_bytes(file, key, want);
	if (!cur || !want || !write) {
		free(cur);
		return -1;
	}
	bx_plan *pl = pr->plan;
	bx_extra *x = &pr->extra[(*nx)++];
	x->w = (bx_want){
		.want = bx_plan_intern(pl, want),
		.write = bx_plan_intern(pl, write),
		.dflt = bx_plan_intern(pl, want),
		.file = bx_plan_intern(pl, file),
		.key = bx_plan_intern(pl, key),
	};
	x->s = (bx_setting){
		.file_info = fi,
		.file = (char *)x->w.file,
		.key = (char *)x->w.key,
		.value = (char *)x->w.want,
	};
	if (!x->w.want || !x->w.write || !x->w.dflt || !x->w.file || (key && !x->w.key)) {
		free(cur);
		return -1;
	}
	v[(*n)++] = (bx_change){ .s = &x->s, .cur = cur, .cur_owned = cur, .want = x->w.want,
				 .write = x->w.write, .w = &x->w };
	return 0;
}

/* Every file (and key) in the cgroup's record that its settings no longer
 * declare goes back to the kernel's default. cpu.weight and
 * cpu.weight.nice are two views of one value: either declared covers the
 * other; with neither declared the weight goes back to 100, unless the
 * cgroup stays idle (a weight cannot be written then, and idle has its
 * own shares). cpu.idle in the record goes back to 0 unless a weight is
 * declared (implicit_unidle sees to it then). */
static int resets(bx_planner *pr, const bx_dnode *d, const bx_managed *m, bx_change *v, size_t *n,
		  size_t *nx)
{
	const bx_settings *s = d->set;
	bool wdecl = declared(s, "cpu.weight", NULL) || declared(s, "cpu.weight.nice", NULL);
	bool idecl = declared(s, "cpu.idle", NULL);
	bool weight_reset = false, idle_reset = false;
	for (size_t i = 0; i < m->n; i++) {
		const char *file = m->v[i].file, *key = m->v[i].key;
		if (declared(s, file, key))
			continue;
		if (strcmp(file, "cpu.weight") == 0 || strcmp(file, "cpu.weight.nice") == 0) {
			weight_reset |= !wdecl;
			continue;
		}
		if (strcmp(file, "cpu.idle") == 0) {
			idle_reset |= !wdecl;
			continue;
		}
		if (reset(pr, d, file, key, v, n, nx) < 0)
			return -1;
	}
	if (idle_reset && reset(pr, d, "cpu.idle", NULL, v, n, nx) < 0)
		return -1;
	if (weight_reset) {
		/* idle afterwards? declared, being reset, or as it is */
		const bx_change *ic = change_of(v, *n, "cpu.idle");
		const char *idle = ic ? ic->want : NULL;
		cleanup_free char *live = NULL;
		if (!idle) {
			const bx_file_state *f = bx_cg_file(d->live, "cpu.idle");
			if (f && f->raw && !(live = bx_canon_file("cpu.idle", f->raw)))
				return -1;
			idle = live;
		}
		(void)idecl;
		if (!(idle && strcmp(idle, "1") == 0) && reset(pr, d, "cpu.weight", NULL, v, n, nx) < 0)
			return -1;
	}
	return 0;
}

/* The RECORD step of a reconciled cgroup, when its record is not what its
 * settings declare; collected, and appended to the plan after everything
 * else (one transaction: a failure anywhere undoes them too). Records are
 * boxcg's bookkeeping, not changes to the tree's limits: never counted,
 * and never drift (a tree that matches the policy but has no record yet
 * is not "different" from it). */
static int note_record(bx_planner *pr, const bx_dnode *d, bx_error **err)
{
	if (!pr->records || pr->drift)
		return 0;
	const char *want = d->wants && d->wants->managed ? d->wants->managed : "";
	const char *old = NULL;
	if (d->exists) {
		if (!recorded(pr, d))
			return 0;
		old = d->live->managed;
		/* as boxcg writes it, or nothing to record */
		if (old ? strcmp(old, want) == 0 : !*want)
			return 0;
	} else if (!*want) {
		return 0;
	}
	if (bx_grow(&pr->recs, &pr->recs_cap, pr->nrecs + 1, sizeof *pr->recs) < 0)
		return bx_err(err, ENOMEM, "plan");
	bx_step st = {
		.op = BX_OP_RECORD,
		.cgroup = (char *)d->path,
		.write = (char *)bx_plan_intern(pr->plan, want),
		.old = (char *)bx_plan_intern(pr->plan, old),
		.new = (char *)bx_plan_intern(pr->plan, want),
	};
	if (!st.write || (old && !st.old))
		return bx_err(err, ENOMEM, "plan");
	pr->recs[pr->nrecs++] = st;
	return 0;
}

static int push_write(bx_planner *pr, const bx_dnode *d, const char *cg, const bx_want *w,
		      const char *old, const char *warning, bx_error **err)
{
	bx_step st = {
		.op = BX_OP_WRITE,
		.cgroup = (char *)cg,
		.file = (char *)w->file,
		.key = (char *)w->key,
		.write = (char *)w->write,
		.new = (char *)w->want,
		.loc = w->loc,
		.ypath = (char *)w->ypath,
	};
	if (d->exists) {
		st.old = (char *)bx_plan_intern(pr->plan, old);
		st.warning = (char *)bx_plan_intern(pr->plan, warning);
		if (!st.old || (warning && !st.warning))
			return bx_err(err, ENOMEM, "plan");
	}
	return bx_plan_push_pooled(pr->plan, &st, err);
}

static int writes(bx_planner *pr, const bx_dnode *d, const char *cg, bx_error **err)
{
	const bx_settings *s = d->set;
	bx_wants *ws = d->wants;
	size_t nset = ws && s ? s->n : 0;
	/* Every new cgroup with these settings gets the same writes. */
	if (!d->exists && (!ws || ws->fresh_known)) {
		if (!ws)
			return 0;
		bx_plan *pl = pr->plan;
		if (bx_plan_reserve(pl, pl->n + ws->nfresh) < 0)
			return bx_err(err, ENOMEM, "plan");
		memcpy(pl->v + pl->n, ws->fresh, ws->nfresh * sizeof *ws->fresh);
		for (size_t k = 0; k < ws->nfresh; k++)
			pl->v[pl->n + k].cgroup = (char *)cg;
		pl->n += ws->nfresh;
		pr->changes += ws->nfresh_files;
		return 0;
	}
	/* What boxcg managed here before, when the tree keeps records (a
	 * record listing the files the settings declare has nothing to
	 * reset, whatever its own values: the common case, not parsed). */
	bx_managed m = {0};
	const char *want_rec = ws && ws->managed ? ws->managed : "";
	if (recorded(pr, d) && d->live->managed && !bx_streq(d->live->managed, want_rec) &&
	    !bx_managed_same_files(d->live->managed, want_rec) &&
	    bx_managed_parse(d->live->managed, &pr->st->facts, &m) < 0)
		return bx_err(err, ENOMEM, "plan");
	/* room for every setting, every reset (two more for the cpu trio)
	 * and cpu.idle before a weight */
	size_t room = nset + m.n + 4, nx = 0;
	if (bx_grow(&pr->scratch, &pr->scratch_cap, room, sizeof *pr->scratch) < 0 ||
	    bx_grow(&pr->extra, &pr->extra_cap, m.n + 4, sizeof *pr->extra) < 0) {
		bx_managed_free(&m);
		return bx_err(err, ENOMEM, "plan");
	}
	bx_change *v = pr->scratch;
	size_t n = 0;
	int r = -1;
	/* in rank order already: ordering is then only the value refinements */
	for (size_t k = 0; k < nset; k++) {
		size_t i = ws->v[k].order;
		bx_change *c = &v[n];
		*c = (bx_change){ .s = &s->v[i], .cur = ws->v[i].dflt, .want = ws->v[i].want,
				  .write = ws->v[i].write, .w = &ws->v[i] };
		if (d->exists) {
			int cr = current(pr, d, c->s, &ws->v[i], &c->cur, &c->cur_owned);
			if (cr < 0) {
				bx_err(err, ENOMEM, "plan");
				goto out;
			}
			if (cr > 0)
				continue;
		}
		n++;
	}
	if (d->exists && (resets(pr, d, &m, v, &n, &nx) < 0 || implicit_unidle(pr, d, v, &n, &nx) < 0)) {
		bx_err(err, ENOMEM, "plan");
		goto out;
	}
	side_effects(v, n);
	/* keep what differs */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].forced || strcmp(v[i].cur, v[i].want) != 0)
			v[k++] = v[i];
		else
			free(v[i].cur_owned);
	}
	n = k;
	const char *pc = d->exists ? bx_state_file(pr->st, d->path, "pids.current") : NULL;
	if (bx_order_changes(v, n, d->exists, pc, &pr->st->facts, err) < 0)
		goto out;
	/* files changed: distinct among the writes (keyed files have several) */
	size_t nfiles = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && strcmp(v[j].s->file, v[i].s->file) != 0)
			j++;
		nfiles += j == i;
	}
	pr->changes += nfiles;
	size_t first = pr->plan->n;
	for (size_t i = 0; i < n; i++)
		if (push_write(pr, d, cg, v[i].w, v[i].cur, v[i].warning, err) < 0)
			goto out;
	if (!d->exists && ws) {
		/* the same writes for every other new cgroup with these settings */
		if (!(ws->fresh = calloc(n + 1, sizeof *ws->fresh))) {
			bx_err(err, ENOMEM, "plan");
			goto out;
		}
		memcpy(ws->fresh, pr->plan->v + first, n * sizeof *ws->fresh);
		ws->nfresh = n;
		ws->nfresh_files = nfiles;
		ws->fresh_known = true;
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(v[i].cur_owned);
		free(v[i].warning);
	}
	bx_managed_free(&m);
	return r;
}

/* --- the walk ------------------------------------------------------------- */

static int walk(bx_planner *pr, bx_error **err)
{
	for (size_t i = 0; i < pr->nn; i++) {
		bx_dnode *d = &pr->n[i];
		d->enabled = d->exists ? d->live->subtree_control : 0;
		const char *cg = d->path; /* already in the plan's pool */
		if (d->kind != BX_DN_BASE && !d->exists) {
			bx_step s = {
				.op = BX_OP_MKDIR,
				.cgroup = (char *)cg,
				.loc = d->loc,
				.ypath = (char *)d->ypath,
				.static_box = d->kind == BX_DN_STATIC,
			};
			if (bx_plan_push_pooled(pr->plan, &s, err) < 0)
				return -1;
			pr->creates++;
		}
		if (d->reconcile && node_wants(pr, i, err) < 0)
			return -1;
		if (d->reconcile && d->set && d->set->n &&
		    ensure_ctrls(pr, d->parent, d->set, d->wants->ctrls, err) < 0)
			return -1;
		/* a cgroup without settings may still hold what boxcg set there */
		if (d->reconcile && ((d->set && d->set->n) || (recorded(pr, d) && d->live->managed))) {
			if (writes(pr, d, cg, err) < 0 || note_record(pr, d, err) < 0)
				return -1;
		}
		if (d->kind == BX_DN_SLICE && d->box_ctrls &&
		    ensure_ctrls(pr, i, &d->cls->box, d->box_ctrls, err) < 0)
			return -1;
	}
	return 0;
}

static void planner_free(bx_planner *pr)
{
	for (size_t i = 0; i < pr->nn; i++) {

	}
	free(pr->n);
	for (size_t i = 0; i < pr->nwants; i++) {
		free(pr->wants[i]->v);
		free(pr->wants[i]->fresh);
		free(pr->wants[i]);
	}
	free(pr->wants);
	for (size_t i = 0; i < pr->nown; i++) {
		bx_settings_free(pr->own[i]);
		free(pr->own[i]);
	}
	free(pr->own);
	free(pr->scratch);
	free(pr->extra);
	free(pr->recs);
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
	bx_planner pr = { .p = p, .st = st, .drift = drift, .prune = prune,
			  .box_own = scope && scope->box_id && o->box_own && *o->box_own ? o->box_own
											     : NULL,
			  .partial = scope && scope->box_id && scope->files };
	pr.box_set = pr.box_own ? o->box_set : NULL;
	if (!(pr.plan = bx_plan_new(st->base_path, st->dirmode)))
		return bx_err(err, ENOMEM, "plan");
	int r = -1;
	if (scope) {
		bool found = false;
		for (size_t i = 0; i < p->nclasses && !found; i++)
			found = strcmp(p->classes[i].name, scope->class_name) == 0;
		if (!found) {
			bx_policy_no_class(p, scope->class_name, 0, err);
			goto out;
		}
	}
	if (build_tree(&pr, scope, err) < 0)
		goto out;
	/* about the plan's size: a MKDIR and a write per setting per cgroup */
	size_t guess = 64;
	for (size_t i = 0; i < pr.nn; i++)
		guess += 1 + (pr.n[i].set ? pr.n[i].set->n : 0);
	if (bx_plan_reserve(pr.plan, guess) < 0) {
		bx_err(err, ENOMEM, "plan");
		goto out;
	}
	/* Records of what boxcg manages: kept where the base keeps user xattrs
	 * (a state built without looking, as in older snapshots, keeps none). */
	const bx_cg_state *base = bx_state_find(st, "");
	pr.records = base && (base->observed & BX_OBS_MANAGED) && !base->managed_unsupported;
	pr.plan->no_records = base && (base->observed & BX_OBS_MANAGED) && base->managed_unsupported;
	if (pr.box_own && !pr.records) {
		bx_err(err, ENOTSUP, "box %s: its own values cannot be recorded: %s keeps no user "
				     "xattrs (user.boxcg.managed)", scope->box_id, st->base_path);
		goto out;
	}
	if (walk(&pr, err) < 0)
		goto out;
	if (prune && !pr.errs && bx_plan_prune(&pr, err) < 0)
		goto out;
	for (size_t i = 0; i < pr.nrecs; i++)
		if (bx_plan_push_pooled(pr.plan, &pr.recs[i], err) < 0)
			goto out;
	if (pr.errs) {
		*err = bx_steal(&pr.errs);
		goto out;
	}
	pr.plan->to_create = pr.creates;
	pr.plan->to_change = pr.changes;
	pr.plan->to_remove = pr.removes;
	if (!(o && o->no_fingerprint) && !(pr.plan->fingerprint = bx_state_fingerprint(st))) {
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
