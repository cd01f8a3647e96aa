/* Frames (lib/frame): what a target remembers of the cgroups above its
 * boxes, the state directory's generation that keeps it true, and the
 * second try against the live tree when it was not. Directory roots. */
#include "test_box_fixture.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_int.h"
#include "apply/apply.h"
#include "boxcg.h"
#include "plan/plan_int.h"

Suite *suite_frame(void);

#define POLICY                                                \
	"version: 1\n"                                        \
	"classes:\n"                                          \
	"  vm:\n"                                             \
	"    box:\n"                                          \
	"      pids: { max: 32 }\n"                           \
	"    sizes:\n"                                        \
	"      pids.max: { min: 1, max: 64 }\n"


/* OK(call, what): the call succeeds (err is read after it). */
#define OK(call, what)                                                                   \
	do {                                                                             \
		int rc_ = (call);                                                        \
		ck_assert_msg(rc_ == 0, "%s: %s", what, err ? boxcg_error_message(err) : "?"); \
	} while (0)

/* The generation: the size of <state>/lock. */
static long generation(bxa *a)
{
	char *path = bx_sprintf("%s/lock", a->f.state);
	struct stat st;
	long g = stat(path, &st) == 0 ? (long)st.st_size : -1;
	free(path);
	return g;
}

START_TEST(generation_advances_only_outside_boxes)
{
	bxa a;
	bxa_open(&a, POLICY);
	boxcg_error *err = NULL;
	/* the first box creates its class slice: a change above boxes */
	OK(boxcg_box_create(a.t, a.p, "vm", "v1", 0, &err), "create v1");
	long g = generation(&a);
	ck_assert_int_eq(g, 1);
	ck_assert_ptr_nonnull(a.t->frame.memo);
	/* box-local transactions leave it */
	OK(boxcg_box_create(a.t, a.p, "vm", "v2", 0, &err), "create v2");
	boxcg_set s[] = { { "pids.max", "9" } };
	OK(boxcg_box_update(a.t, a.p, "vm", "v2", s, 1, 0, NULL, &err), "update v2");
	OK(boxcg_box_delete(a.t, a.p, "vm", "v2", 0, 1000, &err), "delete v2");
	ck_assert_int_eq(generation(&a), g);
	char *v = bxf_get(&a.f, "boxlite/vm/v1/pids.max");
	ck_assert_str_eq(v, "32\n");
	free(v);
	/* the frame was read at that generation */
	ck_assert_uint_eq(a.t->frame.gen, (uint64_t)g);
	bxa_close(&a);
}
END_TEST

START_TEST(another_generation_reads_the_tree_again)
{
	bxa a;
	bxa_open(&a, POLICY);
	boxcg_error *err = NULL;
	OK(boxcg_box_create(a.t, a.p, "vm", "v1", 0, &err), "create v1");
	long g = generation(&a);
	bx_state *before = a.t->frame.memo;
	ck_assert_ptr_nonnull(before);
	/* another boxcg's apply would have advanced it */
	char *lock = bx_sprintf("%s/lock", a.f.state);
	ck_assert_int_eq(truncate(lock, g + 1), 0);
	free(lock);
	ck_assert(!bx_frame_holds(&a.t->frame, a.t->fs, true, (uint64_t)g + 1));
	ck_assert_ptr_null(a.t->frame.memo);
	OK(boxcg_box_create(a.t, a.p, "vm", "v2", 0, &err), "create v2");
	ck_assert_ptr_nonnull(a.t->frame.memo);
	ck_assert_uint_eq(a.t->frame.gen, (uint64_t)g + 1);
	ck_assert(bx_frame_holds(&a.t->frame, a.t->fs, true, (uint64_t)g + 1));
	ck_assert(!bx_frame_holds(&a.t->frame, a.t->fs, false, 0)); /* unknown: never */
	bxa_close(&a);
}
END_TEST

/* Someone outside boxcg removes the class slice behind a warm frame: the
 * box transaction fails on the kernel's (here the filesystem's) word,
 * rolls back, and succeeds against the live tree. */
START_TEST(a_stale_frame_gets_a_second_try)
{
	bxa a;
	bxa_open(&a, POLICY);
	boxcg_error *err = NULL;
	OK(boxcg_box_create(a.t, a.p, "vm", "v1", 0, &err), "create v1");
	/* the first made the slice and advanced the generation: this one
	 * leaves the frame warm */
	OK(boxcg_box_create(a.t, a.p, "vm", "v1b", 0, &err), "create v1b");
	ck_assert(bx_frame_holds(&a.t->frame, a.t->fs, true, (uint64_t)generation(&a)));
	char *slice = bx_sprintf("%s/boxlite", a.f.root);
	ck_assert_int_eq(nftw(slice, bxf_rm, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(slice);
	OK(boxcg_box_create(a.t, a.p, "vm", "v2", 0, &err), "create v2 after the slice went");
	char *v = bxf_get(&a.f, "boxlite/vm/v2/pids.max");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "32\n");
	free(v);
	/* and an update after its class slice is gone and made again */
	boxcg_set s[] = { { "pids.max", "7" } };
	OK(boxcg_box_update(a.t, a.p, "vm", "v2", s, 1, 0, NULL, &err), "update v2");
	v = bxf_get(&a.f, "boxlite/vm/v2/pids.max");
	ck_assert_str_eq(v, "7\n");
	free(v);
	bxa_close(&a);
}
END_TEST

/* A capture taken from the observation trusts it: a cgroup it saw
 * missing is not looked for again. If one appears before the mkdir (made
 * outside boxcg), the mkdir fails with EEXIST and the rollback must leave
 * it alone: a failed mkdir made nothing, so its record is not undone. */
START_TEST(a_failed_mkdir_undoes_nothing)
{
	bxf f;
	bxf_open(&f, NULL);
	bxf_put(&f, "theirs/pids.max", "5\n"); /* there, though "seen" missing */
	bx_state *seen = bx_state_new(f.fs->base_path, true);
	bx_cg_state *base = bx_state_add(seen, "");
	base->exists = true;
	bx_cg_state *cg = bx_state_add(seen, "theirs");
	cg->observed = BX_OBS_MANAGED;
	bx_state_sort(seen);
	bx_plan *plan = bx_plan_new(f.fs->base_path, true);
	bx_error *e = NULL;
	bx_step st = { .op = BX_OP_MKDIR, .cgroup = (char *)"theirs" };
	ck_assert_int_eq(bx_plan_push(plan, &st, &e), 0);
	bx_apply_opts o = { .state_dir = f.state, .seen = seen };
	bx_apply_result r;
	ck_assert_int_eq(bx_apply(f.fs, plan, &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, EEXIST);
	ck_assert(r.rolled_back);
	char *v = bxf_get(&f, "theirs/pids.max");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "5\n");
	free(v);
	bx_error_free(e);
	bx_apply_result_free(&r);
	bx_plan_free(plan);
	bx_state_free(seen);
	bxf_close(&f);
}
END_TEST

Suite *suite_frame(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("frame");
	tcase_add_test(tc, generation_advances_only_outside_boxes);
	tcase_add_test(tc, another_generation_reads_the_tree_again);
	tcase_add_test(tc, a_stale_frame_gets_a_second_try);
	tcase_add_test(tc, a_failed_mkdir_undoes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
