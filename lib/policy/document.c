/* The top level of a policy file (version, root, defaults, classes,
 * boxes) and the merge of several files into one policy: classes and
 * boxes are merged, the same class or box id twice is an error naming both
 * places, and version/root/defaults must agree where given twice. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/front.h"
#include "policy/names.h"

const char *const bx_top_keys[] = { "version", "root", "defaults", "classes", "boxes" };
const char *const bx_class_keys[] = { "description", "extends", "box", "slice", "sizes" };
const char *const bx_box_keys[] = { "id", "class" };
const size_t bx_ntop_keys = BX_ARRAY_LEN(bx_top_keys);
const size_t bx_nclass_keys = BX_ARRAY_LEN(bx_class_keys);
const size_t bx_nbox_keys = BX_ARRAY_LEN(bx_box_keys);

/* "unknown key 'x'" with a suggestion from `keys`. */
static void unknown_key(bx_front *f, const bx_ynode *k, const char *where,
			const char *const *keys, size_t n)
{
	char s[BX_SHOW_MAX];
	if (bx_merge_key(f, k))
		return;
	const char *hint = bx_suggest_list(k->u.s, keys, n);
	if (hint)
		bx_ferr(f, k, "unknown key '%s'%s (did you mean '%s'?)", bx_yshow(k, s), where, hint);
	else
		bx_ferr(f, k, "unknown key '%s'%s", bx_yshow(k, s), where);
}

/* Place of a node for "first at …" messages. */
static void where(const bx_front *f, const bx_ynode *n, char *buf, size_t len)
{
	bx_loc l = bx_floc(f, n);
	snprintf(buf, len, "%s:%u:%u", l.file ? l.file : "?", l.line, l.col);
}

/* A string-valued key: a scalar that is not null. */
static const char *string_value(bx_front *f, const bx_ynode *v, const char *what)
{
	if (v->kind == BX_Y_BAD)
		return NULL;
	if (v->kind != BX_Y_SCALAR || bx_ynull(v)) {
		bx_ferr(f, v, "%s: expected a string, got %s", what, bx_ydescribe(v));
		return NULL;
	}
	return v->u.s;
}

/* A name under `key` (extends, id, class): a string that is a safe name.
 * `kind` says what it names in messages ("class name", "box id"). */
static const char *name_value(bx_front *f, const bx_ynode *v, const char *key, const char *kind)
{
	char b[BX_SHOW_MAX];
	if (v->kind == BX_Y_BAD)
		return NULL;
	if (v->kind != BX_Y_SCALAR || bx_ynull(v)) {
		bx_ferr(f, v, "%s: expected a %s, got %s", key, kind, bx_ydescribe(v));
		return NULL;
	}
	if (!bx_name_ok(v->u.s)) {
		bx_ferr(f, v, "invalid %s '%s': names are %s", kind, bx_yshow(v, b), BX_NAME_RULE);
		return NULL;
	}
	return v->u.s;
}

/* A mapping, or null for an empty one; NULL (diagnosed) otherwise. */
static bool map_or_null(bx_front *f, const bx_ynode *v, const char *what)
{
	if (v->kind == BX_Y_MAP || bx_ynull(v))
		return true;
	if (v->kind != BX_Y_BAD)
		bx_ferr(f, v, "%s: expected a mapping, got %s", what, bx_ydescribe(v));
	return false;
}

static void version_key(bx_front *f, const bx_ynode *v)
{
	char s[BX_SHOW_MAX];
	if (v->kind == BX_Y_BAD)
		return;
	if (v->kind == BX_Y_SCALAR && v->plain && strcmp(v->u.s, "1") == 0)
		return;
	if (v->kind == BX_Y_SCALAR && v->plain && v->u.s[0] >= '0' && v->u.s[0] <= '9' &&
	    strspn(v->u.s, "0123456789") == v->n)
		bx_ferr(f, v, "unsupported policy version %s: this boxcg reads version 1", bx_yshow(v, s));
	else
		bx_ferr(f, v, "version: expected the integer 1, got %s%s%s%s", bx_ydescribe(v),
			v->kind == BX_Y_SCALAR && !bx_ynull(v) ? " '" : "",
			v->kind == BX_Y_SCALAR && !bx_ynull(v) ? bx_yshow(v, s) : "",
			v->kind == BX_Y_SCALAR && !bx_ynull(v) ? "'" : "");
}

static void root_key(bx_front *f, const bx_ynode *v)
{
	char s[BX_SHOW_MAX], w[256];
	const char *r = string_value(f, v, "root");
	if (!r)
		return;
	if (!bx_root_ok(r)) {
		bx_ferr(f, v, "invalid root '%s': one or more names joined by '/', each %s",
			bx_yshow(v, s), BX_NAME_RULE);
		return;
	}
	size_t depth = 1;
	for (const char *c = r; *c; c++)
		depth += *c == '/';
	if (depth > BX_ROOT_MAX_DEPTH) {
		bx_ferr(f, v,
			"root '%s' is too deep: %zu names, at most %d (every cgroup path must fit the "
			"kernel's PATH_MAX of %d bytes)",
			bx_yshow(v, s), depth, BX_ROOT_MAX_DEPTH, PATH_MAX);
		return;
	}
	if (strlen(r) > BX_ROOT_MAX_LEN) {
		bx_ferr(f, v,
			"root '%s' is too long: %zu bytes, at most %d (every cgroup path must fit the "
			"kernel's PATH_MAX of %d bytes)",
			bx_yshow(v, s), strlen(r), BX_ROOT_MAX_LEN, PATH_MAX);
		return;
	}
	if (!f->root_node) {
		f->root_node = v;
		f->root = r;
	} else if (strcmp(f->root, r) != 0) {
		where(f, f->root_node, w, sizeof w);
		bx_ferr(f, v, "root '%s' differs from root '%s' at %s", bx_yshow(v, s), f->root, w);
	}
}

static void defaults_key(bx_front *f, const bx_ynode *v)
{
	char w[256];
	if (!map_or_null(f, v, "defaults"))
		return;
	bx_limits lim = {0};
	bx_limits_parse(f, v, &lim);
	if (!f->defaults_node) {
		f->defaults_node = v;
		f->defaults = lim;
	} else if (!bx_limits_equal(&f->defaults, &lim)) {
		where(f, f->defaults_node, w, sizeof w);
		bx_ferr(f, v, "defaults differ from the defaults at %s; give them in one file", w);
	}
}

static void class_decl(bx_front *f, const bx_ynode *k, const bx_ynode *body)
{
	char s[BX_SHOW_MAX], w[256];
	const char *name = name_value(f, k, "classes", "class name");
	if (!name)
		return;
	uintptr_t first;
	int r = bx_strmap_put(&f->class_index, name, k->n, f->nclasses, &first);
	if (r < 0) {
		f->oom = true;
		return;
	}
	if (r == 0) {
		where(f, f->classes[first].key, w, sizeof w);
		bx_ferr(f, k, "class '%s' is already defined at %s", bx_yshow(k, s), w);
		return;
	}
	if (bx_grow(&f->classes, &f->classes_cap, f->nclasses + 1, sizeof *f->classes) < 0) {
		f->oom = true;
		return;
	}
	bx_cdecl *c = &f->classes[f->nclasses++];
	*c = (bx_cdecl){ .name = name, .key = k, .body = body };
	if (!map_or_null(f, body, "class")) {
		c->unresolved = true;
		return;
	}
	if (body->kind != BX_Y_MAP)
		return;
	for (size_t i = 0; i < body->n; i++) {
		const bx_ynode *ck = bx_ymap_key(body, i), *cv = bx_ymap_val(body, i);
		if (ck->kind != BX_Y_SCALAR)
			continue;
		const char *key = ck->u.s;
		if (strcmp(key, "description") == 0) {
			c->description = string_value(f, cv, "description");
		} else if (strcmp(key, "extends") == 0) {
			if (name_value(f, cv, "extends", "class name"))
				c->extends = cv;
			else
				c->unresolved = true;
		} else if (strcmp(key, "box") == 0 || strcmp(key, "slice") == 0) {
			bx_limits *lim = key[0] == 'b' ? &c->box : &c->slice;
			if (map_or_null(f, cv, key))
				bx_limits_parse(f, cv, lim);
		} else if (strcmp(key, "sizes") == 0) {
			if (map_or_null(f, cv, "sizes") && cv->kind == BX_Y_MAP)
				c->sizes = cv;
		} else {
			unknown_key(f, ck, " in a class", bx_class_keys, bx_nclass_keys);
		}
	}
}

static void classes_key(bx_front *f, const bx_ynode *v)
{
	if (!f->classes_node)
		f->classes_node = v;
	if (!map_or_null(f, v, "classes") || v->kind != BX_Y_MAP)
		return;
	if (bx_grow(&f->classes, &f->classes_cap, f->nclasses + v->n, sizeof *f->classes) < 0 ||
	    bx_strmap_reserve(&f->class_index, v->n) < 0) {
		f->oom = true;
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		const bx_ynode *k = bx_ymap_key(v, i);
		f->class_keys++;
		if (k->kind == BX_Y_SCALAR)
			class_decl(f, k, bx_ymap_val(v, i));
	}
}

static void box_decl(bx_front *f, const bx_ynode *item)
{
	if (item->kind == BX_Y_BAD)
		return;
	if (item->kind != BX_Y_MAP) {
		bx_ferr(f, item, "a box: expected a mapping such as { id: builder-1, class: medium }, got %s",
			bx_ydescribe(item));
		return;
	}
	const bx_ynode *id = NULL, *cls = NULL;
	bool id_ok = false, cls_ok = false;
	for (size_t i = 0; i < item->n; i++) {
		const bx_ynode *k = bx_ymap_key(item, i), *v = bx_ymap_val(item, i);
		if (k->kind != BX_Y_SCALAR)
			continue;
		if (strcmp(k->u.s, "id") == 0) {
			id = v;
			id_ok = name_value(f, v, "id", "box id") != NULL;
		} else if (strcmp(k->u.s, "class") == 0) {
			cls = v;
			cls_ok = name_value(f, v, "class", "class name") != NULL;
		} else {
			unknown_key(f, k, " in a box", bx_box_keys, bx_nbox_keys);
		}
	}
	if (!id)
		bx_ferr(f, item, "a box needs an `id`");
	if (!cls)
		bx_ferr(f, item, "a box needs a `class`");
	if (!id_ok || !cls_ok)
		return;
	if (bx_grow(&f->boxes, &f->boxes_cap, f->nboxes + 1, sizeof *f->boxes) < 0) {
		f->oom = true;
		return;
	}
	f->boxes[f->nboxes++] = (bx_bdecl){ item, id, cls };
}

static void boxes_key(bx_front *f, const bx_ynode *v)
{
	if (v->kind == BX_Y_BAD || bx_ynull(v))
		return;
	if (v->kind != BX_Y_SEQ) {
		bx_ferr(f, v, "boxes: expected a sequence of { id, class }, got %s", bx_ydescribe(v));
		return;
	}
	/* room for all of them at once: no copying */
	if (bx_grow(&f->boxes, &f->boxes_cap, f->nboxes + v->n, sizeof *f->boxes) < 0) {
		f->oom = true;
		return;
	}
	for (size_t i = 0; i < v->n; i++)
		box_decl(f, v->u.kids[i]);
}

void bx_doc_add(bx_front *f, uint16_t file, const bx_ynode *root)
{
	if (!root || bx_ynull(root)) {
		if (root)
			bx_ferr(f, root, "empty policy: expected a mapping with `version: 1` and `classes`");
		else
			bx_fdiag_at(f, BX_SEV_ERROR, file, 1, 1,
				    "empty policy file: expected a mapping with `version: 1` and `classes`");
		return;
	}
	if (root->kind == BX_Y_BAD)
		return;
	if (root->kind != BX_Y_MAP) {
		bx_ferr(f, root, "a policy must be a mapping (version, root, defaults, classes, boxes), not %s",
			bx_ydescribe(root));
		return;
	}
	const bx_ynode *version = NULL;
	if (!f->first_root)
		f->first_root = root;
	for (size_t i = 0; i < root->n; i++) {
		const bx_ynode *k = bx_ymap_key(root, i), *v = bx_ymap_val(root, i);
		if (k->kind != BX_Y_SCALAR)
			continue;
		const char *key = k->u.s;
		if (strcmp(key, "version") == 0) {
			version = v;
			version_key(f, v);
		} else if (strcmp(key, "root") == 0) {
			root_key(f, v);
		} else if (strcmp(key, "defaults") == 0) {
			defaults_key(f, v);
		} else if (strcmp(key, "classes") == 0) {
			classes_key(f, v);
		} else if (strcmp(key, "boxes") == 0) {
			boxes_key(f, v);
		} else {
			unknown_key(f, k, "", bx_top_keys, bx_ntop_keys);
		}
	}
	if (!version)
		bx_ferr(f, root, "missing `version: 1` (every policy file starts with it)");
}

/* Suggestions for unknown class names, computed once per name. */
static const char *class_cand(const void *ctx, size_t i)
{
	const bx_front *f = ctx;
	return f->classes[i].name;
}

const char *bx_class_suggest(bx_front *f, bx_strmap *cache, const char *name)
{
	uintptr_t v;
	if (bx_strmap_get(cache, name, strlen(name), &v))
		return (const char *)v;
	const char *s = bx_suggest(name, class_cand, f, f->nclasses);
	if (bx_strmap_put(cache, name, strlen(name), (uintptr_t)s, NULL) < 0)
		f->oom = true;
	return s;
}

bool bx_class_find(const bx_front *f, const char *name, size_t *idx)
{
	uintptr_t v;
	if (!bx_strmap_get(&f->class_index, name, strlen(name), &v))
		return false;
	*idx = (size_t)v;
	return true;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The same box id twice, in any files: one pass over a table of indices
 * (four bytes a slot, so 10,000 boxes cost 64 KiB). */
static void duplicate_boxes(bx_front *f)
{
	if (f->nboxes < 2)
		return;
	size_t cap = 16;
	while (cap < 2 * f->nboxes)
		cap *= 2;
	uint32_t *slot = calloc(cap, sizeof *slot); /* box index + 1; 0 = empty */
	if (!slot || f->nboxes >= UINT32_MAX) {
		free(slot);
		f->oom = true;
		return;
	}
	for (size_t i = 0; i < f->nboxes; i++) {
		const char *id = f->boxes[i].id->u.s;
		size_t j = hash_str(id) & (cap - 1);
		while (slot[j] && strcmp(f->boxes[slot[j] - 1].id->u.s, id) != 0)
			j = (j + 1) & (cap - 1);
		if (!slot[j]) {
			slot[j] = (uint32_t)i + 1;
			continue;
		}
		char s[BX_SHOW_MAX], w[256];
		where(f, f->boxes[slot[j] - 1].id, w, sizeof w);
		bx_ferr(f, f->boxes[i].id, "box '%s' is already defined at %s", bx_yshow(f->boxes[i].id, s), w);
	}
	free(slot);
}

void bx_doc_finish(bx_front *f)
{
	duplicate_boxes(f);
	if (f->broken)
		return; /* a file that did not load may hold the classes others name */
	if (f->class_keys == 0) {
		const bx_ynode *c = f->classes_node;
		if (c && (c->kind == BX_Y_MAP || bx_ynull(c)))
			bx_ferr(f, c, "classes: the policy needs at least one class");
		else if (!c && f->first_root)
			bx_ferr(f, f->first_root, "missing `classes`: the policy needs at least one class");
		return;
	}
	bx_strmap cache = {0};
	for (size_t i = 0; i < f->nboxes; i++) {
		const bx_bdecl *b = &f->boxes[i];
		size_t idx;
		if (bx_class_find(f, b->cls->u.s, &idx))
			continue;
		char s[BX_SHOW_MAX], t[BX_SHOW_MAX];
		const char *hint = bx_class_suggest(f, &cache, b->cls->u.s);
		bx_ferr(f, b->cls, "box '%s' names unknown class '%s'%s%s%s", bx_yshow(b->id, s),
			bx_yshow(b->cls, t), hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	}
	bx_strmap_free(&cache);
}
