/* A directory root with a loaded policy, for the box and API suites. */
#ifndef BX_TEST_BOX_FIXTURE_H
#define BX_TEST_BOX_FIXTURE_H

#define _XOPEN_SOURCE 700
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxcg.h"
#include "cgroupfs/cgfs.h"
#include "core/util.h"
#include "model.h"
#include "policy/policy.h"

#define BXF_UNUSED __attribute__((unused))

/* Two classes and one static box. */
#define BXF_POLICY                                          \
	"version: 1\n"                                      \
	"classes:\n"                                        \
	"  small:\n"                                        \
	"    box:\n"                                        \
	"      pids: { max: 16 }\n"                         \
	"      memory: { max: 64MiB }\n"                    \
	"  big:\n"                                          \
	"    box:\n"                                        \
	"      pids: { max: 100 }\n"                        \
	"boxes:\n"                                          \
	"  - { id: keeper, class: big }\n"

typedef struct bxf {
	char *dir;    /* the temporary directory */
	char *root;   /* dir/root: the directory-mode base */
	char *state;  /* dir/state: lock and journal */
	bx_cgfs *fs;
	bx_policy *p;
} bxf;

static BXF_UNUSED void bxf_open(bxf *f, const char *yaml)
{
	memset(f, 0, sizeof *f);
	f->dir = strdup("/tmp/bx-box-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	f->root = bx_sprintf("%s/root", f->dir);
	f->state = bx_sprintf("%s/state", f->dir);
	ck_assert_int_eq(mkdir(f->root, 0755), 0);
	bx_error *e = NULL;
	ck_assert_int_eq(bx_cgfs_open(f->root, &f->fs, &e), 0);
	ck_assert(f->fs->dirmode);
	if (!yaml)
		return;
	bx_diags d = { 0 };
	ck_assert_int_eq(bx_policy_load_buffer("policy.yaml", yaml, strlen(yaml), &f->fs->facts, &f->p,
					       &d, &e),
			 0);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_ptr_nonnull(f->p);
	bx_diags_free(&d);
}

static int bxf_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static BXF_UNUSED void bxf_close(bxf *f)
{
	bx_policy_free(f->p);
	bx_cgfs_close(f->fs);
	nftw(f->dir, bxf_rm, 16, FTW_DEPTH | FTW_PHYS);
	free(f->dir), free(f->root), free(f->state);
	memset(f, 0, sizeof *f);
}

/* Write `text` to <root>/<rel> (creating directories on the way). */
static BXF_UNUSED void bxf_put(bxf *f, const char *rel, const char *text)
{
	char *path = bx_sprintf("%s/%s", f->root, rel);
	for (char *s = strchr(path + strlen(f->root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

/* The text of <root>/<rel>, NULL when missing. Caller frees. */
static BXF_UNUSED char *bxf_get(bxf *f, const char *rel)
{
	char *path = bx_sprintf("%s/%s", f->root, rel);
	FILE *fp = fopen(path, "r");
	free(path);
	if (!fp)
		return NULL;
	char *s = calloc(1, 65536);
	size_t n = fread(s, 1, 65535, fp);
	s[n] = '\0';
	fclose(fp);
	return s;
}

static BXF_UNUSED bool bxf_exists(bxf *f, const char *rel)
{
	char *path = bx_sprintf("%s/%s", f->root, rel);
	bool yes = access(path, F_OK) == 0;
	free(path);
	return yes;
}

/* The public API over a directory root: a target and a policy loaded
 * from `yaml` (named p.yaml in diagnostics). */
typedef struct bxa {
	bxf f;
	boxcg_target *t;
	boxcg_policy *p;
} bxa;

static BXF_UNUSED void bxa_open(bxa *a, const char *yaml)
{
	bxf_open(&a->f, NULL);
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_target_open(a->f.root, a->f.state, &a->t, &err), 0);
	int rc = boxcg_policy_load_buffer(a->t, "p.yaml", yaml, strlen(yaml), &a->p, NULL, &err);
	ck_assert_msg(rc == 0, "load: %s", err ? boxcg_error_message(err) : "?");
}

static BXF_UNUSED void bxa_close(bxa *a)
{
	boxcg_policy_free(a->p);
	boxcg_target_close(a->t);
	bxf_close(&a->f);
}

#endif
