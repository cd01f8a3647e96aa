/* Helpers shared by the applier's unit suites (test_apply*.c): scratch
 * directory roots, hand-built plans, and byte-exact tree snapshots. */
#ifndef BX_TEST_APPLY_H
#define BX_TEST_APPLY_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "plan/plan.h"

/* A fresh directory under $TMPDIR; caller frees the path. */
static inline char *ta_tmpdir(const char *tag)
{
	const char *t = getenv("TMPDIR");
	char *p = bx_sprintf("%s/boxcg-%s.XXXXXX", t && *t ? t : "/tmp", tag);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(mkdtemp(p));
	return p;
}

static inline void ta_rmtree(const char *path)
{
	char *cmd = bx_sprintf("rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static inline void ta_write(const char *dir, const char *rel, const char *text)
{
	char *p = bx_sprintf("%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	ck_assert_msg(f != NULL, "open %s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(p);
}

/* The same for boxcg's own state files (journal, lock): mode 0600, as
 * recover requires. */
static inline void ta_write_state(const char *dir, const char *rel, const char *text)
{
	ta_write(dir, rel, text);
	char *p = bx_sprintf("%s/%s", dir, rel);
	ck_assert_int_eq(chmod(p, 0600), 0);
	free(p);
}

static inline void ta_mkdir(const char *dir, const char *rel)
{
	char *p = bx_sprintf("%s/%s", dir, rel);
	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
	free(p);
}

/* Every directory and file under `dir` with its exact bytes, in a stable
 * order: two snapshots are equal iff the trees are byte-for-byte equal. */
static inline void ta_walk(bx_buf *b, const char *dir, const char *rel)
{
	char *path = *rel ? bx_sprintf("%s/%s", dir, rel) : strdup(dir);
	DIR *d = opendir(path);
	ck_assert_msg(d != NULL, "opendir %s", path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ck_assert_int_eq(bx_grow(&names, &cap, n + 1, sizeof *names), 0);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	for (size_t i = 0; i < n; i++) {
		char *r = *rel ? bx_sprintf("%s/%s", rel, names[i]) : strdup(names[i]);
		char *full = bx_sprintf("%s/%s", dir, r);
		struct stat st;
		ck_assert_int_eq(lstat(full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			bx_buf_printf(b, "d %s\n", r);
			ta_walk(b, dir, r);
		} else {
			int fd = open(full, O_RDONLY);
			ck_assert_int_ge(fd, 0);
			char buf[8192];
			ssize_t k = read(fd, buf, sizeof buf);
			close(fd);
			ck_assert_int_ge(k, 0);
			bx_buf_printf(b, "f %s %zd:", r, k);
			bx_buf_add(b, buf, (size_t)k);
			bx_buf_puts(b, "\n");
		}
		free(r);
		free(full);
		free(names[i]);
	}
	free(names);
	free(path);
}

static inline char *ta_snapshot(const char *dir)
{
	bx_buf b = {0};
	bx_buf_puts(&b, "");
	ta_walk(&b, dir, "");
	char *s = bx_buf_take(&b);
	ck_assert_ptr_nonnull(s);
	return s;
}

static inline void ta_step(bx_plan *p, bx_op op, const char *cg, const char *file, const char *key,
			   const char *write, const char *new_)
{
	ck_assert_int_eq(bx_grow(&p->v, &p->cap, p->n + 1, sizeof *p->v), 0);
	bx_step *s = &p->v[p->n++];
	memset(s, 0, sizeof *s);
	s->op = op;
	s->cgroup = strdup(cg);
	s->file = file ? strdup(file) : (op == BX_OP_ENABLE || op == BX_OP_DISABLE)
						 ? strdup("cgroup.subtree_control")
						 : NULL;
	s->key = key ? strdup(key) : NULL;
	s->write = write ? strdup(write) : NULL;
	s->new = new_ ? strdup(new_) : NULL;
	s->loc.file = "test.yaml";
	s->loc.line = (unsigned)p->n;
	s->loc.col = 3;
}

#define TA_MKDIR(p, cg) ta_step(p, BX_OP_MKDIR, cg, NULL, NULL, NULL, NULL)
#define TA_RMDIR(p, cg) ta_step(p, BX_OP_RMDIR, cg, NULL, NULL, NULL, NULL)
#define TA_ENABLE(p, cg, w) ta_step(p, BX_OP_ENABLE, cg, NULL, NULL, w, NULL)
#define TA_DISABLE(p, cg, w) ta_step(p, BX_OP_DISABLE, cg, NULL, NULL, w, NULL)
#define TA_WRITE(p, cg, f, w) ta_step(p, BX_OP_WRITE, cg, f, NULL, w, w)
#define TA_WRITE_KEY(p, cg, f, k, v) ta_step(p, BX_OP_WRITE, cg, f, k, k " " v, v)

static inline void ta_plan_free(bx_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		bx_step *s = &p->v[i];
		free(s->cgroup);
		free(s->file);
		free(s->key);
		free(s->write);
		free(s->old);
		free(s->new);
		free(s->ypath);
		free(s->warning);
	}
	free(p->v);
	free(p->base_path);
	free(p->fingerprint);
	memset(p, 0, sizeof *p);
}

#endif
