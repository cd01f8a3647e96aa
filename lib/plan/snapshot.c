/* Snapshots: an observed state as one JSON document and back.
 *
 *   { "format_version": 1, "base": "/sys/fs/cgroup", "dirmode": false,
 *     "hybrid": false, "v1_bound": "cpuset memory", "tree": "boxlite",
 *     "host": { "page_size": 4096, "mem_total": …, "ncpus": 8,
 *               "hugepage_sizes": [2097152, 1073741824] },
 *     "cgroups": [ { "path": "", "exists": true,
 *                    "controllers": "cpu memory", "subtree_control": "cpu",
 *                    "children": ["boxlite"], "populated": false,
 *                    "static": false,
 *                    "files": { "memory.max": "max", "memory.zswap.max": null } } ] }
 *
 * A key is present only when it was observed (controllers, subtree_control,
 * children, populated, static), so a snapshot says what it covers; a file
 * whose value is null does not exist in that cgroup. The host facts let
 * `plan --state` compile the policy for the snapshot's host. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/managed.h"
#include "plan/json_int.h"

#define SNAP_VERSION 1

static void ctrl_list(bx_jw *w, unsigned bits)
{
	char *s = bx_ctrl_format_list(bits);
	if (!s)
		w->b.oom = true;
	bx_jw_string(w, s ? s : "");
	free(s);
}

static void cg_write(bx_jw *w, const bx_cg_state *c)
{
	bx_jw_begin_object(w);
	bx_jw_key(w, "path");
	bx_jw_string(w, c->path);
	bx_jw_key(w, "exists");
	bx_jw_bool(w, c->exists);
	if (c->observed & BX_OBS_CONTROLLERS) {
		bx_jw_key(w, "controllers");
		ctrl_list(w, c->controllers);
	}
	if (c->observed & BX_OBS_SUBTREE) {
		bx_jw_key(w, "subtree_control");
		ctrl_list(w, c->subtree_control);
	}
	if (c->observed & BX_OBS_CHILDREN) {
		bx_jw_key(w, "children");
		bx_jw_begin_array(w);
		for (size_t i = 0; i < c->nchildren; i++)
			bx_jw_string(w, c->children[i]);
		bx_jw_end_array(w);
	}
	if (c->observed & BX_OBS_EVENTS) {
		bx_jw_key(w, "populated");
		bx_jw_bool(w, c->populated);
	}
	if (c->observed & BX_OBS_STATIC) {
		bx_jw_key(w, "static");
		bx_jw_bool(w, c->static_box);
	}
	if (c->observed & BX_OBS_MANAGED) {
		/* the record, null when there is none, false when the
		 * filesystem keeps no user xattrs */
		bx_jw_key(w, "managed");
		if (c->managed_unsupported)
			bx_jw_bool(w, false);
		else
			bx_jw_string(w, c->managed);
	}
	bx_jw_key(w, "files");
	bx_jw_begin_object(w);
	for (size_t i = 0; i < c->nfiles; i++) {
		bx_jw_key(w, c->files[i].name);
		bx_jw_string(w, c->files[i].raw);
	}
	bx_jw_end_object(w);
	bx_jw_end_object(w);
}

void bx_state_write_json(bx_jw *w, const bx_state *st)
{
	bx_jw_begin_object(w);
	bx_jw_key(w, "format_version");
	bx_jw_uint(w, SNAP_VERSION);
	bx_jw_key(w, "base");
	bx_jw_string(w, st->base_path ? st->base_path : "");
	bx_jw_key(w, "dirmode");
	bx_jw_bool(w, st->dirmode);
	bx_jw_key(w, "hybrid");
	bx_jw_bool(w, st->hybrid);
	bx_jw_key(w, "v1_bound");
	ctrl_list(w, st->v1_bound);
	bx_jw_key(w, "tree");
	bx_jw_string(w, st->tree);
	bx_jw_key(w, "host");
	bx_jw_begin_object(w);
	bx_jw_key(w, "page_size");
	bx_jw_uint(w, st->facts.page_size);
	bx_jw_key(w, "mem_total");
	bx_jw_uint(w, st->facts.mem_total);
	bx_jw_key(w, "ncpus");
	bx_jw_uint(w, st->facts.ncpus);
	bx_jw_key(w, "hugepage_sizes");
	bx_jw_begin_array(w);
	for (size_t i = 0; i < BX_ARRAY_LEN(st->facts.hugepage_sizes) && st->facts.hugepage_sizes[i]; i++)
		bx_jw_uint(w, st->facts.hugepage_sizes[i]);
	bx_jw_end_array(w);
	bx_jw_end_object(w);
	bx_jw_key(w, "cgroups");
	bx_jw_begin_array(w);
	for (size_t i = 0; i < st->n; i++)
		cg_write(w, &st->v[i]);
	bx_jw_end_array(w);
	bx_jw_end_object(w);
}

char *bx_state_to_json(const bx_state *st, bx_error **err)
{
	bx_jw w = {0};
	bx_state_write_json(&w, st);
	char *s = bx_jw_take(&w);
	if (!s)
		bx_err(err, ENOMEM, "snapshot to JSON");
	return s;
}

/* --- reading ----------------------------------------------------------- */

static int bad(bx_error **err, const char *where, const char *what)
{
	return bx_err(err, 0, "snapshot: %s: %s", where, what);
}

static int get_ctrls(json_t *o, const char *k, unsigned *bits, bool *present, const char *where,
		     bx_error **err)
{
	json_t *v = json_object_get(o, k);
	*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_string(v)) {
		cleanup_free char *w = bx_sprintf("%s.%s", where, k);
		return bad(err, w ? w : where, "expected a controller list (a string)");
	}
	const char *s = json_string_value(v);
	/* Every word must be a controller the registry knows. */
	for (const char *p = s; *p;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		if (n && !bx_ctrl_from_name(p, n)) {
			cleanup_free char *w = bx_sprintf("%s.%s", where, k);
			cleanup_free char *m = bx_sprintf("unknown controller \"%.*s\"", (int)n, p);
			return bad(err, w ? w : where, m ? m : "unknown controller");
		}
		p += n;
	}
	*bits = bx_ctrl_parse_list(s);
	return 0;
}

static int get_bool(json_t *o, const char *k, bool *val, bool *present, const char *where,
		    bx_error **err)
{
	json_t *v = json_object_get(o, k);
	*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		cleanup_free char *w = bx_sprintf("%s.%s", where, k);
		return bad(err, w ? w : where, "expected true or false");
	}
	*val = json_is_true(v);
	return 0;
}

static int get_u64(json_t *o, const char *k, uint64_t *val, const char *where, bx_error **err)
{
	json_t *v = json_object_get(o, k);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		cleanup_free char *w = bx_sprintf("%s.%s", where, k);
		return bad(err, w ? w : where, "expected a non-negative integer");
	}
	*val = (uint64_t)json_integer_value(v);
	return 0;
}

static int cg_from_json(bx_state *st, json_t *o, size_t idx, bx_error **err)
{
	char where[64];
	snprintf(where, sizeof where, "cgroups[%zu]", idx);
	if (!json_is_object(o))
		return bad(err, where, "expected an object");
	json_t *p = json_object_get(o, "path");
	if (!json_is_string(p))
		return bad(err, where, "\"path\" must be a string");
	const char *path = json_string_value(p);
	if (!bx_cgpath_valid(path)) {
		cleanup_free char *m = bx_sprintf("unsafe cgroup path \"%s\"", path);
		return bad(err, where, m ? m : "unsafe cgroup path");
	}
	bx_cg_state *c = bx_state_add(st, path);
	if (!c)
		return bx_err(err, ENOMEM, "snapshot");
	bool present;
	if (get_bool(o, "exists", &c->exists, &present, where, err) < 0)
		return -1;
	if (!present)
		return bad(err, where, "\"exists\" is missing");
	if (get_ctrls(o, "controllers", &c->controllers, &present, where, err) < 0)
		return -1;
	c->observed |= present ? BX_OBS_CONTROLLERS : 0;
	if (get_ctrls(o, "subtree_control", &c->subtree_control, &present, where, err) < 0)
		return -1;
	c->observed |= present ? BX_OBS_SUBTREE : 0;
	if (get_bool(o, "populated", &c->populated, &present, where, err) < 0)
		return -1;
	c->observed |= present ? BX_OBS_EVENTS : 0;
	if (get_bool(o, "static", &c->static_box, &present, where, err) < 0)
		return -1;
	c->observed |= present ? BX_OBS_STATIC : 0;
	json_t *mg = json_object_get(o, "managed");
	if (mg) {
		if (!json_is_string(mg) && !json_is_null(mg) && !json_is_false(mg))
			return bad(err, where, "\"managed\" must be a string, null or false");
		if (json_is_string(mg) && json_string_length(mg) > BX_MANAGED_MAX)
			return bad(err, where, "\"managed\" is longer than a record can be");
		if (json_is_string(mg) && strlen(json_string_value(mg)) != json_string_length(mg))
			return bad(err, where, "\"managed\" holds a NUL byte");
		c->observed |= BX_OBS_MANAGED;
		c->managed_unsupported = json_is_false(mg);
		if (json_is_string(mg) && !(c->managed = strdup(json_string_value(mg))))
			return bx_err(err, ENOMEM, "snapshot");
	}
	json_t *ch = json_object_get(o, "children");
	if (ch) {
		if (!json_is_array(ch))
			return bad(err, where, "\"children\" must be an array of names");
		c->observed |= BX_OBS_CHILDREN;
		size_t n = json_array_size(ch);
		c->children = calloc(n + 1, sizeof *c->children);
		if (!c->children)
			return bx_err(err, ENOMEM, "snapshot");
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_array_get(ch, i);
			const char *name = json_string_value(e);
			/* any directory name (observation skips the ones that
			 * are not box names), but never a path */
			if (!name || !*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
			    strcmp(name, "..") == 0 || strlen(name) > 255)
				return bad(err, where, "\"children\" holds an invalid name");
			if (i && strcmp(c->children[i - 1], name) >= 0)
				return bad(err, where, "\"children\" must be sorted and unique");
			if (!(c->children[i] = strdup(name)))
				return bx_err(err, ENOMEM, "snapshot");
			c->nchildren = i + 1;
		}
	}
	json_t *files = json_object_get(o, "files");
	if (files && !json_is_object(files))
		return bad(err, where, "\"files\" must be an object");
	const char *k;
	json_t *v;
	json_object_foreach(files, k, v)
	{
		if (!bx_cgfile_valid(k)) {
			cleanup_free char *m = bx_sprintf("unsafe interface file name \"%s\"", k);
			return bad(err, where, m ? m : "unsafe file name");
		}
		if (!json_is_string(v) && !json_is_null(v)) {
			cleanup_free char *m = bx_sprintf("files.%s must be a string or null", k);
			return bad(err, where, m ? m : "bad file value");
		}
		if (bx_cg_set_file(c, k, json_string_value(v)) < 0)
			return bx_err(err, ENOMEM, "snapshot");
	}
	return 0;
}

static int facts_from_json(bx_state *st, json_t *h, bx_error **err)
{
	if (!json_is_object(h))
		return bad(err, "host", "expected an object with page_size, mem_total, ncpus");
	uint64_t ncpus = 0;
	if (get_u64(h, "page_size", &st->facts.page_size, "host", err) < 0 ||
	    get_u64(h, "mem_total", &st->facts.mem_total, "host", err) < 0 ||
	    get_u64(h, "ncpus", &ncpus, "host", err) < 0)
		return -1;
	if (st->facts.page_size < 512 || (st->facts.page_size & (st->facts.page_size - 1)))
		return bad(err, "host.page_size", "expected a power of two of at least 512");
	if (ncpus > UINT32_MAX)
		return bad(err, "host.ncpus", "out of range");
	st->facts.ncpus = (unsigned)ncpus;
	json_t *hp = json_object_get(h, "hugepage_sizes");
	if (hp) {
		size_t max = BX_ARRAY_LEN(st->facts.hugepage_sizes) - 1;
		if (!json_is_array(hp) || json_array_size(hp) > max)
			return bad(err, "host.hugepage_sizes", "expected at most 3 sizes in bytes");
		for (size_t i = 0; i < json_array_size(hp); i++) {
			json_t *e = json_array_get(hp, i);
			if (!json_is_integer(e) || json_integer_value(e) <= 0)
				return bad(err, "host.hugepage_sizes", "expected sizes in bytes");
			st->facts.hugepage_sizes[i] = (uint64_t)json_integer_value(e);
		}
	}
	return 0;
}

int bx_state_from_jsonv(json_t *o, bx_state **out, bx_error **err)
{
	*out = NULL;
	if (!json_is_object(o))
		return bad(err, "document", "expected a JSON object");
	json_t *ver = json_object_get(o, "format_version");
	if (!json_is_integer(ver) || json_integer_value(ver) != SNAP_VERSION)
		return bad(err, "format_version", "expected 1 (this boxcg reads version 1)");
	json_t *base = json_object_get(o, "base");
	if (!json_is_string(base))
		return bad(err, "base", "expected a string");
	bool dirmode = false, present;
	if (get_bool(o, "dirmode", &dirmode, &present, "document", err) < 0)
		return -1;
	bx_state *st = bx_state_new(json_string_value(base), dirmode);
	if (!st)
		return bx_err(err, ENOMEM, "snapshot");
	int r = -1;
	json_t *tree = json_object_get(o, "tree"), *cgs = json_object_get(o, "cgroups");
	if (get_bool(o, "hybrid", &st->hybrid, &present, "document", err) < 0 ||
	    get_ctrls(o, "v1_bound", &st->v1_bound, &present, "document", err) < 0 ||
	    facts_from_json(st, json_object_get(o, "host"), err) < 0)
		goto out;
	if (tree && !json_is_null(tree)) {
		if (!json_is_string(tree) || !bx_cgpath_valid(json_string_value(tree)) ||
		    !*json_string_value(tree)) {
			bad(err, "tree", "expected a cgroup path or null");
			goto out;
		}
		if (!(st->tree = strdup(json_string_value(tree)))) {
			bx_err(err, ENOMEM, "snapshot");
			goto out;
		}
	}
	if (!json_is_array(cgs)) {
		bad(err, "cgroups", "expected an array");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(cgs); i++)
		if (cg_from_json(st, json_array_get(cgs, i), i, err) < 0)
			goto out;
	bx_state_sort(st);
	for (size_t i = 1; i < st->n; i++) {
		if (strcmp(st->v[i - 1].path, st->v[i].path) == 0) {
			cleanup_free char *m = bx_sprintf("cgroup \"%s\" is listed twice", st->v[i].path);
			bad(err, "cgroups", m ? m : "a cgroup is listed twice");
			goto out;
		}
	}
	if (!bx_state_find(st, "")) {
		bad(err, "cgroups", "the base (path \"\") is missing");
		goto out;
	}
	*out = bx_steal(&st);
	r = 0;
out:
	bx_state_free(st);
	return r;
}

int bx_state_from_json(const char *text, bx_state **out, bx_error **err)
{
	json_error_t je;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return bx_err(err, 0, "snapshot: line %d column %d: %s", je.line, je.column, je.text);
	int r = bx_state_from_jsonv(o, out, err);
	json_decref(o);
	return r;
}
