/* Saved plans: write, read, and the staleness check (planfile.h). */
#include "plan/planfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "plan/json_int.h"
#include "plan/managed.h"
#include "plan/normalize.h"

/* A plan file larger than this is not one boxcg wrote for a sane policy. */
#define PLANFILE_MAX (256u << 20)

int bx_plan_record_source(bx_plan *plan, const bx_policy *p, bool prune, bx_error **err)
{
	bx_plan_source *s = &plan->source;
	bx_strv_free(s->names, s->n);
	bx_strv_free(s->texts, s->n);
	*s = (bx_plan_source){ .prune = prune };
	s->names = calloc(p->nfiles ? p->nfiles : 1, sizeof *s->names);
	s->texts = calloc(p->nfiles ? p->nfiles : 1, sizeof *s->texts);
	if (!s->names || !s->texts)
		goto oom;
	for (size_t i = 0; i < p->nfiles; i++) {
		if (!p->texts || !p->texts[i])
			return bx_err(err, EINVAL, "plan: the text of policy file %s was not kept",
				      p->files[i]);
		s->names[i] = strdup(p->files[i]);
		s->texts[i] = strdup(p->texts[i]);
		s->n = i + 1;
		if (!s->names[i] || !s->texts[i])
			goto oom;
	}
	s->present = true;
	return 0;
oom:
	return bx_err(err, ENOMEM, "plan: record the policy");
}

static void write_source(bx_jw *w, const bx_plan_source *s)
{
	bx_jw_key(w, "policy");
	bx_jw_begin_object(w);
	bx_jw_key(w, "prune");
	bx_jw_bool(w, s->prune);
	bx_jw_key(w, "files");
	bx_jw_begin_array(w);
	for (size_t i = 0; i < s->n; i++) {
		bx_jw_begin_object(w);
		bx_jw_key(w, "name");
		bx_jw_string(w, s->names[i]);
		bx_jw_key(w, "text");
		bx_jw_string(w, s->texts[i]);
		bx_jw_end_object(w);
	}
	bx_jw_end_array(w);
	bx_jw_end_object(w);
}

/* "policy": what write_source wrote. */
static int read_source(json_t *o, bx_plan_source *s, bx_error **err)
{
	json_t *prune = json_object_get(o, "prune"), *files = json_object_get(o, "files");
	if (!json_is_object(o) || !json_is_boolean(prune) || !json_is_array(files) ||
	    json_array_size(files) == 0 || json_array_size(files) > 4096)
		return bx_err(err, 0, "\"policy\" must be {\"prune\": bool, \"files\": [1 to 4096 "
				      "{\"name\", \"text\"}]}");
	size_t n = json_array_size(files);
	s->prune = json_is_true(prune);
	s->names = calloc(n, sizeof *s->names);
	s->texts = calloc(n, sizeof *s->texts);
	if (!s->names || !s->texts)
		return bx_err(err, ENOMEM, "\"policy\"");
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(files, i);
		json_t *name = json_object_get(f, "name"), *text = json_object_get(f, "text");
		if (!json_is_string(name) || !json_is_string(text) || !*json_string_value(name) ||
		    strlen(json_string_value(text)) != json_string_length(text) ||
		    strlen(json_string_value(name)) != json_string_length(name))
			return bx_err(err, 0, "\"policy\".files[%zu]: needs a \"name\" and a \"text\" "
					      "(strings without NUL)",
				      i);
		s->names[i] = strdup(json_string_value(name));
		s->texts[i] = strdup(json_string_value(text));
		s->n = i + 1;
		if (!s->names[i] || !s->texts[i])
			return bx_err(err, ENOMEM, "\"policy\"");
	}
	s->present = true;
	return 0;
}

char *bx_planfile_to_json(const bx_plan *plan, const bx_state *observed, bx_error **err)
{
	bx_jw w = {0};
	bx_jw_begin_object(&w);
	bx_plan_write_members(&w, plan);
	if (plan->source.present)
		write_source(&w, &plan->source);
	bx_jw_key(&w, "observed");
	bx_state_write_json(&w, observed);
	bx_jw_end_object(&w);
	char *s = bx_jw_take(&w);
	if (!s)
		bx_err(err, ENOMEM, "plan file");
	return s;
}

int bx_planfile_write(const char *path, const bx_plan *plan, const bx_state *observed,
		      bx_error **err)
{
	cleanup_free char *text = bx_planfile_to_json(plan, observed, err);
	if (!text)
		return -1;
	cleanup_free char *tmp = bx_sprintf("%s.tmp.%ld", path, (long)getpid());
	if (!tmp)
		return bx_err(err, ENOMEM, "write %s", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return bx_err(err, errno, "write plan file %s", tmp);
	size_t n = strlen(text), off = 0;
	while (off < n) {
		ssize_t w = write(fd, text + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			unlink(tmp);
			return bx_err(err, e, "write plan file %s", tmp);
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return bx_err(err, e, "fsync plan file %s", tmp);
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return bx_err(err, e, "rename %s to %s", tmp, path);
	}
	return 0;
}

int bx_planfile_from_json(const char *text, bx_plan **plan, bx_state **observed_then,
			  bx_error **err)
{
	*plan = NULL;
	*observed_then = NULL;
	json_error_t je;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return bx_err(err, 0, "plan file: line %d column %d: %s", je.line, je.column,
			      je.text);
	bx_plan *pl = NULL;
	bx_state *st = NULL;
	cleanup_free char *fp = NULL;
	int r = -1;
	json_t *obs = json_object_get(o, "observed");
	if (!obs) {
		bx_err(err, 0,
		       "plan file: no \"observed\" state (a `plan --json` document is not a plan "
		       "file: save one with `plan -o FILE`)");
		goto out;
	}
	if (bx_plan_from_jsonv(o, &pl, err) < 0 || bx_state_from_jsonv(obs, &st, err) < 0) {
		bx_err_wrap(err, "plan file");
		goto out;
	}
	json_t *src = json_object_get(o, "policy");
	if (src && read_source(src, &pl->source, err) < 0) {
		bx_err_wrap(err, "plan file");
		goto out;
	}
	if (!(fp = bx_state_fingerprint(st))) {
		bx_err(err, ENOMEM, "plan file");
		goto out;
	}
	if (!pl->fingerprint || strcmp(fp, pl->fingerprint) != 0) {
		bx_err(err, 0,
		       "plan file: its observed state does not match its fingerprint (%s, computed "
		       "%s): the file was edited or damaged",
		       pl->fingerprint ? pl->fingerprint : "none", fp);
		goto out;
	}
	if (strcmp(pl->base_path, st->base_path) != 0 || pl->dirmode != st->dirmode) {
		bx_err(err, 0, "plan file: the plan and its observed state name different bases");
		goto out;
	}
	*plan = bx_steal(&pl);
	*observed_then = bx_steal(&st);
	r = 0;
out:
	bx_plan_free(pl);
	bx_state_free(st);
	json_decref(o);
	return r;
}

int bx_planfile_load(const char *path, bx_plan **plan, bx_state **observed_then, bx_error **err)
{
	*plan = NULL;
	*observed_then = NULL;
	/* O_NONBLOCK: a FIFO cannot hang us before the type check */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return bx_err(err, errno, "open plan file %s", path);
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > (off_t)PLANFILE_MAX) {
		int e = errno;
		close(fd);
		if (!S_ISREG(sb.st_mode))
			return bx_err(err, 0, "plan file %s: not a regular file", path);
		if (sb.st_size > (off_t)PLANFILE_MAX)
			return bx_err(err, EFBIG, "plan file %s: larger than %u MiB", path,
				      PLANFILE_MAX >> 20);
		return bx_err(err, e, "stat plan file %s", path);
	}
	size_t n = (size_t)sb.st_size, off = 0;
	cleanup_free char *text = malloc(n + 1);
	if (!text) {
		close(fd);
		return bx_err(err, ENOMEM, "read plan file %s", path);
	}
	while (off < n) {
		ssize_t r = read(fd, text + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			return bx_err(err, e, "read plan file %s", path);
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	text[off] = '\0';
	if (strlen(text) != off)
		return bx_err(err, 0, "plan file %s: contains a NUL byte", path);
	if (bx_planfile_from_json(text, plan, observed_then, err) < 0)
		return bx_err_wrap(err, "%s", path);
	return 0;
}

/* --- the same plan? ----------------------------------------------------------- */

static bool same_step(const bx_step *x, const bx_step *y)
{
	return x->op == y->op && bx_streq(x->cgroup, y->cgroup) && bx_streq(x->file, y->file) &&
	       bx_streq(x->key, y->key) && bx_streq(x->write, y->write) &&
	       bx_streq(x->old, y->old) && bx_streq(x->new, y->new) &&
	       bx_streq(x->ypath, y->ypath) && bx_streq(x->warning, y->warning) &&
	       x->static_box == y->static_box && bx_streq(x->loc.file, y->loc.file) &&
	       x->loc.line == y->loc.line && x->loc.col == y->loc.col;
}

/* One step in a line, outside text escaped. */
static char *describe(const bx_step *s)
{
	static const char *const ops[] = { [BX_OP_MKDIR] = "mkdir", [BX_OP_RMDIR] = "rmdir",
					   [BX_OP_ENABLE] = "enable", [BX_OP_DISABLE] = "disable",
					   [BX_OP_WRITE] = "write", [BX_OP_RECORD] = "record" };
	const char *op = (unsigned)s->op < BX_ARRAY_LEN(ops) && ops[s->op] ? ops[s->op] : "?";
	cleanup_free char *cg = bx_esc(s->cgroup ? s->cgroup : "");
	cleanup_free char *file = bx_esc(s->file ? s->file : "");
	cleanup_free char *w = bx_esc(s->write ? s->write : "");
	cleanup_free char *nv = bx_esc(s->new ? s->new : "");
	if (!cg || !file || !w || !nv)
		return NULL;
	if (s->op == BX_OP_MKDIR || s->op == BX_OP_RMDIR)
		return bx_sprintf("%s %s", op, *cg ? cg : "(base)");
	return bx_sprintf("%s \"%s\" to %s%s%s (new value \"%s\")", op, w, cg, *cg ? "/" : "", file,
			  nv);
}

int bx_plan_same(const bx_plan *a, const bx_plan *b, char **what, bx_error **err)
{
	*what = NULL;
	if (!bx_streq(a->base_path, b->base_path) || a->dirmode != b->dirmode) {
		cleanup_free char *x = bx_esc(a->base_path);
		cleanup_free char *y = bx_esc(b->base_path);
		*what = bx_sprintf("it was made for %s, this is %s", x ? x : "?", y ? y : "?");
		return *what ? 0 : bx_err(err, ENOMEM, "compare plans");
	}
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++) {
		if (same_step(&a->v[i], &b->v[i]))
			continue;
		cleanup_free char *x = describe(&a->v[i]);
		cleanup_free char *y = describe(&b->v[i]);
		*what = bx_sprintf("step %zu: the file says %s; boxcg plans %s", i + 1, x ? x : "?",
				   y ? y : "?");
		return *what ? 0 : bx_err(err, ENOMEM, "compare plans");
	}
	if (a->n != b->n) {
		*what = bx_sprintf("the file has %zu steps; boxcg plans %zu", a->n, b->n);
		return *what ? 0 : bx_err(err, ENOMEM, "compare plans");
	}
	return 1;
}

/* --- freshness --------------------------------------------------------------- */

#define MAX_LINES 20

typedef struct changes {
	bx_buf b;
	size_t n;
} changes;

static void note(changes *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(changes *c, const char *fmt, ...)
{
	c->n++;
	if (c->n > MAX_LINES)
		return;
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		c->b.oom = true;
		return;
	}
	bx_buf_printf(&c->b, "%s\n", s);
	free(s);
}

static const char *show(const char *cg) { return *cg ? cg : "(base)"; }

static void ctrls_changed(changes *c, const char *cg, const char *file, unsigned a, unsigned b)
{
	if (a == b)
		return;
	cleanup_free char *x = bx_ctrl_format_list(a);
	cleanup_free char *y = bx_ctrl_format_list(b);
	note(c, "%s: %s was \"%s\", is \"%s\"", show(cg), file, x ? x : "?", y ? y : "?");
}

static void children_changed(changes *c, const bx_cg_state *a, const bx_cg_state *b)
{
	size_t i = 0, j = 0;
	while (i < a->nchildren || j < b->nchildren) {
		int cmp = i < a->nchildren && j < b->nchildren ? strcmp(a->children[i], b->children[j])
			  : i < a->nchildren			  ? -1
								  : 1;
		if (cmp < 0)
			note(c, "%s: child cgroup %s was removed", show(a->path), a->children[i++]);
		else if (cmp > 0)
			note(c, "%s: child cgroup %s was created", show(a->path), b->children[j++]);
		else
			i++, j++;
	}
}

static void files_changed(changes *c, const bx_cg_state *a, const bx_cg_state *b)
{
	for (size_t i = 0; i < a->nfiles; i++) {
		const bx_file_state *fa = &a->files[i];
		if (strcmp(fa->name, "pids.current") == 0)
			continue;
		const bx_file_state *fb = bx_cg_file(b, fa->name);
		cleanup_free char *va = fa->raw ? bx_canon_file(fa->name, fa->raw) : NULL;
		cleanup_free char *vb = fb && fb->raw ? bx_canon_file(fa->name, fb->raw) : NULL;
		if (!bx_streq(va, vb))
			note(c, "%s/%s was \"%s\", is \"%s\"", a->path, fa->name,
			     va ? va : "(absent)", vb ? vb : "(absent)");
	}
}

static void cg_changed(changes *c, const bx_cg_state *a, const bx_cg_state *b)
{
	if (a->exists != b->exists) {
		note(c, "%s was %s since the plan was made", show(a->path),
		     b->exists ? "created" : "removed");
		return;
	}
	if (!a->exists)
		return;
	if (a->observed & b->observed & BX_OBS_CONTROLLERS)
		ctrls_changed(c, a->path, "cgroup.controllers", a->controllers, b->controllers);
	if (a->observed & b->observed & BX_OBS_SUBTREE)
		ctrls_changed(c, a->path, "cgroup.subtree_control", a->subtree_control,
			      b->subtree_control);
	if ((a->observed & b->observed & BX_OBS_STATIC) && a->static_box != b->static_box)
		note(c, "%s: the static-box mark was %s", show(a->path),
		     b->static_box ? "added" : "removed");
	if ((a->observed & b->observed & BX_OBS_MANAGED) &&
	    (!bx_streq(a->managed, b->managed) || a->managed_unsupported != b->managed_unsupported))
		note(c, "%s: the record of managed settings (" BX_MANAGED_XATTR ") was \"%s\", is \"%s\"",
		     show(a->path), a->managed ? a->managed : "(none)", b->managed ? b->managed : "(none)");
	if (a->observed & b->observed & BX_OBS_CHILDREN)
		children_changed(c, a, b);
	files_changed(c, a, b);
}

int bx_plan_check_fresh(const bx_plan *plan, const bx_state *then, const bx_state *now,
			char **what_changed, bx_error **err)
{
	*what_changed = NULL;
	if (!then->sorted || !now->sorted)
		return bx_err(err, EINVAL, "check plan: states must be sorted (bx_state_sort)");
	changes c = {0};
	if (strcmp(plan->base_path, now->base_path) != 0 || plan->dirmode != now->dirmode)
		note(&c, "the plan was made for %s%s, this is %s%s", plan->base_path,
		     plan->dirmode ? " (directory mode)" : "", now->base_path,
		     now->dirmode ? " (directory mode)" : "");
	cleanup_free char *fp = bx_state_fingerprint(now);
	if (!fp)
		return bx_err(err, ENOMEM, "check plan");
	if (!plan->fingerprint || strcmp(fp, plan->fingerprint) != 0) {
		if (then->v1_bound != now->v1_bound)
			ctrls_changed(&c, "(host)", "controllers bound to cgroup v1", then->v1_bound,
				      now->v1_bound);
		size_t i = 0, j = 0;
		while (i < then->n || j < now->n) {
			int cmp = i < then->n && j < now->n ? bx_path_cmp(then->v[i].path, now->v[j].path)
				  : i < then->n		    ? -1
							    : 1;
			if (cmp < 0)
				note(&c, "%s: no longer observed", show(then->v[i++].path));
			else if (cmp > 0)
				note(&c, "%s: newly observed", show(now->v[j++].path));
			else
				cg_changed(&c, &then->v[i++], &now->v[j++]);
		}
		if (c.n == 0)
			note(&c, "the observed state changed (fingerprint %s, now %s)",
			     plan->fingerprint ? plan->fingerprint : "none", fp);
	}
	/* Processes come and go without making a plan stale, except in what
	 * it removes. */
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->v[i].op != BX_OP_RMDIR)
			continue;
		const bx_cg_state *cg = bx_state_find(now, plan->v[i].cgroup);
		if (cg && cg->exists && cg->populated)
			note(&c, "%s, which the plan removes, now has processes", cg->path);
	}
	if (c.n == 0) {
		bx_buf_free(&c.b);
		return 0;
	}
	if (c.n > MAX_LINES)
		bx_buf_printf(&c.b, "… and %zu more\n", c.n - MAX_LINES);
	*what_changed = bx_buf_take(&c.b);
	if (!*what_changed)
		return bx_err(err, ENOMEM, "check plan");
	return 1;
}
