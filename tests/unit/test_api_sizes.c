/* The public API for runtimes (boxcg.h) on directory roots: boxes with
 * values of their own, NULL arguments. */
#include "test_box_fixture.h"

#include <errno.h>

#include "boxcg.h"

Suite *suite_api_sizes(void);

#define SIZED_POLICY                                                                  \
	"version: 1\n"                                                                \
	"classes:\n"                                                                  \
	"  vm:\n"                                                                     \
	"    box:\n"                                                                  \
	"      memory: { max: 512MiB, high: 90% }\n"                                  \
	"      cpu: { max: 1 }\n"                                                     \
	"      pids: { max: 32 }\n"                                                   \
	"    sizes:\n"                                                                \
	"      memory.max: { min: 256MiB, max: 16GiB, overhead: 64MiB }\n"            \
	"      cpu.max: { min: 0.25, max: 8 }\n"                                      \
	"      pids.max: { min: 1, max: 64 }\n"

typedef struct api {
	bxf f;
	boxcg_target *t;
	boxcg_policy *p;
} api;

static void api_open(api *a)
{
	bxf_open(&a->f, NULL);
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_target_open(a->f.root, a->f.state, &a->t, &err), 0);
	int rc = boxcg_policy_load_buffer(a->t, "p.yaml", SIZED_POLICY, strlen(SIZED_POLICY), &a->p,
					  NULL, &err);
	ck_assert_msg(rc == 0, "load: %s", err ? boxcg_error_message(err) : "?");
}

static void api_close(api *a)
{
	boxcg_policy_free(a->p);
	boxcg_target_close(a->t);
	bxf_close(&a->f);
}

static void expect_errno(int rc, boxcg_error **err, int want, const char *says)
{
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(*err);
	ck_assert_msg(boxcg_error_errno(*err) == want, "errno %d, want %d: %s", boxcg_error_errno(*err),
		      want, boxcg_error_message(*err));
	if (says)
		ck_assert_msg(strstr(boxcg_error_message(*err), says), "\"%s\" does not say \"%s\"",
			      boxcg_error_message(*err), says);
	boxcg_error_free(*err);
	*err = NULL;
}

START_TEST(create_with_own_values)
{
	api a;
	api_open(&a);
	boxcg_error *err = NULL;
	boxcg_set sets[] = { { "memory.max", "2GiB" }, { "cpu.max", "2" }, { "pids.max", "8" } };
	ck_assert_int_eq(boxcg_box_create_sized(a.t, a.p, "vm", "v1", sets, 3, 0, &err), 0);
	char *v = bxf_get(&a.f, "boxlite/vm/v1/memory.max");
	ck_assert_str_eq(v, "2214592512\n");
	free(v);
	v = bxf_get(&a.f, "boxlite/vm/v1/pids.max");
	ck_assert_str_eq(v, "8\n");
	free(v);
	v = bxf_get(&a.f, "boxlite/vm/v1/cpu.max");
	ck_assert_str_eq(v, "200000 100000\n");
	free(v);

	boxcg_box_list *l = NULL;
	ck_assert_int_eq(boxcg_box_list_read(a.t, a.p, &l, &err), 0);
	ck_assert_str_eq(boxcg_box_own(boxcg_box_list_at(l, 0)), "cpu.max=2 memory.max=2147483648 pids.max=8");
	ck_assert_int_eq(boxcg_box_frozen(boxcg_box_list_at(l, 0)), 0);
	boxcg_box_list_free(l);

	/* refusals create nothing */
	boxcg_set far[] = { { "memory.max", "64GiB" } };
	expect_errno(boxcg_box_create_sized(a.t, a.p, "vm", "v2", far, 1, 0, &err), &err, ERANGE,
		     "p.yaml:9:7");
	boxcg_set shut[] = { { "memory.swap_max", "1G" } };
	expect_errno(boxcg_box_create_sized(a.t, a.p, "vm", "v2", shut, 1, 0, &err), &err, EPERM,
		     "p.yaml:3:3");
	boxcg_set nul[] = { { "pids.max", NULL } };
	expect_errno(boxcg_box_create_sized(a.t, a.p, "vm", "v2", nul, 1, 0, &err), &err, EINVAL, NULL);
	boxcg_set eq[] = { { "pids.max=3", "4" } };
	expect_errno(boxcg_box_create_sized(a.t, a.p, "vm", "v2", eq, 1, 0, &err), &err, EINVAL, NULL);
	expect_errno(boxcg_box_create_sized(a.t, a.p, "vm", "v2", NULL, 1, 0, &err), &err, EINVAL, NULL);
	ck_assert(!bxf_exists(&a.f, "boxlite/vm/v2"));
	/* an existing box is not resized by a create */
	expect_errno(boxcg_box_create_sized(a.t, a.p, "vm", "v1", sets, 1, BOXCG_CREATE_EXIST_OK, &err),
		     &err, EEXIST, "box update");
	/* no sets: as boxcg_box_create */
	ck_assert_int_eq(boxcg_box_create_sized(a.t, a.p, "vm", "v3", NULL, 0, 0, &err), 0);
	v = bxf_get(&a.f, "boxlite/vm/v3/pids.max");
	ck_assert_str_eq(v, "32\n");
	free(v);
	api_close(&a);
}
END_TEST

START_TEST(null_class_names_are_einval)
{
	api a;
	api_open(&a);
	boxcg_error *err = NULL;
	expect_errno(boxcg_box_create(a.t, a.p, NULL, "b1", 0, &err), &err, EINVAL, "class name");
	expect_errno(boxcg_box_create_sized(a.t, a.p, NULL, "b1", NULL, 0, 0, &err), &err, EINVAL,
		     "class name");
	char buf[256];
	expect_errno(boxcg_box_path(a.t, a.p, NULL, "b1", buf, sizeof buf, &err), &err, EINVAL,
		     "class name");
	api_close(&a);
}
END_TEST

Suite *suite_api_sizes(void)
{
	Suite *s = suite_create("api_sizes");
	TCase *tc = tcase_create("api");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, create_with_own_values);
	tcase_add_test(tc, null_class_names_are_einval);
	suite_add_tcase(s, tc);
	return s;
}
