/* The policy front end's memory bound, measured on the program: `boxcg
 * validate` ($BOXCG, set by make check-unit) of a single file of 100,000
 * static boxes is valid, and it and the hostile shapes a 4 MiB file can
 * take (a tree past the budget, a flood of aliases, of bad boxes, a
 * 150,000-class `extends` chain) each peak at most 256 MiB of RSS
 * (ru_maxrss of the child). Files are generated here, never committed.
 * Under ASan the binary's RSS is the sanitizer's: the bound is not
 * checked there, the outcomes still are. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

Suite *suite_policy_memory(void);

#if defined(__SANITIZE_ADDRESS__)
#define BOUND_CHECKED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOUND_CHECKED 0
#endif
#endif
#ifndef BOUND_CHECKED
#define BOUND_CHECKED 1
#endif

#define RSS_BOUND_KIB (256L * 1024)

static char scratch[64];

static void setup(void)
{
	strcpy(scratch, "/tmp/bx-policy-mem.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	ck_assert_int_eq(system(cmd), 0);
}

typedef struct run {
	int status;
	long maxrss_kib;
	char *out, *err;
} run;

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	bx_buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		bx_buf_add(&b, chunk, n);
	bx_buf_add(&b, "", 0);
	fclose(f);
	return bx_buf_take(&b);
}

/* $BOXCG validate FILE, with its peak RSS from wait4. */
static run validate(const char *file, const char *format)
{
	const char *bin = getenv("BOXCG");
	ck_assert_msg(bin && *bin, "BOXCG is not set: run this suite through make check-unit");
	char *op = bx_sprintf("%s/out", scratch), *ep = bx_sprintf("%s/err", scratch);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int o = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0600), e = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(98);
		setenv("NO_COLOR", "1", 1);
		execl(bin, bin, "validate", "--format", format, file, (char *)NULL);
		_exit(99);
	}
	int st;
	struct rusage ru;
	pid_t w;
	while ((w = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR)
		;
	ck_assert_int_eq(w, pid);
	run r = { WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), ru.ru_maxrss, slurp(op), slurp(ep) };
	free(op);
	free(ep);
	return r;
}

static void check_bound(const char *what, const run *r)
{
	fprintf(stderr, "policy_memory: %s: peak RSS %.1f MiB\n", what, r->maxrss_kib / 1024.0);
	if (BOUND_CHECKED)
		ck_assert_msg(r->maxrss_kib <= RSS_BOUND_KIB, "%s: peak RSS %ld KiB > %ld KiB", what,
			      r->maxrss_kib, RSS_BOUND_KIB);
}

static char *write_file(const char *name, bx_buf *b)
{
	char *p = bx_sprintf("%s/%s", scratch, name);
	char *text = bx_buf_take(b);
	ck_assert_ptr_nonnull(text);
	size_t len = strlen(text);
	ck_assert_uint_le(len, 4u << 20); /* under the file size limit: the tree is what is bounded */
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(text);
	return p;
}

START_TEST(single_file_of_100k_boxes)
{
	bx_buf b = {0};
	bx_buf_puts(&b, "version: 1\nclasses:\n  small:\n    box:\n      memory: { max: 64MiB }\n"
			"      pids: { max: 100 }\nboxes:\n");
	for (int i = 0; i < 100000; i++)
		bx_buf_printf(&b, "  - { id: box-%06d, class: small }\n", i);
	char *p = write_file("big.yaml", &b);
	run r = validate(p, "text");
	char *want = bx_sprintf("%s: 1 class, 100000 boxes: valid\n", p);
	ck_assert_str_eq(r.err, "");
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(r.status, 0);
	check_bound("100,000 boxes in one file", &r);
	free(want);
	free(r.out), free(r.err), free(p);
}
END_TEST

START_TEST(hostile_shapes_stay_bounded)
{
	bx_buf b = {0};

	/* past the tree's budget: refused with the limit named */
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\nboxes: [");
	for (int i = 0; i < 2000000; i++)
		bx_buf_puts(&b, "1,");
	bx_buf_puts(&b, "1]\n");
	char *p = write_file("wide.yaml", &b);
	run r = validate(p, "text");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "error: the YAML tree of this file needs more than 64 MiB of memory (the limit)"),
		      "%s", r.err);
	check_bound("a tree past the budget", &r);
	free(r.out), free(r.err), free(p);

	/* just under the budget: a million bad boxes, 10,000 kept */
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\nboxes: [");
	for (int i = 0; i < 1000000; i++)
		bx_buf_puts(&b, "1,");
	bx_buf_puts(&b, "1]\n");
	p = write_file("bad-boxes.yaml", &b);
	r = validate(p, "text");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "\nboxcg: 990001 more problems not shown (the first 10000 are kept)\n"), "%.300s",
		      r.err);
	ck_assert(strstr(r.out, ": 1000001 errors: invalid\n"));
	check_bound("a million bad boxes", &r);
	free(r.out), free(r.err);
	r = validate(p, "json");
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.out, "\"not_shown\": 990001\n"));
	check_bound("a million bad boxes (JSON)", &r);
	free(r.out), free(r.err), free(p);

	/* a flood of aliases: refused, never expanded; messages are budgeted */
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\nx: [&a 1");
	for (int i = 0; i < 1300000; i++)
		bx_buf_puts(&b, ",*a");
	bx_buf_puts(&b, "]\n");
	p = write_file("aliases.yaml", &b);
	r = validate(p, "text");
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "YAML aliases (*a) are not supported"));
	ck_assert(strstr(r.err, "more than 64 MiB of memory (the limit)"));
	check_bound("a flood of aliases", &r);
	free(r.out), free(r.err), free(p);

	/* the most classes 4 MiB holds, each extending the one before */
	bx_buf_puts(&b, "version: 1\nclasses: {c0: {box: {pids: {max: 5}}},");
	int n = 0;
	while (b.len < (4u << 20) - 64)
		bx_buf_printf(&b, "c%d: {extends: c%d},", n + 1, n), n++;
	bx_buf_puts(&b, "z: {}}\n");
	p = write_file("chain.yaml", &b);
	r = validate(p, "text");
	char *want = bx_sprintf("%s: %d classes, 0 boxes: valid\n", p, n + 2);
	ck_assert_str_eq(r.out, want);
	ck_assert_int_eq(r.status, 0);
	check_bound("an extends chain of 150,000 classes", &r);
	free(want);
	free(r.out), free(r.err), free(p);
}
END_TEST

Suite *suite_policy_memory(void)
{
	Suite *s = suite_create("policy_memory");
	TCase *t = tcase_create("bound");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, single_file_of_100k_boxes);
	tcase_add_test(t, hostile_shapes_stay_bounded);
	suite_add_tcase(s, t);
	return s;
}
