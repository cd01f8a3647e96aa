#include "apply/step.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply/capture.h"
#include "apply/mutate.h"
#include "core/util.h"
#include "knobs.h"
#include "plan/managed.h"
#include "plan/normalize.h"

#define SUBTREE "cgroup.subtree_control"

char *bx_step_describe(const bx_step *s)
{
	const char *cg = s->cgroup ? s->cgroup : "";
	switch (s->op) {
	case BX_OP_MKDIR:
		return bx_sprintf("create cgroup %s%s", cg, s->static_box ? " (static box)" : "");
	case BX_OP_RMDIR:
		return bx_sprintf("remove cgroup %s", cg);
	case BX_OP_ENABLE:
	case BX_OP_DISABLE:
	case BX_OP_WRITE: {
		cleanup_free char *where = bx_cg_show(cg, s->op == BX_OP_WRITE ? s->file : SUBTREE);
		return bx_sprintf("write \"%s\" to %s", s->write ? s->write : "", where ? where : "?");
	}
	case BX_OP_RECORD:
		return bx_sprintf("record \"%s\" as the settings boxcg manages in %s (xattr "
				  BX_MANAGED_XATTR ")",
				  s->write ? s->write : "", *cg ? cg : "(base)");
	}
	return bx_sprintf("step with unknown operation %d", (int)s->op);
}

static int check_exists(bx_cgfs *fs, const char *cg, bool want, bx_error **err)
{
	int r = bx_cgfs_exists(fs, cg, err);
	if (r < 0)
		return -1;
	if (r != want)
		return bx_err(err, 0, "%s %s: the cgroup %s afterwards", want ? "mkdir" : "rmdir", cg,
			      want ? "does not exist" : "still exists");
	return 0;
}

/* cur: what subtree_control reads after the write. */
static int check_ctrls(const bx_step *s, const char *cur, bx_error **err)
{
	unsigned plus, minus;
	if (bx_ctrl_tokens(s->write, &plus, &minus) < 0)
		return bx_err(err, EINVAL, "bad subtree_control write \"%s\"", s->write ? s->write : "");
	unsigned have = bx_ctrl_parse_list(cur);
	if ((have & plus) != plus || (have & minus))
		return bx_err(err, 0, "write \"%s\" to %s%s" SUBTREE ": reads back \"%s\"", s->write,
			      s->cgroup, *s->cgroup ? "/" : "", cur);
	return 0;
}

/* cur: what the file reads after the write. */
static int check_value(const bx_step *s, const char *cur, bx_error **err)
{
	const char *want = s->new ? s->new : NULL;
	cleanup_free char *line = NULL;
	if (s->key && want)
		line = bx_sprintf("%s %s", s->key, want);
	cleanup_free char *got = s->key ? bx_canon_key(s->file, cur, s->key) : bx_canon_file(s->file, cur);
	cleanup_free char *exp = NULL;
	if (s->key)
		exp = bx_canon_key(s->file, line ? line : s->write, s->key);
	else
		exp = bx_canon_file(s->file, want ? want : s->write);
	if (!got || !exp)
		return bx_err(err, ENOMEM, "read back %s", s->file);
	if (strcmp(got, exp) != 0)
		return bx_err(err, 0, "write \"%s\" to %s%s%s: the kernel accepted it but reads back \"%s\", not \"%s\"",
			      s->write, s->cgroup, *s->cgroup ? "/" : "", s->file, got, exp);
	return 0;
}

int bx_step_run(bx_cgfs *fs, bx_hooks *h, const bx_step *s, bool *untouched, bx_error **err)
{
	const char *cg = s->cgroup ? s->cgroup : "";
	bool ignored;
	if (!untouched)
		untouched = &ignored;
	*untouched = false;
	switch (s->op) {
	case BX_OP_MKDIR: {
		if (bx_mut_mkdir(fs, h, cg, err) < 0) {
			*untouched = true; /* mkdir makes all or nothing */
			return -1;
		}
		bool marked;
		if (s->static_box && bx_mut_mark_static(fs, h, cg, &marked, err) < 0)
			return -1;
		return check_exists(fs, cg, true, err);
	}
	case BX_OP_RMDIR:
		if (bx_mut_rmdir(fs, h, cg, err) < 0)
			return -1;
		return check_exists(fs, cg, false, err);
	case BX_OP_ENABLE:
	case BX_OP_DISABLE: {
		if (!s->write)
			return bx_err(err, EINVAL, "subtree_control step without a value");
		cleanup_free char *cur = NULL; /* read back through the same open file */
		if (bx_mut_write_read(fs, h, cg, SUBTREE, s->write, &cur, err) < 0)
			return -1;
		return check_ctrls(s, cur, err);
	}
	case BX_OP_WRITE: {
		if (!s->file || !s->write)
			return bx_err(err, EINVAL, "write step without a file or value");
		cleanup_free char *cur = NULL;
		if (bx_mut_write_read(fs, h, cg, s->file, s->write, &cur, err) < 0)
			return -1;
		return check_value(s, cur, err);
	}
	case BX_OP_RECORD: {
		if (!s->write)
			return bx_err(err, EINVAL, "record step without a value");
		return bx_mut_record_managed(fs, h, cg, s->write, err);
	}
	}
	return bx_err(err, EINVAL, "unknown step operation %d", (int)s->op);
}
