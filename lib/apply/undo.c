#include "apply/undo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply/capture.h"
#include "apply/exact.h"
#include "apply/mutate.h"
#include "core/strmap.h"
#include "core/util.h"
#include "knobs.h"
#include "plan/managed.h"
#include "plan/normalize.h"

#define SUBTREE "cgroup.subtree_control"

/* ---- helpers ------------------------------------------------------------ */

static int note(bx_rollback *rb, const char *cg, const char *file)
{
	char *s = bx_cg_show(cg, file);
	if (!s)
		return -1;
	for (size_t i = 0; i < rb->nunrestored; i++)
		if (strcmp(rb->unrestored[i], s) == 0) {
			free(s);
			return 0;
		}
	if (bx_grow(&rb->unrestored, &rb->cap, rb->nunrestored + 1, sizeof *rb->unrestored) < 0) {
		free(s);
		return -1;
	}
	rb->unrestored[rb->nunrestored++] = s;
	return 0;
}

static const char *oldval(const bx_undo *u, const char *file)
{
	const bx_fileval *f = bx_fileset_get(&u->old, file);
	return f ? f->value : NULL;
}

/* Canonical equality of two read-backs of `file` (line `key`). */
static int same(const char *file, const char *key, const char *a, const char *b, bool *eq,
		bx_error **err)
{
	cleanup_free char *ca = key ? bx_canon_key(file, a, key) : bx_canon_file(file, a);
	cleanup_free char *cb = key ? bx_canon_key(file, b, key) : bx_canon_file(file, b);
	if (!ca || !cb)
		return bx_err(err, ENOMEM, "compare %s", file);
	*eq = strcmp(ca, cb) == 0;
	return 0;
}

/* Read `file` of cg and compare with `want`. */
static int reads_as(bx_rollback *rb, const char *cg, const char *file, const char *key,
		    const char *want, bool *eq, bx_error **err)
{
	cleanup_free char *cur = NULL;
	if (bx_cgfs_read(rb->fs, cg, file, &cur, err) < 0)
		return -1;
	return same(file, key, cur, want, eq, err);
}

/* Set `file` (line `key`) back to the canonical value of `old` unless it
 * reads so already. */
static int put_back(bx_rollback *rb, const char *cg, const char *file, const char *key,
		    const char *old, bx_error **err)
{
	bool eq;
	if (reads_as(rb, cg, file, key, old, &eq, err) < 0)
		return -1;
	if (eq)
		return 0;
	cleanup_free char *val = key ? bx_canon_key(file, old, key) : bx_canon_file(file, old);
	cleanup_free char *bytes = val ? bx_write_bytes(file, key, val) : NULL;
	if (!bytes)
		return bx_err(err, ENOMEM, "restore %s", file);
	return bx_mut_write(rb->fs, rb->hooks, cg, file, bytes, err);
}

static bool is_one(const char *v)
{
	cleanup_free char *t = v ? bx_canon_file("cpu.idle", v) : NULL;
	return t && strcmp(t, "1") == 0;
}

/* cpu.idle 0 resets the weight to 100, cpu.weight.nice rewrites it: put
 * idle back first; if the cgroup was idle that is all (its weight follows);
 * else nice, then the exact weight if nice alone did not give it. */
static int put_back_cpu_weight(bx_rollback *rb, const bx_undo *u, bx_error **err)
{
	const char *idle = oldval(u, "cpu.idle"), *nice = oldval(u, "cpu.weight.nice"),
		   *weight = oldval(u, "cpu.weight");
	if (idle && is_one(idle))
		return put_back(rb, u->cg, "cpu.idle", NULL, idle, err);
	if (idle && put_back(rb, u->cg, "cpu.idle", NULL, idle, err) < 0)
		return -1;
	if (nice && put_back(rb, u->cg, "cpu.weight.nice", NULL, nice, err) < 0)
		return -1;
	if (weight && put_back(rb, u->cg, "cpu.weight", NULL, weight, err) < 0)
		return -1;
	return 0;
}

static int check_cpu_weight(bx_rollback *rb, const bx_undo *u, bool *eq, bx_error **err)
{
	const char *idle = oldval(u, "cpu.idle");
	const char *const *files = bx_cpu_weight_files;
	*eq = true;
	for (size_t i = 0; i < BX_CPU_WEIGHT_NFILES && *eq; i++) {
		const char *want = oldval(u, files[i]);
		if (!want || (i > 0 && idle && is_one(idle)))
			continue;
		if (reads_as(rb, u->cg, files[i], NULL, want, eq, err) < 0)
			return -1;
	}
	return 0;
}

/* subtree_control: for each controller in `ctrls`, on or off as in `old`. */
static int put_back_ctrls(bx_rollback *rb, const char *cg, unsigned ctrls, const char *old,
			  bx_error **err)
{
	cleanup_free char *cur = NULL;
	if (bx_cgfs_read(rb->fs, cg, SUBTREE, &cur, err) < 0)
		return -1;
	unsigned want = bx_ctrl_parse_list(old) & ctrls, have = bx_ctrl_parse_list(cur) & ctrls;
	if (want == have)
		return 0;
	bx_buf b = {0};
	for (unsigned i = 0; i < BX_NCTRL; i++) {
		unsigned bit = 1u << i;
		if ((want ^ have) & bit)
			bx_buf_printf(&b, "%s%c%s", b.len ? " " : "", want & bit ? '+' : '-',
				      bx_ctrl_name(bit));
	}
	cleanup_free char *w = bx_buf_take(&b);
	if (!w)
		return bx_err(err, ENOMEM, "restore %s", SUBTREE);
	return bx_mut_write(rb->fs, rb->hooks, cg, SUBTREE, w, err);
}

static int check_ctrls(bx_rollback *rb, const char *cg, unsigned ctrls, const char *old, bool *eq,
		       bx_error **err)
{
	cleanup_free char *cur = NULL;
	if (bx_cgfs_read(rb->fs, cg, SUBTREE, &cur, err) < 0)
		return -1;
	*eq = (bx_ctrl_parse_list(old) & ctrls) == (bx_ctrl_parse_list(cur) & ctrls);
	return 0;
}

/* The keys (first words) of a keyed file's lines. */
static int line_keys(const char *raw, char ***keys, size_t *n)
{
	*keys = NULL;
	*n = 0;
	size_t cap = 0;
	for (const char *l = raw; l && *l;) {
		l += strspn(l, " \t");
		size_t kl = strcspn(l, " \t\n");
		if (kl) {
			char *k = strndup(l, kl);
			if (!k || bx_grow(keys, &cap, *n + 1, sizeof **keys) < 0) {
				free(k);
				bx_strv_free(*keys, *n);
				*keys = NULL;
				*n = 0;
				return -1;
			}
			(*keys)[(*n)++] = k;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return 0;
}

/* One file of a removed cgroup: put back (check=false) or compare. */
static int file_of_removed(bx_rollback *rb, const bx_undo *u, const bx_fileval *f, bool check,
			   bool *eq, bx_error **err)
{
	*eq = true;
	const bx_file_info *fi = bx_file_lookup(f->name);
	if (!fi || !f->value)
		return 0;
	if (fi->shape == BX_SHAPE_KEYED) {
		char **keys;
		size_t n;
		if (line_keys(f->value, &keys, &n) < 0)
			return bx_err(err, ENOMEM, "restore %s", f->name);
		int r = 0;
		for (size_t k = 0; r == 0 && k < n && *eq; k++)
			r = check ? reads_as(rb, u->cg, f->name, keys[k], f->value, eq, err)
				  : put_back(rb, u->cg, f->name, keys[k], f->value, err);
		bx_strv_free(keys, n);
		return r;
	}
	if (check)
		return reads_as(rb, u->cg, f->name, NULL, f->value, eq, err);
	return put_back(rb, u->cg, f->name, NULL, f->value, err);
}

static int cmp_rank(const void *a, const void *b)
{
	const bx_fileval *x = *(const bx_fileval *const *)a, *y = *(const bx_fileval *const *)b;
	const bx_file_info *fx = bx_file_lookup(x->name), *fy = bx_file_lookup(y->name);
	int rx = fx ? fx->rank : 1000, ry = fy ? fy->rank : 1000;
	return rx != ry ? (rx < ry ? -1 : 1) : strcmp(x->name, y->name);
}

/* The record of what boxcg manages (plan/managed.h): put back as
 * captured (check=false) or compare. No entry: the filesystem kept no
 * user xattrs when it was captured, nothing to do. */
static int record_back(bx_rollback *rb, const bx_undo *u, bool check, bool *eq, bx_error **err)
{
	*eq = true;
	const bx_fileval *old = bx_fileset_get(&u->old, BX_MANAGED_XATTR);
	if (!old)
		return 0;
	cleanup_free char *cur = NULL;
	bool unsupported;
	if (bx_read_managed(rb->fs, u->cg, &cur, &unsupported, err) < 0)
		return -1;
	if (unsupported || bx_streq(cur, old->value))
		return 0;
	if (check) {
		*eq = false;
		return 0;
	}
	bool kept;
	return bx_mut_set_managed(rb->fs, rb->hooks, u->cg, old->value, &kept, err);
}

/* Undo (check=false) or verify (check=true) an RMDIR: the cgroup is back
 * with its controllers, mark and managed files. */
static int removed_cgroup(bx_rollback *rb, const bx_undo *u, bool check, bool *eq, bx_error **err)
{
	*eq = true;
	int ex = bx_cgfs_exists(rb->fs, u->cg, err);
	if (ex < 0)
		return -1;
	if (check && !ex) {
		*eq = false;
		return note(rb, u->cg, NULL);
	}
	if (!check && !ex && bx_mut_mkdir(rb->fs, rb->hooks, u->cg, err) < 0)
		return -1;
	if (!check && u->static_box) {
		bool marked;
		if (bx_is_marked_static(rb->fs, u->cg, &marked, err) < 0 ||
		    (!marked && bx_mut_mark_static(rb->fs, rb->hooks, u->cg, &marked, err) < 0))
			return -1;
	}
	bool rec_ok;
	if (record_back(rb, u, check, &rec_ok, err) < 0)
		return -1;
	if (!rec_ok) {
		*eq = false;
		note(rb, u->cg, BX_MANAGED_XATTR);
	}
	const char *stc = oldval(u, SUBTREE);
	if (stc) {
		unsigned all = (1u << BX_NCTRL) - 1;
		bool ok = true;
		int r = check ? check_ctrls(rb, u->cg, all, stc, &ok, err)
			      : put_back_ctrls(rb, u->cg, all, stc, err);
		if (r < 0)
			return -1;
		if (!ok) {
			*eq = false;
			note(rb, u->cg, SUBTREE);
		}
	}
	/* Files in write order; the cpu weight trio as one. */
	const bx_fileval **order = calloc(u->old.n ? u->old.n : 1, sizeof *order);
	if (!order)
		return bx_err(err, ENOMEM, "restore %s", u->cg);
	size_t n = 0;
	bool cpu_done = false;
	for (size_t i = 0; i < u->old.n; i++)
		if (strcmp(u->old.v[i].name, SUBTREE) != 0)
			order[n++] = &u->old.v[i];
	qsort(order, n, sizeof *order, cmp_rank);
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		bool ok = true;
		if (bx_is_cpu_weight_file(order[i]->name)) {
			if (cpu_done)
				continue;
			cpu_done = true;
			r = check ? check_cpu_weight(rb, u, &ok, err) : put_back_cpu_weight(rb, u, err);
			if (r == 0 && !ok)
				note(rb, u->cg, "cpu.weight");
		} else {
			r = file_of_removed(rb, u, order[i], check, &ok, err);
			if (r == 0 && !ok)
				note(rb, u->cg, order[i]->name);
		}
		if (!ok)
			*eq = false;
	}
	free(order);
	return r;
}

/* ---- one record --------------------------------------------------------- */

static int undo_one(bx_rollback *rb, const bx_undo *u, bx_error **err)
{
	switch (u->op) {
	case BX_OP_MKDIR: {
		int ex = bx_cgfs_exists(rb->fs, u->cg, err);
		if (ex <= 0)
			return ex;
		return bx_mut_rmdir(rb->fs, rb->hooks, u->cg, err);
	}
	case BX_OP_RMDIR: {
		bool eq;
		if (removed_cgroup(rb, u, false, &eq, err) < 0)
			return -1;
		break;
	}
	case BX_OP_ENABLE:
	case BX_OP_DISABLE: {
		const char *old = oldval(u, SUBTREE);
		if (!old)
			return bx_err(err, EINVAL, "record without the old %s", SUBTREE);
		if (put_back_ctrls(rb, u->cg, u->ctrls, old, err) < 0)
			return -1;
		break;
	}
	case BX_OP_RECORD: {
		bool eq;
		if (record_back(rb, u, false, &eq, err) < 0)
			return -1;
		break;
	}
	case BX_OP_WRITE:
		if (bx_is_cpu_weight_file(u->file)) {
			if (put_back_cpu_weight(rb, u, err) < 0)
				return -1;
		} else {
			const char *old = oldval(u, u->file);
			if (!old)
				return bx_err(err, EINVAL, "record without the old %s", u->file);
			if (put_back(rb, u->cg, u->file, u->key, old, err) < 0)
				return -1;
		}
		break;
	}
	if (rb->exact && u->has_exact &&
	    bx_exact_restore(rb->fs, rb->hooks, u->cg, &u->exact, u->op == BX_OP_RMDIR, err) < 0)
		return -1;
	return 0;
}

/* Read back what undo_one restored. *eq false (and the targets noted)
 * when something differs. */
static int verify_one(bx_rollback *rb, const bx_undo *u, bool *eq, bx_error **err)
{
	*eq = true;
	const char *target = u->file;
	switch (u->op) {
	case BX_OP_MKDIR: {
		int ex = bx_cgfs_exists(rb->fs, u->cg, err);
		if (ex < 0)
			return -1;
		*eq = ex == 0;
		target = NULL;
		break;
	}
	case BX_OP_RMDIR:
		if (removed_cgroup(rb, u, true, eq, err) < 0)
			return -1;
		if (!*eq)
			return 0;
		target = NULL;
		break;
	case BX_OP_ENABLE:
	case BX_OP_DISABLE:
		target = SUBTREE;
		if (check_ctrls(rb, u->cg, u->ctrls, oldval(u, SUBTREE), eq, err) < 0)
			return -1;
		break;
	case BX_OP_RECORD:
		target = BX_MANAGED_XATTR;
		if (record_back(rb, u, true, eq, err) < 0)
			return -1;
		break;
	case BX_OP_WRITE:
		if (bx_is_cpu_weight_file(u->file)) {
			if (check_cpu_weight(rb, u, eq, err) < 0)
				return -1;
		} else if (reads_as(rb, u->cg, u->file, u->key, oldval(u, u->file), eq, err) < 0) {
			return -1;
		}
		break;
	}
	if (*eq && rb->exact && u->has_exact && (u->op != BX_OP_MKDIR)) {
		cleanup_free char *differs = NULL;
		if (bx_exact_diff(rb->fs, u->cg, &u->exact, u->op == BX_OP_RMDIR, &differs, err) < 0)
			return -1;
		if (differs) {
			*eq = false;
			target = differs;
			return note(rb, u->cg, target) < 0 ? bx_err(err, ENOMEM, "rollback") : 0;
		}
	}
	if (!*eq && note(rb, u->cg, target) < 0)
		return bx_err(err, ENOMEM, "rollback");
	return 0;
}

/* The cgroups the records create: path -> index of its first MKDIR
 * record, so that "created before record i?" costs the depth of the path,
 * not the number of records (recover stays linear in the journal). */
static int index_mkdirs(const bx_undo *v, size_t n, bx_strmap *m)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].op == BX_OP_MKDIR &&
		    bx_strmap_put(m, v[i].cg, strlen(v[i].cg), (uintptr_t)i, NULL) < 0)
			return -1;
	return 0;
}

/* Is cg (or an ancestor) created by one of the records v[0..n)? */
static bool created_here(const bx_strmap *mk, size_t n, const char *cg)
{
	if (!mk->n)
		return false;
	size_t len = strlen(cg);
	for (;;) {
		uintptr_t at;
		if (bx_strmap_get(mk, cg, len, &at) && at < n)
			return true;
		while (len && cg[len - 1] != '/')
			len--;
		if (!len)
			break;
		len--; /* the slash */
	}
	/* "" (the base) is never made by a MKDIR: refused at validation. */
	return false;
}

static const char *undo_target(const bx_undo *u)
{
	if (u->op == BX_OP_ENABLE || u->op == BX_OP_DISABLE)
		return SUBTREE;
	if (u->op == BX_OP_WRITE)
		return bx_is_cpu_weight_file(u->file) ? "cpu.weight" : u->file;
	if (u->op == BX_OP_RECORD)
		return BX_MANAGED_XATTR;
	return NULL;
}

/* The cgroup a record needs (its own; for an RMDIR, its parent, where it
 * is to be made again): 1 (and listed) when it no longer exists. */
static int vanished(bx_rollback *rb, const bx_undo *u, bx_error **err)
{
	cleanup_free char *need = strdup(u->cg);
	if (!need)
		return bx_err(err, ENOMEM, "rollback");
	if (u->op == BX_OP_RMDIR) {
		char *slash = strrchr(need, '/');
		*(slash ? slash : need) = '\0';
	}
	int ex = bx_cgfs_exists(rb->fs, need, err);
	if (ex != 0)
		return ex < 0 ? -1 : 0;
	for (size_t i = 0; i < rb->nvanished; i++)
		if (strcmp(rb->vanished[i], need) == 0)
			return 1;
	if (bx_grow(&rb->vanished, &rb->vcap, rb->nvanished + 1, sizeof *rb->vanished) < 0)
		return bx_err(err, ENOMEM, "rollback");
	rb->vanished[rb->nvanished++] = need;
	need = NULL;
	return 1;
}

int bx_rollback_run(bx_rollback *rb, const bx_undo *v, size_t n, bx_error **err)
{
	int r = 0;
	bx_strmap mk = {0};
	if (index_mkdirs(v, n, &mk) < 0) {
		bx_strmap_free(&mk);
		return bx_err(err, ENOMEM, "rollback");
	}
	for (size_t i = n; i-- > 0;) {
		const bx_undo *u = &v[i];
		/* Inside a cgroup this transaction created, which is gone: an
		 * earlier rollback (interrupted, now replayed) removed it. */
		if (u->op != BX_OP_MKDIR && created_here(&mk, i, u->cg)) {
			bx_error *e = NULL;
			int ex = bx_cgfs_exists(rb->fs, u->cg, &e);
			bx_error_free(e);
			if (ex == 0) {
				rb->undone++;
				continue;
			}
		}
		if (rb->skip_vanished && u->op != BX_OP_MKDIR) {
			int gone = vanished(rb, u, err);
			if (gone < 0) {
				r = -1;
				continue;
			}
			if (gone) {
				rb->skipped++;
				continue;
			}
		}
		bx_error *e = NULL;
		bool eq = false;
		if (undo_one(rb, u, &e) < 0 || verify_one(rb, u, &eq, &e) < 0) {
			note(rb, u->cg, undo_target(u));
			cleanup_free char *what = bx_cg_show(u->cg, undo_target(u));
			bx_err_wrap(&e, "undo step %ld (%s %s)", u->step + 1, bx_op_name(u->op),
				    what && *what ? what : "(base)");
			if (r == 0)
				bx_err_also(err, e);
			else
				bx_error_free(e);
			r = -1;
			continue;
		}
		if (!eq) {
			cleanup_free char *what = bx_cg_show(u->cg, undo_target(u));
			if (r == 0)
				bx_err(err, 0, "undo step %ld (%s %s): the value read back differs from "
					       "the one recorded",
				       u->step + 1, bx_op_name(u->op), what && *what ? what : "(base)");
			r = -1;
			continue;
		}
		rb->undone++;
	}
	bx_strmap_free(&mk);
	return r;
}

char **bx_rollback_take(bx_rollback *rb, size_t *n)
{
	char **v = rb->unrestored;
	*n = rb->nunrestored;
	rb->unrestored = NULL;
	rb->nunrestored = rb->cap = 0;
	return v;
}

char **bx_rollback_take_vanished(bx_rollback *rb, size_t *n)
{
	char **v = rb->vanished;
	*n = rb->nvanished;
	rb->vanished = NULL;
	rb->nvanished = rb->vcap = 0;
	return v;
}

void bx_rollback_free(bx_rollback *rb)
{
	bx_strv_free(rb->vanished, rb->nvanished);
	rb->vanished = NULL;
	rb->nvanished = rb->vcap = 0;
	bx_strv_free(rb->unrestored, rb->nunrestored);
	rb->unrestored = NULL;
	rb->nunrestored = rb->cap = 0;
}
