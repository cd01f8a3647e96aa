/* Observation: what to read for a policy, a saved observation, or a whole
 * subtree, written once against a source (observe_src.h) that is either
 * the live cgroupfs or a snapshot.
 *
 * For a policy it reads only what the policy manages: the base's and every
 * root component's cgroup.controllers / subtree_control, each class
 * slice's settings files, each box's settings files, the children of the
 * root and of every class slice (runtime boxes, undeclared slices), and
 * for what --prune may remove: cgroup.events and the static-box mark. A
 * cgroup whose parent is missing is missing too: nothing is read for it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "core/util.h"
#include "plan/managed.h"
#include "plan/normalize.h"
#include "plan/observe_src.h"
#include "knobs.h"

/* obs_cg: with BX_OBS_STATIC, also read events and children when the
 * mark is there. Never stored. */
#define OBS_EXPAND_STATIC (1u << 16)
/* obs_cg: read only the files given, not also those the record names
 * (a partial observation: the planner reconciles nothing else). */
#define OBS_ONLY_GIVEN (1u << 17)

typedef struct obs {
	const bx_obs_src *src;
	bx_state *st;
	bx_error **err;
	const bx_record_seen *record; /* the record of the next cgroup, if read */
	bool keep;                    /* its files are about to be written */
} obs;

/* The distinct interface files a settings list touches. */
typedef struct fileset {
	const char **v;
	size_t n, cap;
	const char *want_pids; /* desired pids.max, for reading pids.current */
} fileset;

static int fileset_add(fileset *fs, const char *f, bx_error **err)
{
	for (size_t j = 0; j < fs->n; j++)
		if (strcmp(fs->v[j], f) == 0)
			return 0;
	if (bx_grow(&fs->v, &fs->cap, fs->n + 1, sizeof *fs->v) < 0)
		return bx_err(err, ENOMEM, "observe");
	fs->v[fs->n++] = f;
	return 0;
}

static int fileset_of(const bx_settings *s, fileset *fs, bx_error **err)
{
	*fs = (fileset){0};
	for (size_t i = 0; s && i < s->n; i++) {
		const char *f = s->v[i].file;
		/* a weight cannot be written to an idle cgroup: the planner
		 * needs to know whether it is (diff.c, implicit_unidle) */
		if ((strcmp(f, "cpu.weight") == 0 || strcmp(f, "cpu.weight.nice") == 0) &&
		    fileset_add(fs, "cpu.idle", err) < 0)
			return -1;
		if (strcmp(f, "pids.max") == 0)
			fs->want_pids = s->v[i].value;
		if (fileset_add(fs, f, err) < 0)
			return -1;
	}
	return 0;
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '-')))
			return false;
	}
	return true;
}

static int read_files(obs *o, void *h, size_t idx, const char *const *files, size_t nfiles,
		      const char *want_pids)
{
	for (size_t i = 0; i < nfiles; i++) {
		char *raw = NULL;
		unsigned char form = BX_FORM_UNKNOWN;
		int (*rd)(void *, void *, const char *, const char *, char **, unsigned char *,
			  bx_error **) = o->keep && o->src->read_kept ? o->src->read_kept : o->src->read;
		if (rd(o->src->ctx, h, o->st->v[idx].path, files[i], &raw, &form, o->err) < 0)
			return -1;
		int r = bx_cg_set_file(&o->st->v[idx], files[i], raw);
		if (r == 0)
			bx_cg_file_form(&o->st->v[idx], files[i], form);
		/* Lowering pids.max below the current count earns a warning:
		 * read pids.current only then. */
		bool lowers = false;
		uint64_t want, have;
		if (want_pids && raw && strcmp(files[i], "pids.max") == 0 &&
		    bx_parse_u64_or_max(want_pids, &want) == 0) {
			char *c = bx_canon_file("pids.max", raw);
			lowers = c && bx_parse_u64_or_max(c, &have) == 0 && want < have;
			free(c);
		}
		free(raw);
		if (r < 0)
			return bx_err(o->err, ENOMEM, "observe");
		if (lowers) {
			char *cur = NULL;
			if (o->src->read(o->src->ctx, h, o->st->v[idx].path, "pids.current", &cur,
					 NULL, o->err) < 0)
				return -1;
			r = cur ? bx_cg_set_file(&o->st->v[idx], "pids.current", cur) : 0;
			free(cur);
			if (r < 0)
				return bx_err(o->err, ENOMEM, "observe");
		}
	}
	return 0;
}

/* The files in the cgroup's record that the policy does not declare (it
 * may reset them): read them too. A weight or nice value in the record
 * brings the cpu trio (the planner resets the weight only where the
 * cgroup is not idle). */
static int read_recorded(obs *o, void *h, size_t idx, const char *const *files, size_t nfiles)
{
	bx_managed m;
	if (bx_managed_parse(o->st->v[idx].managed, &o->src->facts, &m) < 0)
		return bx_err(o->err, ENOMEM, "observe");
	fileset more = {0};
	int r = 0;
	for (size_t i = 0; i < m.n && r == 0; i++) {
		const char *f = m.v[i].file;
		if (bx_is_cpu_weight_file(f)) {
			for (size_t k = 0; k < BX_CPU_WEIGHT_NFILES && r == 0; k++)
				r = fileset_add(&more, bx_cpu_weight_files[k], o->err);
			continue;
		}
		r = fileset_add(&more, f, o->err);
	}
	/* only what is not read already */
	size_t k = 0;
	for (size_t i = 0; r == 0 && i < more.n; i++) {
		bool seen = bx_cg_file(&o->st->v[idx], more.v[i]) != NULL;
		for (size_t j = 0; j < nfiles && !seen; j++)
			seen = strcmp(files[j], more.v[i]) == 0;
		if (!seen)
			more.v[k++] = more.v[i];
	}
	if (r == 0)
		r = read_files(o, h, idx, more.v, k, NULL);
	free(more.v);
	bx_managed_free(&m);
	return r;
}

/* Observe one cgroup; *idx gets its index in the state. parent_exists 0
 * means "known missing": then it is missing too, nothing is read and
 * nothing recorded (*idx = SIZE_MAX): a state never lists what is below a
 * missing cgroup, so plans of a large policy on an empty tree stay small. */
static int obs_cg(obs *o, const char *path, int parent_exists, unsigned flags,
		  const char *const *files, size_t nfiles, const char *want_pids, size_t *idx)
{
	*idx = SIZE_MAX;
	const bx_record_seen *given = o->record; /* for this cgroup only */
	o->record = NULL;
	if (parent_exists == 0)
		return 0;
	bx_cg_state *cg = bx_state_add(o->st, path);
	if (!cg)
		return bx_err(o->err, ENOMEM, "observe");
	size_t i = o->st->n - 1;
	*idx = i;
	bool expand = flags & OBS_EXPAND_STATIC, only_given = flags & OBS_ONLY_GIVEN;
	flags &= ~(unsigned)(OBS_EXPAND_STATIC | OBS_ONLY_GIVEN);
	cg->observed = flags;
	void *h = NULL, *c = o->src->ctx;
	int ex = o->src->open(c, path, &h, o->err);
	if (ex < 0)
		return -1;
	cg->exists = ex == 1;
	if (!cg->exists)
		return 0;
	int r = -1;
	if ((flags & BX_OBS_CONTROLLERS) && o->src->controllers(c, h, path, &cg->controllers, o->err) < 0)
		goto out;
	if ((flags & BX_OBS_SUBTREE) && o->src->subtree(c, h, path, &cg->subtree_control, o->err) < 0)
		goto out;
	if ((flags & BX_OBS_STATIC) && o->src->static_mark(c, h, path, &cg->static_box, o->err) < 0)
		goto out;
	/* a box marked static: --prune may remove it, so learn what is below */
	if (expand && cg->static_box)
		cg->observed = flags |= BX_OBS_CHILDREN | BX_OBS_EVENTS;
	if ((flags & BX_OBS_EVENTS) && o->src->populated(c, h, path, &cg->populated, o->err) < 0)
		goto out;
	if ((flags & BX_OBS_CHILDREN) &&
	    o->src->children(c, h, path, &cg->children, &cg->nchildren, o->err) < 0)
		goto out;
	if ((flags & BX_OBS_MANAGED) && given) {
		cg->managed_unsupported = given->unsupported;
		if (given->text && !(cg->managed = strdup(given->text))) {
			bx_err(o->err, ENOMEM, "observe");
			goto out;
		}
	} else if ((flags & BX_OBS_MANAGED) &&
		   o->src->managed(c, h, path, &cg->managed, &cg->managed_unsupported, o->err) < 0) {
		goto out;
	}
	/* only the given files (box update): the ones its new values write */
	o->keep = only_given;
	r = read_files(o, h, i, files, nfiles, want_pids);
	o->keep = false;
	if (r == 0 && cg->managed && !only_given)
		r = read_recorded(o, h, i, files, nfiles);
out:
	o->src->close(c, h);
	return r;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	if (la)
		p[la++] = '/';
	memcpy(p + la, b, lb + 1);
	return p;
}

/* A cgroup and everything below it, for what --prune may remove. */
static int obs_removable(obs *o, const char *path, unsigned flags)
{
	size_t idx, start = o->st->n;
	if (obs_cg(o, path, 1, flags | BX_OBS_CHILDREN | BX_OBS_EVENTS, NULL, 0, NULL, &idx) < 0)
		return -1;
	o->st->undeclared |= o->st->v[idx].exists;
	for (size_t j = start; j < o->st->n; j++) {
		for (size_t k = 0; k < o->st->v[j].nchildren; k++) {
			if (!name_valid(o->st->v[j].children[k]))
				continue;
			cleanup_free char *cp = join(o->st->v[j].path, o->st->v[j].children[k]);
			if (!cp)
				return bx_err(o->err, ENOMEM, "observe");
			unsigned f = BX_OBS_CHILDREN | BX_OBS_EVENTS | BX_OBS_STATIC;
			if (obs_cg(o, cp, 1, f, NULL, 0, NULL, &idx) < 0)
				return -1;
		}
	}
	return 0;
}

static int cmp_class(const void *a, const void *b)
{
	const bx_class *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static int cmp_box_id(const void *a, const void *b)
{
	const bx_static_box *const *x = a, *const *y = b;
	return strcmp((*x)->id, (*y)->id);
}

/* Index of `name` among the sorted classes, n when absent. */
static size_t class_index(const bx_class *const *classes, size_t n, const char *name)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(classes[mid]->name, name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

int bx_policy_sorted(const bx_policy *p, const bx_class ***classes,
		     const bx_static_box ***boxes, bx_error **err)
{
	size_t nc = p->nclasses, nb = p->nboxes;
	*classes = calloc(nc + 1, sizeof **classes);
	*boxes = calloc(nb + 1, sizeof **boxes);
	size_t *at = calloc(nc + 2, sizeof *at), *cls = calloc(nb + 1, sizeof *cls);
	if (!*classes || !*boxes || !at || !cls) {
		free(*classes), free(*boxes), free(at), free(cls);
		*classes = NULL, *boxes = NULL;
		return bx_err(err, ENOMEM, "sort policy");
	}
	for (size_t i = 0; i < nc; i++)
		(*classes)[i] = &p->classes[i];
	qsort(*classes, nc, sizeof **classes, cmp_class);
	/* Boxes by class (a counting sort on the class's index; boxes of an
	 * unknown class last, in their own order), then by id within each. */
	for (size_t i = 0; i < nb; i++) {
		cls[i] = class_index(*classes, nc, p->boxes[i].class_name);
		at[cls[i] + 1]++;
	}
	for (size_t k = 1; k <= nc + 1; k++)
		at[k] += at[k - 1];
	size_t *next = at; /* at[k]: where class k's next box goes */
	for (size_t i = 0; i < nb; i++)
		(*boxes)[next[cls[i]]++] = &p->boxes[i];
	for (size_t k = 0, from = 0; k < nc; k++) {
		size_t to = next[k];
		bool sorted = true;
		for (size_t i = from + 1; i < to && sorted; i++)
			sorted = cmp_box_id(&(*boxes)[i - 1], &(*boxes)[i]) < 0;
		if (!sorted)
			qsort(*boxes + from, to - from, sizeof **boxes, cmp_box_id);
		from = to;
	}
	free(at);
	free(cls);
	return 0;
}

int bx_policy_sorted_in(const bx_policy *p, const char *class_name, const bx_class ***classes,
			size_t *nc, const bx_static_box ***boxes, size_t *nb, bx_error **err)
{
	*nc = *nb = 0;
	if (!class_name) {
		if (bx_policy_sorted(p, classes, boxes, err) < 0)
			return -1;
		*nc = p->nclasses;
		*nb = p->nboxes;
		return 0;
	}
	const bx_class *c = bx_policy_class(p, class_name);
	size_t n = 0;
	for (size_t i = 0; c && i < p->nboxes; i++)
		n += strcmp(p->boxes[i].class_name, c->name) == 0;
	*classes = calloc(2, sizeof **classes);
	*boxes = calloc(n + 1, sizeof **boxes);
	if (!*classes || !*boxes) {
		free(*classes), free(*boxes);
		*classes = NULL, *boxes = NULL;
		return bx_err(err, ENOMEM, "sort policy");
	}
	if (!c)
		return 0;
	(*classes)[0] = c;
	*nc = 1;
	for (size_t i = 0; i < p->nboxes; i++)
		if (strcmp(p->boxes[i].class_name, c->name) == 0)
			(*boxes)[(*nb)++] = &p->boxes[i];
	qsort(*boxes, *nb, sizeof **boxes, cmp_box_id);
	return 0;
}

static bool named(const bx_scope *scope, const char *f)
{
	for (size_t i = 0; i < scope->nfiles; i++)
		if (strcmp(scope->files[i], f) == 0)
			return true;
	return false;
}

/* A box's files narrowed to what the scope names. The cpu weight files
 * go together, all three: a weight is planned knowing cpu.idle (diff.c),
 * and its undo record holds the three (apply/capture.c). */
static int narrow(fileset *bf, const bx_scope *scope, bx_error **err)
{
	bool weights = false;
	for (size_t i = 0; i < scope->nfiles; i++)
		weights |= bx_is_cpu_weight_file(scope->files[i]);
	size_t k = 0;
	for (size_t i = 0; i < bf->n; i++)
		if (named(scope, bf->v[i]) || (weights && bx_is_cpu_weight_file(bf->v[i])))
			bf->v[k++] = bf->v[i];
	bf->n = k;
	if (!named(scope, "pids.max"))
		bf->want_pids = NULL;
	for (size_t i = 0; weights && i < BX_CPU_WEIGHT_NFILES; i++)
		if (fileset_add(bf, bx_cpu_weight_files[i], err) < 0)
			return -1;
	return 0;
}

static int obs_class(obs *o, const bx_class *c, const char *root, int root_exists,
		     const bx_static_box *const *sb, size_t nsb, const bx_scope *scope)
{
	bool one_box = scope && scope->box_id;
	cleanup_free char *slice = join(root, c->name);
	fileset sf = {0}, bf = {0};
	int r = -1;
	size_t si, idx;
	if (!slice)
		return bx_err(o->err, ENOMEM, "observe");
	if (fileset_of(&c->slice, &sf, o->err) < 0 || fileset_of(&c->box, &bf, o->err) < 0)
		goto out;
	bool partial = one_box && scope->files;
	if (partial && narrow(&bf, scope, o->err) < 0)
		goto out;
	unsigned bflag = partial ? OBS_ONLY_GIVEN : 0;
	/* box create and update reconcile an existing slice's settings never
	 * (docs/PLAN.md, "Scoped plans"): only its controllers are needed
	 * then, not its files nor its record */
	unsigned sflags = BX_OBS_SUBTREE | (one_box ? 0 : BX_OBS_MANAGED | BX_OBS_CHILDREN);
	if (obs_cg(o, slice, root_exists, sflags, one_box ? NULL : sf.v, one_box ? 0 : sf.n,
		   one_box ? NULL : sf.want_pids, &si) < 0)
		goto out;
	int slice_exists = si != SIZE_MAX && o->st->v[si].exists;
	/* Declared static boxes: ids in sb[0..nsb), sorted. */
	bool scoped_box_declared = false;
	for (size_t i = 0; i < nsb; i++) {
		if (one_box && strcmp(sb[i]->id, scope->box_id) != 0)
			continue;
		scoped_box_declared = true;
		cleanup_free char *bp = join(slice, sb[i]->id);
		if (!bp) {
			bx_err(o->err, ENOMEM, "observe");
			goto out;
		}
		o->record = one_box ? scope->box_record : NULL;
		if (obs_cg(o, bp, slice_exists, BX_OBS_MANAGED | bflag, bf.v, bf.n, bf.want_pids,
			   &idx) < 0)
			goto out;
	}
	if (one_box && !scoped_box_declared) {
		/* box create of a runtime box */
		cleanup_free char *bp = join(slice, scope->box_id);
		if (!bp) {
			bx_err(o->err, ENOMEM, "observe");
			goto out;
		}
		/* no static mark: only --prune asks, and never of one box */
		o->record = scope->box_record;
		if (obs_cg(o, bp, slice_exists, BX_OBS_MANAGED | bflag, bf.v, bf.n, bf.want_pids,
			   &idx) < 0)
			goto out;
	}
	if (!one_box && slice_exists) {
		/* Runtime boxes: every other child of the slice. Copy the
		 * names: observing moves the state's array. */
		size_t nch = o->st->v[si].nchildren;
		for (size_t k = 0; k < nch; k++) {
			const char *name = o->st->v[si].children[k];
			bool declared = false;
			size_t lo = 0, hi = nsb;
			while (lo < hi && !declared) {
				size_t mid = lo + (hi - lo) / 2;
				int cmp = strcmp(sb[mid]->id, name);
				if (cmp == 0)
					declared = true;
				else if (cmp < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (declared || !name_valid(name))
				continue;
			cleanup_free char *bp = join(slice, name);
			if (!bp) {
				bx_err(o->err, ENOMEM, "observe");
				goto out;
			}
			if (obs_cg(o, bp, 1, BX_OBS_STATIC | BX_OBS_MANAGED | OBS_EXPAND_STATIC, bf.v,
				   bf.n, bf.want_pids, &idx) < 0)
				goto out;
			if (o->st->v[idx].exists && o->st->v[idx].static_box) {
				/* a static box no longer declared: what is below it */
				o->st->undeclared = true;
				for (size_t q = 0; q < o->st->v[idx].nchildren; q++) {
					if (!name_valid(o->st->v[idx].children[q]))
						continue;
					cleanup_free char *cp = join(bp, o->st->v[idx].children[q]);
					if (!cp) {
						bx_err(o->err, ENOMEM, "observe");
						goto out;
					}
					if (obs_removable(o, cp, BX_OBS_STATIC) < 0)
						goto out;
				}
			}
		}
	}
	r = 0;
out:
	free(sf.v);
	free(bf.v);
	return r;
}

static bx_state *state_for(const bx_obs_src *src)
{
	bx_state *st = bx_state_new(src->base_path, src->dirmode);
	if (st) {
		st->facts = src->facts;
		st->hybrid = src->hybrid;
		st->v1_bound = src->v1_bound;
	}
	return st;
}

/* The root's components one by one: "a/b" → "a", "a/b". Observes each
 * with `flags`, the last one also with `last_flags`. *exists gets whether
 * the last one exists. */
static int obs_root(obs *o, const char *root, unsigned flags, unsigned last_flags, int *exists)
{
	int pex = 1;
	size_t idx;
	/* the base's record says whether the tree keeps records at all */
	if (obs_cg(o, "", -1, BX_OBS_CONTROLLERS | BX_OBS_SUBTREE | BX_OBS_MANAGED, NULL, 0, NULL,
		   &idx) < 0)
		return -1;
	if (!o->st->v[idx].exists)
		return bx_err(o->err, ENOENT, "the base %s", o->src->base_path);
	for (const char *p = root; *p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - root) : strlen(root);
		cleanup_free char *prefix = strndup(root, len);
		if (!prefix)
			return bx_err(o->err, ENOMEM, "observe");
		if (obs_cg(o, prefix, pex, flags | (slash ? 0 : last_flags), NULL, 0, NULL, &idx) < 0)
			return -1;
		pex = idx != SIZE_MAX && o->st->v[idx].exists;
		p = slash ? slash + 1 : p + strlen(p);
	}
	*exists = pex;
	return 0;
}

int bx_observe_with(const bx_obs_src *src, const bx_policy *p, const bx_scope *scope,
		    bx_state **out, bx_error **err)
{
	*out = NULL;
	bool whole = !scope || !scope->class_name;
	bool one_box = !whole && scope->box_id;
	if (!whole) {
		bool found = false;
		for (size_t i = 0; i < p->nclasses && !found; i++)
			found = strcmp(p->classes[i].name, scope->class_name) == 0;
		if (!found)
			return bx_policy_no_class(p, scope->class_name, 0, err);
		if (one_box && !name_valid(scope->box_id))
			return bx_err(err, 0,
				      "invalid box id \"%s\": ids match [A-Za-z0-9][A-Za-z0-9_-]{0,63}",
				      scope->box_id);
	}
	const bx_class **classes = NULL;
	const bx_static_box **boxes = NULL;
	size_t nclasses, nboxes;
	if (bx_policy_sorted_in(p, whole ? NULL : scope->class_name, &classes, &nclasses, &boxes,
				&nboxes, err) < 0)
		return -1;
	obs o = { .src = src, .st = state_for(src), .err = err };
	int r = -1, root_exists;
	if (!o.st) {
		bx_err(err, ENOMEM, "observe");
		goto out;
	}
	if (obs_root(&o, p->root, BX_OBS_SUBTREE, one_box ? 0 : BX_OBS_CHILDREN, &root_exists) < 0)
		goto out;
	size_t root_idx = o.st->n - 1, b = 0;
	for (size_t i = 0; i < nclasses; i++) {
		const bx_class *c = classes[i];
		while (b < nboxes && strcmp(boxes[b]->class_name, c->name) < 0)
			b++;
		size_t e = b;
		while (e < nboxes && strcmp(boxes[e]->class_name, c->name) == 0)
			e++;
		if (whole || strcmp(c->name, scope->class_name) == 0)
			if (obs_class(&o, c, p->root, root_exists, boxes + b, e - b, scope) < 0)
				goto out;
		b = e;
	}
	if (whole && root_exists) {
		/* Undeclared class slices, for --prune. */
		for (size_t k = 0; k < o.st->v[root_idx].nchildren; k++) {
			const char *name = o.st->v[root_idx].children[k];
			bool declared = false;
			for (size_t lo = 0, hi = p->nclasses; lo < hi && !declared;) {
				size_t mid = lo + (hi - lo) / 2;
				int cmp = strcmp(classes[mid]->name, name);
				if (cmp == 0)
					declared = true;
				else if (cmp < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (declared || !name_valid(name))
				continue;
			cleanup_free char *sp = join(p->root, name);
			if (!sp) {
				bx_err(err, ENOMEM, "observe");
				goto out;
			}
			if (obs_removable(&o, sp, 0) < 0)
				goto out;
		}
	}
	bx_state_sort(o.st);
	*out = bx_steal(&o.st);
	r = 0;
out:
	bx_state_free(o.st);
	free(classes);
	free(boxes);
	return r;
}

static const char *parent_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (n >= size)
		n = size - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return buf;
}

static int cmp_cg_ptr(const void *a, const void *b)
{
	const bx_cg_state *const *x = a, *const *y = b;
	return bx_path_cmp((*x)->path, (*y)->path);
}

int bx_observe_again_with(const bx_obs_src *src, const bx_state *then, bx_state **out,
			  bx_error **err)
{
	*out = NULL;
	obs o = { .src = src, .st = state_for(src), .err = err };
	if (!o.st)
		return bx_err(err, ENOMEM, "observe");
	/* Ancestors first, so a parent is looked at before its children. */
	const bx_cg_state **order = calloc(then->n + 1, sizeof *order);
	if (!order) {
		bx_state_free(o.st);
		return bx_err(err, ENOMEM, "observe");
	}
	for (size_t i = 0; i < then->n; i++)
		order[i] = &then->v[i];
	qsort(order, then->n, sizeof *order, cmp_cg_ptr);
	for (size_t i = 0; i < then->n; i++) {
		const bx_cg_state *tc = order[i];
		int pex = -1;
		if (*tc->path) {
			char buf[4096];
			const bx_cg_state *pc = bx_state_find(o.st, parent_of(tc->path, buf, sizeof buf));
			if (pc && !pc->exists)
				pex = 0;
		}
		const char **files = calloc(tc->nfiles + 1, sizeof *files);
		if (!files) {
			free(order);
			bx_state_free(o.st);
			return bx_err(err, ENOMEM, "observe");
		}
		size_t nf = 0;
		for (size_t k = 0; k < tc->nfiles; k++)
			files[nf++] = tc->files[k].name;
		size_t idx;
		int r = obs_cg(&o, tc->path, pex, tc->observed, files, nf, NULL, &idx);
		free(files);
		if (r < 0) {
			free(order);
			bx_state_free(o.st);
			return -1;
		}
	}
	free(order);
	bx_state_sort(o.st);
	*out = o.st;
	return 0;
}

char *bx_hugetlb_size_name(uint64_t bytes)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	size_t u = 0;
	while (u + 1 < BX_ARRAY_LEN(unit) && bytes >= 1024 && bytes % 1024 == 0)
		bytes /= 1024, u++;
	char d[21];
	bx_put_u64(d, bytes);
	return bx_concat(d, unit[u], NULL);
}

/* Every interface file boxcg manages, with this host's huge page sizes. */
static int all_files(const bx_host_facts *f, char ***names, size_t *n)
{
	size_t cap = bx_nfiles + BX_ARRAY_LEN(f->hugepage_sizes) + 2, k = 0;
	char **v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < bx_nfiles; i++) {
		if (strcmp(bx_files[i].name, "hugetlb.*.max") == 0) {
			for (size_t h = 0; h < BX_ARRAY_LEN(f->hugepage_sizes) && f->hugepage_sizes[h]; h++) {
				cleanup_free char *sz = bx_hugetlb_size_name(f->hugepage_sizes[h]);
				v[k++] = sz ? bx_sprintf("hugetlb.%s.max", sz) : NULL;
				if (!v[k - 1])
					goto oom;
			}
			continue;
		}
		if (!(v[k++] = strdup(bx_files[i].name)))
			goto oom;
	}
	if (!(v[k++] = strdup("pids.current")))
		goto oom;
	*names = v;
	*n = k;
	return 0;
oom:
	for (size_t i = 0; i < k; i++)
		free(v[i]);
	free(v);
	return -1;
}

int bx_observe_tree_with(const bx_obs_src *src, const char *tree, bx_state **out, bx_error **err)
{
	*out = NULL;
	char **files = NULL;
	size_t nfiles = 0;
	cleanup_free char *parent = NULL;
	if (all_files(&src->facts, &files, &nfiles) < 0)
		return bx_err(err, ENOMEM, "observe");
	obs o = { .src = src, .st = state_for(src), .err = err };
	int r = -1, exists;
	if (!o.st || !(o.st->tree = strdup(tree))) {
		bx_err(err, ENOMEM, "observe");
		goto out;
	}
	/* The tree's ancestors (as for a policy), then the tree itself. */
	const char *slash = strrchr(tree, '/');
	if (!(parent = strndup(tree, slash ? (size_t)(slash - tree) : 0))) {
		bx_err(err, ENOMEM, "observe");
		goto out;
	}
	if (obs_root(&o, parent, BX_OBS_CONTROLLERS | BX_OBS_SUBTREE, 0, &exists) < 0)
		goto out;
	const unsigned all = BX_OBS_CONTROLLERS | BX_OBS_SUBTREE | BX_OBS_CHILDREN | BX_OBS_EVENTS |
			     BX_OBS_STATIC | BX_OBS_MANAGED;
	size_t idx, start = o.st->n;
	if (obs_cg(&o, tree, exists, all, (const char *const *)files, nfiles, NULL, &idx) < 0)
		goto out;
	for (size_t j = start; j < o.st->n; j++) {
		for (size_t k = 0; k < o.st->v[j].nchildren; k++) {
			if (!name_valid(o.st->v[j].children[k]))
				continue;
			cleanup_free char *cp = join(o.st->v[j].path, o.st->v[j].children[k]);
			if (!cp) {
				bx_err(err, ENOMEM, "observe");
				goto out;
			}
			if (obs_cg(&o, cp, 1, all, (const char *const *)files, nfiles, NULL, &idx) < 0)
				goto out;
		}
	}
	bx_state_sort(o.st);
	*out = bx_steal(&o.st);
	r = 0;
out:
	bx_state_free(o.st);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return r;
}
