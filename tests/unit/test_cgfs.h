/* Helpers shared by the cgroupfs suites (test_cgfs*.c): scratch
 * directories under /tmp, plain file I/O to check what landed where. */
#ifndef BX_TEST_CGFS_H
#define BX_TEST_CGFS_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroupfs/cgfs.h"
#include "core/util.h"

static inline int cgfs_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static inline int cgfs_chmod_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	if (flag == FTW_D && st->st_uid == geteuid())
		chmod(p, 0755);
	return 0;
}

/* Remove a scratch tree without following symlinks (read-only levels
 * made writable first). */
static inline void cgfs_rm_rf(const char *dir)
{
	if (!dir)
		return;
	nftw(dir, cgfs_chmod_one, 16, FTW_PHYS);
	nftw(dir, cgfs_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The suite's scratch tree: made and removed by an unchecked fixture,
 * which Check runs in the parent process, so it is removed even when a
 * (forked) test fails half-way. */
static char *cgfs_scratch;

static inline void cgfs_scratch_setup(void)
{
	char tmpl[] = "/tmp/boxcg-cgfs-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	cgfs_scratch = strdup(tmpl);
}

static inline void cgfs_scratch_teardown(void)
{
	cgfs_rm_rf(cgfs_scratch);
	free(cgfs_scratch);
	cgfs_scratch = NULL;
}

/* A fresh directory inside the scratch tree; caller frees. */
static inline char *cgfs_tmpdir(void)
{
	ck_assert_ptr_nonnull(cgfs_scratch);
	char *d = bx_sprintf("%s/XXXXXX", cgfs_scratch);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static inline char *cgfs_path(const char *dir, const char *rel)
{
	char *p = bx_sprintf("%s/%s", dir, rel);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Descriptors this process has open. */
static inline int cgfs_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the DIR's own */
}

/* Write a plain file (relative to dir) directly, not through bx_cgfs. */
static inline void cgfs_put(const char *dir, const char *rel, const char *text)
{
	cleanup_free char *p = cgfs_path(dir, rel);
	FILE *f = fopen(p, "w");
	ck_assert_msg(f != NULL, "create %s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* The exact content of a plain file, NULL when it does not exist. */
static inline char *cgfs_get(const char *dir, const char *rel)
{
	cleanup_free char *p = cgfs_path(dir, rel);
	FILE *f = fopen(p, "r");
	if (!f)
		return NULL;
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

static inline bool cgfs_lexists(const char *dir, const char *rel)
{
	cleanup_free char *p = cgfs_path(dir, rel);
	struct stat st;
	return lstat(p, &st) == 0;
}

static inline void cgfs_mkdirs(const char *dir, const char *rel)
{
	cleanup_free char *p = cgfs_path(dir, rel);
	for (char *s = p + strlen(dir) + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s", p);
			*s = c;
			if (!c)
				break;
		}
	}
}

/* Open a directory-mode bx_cgfs on dir. */
static inline bx_cgfs *cgfs_open_dir(const char *dir)
{
	bx_cgfs *fs = NULL;
	bx_error *e = NULL;
	int r = bx_cgfs_open(dir, &fs, &e);
	ck_assert_msg(r == 0, "open %s: %s", dir, e ? e->msg : "?");
	ck_assert(fs->dirmode);
	return fs;
}

/* Assert an operation failed with errno `want`, then drop the error. */
#define CGFS_FAILS(call, want)                                                              \
	do {                                                                                \
		bx_error *e_ = NULL;                                                        \
		bx_error **err = &e_;                                                       \
		int r_ = (call);                                                            \
		ck_assert_msg(r_ < 0, "%s succeeded", #call);                               \
		ck_assert_ptr_nonnull(e_);                                                  \
		ck_assert_msg(e_->errnum == (want), "%s: errno %d (%s), want %d", #call,    \
			      e_->errnum, e_->msg, (want));                                 \
		bx_error_free(e_);                                                          \
	} while (0)

#define CGFS_OK(call)                                                                       \
	do {                                                                                \
		bx_error *e_ = NULL;                                                        \
		bx_error **err = &e_;                                                       \
		int r_ = (call);                                                            \
		ck_assert_msg(r_ >= 0, "%s: %s", #call, e_ ? e_->msg : "?");                \
		ck_assert_ptr_null(e_);                                                     \
	} while (0)

/* Read through bx_cgfs and compare. */
#define CGFS_READS(fs, cg, file, want)                                                      \
	do {                                                                                \
		char *got_ = NULL;                                                          \
		CGFS_OK(bx_cgfs_read((fs), (cg), (file), &got_, err));                      \
		ck_assert_str_eq(got_, (want));                                             \
		free(got_);                                                                 \
	} while (0)

#endif
