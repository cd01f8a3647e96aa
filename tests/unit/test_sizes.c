/* sizes: a box's own values (sizes/sizes.h). Requests within the class's
 * range, refusals naming the class, the record's entries (round trip,
 * clamping, hostile text), and the box's settings (overhead, percents of
 * its own memory.max, cpu quota at the class's period). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/managed.h"
#include "policy/policy.h"
#include "sizes/sizes.h"

Suite *suite_sizes(void);

static const char POLICY[] = "version: 1\n"
			     "classes:\n"
			     "  vm:\n"
			     "    box:\n"
			     "      memory: { max: 512MiB, high: 90%, low: 25% }\n"
			     "      cpu: { max: 1, period: 50ms }\n"
			     "      pids: { max: 32 }\n"
			     "    sizes:\n"
			     "      memory.max: { min: 256MiB, max: 16GiB, overhead: 64MiB }\n"
			     "      cpu.max: { min: 0.25, max: 8 }\n"
			     "      pids.max: { min: 1, max: max }\n"
			     "      memory.low: { min: 0, max: 1GiB }\n"
			     "  plain:\n"
			     "    box:\n"
			     "      pids: { max: 16 }\n";

static bx_policy *load(void)
{
	bx_host_facts f = { .page_size = 4096, .mem_total = 64ull << 30, .ncpus = 8 };
	bx_diags d = {0};
	bx_policy *p = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_policy_load_buffer("p.yaml", POLICY, sizeof POLICY - 1, &f, &p, &d, &e), 0);
	ck_assert_msg(p, "policy did not load: %zu errors", d.errors);
	bx_diags_free(&d);
	return p;
}

static const char *value(const bx_settings *s, const char *file)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].file, file) == 0)
			return s->v[i].value;
	return NULL;
}

START_TEST(requests_become_settings)
{
	bx_policy *p = load();
	const bx_class *c = bx_policy_class(p, "vm");
	ck_assert_uint_eq(c->nopen, 4);
	const char *sets[] = { "memory.max=2GiB", "cpu.max=1500m", "pids.max=max", "pids.max=8" };
	bx_owns o = {0};
	bx_error *e = NULL;
	ck_assert_int_eq(bx_sizes_request(c, sets, 4, &o, &e), 0);
	char *t = bx_sizes_text(&o);
	ck_assert_str_eq(t, "cpu.max=1.5 memory.max=2147483648 pids.max=8");
	bx_settings s;
	ck_assert_int_eq(bx_sizes_settings(c, &o, &p->facts, &s, &e), 0);
	ck_assert_str_eq(value(&s, "memory.max"), "2214592512"); /* 2GiB + 64MiB */
	/* 90% and 25% of the box's own memory.max, whole pages */
	ck_assert_str_eq(value(&s, "memory.high"), "1993129984");
	ck_assert_str_eq(value(&s, "memory.low"), "553648128");
	ck_assert_str_eq(value(&s, "cpu.max"), "75000 50000"); /* at the class's period */
	ck_assert_str_eq(value(&s, "pids.max"), "8");
	/* the class's own settings are untouched */
	ck_assert_str_eq(value(&c->box, "pids.max"), "32");
	ck_assert_str_eq(value(&c->box, "memory.max"), "536870912");
	bx_settings_free(&s);
	/* an own memory.low wins over the percent */
	const char *low[] = { "memory.low=128MiB" };
	ck_assert_int_eq(bx_sizes_request(c, low, 1, &o, &e), 0);
	ck_assert_int_eq(bx_sizes_settings(c, &o, &p->facts, &s, &e), 0);
	ck_assert_str_eq(value(&s, "memory.low"), "134217728");
	bx_settings_free(&s);
	/* the record round-trips */
	bx_owns back;
	free(t);
	t = bx_sizes_text(&o);
	ck_assert_int_eq(bx_sizes_from_record(c, t, &back), 0);
	char *t2 = bx_sizes_text(&back);
	ck_assert_str_eq(t, t2);
	free(t), free(t2);
	bx_owns_free(&back);
	bx_owns_free(&o);
	bx_policy_free(p);
}
END_TEST

START_TEST(refusals_name_the_class_and_change_nothing)
{
	bx_policy *p = load();
	const bx_class *c = bx_policy_class(p, "vm");
	struct {
		const char *set;
		int errnum;
		const char *says;
	} cases[] = {
		{ "memory.max=32GiB", ERANGE, "memory.max=32GiB is out of range for class vm: 256MiB to 16GiB (p.yaml:9:7 [classes.vm.sizes.memory.max])" },
		{ "memory.max=255MiB", ERANGE, "out of range" },
		{ "memory.max=max", ERANGE, "out of range" },
		{ "cpu.max=0.2", ERANGE, "0.25 to 8 (p.yaml:10:7" },
		{ "cpu.max=9", ERANGE, "out of range" },
		{ "pids.max=0", ERANGE, "out of range" },
		{ "memory.swap_max=1G", EPERM, "class vm (p.yaml:3:3) does not open it" },
		{ "nonsense.key=1", EPERM, "does not open it" },
		{ "pids.max=-1", EINVAL, "pids.max" },
		{ "pids.max=1x", EINVAL, "pids.max" },
		{ "memory.max=2GiB=3", EINVAL, "memory.max" },
		{ "memory.max", EINVAL, "expected KEY=VALUE" },
		{ "=1", EINVAL, "expected KEY=VALUE" },
		{ "pids.max=", EINVAL, "expected KEY=VALUE" },
		{ "", EINVAL, "expected KEY=VALUE" },
	};
	bx_owns o = {0};
	const char *keep[] = { "pids.max=7" };
	bx_error *e = NULL;
	ck_assert_int_eq(bx_sizes_request(c, keep, 1, &o, &e), 0);
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		const char *sets[] = { "memory.max=1GiB", cases[i].set };
		ck_assert_int_eq(bx_sizes_request(c, sets, 2, &o, &e), -1);
		ck_assert_ptr_nonnull(e);
		ck_assert_msg(e->errnum == cases[i].errnum, "%s: errno %d, want %d (%s)", cases[i].set,
			      e->errnum, cases[i].errnum, e->msg);
		ck_assert_msg(strstr(e->msg, cases[i].says), "%s: \"%s\" does not say \"%s\"",
			      cases[i].set, e->msg, cases[i].says);
		bx_error_free(e);
		e = NULL;
		/* all or nothing: the valid memory.max before it was not taken */
		char *t = bx_sizes_text(&o);
		ck_assert_str_eq(t, "pids.max=7");
		free(t);
	}
	/* a class without sizes: opens nothing */
	const char *one[] = { "pids.max=8" };
	ck_assert_int_eq(bx_sizes_request(bx_policy_class(p, "plain"), one, 1, &o, &e), -1);
	ck_assert_int_eq(e->errnum, EPERM);
	ck_assert_ptr_nonnull(strstr(e->msg, "opens no limits"));
	bx_error_free(e);
	bx_owns_free(&o);
	bx_policy_free(p);
}
END_TEST

START_TEST(records_are_trusted_like_the_tree_not_like_a_request)
{
	bx_policy *p = load();
	const bx_class *c = bx_policy_class(p, "vm");
	struct {
		const char *rec, *own;
	} cases[] = {
		{ "", "" },
		{ "memory.max pids.max", "" },
		{ "pids.max=8", "pids.max=8" },
		/* out of today's range: to the nearest bound */
		{ "memory.max=1 cpu.max=100", "cpu.max=8 memory.max=268435456" },
		/* not open (any more), junk, duplicates: the first kept */
		{ "memory.swap_max=1 pids.max=abc io.max=1 =3 cpu.max= x=y", "" },
		{ "pids.max=9 pids.max=10", "pids.max=10" },
		{ "pids.max=99999999999999999999999", "" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		bx_owns o;
		ck_assert_int_eq(bx_sizes_from_record(c, cases[i].rec, &o), 0);
		char *t = bx_sizes_text(&o);
		ck_assert_msg(strcmp(t, cases[i].own) == 0, "\"%s\" -> \"%s\", want \"%s\"", cases[i].rec,
			      t, cases[i].own);
		free(t);
		bx_owns_free(&o);
	}
	bx_policy_free(p);
}
END_TEST

START_TEST(the_managed_record_keeps_own_values_canonically)
{
	struct {
		const char *in, *out;
	} cases[] = {
		{ "pids.max pids.max=8", "pids.max pids.max=8" },
		{ "pids.max=8 memory.max=2147483648 cpu.max pids.max", "cpu.max pids.max memory.max=2147483648 pids.max=8" },
		{ "cpu.max=0.25", "cpu.max=0.25" },
		/* same key twice: one kept (sorted first) */
		{ "pids.max=9 pids.max=10", "pids.max=10" },
		/* not openable, hostile bytes, too long */
		{ "cpuset.cpus=0-3 io.max=1 hugetlb.2MB=1 pids.max=A memory.max=1;rm pids.max=../x", "" },
		{ "pids.max=11111111111111111111111111111111111111111", "" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *c = bx_managed_canonical(cases[i].in, NULL);
		ck_assert_ptr_nonnull(c);
		ck_assert_msg(strcmp(c, cases[i].out) == 0, "\"%s\" -> \"%s\", want \"%s\"", cases[i].in, c,
			      cases[i].out);
		ck_assert(bx_managed_valid(c));
		free(c);
	}
	ck_assert(!bx_managed_valid("pids.max=8 pids.max"));
}
END_TEST

START_TEST(own_memory_max_of_max_refuses_percents)
{
	static const char pol[] = "version: 1\nclasses:\n  vm:\n    box:\n      memory: { max: 1GiB, high: 50% }\n"
				  "    sizes:\n      memory.max: { min: 1GiB, max: max }\n";
	bx_host_facts f = { .page_size = 4096, .mem_total = 64ull << 30 };
	bx_diags d = {0};
	bx_policy *p = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_policy_load_buffer("q.yaml", pol, sizeof pol - 1, &f, &p, &d, &e), 0);
	ck_assert_ptr_nonnull(p);
	bx_diags_free(&d);
	const bx_class *c = bx_policy_class(p, "vm");
	const char *sets[] = { "memory.max=max" };
	bx_owns o = {0};
	ck_assert_int_eq(bx_sizes_request(c, sets, 1, &o, &e), 0);
	bx_settings s;
	ck_assert_int_eq(bx_sizes_settings(c, &o, &p->facts, &s, &e), -1);
	ck_assert_int_eq(e->errnum, EINVAL);
	ck_assert_msg(strstr(e->msg, "memory.high is 50% of memory.max (q.yaml:5:"), "%s", e->msg);
	bx_error_free(e);
	bx_owns_free(&o);
	bx_policy_free(p);
}
END_TEST

Suite *suite_sizes(void)
{
	Suite *s = suite_create("sizes");
	TCase *t = tcase_create("own values");
	tcase_add_test(t, requests_become_settings);
	tcase_add_test(t, refusals_name_the_class_and_change_nothing);
	tcase_add_test(t, records_are_trusted_like_the_tree_not_like_a_request);
	tcase_add_test(t, the_managed_record_keeps_own_values_canonically);
	tcase_add_test(t, own_memory_max_of_max_refuses_percents);
	suite_add_tcase(s, t);
	return s;
}
