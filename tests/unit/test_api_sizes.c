/* The public API for runtimes (boxcg.h) on directory roots: boxes with
 * values of their own, NULL arguments. */
#include "test_box_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_int.h"
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
	bxa a;
	bxa_open(&a, SIZED_POLICY);
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
	bxa_close(&a);
}
END_TEST

START_TEST(null_class_names_are_einval)
{
	bxa a;
	bxa_open(&a, SIZED_POLICY);
	boxcg_error *err = NULL;
	expect_errno(boxcg_box_create(a.t, a.p, NULL, "b1", 0, &err), &err, EINVAL, "class name");
	expect_errno(boxcg_box_create_sized(a.t, a.p, NULL, "b1", NULL, 0, 0, &err), &err, EINVAL,
		     "class name");
	char buf[256];
	expect_errno(boxcg_box_path(a.t, a.p, NULL, "b1", buf, sizeof buf, &err), &err, EINVAL,
		     "class name");
	bxa_close(&a);
}
END_TEST

START_TEST(update_freeze_query_and_dirfd)
{
	bxa a;
	bxa_open(&a, SIZED_POLICY);
	boxcg_error *err = NULL;
	boxcg_set sets[] = { { "pids.max", "8" } };
	ck_assert_int_eq(boxcg_box_create_sized(a.t, a.p, "vm", "v1", sets, 1, 0, &err), 0);

	/* dry run: a plan, nothing changed */
	boxcg_set up[] = { { "pids.max", "12" }, { "memory.max", "1GiB" } };
	boxcg_plan *plan = NULL;
	ck_assert_int_eq(boxcg_box_update(a.t, a.p, NULL, "v1", up, 2, BOXCG_UPDATE_DRY_RUN, &plan, &err), 0);
	ck_assert_uint_eq(boxcg_plan_to_change(plan), 3); /* memory.max, memory.high, pids.max */
	ck_assert_ptr_nonnull(strstr(boxcg_plan_text(plan), "pids.max: 8 → 12"));
	/* the record of an update cannot be applied as a plan */
	boxcg_apply_status st;
	expect_errno(boxcg_apply(a.t, plan, &st, &err), &err, EINVAL, "box update");
	boxcg_plan_free(plan);
	char *v = bxf_get(&a.f, "boxlite/vm/v1/pids.max");
	ck_assert_str_eq(v, "8\n");
	free(v);
	ck_assert_int_eq(boxcg_box_update(a.t, a.p, "vm", "v1", up, 2, 0, NULL, &err), 0);
	v = bxf_get(&a.f, "boxlite/vm/v1/pids.max");
	ck_assert_str_eq(v, "12\n");
	free(v);

	/* query: class, own values, limits, state */
	boxcg_box *b = NULL;
	ck_assert_int_eq(boxcg_box_query(a.t, a.p, NULL, "v1", &b, &err), 0);
	ck_assert_str_eq(boxcg_box_class(b), "vm");
	ck_assert_str_eq(boxcg_box_own(b), "memory.max=1073741824 pids.max=12");
	ck_assert_str_eq(boxcg_box_limit(b, "memory.max"), "1140850688");
	ck_assert_str_eq(boxcg_box_limit(b, "memory.high"), "1026764800");
	ck_assert_str_eq(boxcg_box_limit(b, "cpu.max"), "100000 100000");
	ck_assert_ptr_null(boxcg_box_limit(b, "io.max"));
	ck_assert_int_eq(boxcg_box_frozen(b), 0);
	boxcg_box_free(b);

	ck_assert_int_eq(boxcg_box_freeze(a.t, a.p, NULL, "v1", 1000, &err), 0);
	ck_assert_int_eq(boxcg_box_query(a.t, a.p, "vm", "v1", &b, &err), 0);
	ck_assert_int_eq(boxcg_box_frozen(b), 1);
	boxcg_box_free(b);
	ck_assert_int_eq(boxcg_box_thaw(a.t, a.p, NULL, "v1", 1000, &err), 0);
	v = bxf_get(&a.f, "boxlite/vm/v1/cgroup.freeze");
	ck_assert_str_eq(v, "0\n");
	free(v);

	int fd = -1;
	ck_assert_int_eq(boxcg_box_dirfd(a.t, a.p, NULL, "v1", &fd, &err), 0);
	struct stat sa, sb;
	char *path = bx_sprintf("%s/boxlite/vm/v1", a.f.root);
	ck_assert_int_eq(fstat(fd, &sa), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert(sa.st_ino == sb.st_ino && S_ISDIR(sa.st_mode));
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	free(path);

	/* refusals */
	expect_errno(boxcg_box_update(a.t, a.p, NULL, "v1", up, 0, 0, NULL, &err), &err, EINVAL, NULL);
	boxcg_set far[] = { { "pids.max", "65" } };
	expect_errno(boxcg_box_update(a.t, a.p, NULL, "v1", far, 1, 0, NULL, &err), &err, ERANGE, "1 to 64");
	expect_errno(boxcg_box_update(a.t, a.p, NULL, "v1", far, 1, 0x8, NULL, &err), &err, EINVAL, NULL);
	expect_errno(boxcg_box_update(a.t, a.p, NULL, "nobox", up, 1, 0, NULL, &err), &err, ENOENT, NULL);
	expect_errno(boxcg_box_query(a.t, a.p, NULL, "nobox", &b, &err), &err, ENOENT, NULL);
	expect_errno(boxcg_box_query(a.t, a.p, NULL, "v1", NULL, &err), &err, EINVAL, NULL);
	expect_errno(boxcg_box_dirfd(a.t, a.p, NULL, "v1", NULL, &err), &err, EINVAL, NULL);
	expect_errno(boxcg_box_dirfd(a.t, a.p, NULL, "nobox", &fd, &err), &err, ENOENT, NULL);
	expect_errno(boxcg_box_freeze(a.t, a.p, NULL, "nobox", 100, &err), &err, ENOENT, NULL);
	expect_errno(boxcg_box_freeze(NULL, a.p, NULL, "v1", 100, &err), &err, EINVAL, NULL);
	/* lowering memory.max below memory.current: refused, unless forced */
	bxf_put(&a.f, "boxlite/vm/v1/memory.current", "900000000\n");
	boxcg_set low[] = { { "memory.max", "512MiB" } };
	expect_errno(boxcg_box_update(a.t, a.p, NULL, "v1", low, 1, 0, NULL, &err), &err, EBUSY, "--force");
	v = bxf_get(&a.f, "boxlite/vm/v1/memory.max");
	ck_assert_str_eq(v, "1140850688\n");
	free(v);
	ck_assert_int_eq(boxcg_box_update(a.t, a.p, NULL, "v1", low, 1, BOXCG_UPDATE_FORCE, NULL, &err), 0);
	v = bxf_get(&a.f, "boxlite/vm/v1/memory.max");
	ck_assert_str_eq(v, "603979776\n");
	free(v);
	bxa_close(&a);
}
END_TEST

/* A freeze that does not complete in time (issue 12, item 3): 0 is written
 * back to cgroup.freeze and the failure is ETIMEDOUT with a clear message;
 * when the write-back fails too, the error says so. The directory root's
 * emulated cgroup.events is held at frozen 0 (fs->freeze_stuck, as a box
 * with a process in uninterruptible sleep). */
/* box update writes what its new values change, nothing else: drift in
 * another file of the box is left for `apply` (and `plan` shows it). */
START_TEST(update_writes_what_its_values_change)
{
	bxa a;
	bxa_open(&a, SIZED_POLICY);
	boxcg_error *err = NULL;
	boxcg_set sets[] = { { "memory.max", "2GiB" }, { "pids.max", "8" } };
	ck_assert_int_eq(boxcg_box_create_sized(a.t, a.p, "vm", "v1", sets, 2, 0, &err), 0);
	char *high0 = bxf_get(&a.f, "boxlite/vm/v1/memory.high");
	bxf_put(&a.f, "boxlite/vm/v1/cpu.max", "50000 100000\n"); /* drift */
	boxcg_set up[] = { { "memory.max", "1GiB" } };
	boxcg_plan *plan = NULL;
	ck_assert_int_eq(boxcg_box_update(a.t, a.p, "vm", "v1", up, 1, 0, &plan, &err), 0);
	/* memory.max and the memory.high that follows it, and the record */
	ck_assert_uint_eq(boxcg_plan_to_change(plan), 2);
	for (size_t i = 0; i < boxcg_plan_count(plan); i++) {
		const char *f = boxcg_step_file(boxcg_plan_step(plan, i));
		ck_assert_msg(!f || strncmp(f, "memory.", 7) == 0, "update wrote %s", f);
	}
	boxcg_plan_free(plan);
	char *v = bxf_get(&a.f, "boxlite/vm/v1/memory.max");
	ck_assert_str_eq(v, "1140850688\n");
	free(v);
	v = bxf_get(&a.f, "boxlite/vm/v1/memory.high");
	ck_assert_str_ne(v, high0);
	ck_assert_str_eq(v, "1026764800\n");
	free(v);
	free(high0);
	v = bxf_get(&a.f, "boxlite/vm/v1/cpu.max");
	ck_assert_str_eq(v, "50000 100000\n");
	free(v);
	/* the same values again: nothing to do */
	ck_assert_int_eq(boxcg_box_update(a.t, a.p, "vm", "v1", up, 1, 0, &plan, &err), 0);
	ck_assert_uint_eq(boxcg_plan_count(plan), 0);
	boxcg_plan_free(plan);
	/* apply reconciles the drift and keeps the box's own values */
	ck_assert_int_eq(boxcg_plan_compute(a.t, a.p, 0, &plan, &err), 0);
	ck_assert_uint_eq(boxcg_plan_to_change(plan), 1);
	ck_assert_msg(strstr(boxcg_plan_text(plan), "cpu.max: 0.5 CPUs (50000 100000) → 1 CPU (100000 100000)"), "%s",
		      boxcg_plan_text(plan));
	boxcg_plan_free(plan);
	bxa_close(&a);
}
END_TEST

/* Box create and update look for a pending journal at their end (the
 * journal's O_EXCL create, or a check when they commit none): whatever
 * else would happen, a pending journal is what they report, and nothing
 * changes. */
START_TEST(a_pending_journal_stops_box_transactions)
{
	bxa a;
	bxa_open(&a, SIZED_POLICY);
	boxcg_error *err = NULL;
	boxcg_set sets[] = { { "memory.max", "2GiB" } };
	ck_assert_int_eq(boxcg_box_create_sized(a.t, a.p, "vm", "v1", sets, 1, 0, &err), 0);
	char *journal = bx_sprintf("%s/journal", a.f.state);
	int fd = open(journal, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	const char *says = "run `boxcg recover` first";
	expect_errno(boxcg_box_create(a.t, a.p, "vm", "v2", 0, &err), &err, EAGAIN, says);
	ck_assert(!bxf_exists(&a.f, "boxlite/vm/v2"));
	expect_errno(boxcg_box_create(a.t, a.p, "vm", "v1", 0, &err), &err, EAGAIN, says);
	boxcg_set up[] = { { "memory.max", "1GiB" } };
	boxcg_plan *plan = NULL;
	expect_errno(boxcg_box_update(a.t, a.p, "vm", "v1", up, 1, 0, &plan, &err), &err, EAGAIN, says);
	expect_errno(boxcg_box_update(a.t, a.p, "vm", "v1", up, 1, BOXCG_UPDATE_DRY_RUN, &plan, &err),
		     &err, EAGAIN, says);
	expect_errno(boxcg_box_update(a.t, a.p, "vm", "v1", sets, 1, 0, &plan, &err), &err, EAGAIN,
		     says); /* nothing to change */
	expect_errno(boxcg_box_update(a.t, a.p, "vm", "nosuch", up, 1, 0, &plan, &err), &err, EAGAIN,
		     says);
	char *v = bxf_get(&a.f, "boxlite/vm/v1/memory.max");
	ck_assert_str_eq(v, "2214592512\n");
	free(v);
	/* recovered (here: the journal removed), the same handle goes on */
	ck_assert_int_eq(unlink(journal), 0);
	free(journal);
	ck_assert_int_eq(boxcg_box_create(a.t, a.p, "vm", "v2", 0, &err), 0);
	ck_assert_int_eq(boxcg_box_update(a.t, a.p, "vm", "v1", up, 1, 0, &plan, &err), 0);
	boxcg_plan_free(plan);
	v = bxf_get(&a.f, "boxlite/vm/v1/memory.max");
	ck_assert_str_eq(v, "1140850688\n");
	free(v);
	bxa_close(&a);
}
END_TEST

START_TEST(freeze_timeout_thaws_again)
{
	bxa a;
	bxa_open(&a, SIZED_POLICY);
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_box_create(a.t, a.p, "vm", "v1", 0, &err), 0);
	a.t->fs->freeze_stuck = true;
	expect_errno(boxcg_box_freeze(a.t, a.p, NULL, "v1", 100, &err), &err, ETIMEDOUT,
		     "did not freeze within 100 ms (a process in uninterruptible sleep?); wrote 0 "
		     "back to cgroup.freeze, so it runs as before");
	char *v = bxf_get(&a.f, "boxlite/vm/v1/cgroup.freeze");
	ck_assert_str_eq(v, "0\n");
	free(v);
	v = bxf_get(&a.f, "boxlite/vm/v1/cgroup.events");
	ck_assert_ptr_nonnull(strstr(v, "frozen 0"));
	free(v);
	boxcg_box *b = NULL;
	ck_assert_int_eq(boxcg_box_query(a.t, a.p, "vm", "v1", &b, &err), 0);
	ck_assert_int_eq(boxcg_box_frozen(b), 0);
	boxcg_box_free(b);

	/* the write-back fails as well (the second mutation from now): said */
	a.t->fs->fail_after = 2;
	a.t->fs->fail_errno = EIO;
	expect_errno(boxcg_box_freeze(a.t, a.p, "vm", "v1", 0, &err), &err, ETIMEDOUT,
		     "did not freeze within 0 ms, and writing 0 back to cgroup.freeze failed too");
	a.t->fs->fail_after = 0;

	/* the hook is what made it fail: without it the box freezes */
	a.t->fs->freeze_stuck = false;
	ck_assert_int_eq(boxcg_box_freeze(a.t, a.p, "vm", "v1", 1000, &err), 0);
	v = bxf_get(&a.f, "boxlite/vm/v1/cgroup.freeze");
	ck_assert_str_eq(v, "1\n");
	free(v);
	bxa_close(&a);
}
END_TEST

Suite *suite_api_sizes(void)
{
	Suite *s = suite_create("api_sizes");
	TCase *tc = tcase_create("api");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, create_with_own_values);
	tcase_add_test(tc, null_class_names_are_einval);
	tcase_add_test(tc, update_freeze_query_and_dirfd);
	tcase_add_test(tc, update_writes_what_its_values_change);
	tcase_add_test(tc, freeze_timeout_thaws_again);
	tcase_add_test(tc, a_pending_journal_stops_box_transactions);
	suite_add_tcase(s, tc);
	return s;
}
