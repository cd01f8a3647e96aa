/* The plan as one JSON document, and back (plan --json, plan files).
 *
 *   { "format_version": 1, "base": "/sys/fs/cgroup", "dirmode": false,
 *     "fingerprint": "8f3a…",
 *     "steps": [ { "op": "write", "cgroup": "boxlite/small", "file": "memory.max",
 *                  "key": null, "write": "1073741824", "old": "max",
 *                  "new": "1073741824",
 *                  "location": { "file": "p.yaml", "line": 7, "column": 14 },
 *                  "path": "classes.small.slice.memory.max", "warning": null,
 *                  "static_box": false } ],
 *     "summary": { "to_create": 1, "to_change": 1, "to_remove": 0 } }
 *
 * Every step has every key (null when it does not apply). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/json_int.h"
#include "plan/plan_int.h"

#define PLAN_VERSION 1

static const char *const op_names[] = {
	[BX_OP_ENABLE] = "enable", [BX_OP_MKDIR] = "mkdir", [BX_OP_WRITE] = "write",
	[BX_OP_RMDIR] = "rmdir",   [BX_OP_DISABLE] = "disable",
};

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		*ok = false;
}

static json_t *step_to_json(const bx_step *s)
{
	bool ok = true;
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "op", json_string(op_names[s->op]), &ok);
	put(o, "cgroup", json_string(s->cgroup ? s->cgroup : ""), &ok);
	put(o, "file", str_or_null(s->file), &ok);
	put(o, "key", str_or_null(s->key), &ok);
	put(o, "write", str_or_null(s->write), &ok);
	put(o, "old", str_or_null(s->old), &ok);
	put(o, "new", str_or_null(s->new), &ok);
	if (s->loc.file) {
		json_t *l = json_object();
		if (l) {
			put(l, "file", json_string(s->loc.file), &ok);
			put(l, "line", json_integer(s->loc.line), &ok);
			put(l, "column", json_integer(s->loc.col), &ok);
		}
		put(o, "location", l, &ok);
	} else {
		put(o, "location", json_null(), &ok);
	}
	put(o, "path", str_or_null(s->ypath), &ok);
	put(o, "warning", str_or_null(s->warning), &ok);
	put(o, "static_box", json_boolean(s->static_box), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *bx_plan_to_jsonv(const bx_plan *pl)
{
	bool ok = true;
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "format_version", json_integer(PLAN_VERSION), &ok);
	put(o, "base", json_string(pl->base_path ? pl->base_path : ""), &ok);
	put(o, "dirmode", json_boolean(pl->dirmode), &ok);
	put(o, "fingerprint", str_or_null(pl->fingerprint), &ok);
	json_t *a = json_array();
	for (size_t i = 0; a && i < pl->n; i++)
		if (json_array_append_new(a, step_to_json(&pl->v[i])) < 0)
			ok = false;
	put(o, "steps", a, &ok);
	json_t *sum = json_object();
	if (sum) {
		put(sum, "to_create", json_integer((json_int_t)pl->to_create), &ok);
		put(sum, "to_change", json_integer((json_int_t)pl->to_change), &ok);
		put(sum, "to_remove", json_integer((json_int_t)pl->to_remove), &ok);
	}
	put(o, "summary", sum, &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *bx_plan_to_json(const bx_plan *plan, bx_error **err)
{
	json_t *o = bx_plan_to_jsonv(plan);
	char *s = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
	json_decref(o);
	char *t = s ? bx_sprintf("%s\n", s) : NULL;
	free(s);
	if (!t)
		bx_err(err, ENOMEM, "plan to JSON");
	return t;
}

/* --- reading --------------------------------------------------------------- */

static int bad(bx_error **err, size_t i, const char *what)
{
	if (i == SIZE_MAX)
		return bx_err(err, 0, "plan: %s", what);
	return bx_err(err, 0, "plan: steps[%zu]: %s", i, what);
}

/* An optional string member: absent or null → NULL. */
static int opt_str(json_t *o, const char *k, const char **out, size_t i, bx_error **err)
{
	json_t *v = json_object_get(o, k);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		cleanup_free char *m = bx_sprintf("\"%s\" must be a string or null", k);
		return bad(err, i, m ? m : "a member has the wrong type");
	}
	*out = json_string_value(v);
	return 0;
}

static int step_from_json(bx_plan *pl, json_t *o, size_t i, bx_error **err)
{
	if (!json_is_object(o))
		return bad(err, i, "expected an object");
	const char *op = json_string_value(json_object_get(o, "op"));
	bx_step s = {0};
	size_t k = 0;
	while (k < BX_ARRAY_LEN(op_names) && !(op && strcmp(op, op_names[k]) == 0))
		k++;
	if (k == BX_ARRAY_LEN(op_names))
		return bad(err, i, "\"op\" must be enable, mkdir, write, rmdir or disable");
	s.op = (bx_op)k;
	const char *cg, *file, *key, *write, *old, *new, *ypath, *warning;
	if (opt_str(o, "cgroup", &cg, i, err) < 0 || opt_str(o, "file", &file, i, err) < 0 ||
	    opt_str(o, "key", &key, i, err) < 0 || opt_str(o, "write", &write, i, err) < 0 ||
	    opt_str(o, "old", &old, i, err) < 0 || opt_str(o, "new", &new, i, err) < 0 ||
	    opt_str(o, "path", &ypath, i, err) < 0 || opt_str(o, "warning", &warning, i, err) < 0)
		return -1;
	if (!cg || !bx_cgpath_valid(cg))
		return bad(err, i, "\"cgroup\" must be a safe relative cgroup path");
	bool writes = s.op == BX_OP_WRITE || s.op == BX_OP_ENABLE || s.op == BX_OP_DISABLE;
	if (writes && (!file || !bx_cgfile_valid(file) || !write))
		return bad(err, i, "a write needs a safe \"file\" and the bytes to \"write\"");
	if (!writes && (file || write || key))
		return bad(err, i, "mkdir and rmdir take no \"file\", \"key\" or \"write\"");
	if (s.op != BX_OP_WRITE && key)
		return bad(err, i, "only a write has a \"key\"");
	if ((s.op == BX_OP_ENABLE || s.op == BX_OP_DISABLE) &&
	    (strcmp(file, "cgroup.subtree_control") != 0 ||
	     write[0] != (s.op == BX_OP_ENABLE ? '+' : '-') ||
	     !bx_ctrl_from_name(write + 1, strlen(write + 1))))
		return bad(err, i, "enable/disable write \"+ctrl\"/\"-ctrl\" to cgroup.subtree_control");
	if (s.op == BX_OP_WRITE && (!bx_file_lookup(file) || strcmp(file, "cgroup.subtree_control") == 0))
		return bad(err, i, "\"file\" is not an interface file boxcg manages");
	if (s.op == BX_OP_MKDIR && !*cg)
		return bad(err, i, "mkdir of the base");
	if (s.op == BX_OP_RMDIR && !*cg)
		return bad(err, i, "rmdir of the base");
	json_t *sb = json_object_get(o, "static_box");
	if (sb && !json_is_boolean(sb))
		return bad(err, i, "\"static_box\" must be true or false");
	s.static_box = json_is_true(sb);
	if (s.static_box && s.op != BX_OP_MKDIR)
		return bad(err, i, "only a mkdir creates a static box");
	json_t *loc = json_object_get(o, "location");
	if (loc && !json_is_null(loc)) {
		json_t *f = json_object_get(loc, "file"), *l = json_object_get(loc, "line"),
		       *c = json_object_get(loc, "column");
		if (!json_is_object(loc) || !json_is_string(f) || !json_is_integer(l) ||
		    !json_is_integer(c) || json_integer_value(l) < 0 || json_integer_value(c) < 0 ||
		    json_integer_value(l) > UINT32_MAX || json_integer_value(c) > UINT32_MAX)
			return bad(err, i, "\"location\" must be {file, line, column} or null");
		s.loc = (bx_loc){ json_string_value(f), (unsigned)json_integer_value(l),
				  (unsigned)json_integer_value(c) };
	}
	s.cgroup = (char *)cg;
	s.file = (char *)file;
	s.key = (char *)key;
	s.write = (char *)write;
	s.old = (char *)old;
	s.new = (char *)new;
	s.ypath = (char *)ypath;
	s.warning = (char *)warning;
	return bx_plan_push(pl, &s, err);
}

int bx_plan_from_jsonv(json_t *o, bx_plan **out, bx_error **err)
{
	*out = NULL;
	if (!json_is_object(o))
		return bad(err, SIZE_MAX, "expected a JSON object");
	json_t *ver = json_object_get(o, "format_version");
	if (!json_is_integer(ver) || json_integer_value(ver) != PLAN_VERSION)
		return bad(err, SIZE_MAX, "format_version: expected 1 (this boxcg reads version 1)");
	json_t *base = json_object_get(o, "base"), *dm = json_object_get(o, "dirmode");
	json_t *fp = json_object_get(o, "fingerprint"), *steps = json_object_get(o, "steps");
	if (!json_is_string(base) || !json_is_boolean(dm) || !json_is_array(steps) ||
	    (fp && !json_is_string(fp) && !json_is_null(fp)))
		return bad(err, SIZE_MAX,
			   "expected base (string), dirmode (boolean), fingerprint, steps (array)");
	bx_plan *pl = bx_plan_new(json_string_value(base), json_is_true(dm));
	if (!pl)
		return bx_err(err, ENOMEM, "plan");
	if (json_is_string(fp) && !(pl->fingerprint = strdup(json_string_value(fp)))) {
		bx_plan_free(pl);
		return bx_err(err, ENOMEM, "plan");
	}
	for (size_t i = 0; i < json_array_size(steps); i++) {
		if (step_from_json(pl, json_array_get(steps, i), i, err) < 0) {
			bx_plan_free(pl);
			return -1;
		}
	}
	/* the summary is recomputed, never trusted */
	bx_plan_count(pl);
	*out = pl;
	return 0;
}

int bx_plan_from_json(const char *text, bx_plan **out, bx_error **err)
{
	json_error_t je;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return bx_err(err, 0, "plan: line %d column %d: %s", je.line, je.column, je.text);
	int r = bx_plan_from_jsonv(o, out, err);
	json_decref(o);
	return r;
}
