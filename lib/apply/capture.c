#include "apply/capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/exact.h"
#include "apply/mutate.h"
#include "core/util.h"
#include "knobs.h"
#include "plan/managed.h"

#define SUBTREE "cgroup.subtree_control"

int bx_ctrl_tokens(const char *w, unsigned *plus, unsigned *minus)
{
	*plus = *minus = 0;
	if (!w)
		return -1;
	while (*w) {
		w += strspn(w, " \t\n");
		size_t n = strcspn(w, " \t\n");
		if (!n)
			break;
		unsigned bit = n > 1 ? bx_ctrl_from_name(w + 1, n - 1) : 0;
		if (!bit || (w[0] != '+' && w[0] != '-'))
			return -1;
		if (w[0] == '+')
			*plus |= bit, *minus &= ~bit;
		else
			*minus |= bit, *plus &= ~bit;
		w += n;
	}
	return *plus || *minus ? 0 : -1;
}

/* Read one file into u->old (and its bytes into u->exact in directory
 * mode). optional: a file the kernel may lack (ENOENT) is left out. */
static int take(bx_cgfs *fs, bx_undo *u, const char *file, bool optional, bx_error **err)
{
	char *v = NULL;
	bx_error *e = NULL;
	if (bx_cgfs_read(fs, u->cg, file, &v, &e) < 0) {
		if (optional && (e->errnum == ENOENT || e->errnum == EOPNOTSUPP || e->errnum == ENODEV)) {
			bx_error_free(e);
			return 0;
		}
		bx_err_also(err, e);
		return -1;
	}
	int r = bx_fileset_add(&u->old, file, v, strlen(v));
	free(v);
	if (r < 0)
		return bx_err(err, ENOMEM, "capture %s", file);
	if (fs->dirmode && bx_exact_capture(fs, u->cg, file, &u->exact, err) < 0)
		return -1;
	return 0;
}

/* The record of what boxcg manages (plan/managed.h), as an entry of
 * u->old named after its xattr: its text, or absent (NULL). Where user
 * xattrs are unsupported there is nothing to keep. */
static int take_record(bx_cgfs *fs, bx_undo *u, bx_error **err)
{
	char *text = NULL;
	bool unsupported;
	if (bx_read_managed(fs, u->cg, &text, &unsupported, err) < 0)
		return -1;
	if (unsupported)
		return 0;
	int r = bx_fileset_add(&u->old, BX_MANAGED_XATTR, text, text ? strlen(text) : 0);
	free(text);
	return r < 0 ? bx_err(err, ENOMEM, "capture") : 0;
}

/* RMDIR: every managed interface file of the cgroup, as listed in its
 * directory (so hugetlb sizes and absent controllers sort themselves). */
static int take_all(bx_cgfs *fs, bx_undo *u, bx_error **err)
{
	if (take(fs, u, SUBTREE, false, err) < 0)
		return -1;
	cleanup_close int dfd = -1;
	if (bx_cgfs_open_dir(fs, u->cg, &dfd, err) < 0)
		return -1;
	DIR *d = fdopendir(dfd);
	if (!d)
		return bx_err(err, errno, "list %s", u->cg);
	dfd = -1; /* owned by d now */
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d))) {
		const bx_file_info *fi = bx_file_lookup(de->d_name);
		if (!fi || strncmp(de->d_name, "cgroup.", 7) == 0)
			continue;
		char *s = strdup(de->d_name);
		if (!s || bx_grow(&names, &cap, n + 1, sizeof *names) < 0) {
			free(s);
			r = bx_err(err, ENOMEM, "list %s", u->cg);
			break;
		}
		names[n++] = s;
	}
	closedir(d);
	/* cgroup.max.* are core files, always present: take them too. */
	if (r == 0)
		r = take(fs, u, "cgroup.max.descendants", false, err);
	if (r == 0)
		r = take(fs, u, "cgroup.max.depth", false, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = take(fs, u, names[i], true, err);
	bx_strv_free(names, n);
	if (r == 0 && fs->dirmode) {
		/* The whole directory, byte for byte. */
		bx_fileset_free(&u->exact);
		r = bx_exact_capture_dir(fs, u->cg, &u->exact, err);
	}
	if (r == 0)
		r = bx_is_marked_static(fs, u->cg, &u->static_box, err);
	if (r == 0)
		r = take_record(fs, u, err);
	return r;
}

static int exists(bx_cgfs *fs, const char *cg, bool want, bx_error **err)
{
	int r = bx_cgfs_exists(fs, cg, err);
	if (r < 0)
		return -1;
	if (r == 1 && !want)
		return bx_err(err, EEXIST, "cgroup %s exists already: the plan is stale", cg);
	if (r == 0 && want)
		return bx_err(err, ENOENT, "cgroup %s does not exist: the plan is stale", cg);
	return 0;
}

/* The capture as the observation already read it: 1 when taken, 0 when
 * it must be read, -1 on OOM. */
static int from_seen(bx_cgfs *fs, const bx_step *s, const bx_state *seen, bool first, bx_undo *u,
		     bx_error **err)
{
	const bx_cg_state *cg = seen ? bx_state_find(seen, u->cg) : NULL;
	if (!cg)
		return 0;
	if (s->op == BX_OP_MKDIR)
		return cg->exists ? 0 : 1; /* seen missing under this lock */
	if (!first || !cg->exists)
		return 0;
	if (s->op == BX_OP_RECORD) {
		if (!(cg->observed & BX_OBS_MANAGED) || cg->managed_unsupported)
			return 0;
		const char *m = cg->managed;
		if (bx_fileset_add(&u->old, BX_MANAGED_XATTR, m, m ? strlen(m) : 0) < 0)
			return bx_err(err, ENOMEM, "capture");
		return 1;
	}
	if (s->op != BX_OP_WRITE)
		return 0;
	/* the files take() would read: a weight brings its family */
	const char *one[1] = { s->file };
	const char *const *files = one;
	size_t n = 1;
	if (bx_is_cpu_weight_file(s->file)) {
		files = bx_cpu_weight_files;
		n = BX_CPU_WEIGHT_NFILES;
	}
	for (size_t i = 0; i < n; i++) { /* all there, or read them all */
		const bx_file_state *f = bx_cg_file(cg, files[i]);
		bool own = bx_streq(files[i], s->file);
		if (!f || (own && !f->raw) || (fs->dirmode && f->form == BX_FORM_UNKNOWN))
			return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const bx_file_state *f = bx_cg_file(cg, files[i]);
		if (!f->raw) /* a file the kernel lacks: optional, as take() */
			continue;
		if (bx_fileset_add(&u->old, files[i], f->raw, strlen(f->raw)) < 0)
			return bx_err(err, ENOMEM, "capture");
		if (!fs->dirmode)
			continue;
		/* the exact bytes, as bx_exact_capture would read them */
		cleanup_free char *bytes = f->form == BX_FORM_NL ? bx_concat(f->raw, "\n", NULL) : NULL;
		const char *b = f->form == BX_FORM_NL ? bytes : f->form == BX_FORM_BARE ? f->raw : NULL;
		if (f->form == BX_FORM_NL && !bytes)
			return bx_err(err, ENOMEM, "capture");
		if (bx_fileset_add(&u->exact, files[i], b, b ? strlen(b) : 0) < 0)
			return bx_err(err, ENOMEM, "capture");
	}
	return 1;
}

/* The record's identity: step, operation, cgroup, file. -1 on error (u
 * freed). */
static int record_of(bx_cgfs *fs, const bx_step *s, long index, bx_undo *u, bx_error **err)
{
	memset(u, 0, sizeof *u);
	u->step = index;
	u->op = s->op;
	u->has_exact = fs->dirmode;
	u->cg = strdup(s->cgroup ? s->cgroup : "");
	if (!u->cg)
		return bx_err(err, ENOMEM, "capture");
	if (s->op == BX_OP_WRITE) {
		u->file = s->file ? strdup(s->file) : NULL;
		u->key = s->key ? strdup(s->key) : NULL;
		if (!u->file || (s->key && !u->key)) {
			bx_undo_free(u);
			return bx_err(err, s->file ? ENOMEM : EINVAL, "capture: write step without a file");
		}
	}
	return 0;
}

int bx_capture_seen(bx_cgfs *fs, const bx_step *s, long index, const bx_state *seen, bool first,
		    bx_undo *u, bx_error **err)
{
	if (record_of(fs, s, index, u, err) < 0)
		return -1;
	int r = from_seen(fs, s, seen, first, u, err);
	if (r <= 0)
		bx_undo_free(u);
	return r;
}

int bx_capture(bx_cgfs *fs, const bx_step *s, long index, const bx_state *seen, bool first,
	       bx_undo *u, bx_error **err)
{
	if (record_of(fs, s, index, u, err) < 0)
		return -1;
	int r = 0;
	if ((r = from_seen(fs, s, seen, first, u, err)) != 0) {
		r = r < 0 ? -1 : 0;
		goto out;
	}
	switch (s->op) {
	case BX_OP_MKDIR:
		r = exists(fs, u->cg, false, err);
		break;
	case BX_OP_RMDIR:
		r = exists(fs, u->cg, true, err);
		if (r == 0)
			r = take_all(fs, u, err);
		break;
	case BX_OP_ENABLE:
	case BX_OP_DISABLE: {
		unsigned plus, minus;
		if (bx_ctrl_tokens(s->write, &plus, &minus) < 0) {
			r = bx_err(err, EINVAL, "bad subtree_control write \"%s\"", s->write ? s->write : "");
			break;
		}
		u->ctrls = plus | minus;
		r = take(fs, u, SUBTREE, false, err);
		break;
	}
	case BX_OP_WRITE:
		if (bx_is_cpu_weight_file(u->file)) {
			for (size_t i = 0; r == 0 && i < BX_CPU_WEIGHT_NFILES; i++)
				r = take(fs, u, bx_cpu_weight_files[i],
					 !bx_streq(bx_cpu_weight_files[i], u->file), err);
		} else {
			r = take(fs, u, u->file, false, err);
		}
		break;
	case BX_OP_RECORD:
		r = take_record(fs, u, err);
		break;
	default:
		r = bx_err(err, EINVAL, "unknown step operation %d", (int)s->op);
	}
out:
	if (r < 0)
		bx_undo_free(u);
	return r;
}
