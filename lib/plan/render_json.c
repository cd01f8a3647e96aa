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
#include "plan/managed.h"
#include "plan/plan_int.h"

#define PLAN_VERSION 1

static const char *const op_names[] = {
	[BX_OP_ENABLE] = "enable", [BX_OP_MKDIR] = "mkdir", [BX_OP_WRITE] = "write",
	[BX_OP_RMDIR] = "rmdir",   [BX_OP_DISABLE] = "disable", [BX_OP_RECORD] = "record",
};

static void step_write(bx_jw *w, const bx_step *s)
{
	bx_jw_begin_object(w);
	bx_jw_key(w, "op");
	bx_jw_string(w, op_names[s->op]);
	bx_jw_key(w, "cgroup");
	bx_jw_string(w, s->cgroup ? s->cgroup : "");
	bx_jw_key(w, "file");
	bx_jw_string(w, s->file);
	bx_jw_key(w, "key");
	bx_jw_string(w, s->key);
	bx_jw_key(w, "write");
	bx_jw_string(w, s->write);
	bx_jw_key(w, "old");
	bx_jw_string(w, s->old);
	bx_jw_key(w, "new");
	bx_jw_string(w, s->new);
	bx_jw_key(w, "location");
	if (s->loc.file) {
		bx_jw_begin_object(w);
		bx_jw_key(w, "file");
		bx_jw_string(w, s->loc.file);
		bx_jw_key(w, "line");
		bx_jw_uint(w, s->loc.line);
		bx_jw_key(w, "column");
		bx_jw_uint(w, s->loc.col);
		bx_jw_end_object(w);
	} else {
		bx_jw_null(w);
	}
	bx_jw_key(w, "path");
	bx_jw_string(w, s->ypath);
	bx_jw_key(w, "warning");
	bx_jw_string(w, s->warning);
	bx_jw_key(w, "static_box");
	bx_jw_bool(w, s->static_box);
	bx_jw_end_object(w);
}

void bx_plan_write_members(bx_jw *w, const bx_plan *pl)
{
	bx_jw_key(w, "format_version");
	bx_jw_uint(w, PLAN_VERSION);
	bx_jw_key(w, "base");
	bx_jw_string(w, pl->base_path ? pl->base_path : "");
	bx_jw_key(w, "dirmode");
	bx_jw_bool(w, pl->dirmode);
	bx_jw_key(w, "fingerprint");
	bx_jw_string(w, pl->fingerprint);
	bx_jw_key(w, "steps");
	bx_jw_begin_array(w);
	for (size_t i = 0; i < pl->n; i++)
		step_write(w, &pl->v[i]);
	bx_jw_end_array(w);
	bx_jw_key(w, "summary");
	bx_jw_begin_object(w);
	bx_jw_key(w, "to_create");
	bx_jw_uint(w, pl->to_create);
	bx_jw_key(w, "to_change");
	bx_jw_uint(w, pl->to_change);
	bx_jw_key(w, "to_remove");
	bx_jw_uint(w, pl->to_remove);
	bx_jw_end_object(w);
}

char *bx_plan_to_json(const bx_plan *plan, bx_error **err)
{
	bx_jw w = {0};
	bx_jw_begin_object(&w);
	bx_plan_write_members(&w, plan);
	bx_jw_end_object(&w);
	char *s = bx_jw_take(&w);
	if (!s)
		bx_err(err, ENOMEM, "plan to JSON");
	return s;
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
		return bad(err, i, "\"op\" must be enable, mkdir, write, rmdir, disable or record");
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
	if (s.op == BX_OP_RECORD && (file || key || !write || !bx_managed_valid(write)))
		return bad(err, i, "a record takes no \"file\" or \"key\", and \"write\" must be "
				   "the settings boxcg manages, as boxcg writes them");
	if (!writes && s.op != BX_OP_RECORD && (file || write || key))
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
