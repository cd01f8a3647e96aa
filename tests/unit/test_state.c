/* plan/state, snapshot.c, fingerprint.c: building, finding, hashing and
 * the snapshot document, including hostile documents. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_plan_fixture.h"

START_TEST(paths_sort_in_preorder)
{
	ck_assert_int_lt(bx_path_cmp("a", "a/b"), 0);
	ck_assert_int_lt(bx_path_cmp("a/b", "a-b"), 0);
	ck_assert_int_lt(bx_path_cmp("a/z", "a-b"), 0);
	ck_assert_int_lt(bx_path_cmp("", "a"), 0);
	ck_assert_int_eq(bx_path_cmp("a/b", "a/b"), 0);
	ck_assert_int_gt(bx_path_cmp("b", "a/b/c"), 0);
	bx_state *st = bx_state_new("/x", false);
	const char *paths[] = { "a-b", "a/b", "", "a", "a/b/c", "a/a" };
	for (size_t i = 0; i < 6; i++)
		ck_assert_ptr_nonnull(bx_state_add(st, paths[i]));
	ck_assert(!st->sorted);
	ck_assert_ptr_nonnull(bx_state_find(st, "a/b/c")); /* linear before sorting */
	bx_state_sort(st);
	const char *want[] = { "", "a", "a/a", "a/b", "a/b/c", "a-b" };
	for (size_t i = 0; i < 6; i++)
		ck_assert_str_eq(st->v[i].path, want[i]);
	for (size_t i = 0; i < 6; i++)
		ck_assert_str_eq(bx_state_find(st, want[i])->path, want[i]);
	ck_assert_ptr_null(bx_state_find(st, "a/c"));
	ck_assert_ptr_null(bx_state_find(st, "zz"));
	bx_state_free(st);
}
END_TEST

START_TEST(files_absent_versus_unobserved)
{
	bx_state *st = fx_state();
	bx_cg_state *c = bx_state_add(st, "x");
	bx_cg_set_file(c, "memory.max", NULL);
	bx_cg_set_file(c, "pids.max", "5");
	bx_cg_set_file(c, "pids.max", "6"); /* replaces */
	ck_assert_uint_eq(c->nfiles, 2);
	ck_assert_ptr_nonnull(bx_cg_file(c, "memory.max"));
	ck_assert_ptr_null(bx_cg_file(c, "memory.max")->raw);
	ck_assert_ptr_null(bx_cg_file(c, "cpu.max"));
	ck_assert_str_eq(bx_state_file(st, "x", "pids.max"), "6");
	ck_assert_ptr_null(bx_state_file(st, "x", "memory.max"));
	ck_assert_ptr_null(bx_state_file(st, "nope", "memory.max"));
	bx_state_free(st);
}
END_TEST

START_TEST(fingerprint_tracks_what_matters)
{
	bx_state *a = fx_state();
	bx_cg_state *c = fx_cg(a, "boxlite", "memory", "memory.max=1073741824", "pids.current=4", NULL);
	(void)c;
	char *f0 = bx_state_fingerprint(a);
	ck_assert_uint_eq(strlen(f0), 16);
	/* canonical forms hash alike; volatile files and populated do not count */
	bx_cg_state *x = (bx_cg_state *)bx_state_find(a, "boxlite");
	bx_cg_set_file(x, "memory.max", "1073741824\n");
	bx_cg_set_file(x, "pids.current", "99");
	x->populated = true;
	char *f1 = bx_state_fingerprint(a);
	ck_assert_str_eq(f0, f1);
	/* a value, a controller, a child, the base: each changes it */
	bx_cg_set_file(x, "memory.max", "2147483648");
	char *f2 = bx_state_fingerprint(a);
	ck_assert_str_ne(f0, f2);
	bx_cg_set_file(x, "memory.max", "1073741824");
	x->subtree_control |= BX_CTRL_CPU;
	char *f3 = bx_state_fingerprint(a);
	ck_assert_str_ne(f0, f3);
	x->subtree_control &= ~(unsigned)BX_CTRL_CPU;
	fx_children(x, "b1", NULL);
	char *f4 = bx_state_fingerprint(a);
	ck_assert_str_ne(f0, f4);
	/* the same tree under another mount point: the same hash */
	free(a->base_path);
	a->base_path = strdup("/elsewhere");
	char *f5 = bx_state_fingerprint(a);
	ck_assert_str_eq(f4, f5);
	free(f5);
	a->dirmode = true;
	f5 = bx_state_fingerprint(a);
	ck_assert_str_ne(f4, f5);
	free(f0), free(f1), free(f2), free(f3), free(f4), free(f5);
	bx_state_free(a);
}
END_TEST

START_TEST(snapshot_round_trip)
{
	bx_state *st = fx_state();
	st->hybrid = true;
	st->v1_bound = BX_CTRL_MEMORY | BX_CTRL_CPUSET;
	st->facts.mem_total = 1u << 30;
	st->facts.hugepage_sizes[0] = 2u << 20;
	st->tree = strdup("boxlite");
	bx_cg_state *c = fx_cg(st, "boxlite", "cpu", "cpu.max=max 100000", "memory.max=\x01", NULL);
	c->observed |= BX_OBS_EVENTS | BX_OBS_STATIC;
	c->populated = true;
	fx_children(c, "b1", "weird.name", NULL);
	bx_state_sort(st);
	bx_error *e = NULL;
	char *j = bx_state_to_json(st, &e);
	ck_assert_ptr_nonnull(j);
	ck_assert(strstr(j, "\"format_version\": 1"));
	ck_assert(strstr(j, "\"v1_bound\": \"cpuset memory\""));
	ck_assert(strstr(j, "\"memory.max\": null"));
	bx_state *back = NULL;
	ck_assert_msg(bx_state_from_json(j, &back, &e) == 0, "%s", e ? e->msg : "?");
	char *j2 = bx_state_to_json(back, &e);
	ck_assert_str_eq(j, j2);
	ck_assert(back->hybrid);
	ck_assert_uint_eq(back->facts.hugepage_sizes[0], 2u << 20);
	const bx_cg_state *bc = bx_state_find(back, "boxlite");
	ck_assert_uint_eq(bc->observed, c->observed);
	ck_assert(bc->populated);
	char *f1 = bx_state_fingerprint(st), *f2 = bx_state_fingerprint(back);
	ck_assert_str_eq(f1, f2);
	free(f1), free(f2), free(j), free(j2);
	bx_state_free(back);
	bx_state_free(st);
}
END_TEST

static void refused(const char *doc, const char *want)
{
	bx_state *st = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_state_from_json(doc, &st, &e) == -1, "accepted: %s", doc);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(e->msg, want), "%s: got \"%s\", want \"%s\"", doc, e->msg, want);
	bx_error_free(e);
}

#define HOST "\"host\":{\"page_size\":4096,\"mem_total\":0,\"ncpus\":1}"
#define DOC(cgs) "{\"format_version\":1,\"base\":\"/b\",\"dirmode\":false," HOST ",\"cgroups\":[" cgs "]}"
#define BASE "{\"path\":\"\",\"exists\":true}"

START_TEST(hostile_snapshots_refused)
{
	refused("", "snapshot: line");
	refused("[]", "expected a JSON object");
	refused("{\"format_version\":2}", "format_version");
	refused("{\"format_version\":1,\"base\":1}", "base");
	refused("{\"format_version\":1,\"base\":\"/b\",\"cgroups\":[]}", "host");
	refused("{\"format_version\":1,\"base\":\"/b\",\"host\":{\"page_size\":1000}}", "power of two");
	refused("{\"format_version\":1,\"base\":\"/b\",\"host\":{\"page_size\":-4096}}", "non-negative");
	refused(DOC(""), "the base (path \"\") is missing");
	refused(DOC(BASE "," BASE), "listed twice");
	refused(DOC(BASE ",{\"path\":\"../etc\",\"exists\":true}"), "unsafe cgroup path");
	refused(DOC(BASE ",{\"path\":\"/abs\",\"exists\":true}"), "unsafe cgroup path");
	refused(DOC(BASE ",{\"path\":\"a\"}"), "\"exists\" is missing");
	refused(DOC(BASE ",{\"path\":\"a\",\"exists\":1}"), "true or false");
	refused(DOC("{\"path\":\"\",\"exists\":true,\"controllers\":\"cpu bogus\"}"),
		"unknown controller \"bogus\"");
	refused(DOC("{\"path\":\"\",\"exists\":true,\"children\":[\"..\"]}"), "invalid name");
	refused(DOC("{\"path\":\"\",\"exists\":true,\"children\":[\"a/b\"]}"), "invalid name");
	refused(DOC("{\"path\":\"\",\"exists\":true,\"children\":[\"b\",\"a\"]}"), "sorted");
	refused(DOC("{\"path\":\"\",\"exists\":true,\"files\":{\"../x\":\"1\"}}"),
		"unsafe interface file name");
	refused(DOC("{\"path\":\"\",\"exists\":true,\"files\":{\"memory.max\":5}}"),
		"string or null");
	refused(DOC("{\"path\":\"\",\"exists\":true,\"files\":[]}"), "must be an object");
	refused("{\"format_version\":1,\"format_version\":1}", "duplicate");
	refused("{\"format_version\":1,\"base\":\"/b\"," HOST ",\"tree\":\"../x\",\"cgroups\":[" BASE
		"]}",
		"tree");
}
END_TEST

Suite *suite_state(void);
Suite *suite_state(void)
{
	Suite *s = suite_create("state");
	TCase *t = tcase_create("state");
	tcase_add_test(t, paths_sort_in_preorder);
	tcase_add_test(t, files_absent_versus_unobserved);
	tcase_add_test(t, fingerprint_tracks_what_matters);
	tcase_add_test(t, snapshot_round_trip);
	tcase_add_test(t, hostile_snapshots_refused);
	suite_add_tcase(s, t);
	return s;
}
