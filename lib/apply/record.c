#include "apply/record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroupfs/cgfs.h"
#include "core/util.h"
#include "knobs.h"

int bx_fileset_add(bx_fileset *s, const char *name, const char *value, size_t len)
{
	if (bx_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v) < 0)
		return -1;
	bx_fileval *f = &s->v[s->n];
	f->name = strdup(name);
	f->value = NULL;
	f->len = 0;
	if (value) {
		f->value = malloc(len + 1);
		if (f->value) {
			memcpy(f->value, value, len);
			f->value[len] = '\0';
			f->len = len;
		}
	}
	if (!f->name || (value && !f->value)) {
		free(f->name);
		free(f->value);
		errno = ENOMEM;
		return -1;
	}
	s->n++;
	return 0;
}

const bx_fileval *bx_fileset_get(const bx_fileset *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

void bx_fileset_free(bx_fileset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].value);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

void bx_undo_free(bx_undo *u)
{
	if (!u)
		return;
	free(u->cg);
	free(u->file);
	free(u->key);
	bx_fileset_free(&u->old);
	bx_fileset_free(&u->exact);
	memset(u, 0, sizeof *u);
}

void bx_undov_free(bx_undo *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bx_undo_free(&v[i]);
	free(v);
}

void bx_journal_header_free(bx_journal_header *h)
{
	free(h->base);
	free(h->fingerprint);
	free(h->boot_id);
	free(h->base_id);
	memset(h, 0, sizeof *h);
}

static const char *const op_names[] = {
	[BX_OP_ENABLE] = "enable", [BX_OP_MKDIR] = "mkdir", [BX_OP_WRITE] = "write",
	[BX_OP_RMDIR] = "rmdir",   [BX_OP_DISABLE] = "disable", [BX_OP_RECORD] = "record",
};

const char *bx_op_name(bx_op op)
{
	return (unsigned)op < BX_ARRAY_LEN(op_names) && op_names[op] ? op_names[op] : "?";
}

int bx_op_from_name(const char *name, bx_op *op)
{
	for (size_t i = 0; i < BX_ARRAY_LEN(op_names); i++)
		if (op_names[i] && bx_streq(op_names[i], name)) {
			*op = (bx_op)i;
			return 0;
		}
	return -1;
}

/* ---- byte strings ------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 0 and *s (NULL for json null), or -1 when malformed. */
static int bytes_from_json(const json_t *j, char **s, size_t *len)
{
	*s = NULL;
	*len = 0;
	if (json_is_null(j))
		return 0;
	if (json_is_string(j)) {
		size_t n = json_string_length(j);
		*s = malloc(n + 1);
		if (!*s)
			return -1;
		memcpy(*s, json_string_value(j), n);
		(*s)[n] = '\0';
		*len = n;
		return 0;
	}
	const json_t *h = json_is_object(j) && json_object_size(j) == 1 ? json_object_get(j, "hex") : NULL;
	if (!json_is_string(h))
		return -1;
	const char *t = json_string_value(h);
	size_t n = json_string_length(h);
	if (n % 2)
		return -1;
	*s = malloc(n / 2 + 1);
	if (!*s)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int a = hexval(t[2 * i]), b = hexval(t[2 * i + 1]);
		if (a < 0 || b < 0) {
			free(*s);
			*s = NULL;
			return -1;
		}
		(*s)[i] = (char)(a << 4 | b);
	}
	(*s)[n / 2] = '\0';
	*len = n / 2;
	return 0;
}

/* An interface file name as the journal may carry it: what a cgroup
 * directory can hold, never a path. */
static bool file_name_ok(const char *n)
{
	if (!n || !*n || strlen(n) > 255 || strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
		return false;
	return !strchr(n, '/');
}

/* interface: only cgroup interface file names (exact bytes, which
 * recover writes back byte for byte). */
static int fileset_from_json(const json_t *o, bx_fileset *s, const char *what, bool interface,
			     bx_error **err)
{
	if (!json_is_object(o))
		return bx_err(err, EINVAL, "%s: not an object", what);
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)o, name, v) {
		char *val;
		size_t len;
		if (!file_name_ok(name) || (interface && !bx_interface_file_name(name)))
			return bx_err(err, EINVAL, "%s: bad file name '%s'%s", what, name,
				      interface ? " (not a cgroup interface file)" : "");
		if (bytes_from_json(v, &val, &len) < 0)
			return bx_err(err, EINVAL, "%s: bad value for %s", what, name);
		int r = bx_fileset_add(s, name, val, len);
		free(val);
		if (r < 0)
			return bx_err(err, ENOMEM, "%s", what);
	}
	return 0;
}

/* ---- records ------------------------------------------------------------ */

static int opt_string(const json_t *o, const char *k, char **out, bx_error **err)
{
	const json_t *v = json_object_get(o, k);
	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return bx_err(err, EINVAL, "\"%s\" is not a string", k);
	*out = strdup(json_string_value(v));
	return *out ? 0 : bx_err(err, ENOMEM, "%s", k);
}

int bx_undo_from_json(const json_t *j, bx_undo *u, bx_error **err)
{
	memset(u, 0, sizeof *u);
	u->step = -1;
	if (!json_is_object(j))
		return bx_err(err, EINVAL, "record is not an object");
	const json_t *step = json_object_get(j, "step");
	if (step && !json_is_integer(step))
		return bx_err(err, EINVAL, "\"step\" is not an integer");
	if (step)
		u->step = (long)json_integer_value(step);
	const json_t *op = json_object_get(j, "op");
	if (!json_is_string(op) || bx_op_from_name(json_string_value(op), &u->op) < 0)
		return bx_err(err, EINVAL, "missing or unknown \"op\"");
	if (opt_string(j, "cg", &u->cg, err) < 0 || opt_string(j, "file", &u->file, err) < 0 ||
	    opt_string(j, "key", &u->key, err) < 0)
		goto fail;
	if (!u->cg || (*u->cg && !bx_cgpath_valid(u->cg))) {
		bx_err(err, EINVAL, "missing or unsafe cgroup path \"%s\"", u->cg ? u->cg : "");
		goto fail;
	}
	if (u->op == BX_OP_MKDIR || u->op == BX_OP_RMDIR) {
		if (!*u->cg) {
			bx_err(err, EINVAL, "%s of the base itself", bx_op_name(u->op));
			goto fail;
		}
	}
	if (u->op == BX_OP_WRITE && !file_name_ok(u->file)) {
		bx_err(err, EINVAL, "write record without a valid \"file\"");
		goto fail;
	}
	const json_t *ctrls = json_object_get(j, "ctrls");
	if (ctrls && !json_is_string(ctrls)) {
		bx_err(err, EINVAL, "\"ctrls\" is not a string");
		goto fail;
	}
	if (ctrls)
		u->ctrls = bx_ctrl_parse_list(json_string_value(ctrls));
	if ((u->op == BX_OP_ENABLE || u->op == BX_OP_DISABLE) && !u->ctrls) {
		bx_err(err, EINVAL, "%s record names no controller", bx_op_name(u->op));
		goto fail;
	}
	const json_t *old = json_object_get(j, "old");
	if (old && fileset_from_json(old, &u->old, "\"old\"", false, err) < 0)
		goto fail;
	const json_t *exact = json_object_get(j, "exact");
	if (exact) {
		u->has_exact = true;
		if (fileset_from_json(exact, &u->exact, "\"exact\"", true, err) < 0)
			goto fail;
	}
	const json_t *st = json_object_get(j, "static");
	u->static_box = json_is_true(st);
	return 0;
fail:
	bx_undo_free(u);
	return -1;
}

int bx_journal_header_from_json(const json_t *j, bx_journal_header *h, bx_error **err)
{
	memset(h, 0, sizeof *h);
	json_int_t version = 0, pid = 0, steps = 0;
	const char *base = NULL, *fp = NULL, *boot = NULL, *id = NULL;
	int dirmode = 0;
	json_error_t je;
	if (json_unpack_ex((json_t *)j, &je, 0, "{s:I, s:s, s:b, s:s, s?:I, s?:I, s?:s, s?:s}",
			   "boxcg_journal", &version, "base", &base, "dirmode", &dirmode, "fingerprint",
			   &fp, "pid", &pid, "steps", &steps, "boot_id", &boot, "base_id", &id) < 0)
		return bx_err(err, EINVAL, "journal header: %s", je.text);
	if (version != 1)
		return bx_err(err, EINVAL, "journal header: unsupported version %lld", (long long)version);
	if (base[0] != '/')
		return bx_err(err, EINVAL, "journal header: base \"%s\" is not an absolute path", base);
	h->base = strdup(base);
	h->fingerprint = strdup(fp);
	h->dirmode = dirmode;
	h->pid = (long)pid;
	h->nsteps = (long)steps;
	if (id && (strspn(id, "0123456789:") != strlen(id) || !strchr(id, ':') || strlen(id) > 48))
		return bx_err(err, EINVAL, "journal header: base_id \"%s\" is not DEV:INO", id);
	h->boot_id = boot ? strdup(boot) : NULL;
	h->base_id = id ? strdup(id) : NULL;
	if (!h->base || !h->fingerprint || (boot && !h->boot_id) || (id && !h->base_id)) {
		bx_journal_header_free(h);
		return bx_err(err, ENOMEM, "journal header");
	}
	return 0;
}
