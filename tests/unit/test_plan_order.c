/* plan/order: the write order inside a cgroup keeps the kernel's and the
 * policy's invariants at every step, for every combination of old and
 * new values (checked exhaustively over random cases, by simulation). */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/normalize.h"
#include "plan/plan_int.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bx_setting mk_setting(const char *file)
{
	bx_setting s = {0};
	s.file_info = bx_file_lookup(file);
	s.file = (char *)file;
	return s;
}

/* a change whose cur and want the test allocated */
static bx_change chg(const bx_setting *s, char *cur, char *want)
{
	return (bx_change){ .s = s, .cur = cur, .want = want };
}

static char *u64s(uint64_t v) { return v == UINT64_MAX ? strdup("max") : bx_sprintf("%" PRIu64, v); }

static uint64_t val(const char *s)
{
	uint64_t v;
	ck_assert_int_eq(bx_parse_u64_or_max(s, &v), 0);
	return v;
}

static const char *const chain[] = { "memory.min", "memory.low", "memory.high", "memory.max" };

static void random_chain(uint64_t v[4])
{
	for (int i = 0; i < 4; i++) {
		uint64_t r = next_rand() % 6;
		v[i] = r == 5 ? UINT64_MAX : r * 4096;
	}
	/* sort ascending: a valid chain */
	for (int i = 1; i < 4; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static bool chain_ok(const uint64_t v[4]) { return v[0] <= v[1] && v[1] <= v[2] && v[2] <= v[3]; }

START_TEST(memory_chain_holds_at_every_step)
{
	bx_setting set[4];
	for (int i = 0; i < 4; i++)
		set[i] = mk_setting(chain[i]);
	/* an unrelated memory file in between must not move */
	bx_setting swap = mk_setting("memory.swap.max");
	size_t tested = 0;
	for (int iter = 0; iter < 20000; iter++) {
		uint64_t old[4], new[4];
		random_chain(old);
		random_chain(new);
		unsigned managed = (unsigned)(next_rand() % 16);
		uint64_t fin[4];
		for (int i = 0; i < 4; i++)
			fin[i] = managed & (1u << i) ? new[i] : old[i];
		if (!chain_ok(fin))
			continue; /* the policy could not ask for that */
		bx_change v[5];
		size_t n = 0;
		for (int i = 0; i < 4; i++)
			if ((managed & (1u << i)) && old[i] != new[i])
				v[n++] = chg(&set[i], u64s(old[i]), u64s(new[i]));
		bool with_swap = next_rand() % 2;
		if (with_swap)
			v[n++] = chg(&swap, strdup("max"), strdup("0"));
		/* shuffle the input order: the result must not depend on it */
		for (size_t i = n; i > 1; i--) {
			size_t j = next_rand() % i;
			bx_change t = v[i - 1];
			v[i - 1] = v[j];
			v[j] = t;
		}
		bx_error *e = NULL;
		ck_assert_int_eq(bx_order_changes(v, n, true, NULL, NULL, &e), 0);
		uint64_t cur[4];
		memcpy(cur, old, sizeof cur);
		size_t swap_at = SIZE_MAX;
		for (size_t i = 0; i < n; i++) {
			if (v[i].s == &swap) {
				swap_at = i;
				continue;
			}
			int k = (int)(v[i].s - set);
			cur[k] = val(v[i].want);
			ck_assert_msg(chain_ok(cur), "step %zu (%s = %s) breaks min<=low<=high<=max",
				      i, chain[k], v[i].want);
		}
		for (int i = 0; i < 4; i++)
			ck_assert(cur[i] == fin[i]);
		/* swap.max keeps its place among the others */
		ck_assert(with_swap == (swap_at != SIZE_MAX));
		/* the warnings: lowering high or max of an existing cgroup */
		for (size_t i = 0; i < n; i++) {
			bool lowers = (v[i].s == &set[2] || v[i].s == &set[3]) &&
				      val(v[i].want) < val(v[i].cur);
			ck_assert_msg(lowers == (v[i].warning != NULL), "%s %s → %s", v[i].s->file,
				      v[i].cur, v[i].want);
			free((char *)v[i].cur);
			free((char *)v[i].want);
			free(v[i].warning);
		}
		tested++;
	}
	ck_assert_uint_gt(tested, 1000);
}
END_TEST

START_TEST(memory_all_lowered_max_last_all_raised_max_first)
{
	bx_setting set[4];
	for (int i = 0; i < 4; i++)
		set[i] = mk_setting(chain[i]);
	bx_change v[4];
	const char *lo[] = { "0", "4096", "8192", "12288" }, *hi[] = { "16384", "20480", "24576", "28672" };
	for (int i = 0; i < 4; i++)
		v[i] = chg(&set[i], strdup(hi[i]), strdup(lo[i]));
	bx_error *e = NULL;
	ck_assert_int_eq(bx_order_changes(v, 4, false, NULL, NULL, &e), 0);
	ck_assert_str_eq(v[0].s->file, "memory.min");
	ck_assert_str_eq(v[3].s->file, "memory.max");
	for (int i = 0; i < 4; i++) {
		ck_assert_ptr_null(v[i].warning); /* a new cgroup: nothing to reclaim */
		const char *t = v[i].cur;
		v[i].cur = v[i].want;
		v[i].want = t;
	}
	ck_assert_int_eq(bx_order_changes(v, 4, false, NULL, NULL, &e), 0);
	ck_assert_str_eq(v[0].s->file, "memory.max");
	ck_assert_str_eq(v[3].s->file, "memory.min");
	for (int i = 0; i < 4; i++) {
		free((char *)v[i].cur);
		free((char *)v[i].want);
	}
}
END_TEST

static uint64_t rand_quota(void)
{
	uint64_t r = next_rand() % 8;
	return r == 7 ? UINT64_MAX : 1000 + r * 50000;
}

START_TEST(burst_never_exceeds_quota)
{
	bx_setting sq = mk_setting("cpu.max"), sb = mk_setting("cpu.max.burst");
	bx_setting sw = mk_setting("cpu.weight");
	for (int iter = 0; iter < 20000; iter++) {
		uint64_t q0 = rand_quota(), q1 = rand_quota();
		uint64_t b0 = q0 == UINT64_MAX ? (next_rand() % 5) * 40000 : next_rand() % (q0 + 1);
		uint64_t b1 = q1 == UINT64_MAX ? (next_rand() % 5) * 40000 : next_rand() % (q1 + 1);
		/* with quota max the kernel still bounds the burst; keep b0 <= q0 */
		bx_change v[3];
		size_t n = 0;
		char *q0s = q0 == UINT64_MAX ? strdup("max 100000") : bx_sprintf("%" PRIu64 " 100000", q0);
		char *q1s = q1 == UINT64_MAX ? strdup("max 100000") : bx_sprintf("%" PRIu64 " 100000", q1);
		if (q0 != q1)
			v[n++] = chg(&sq, q0s, q1s);
		else
			free(q0s), free(q1s);
		if (b0 != b1)
			v[n++] = chg(&sb, u64s(b0), u64s(b1));
		if (next_rand() % 2)
			v[n++] = chg(&sw, strdup("100"), strdup("200"));
		for (size_t i = n; i > 1; i--) {
			size_t j = next_rand() % i;
			bx_change t = v[i - 1];
			v[i - 1] = v[j];
			v[j] = t;
		}
		bx_error *e = NULL;
		ck_assert_int_eq(bx_order_changes(v, n, true, NULL, NULL, &e), 0);
		uint64_t q = q0, b = b0;
		for (size_t i = 0; i < n; i++) {
			if (v[i].s == &sq) {
				q = q1;
			} else if (v[i].s == &sb) {
				b = b1;
			} else {
				/* cpu.weight ranks before the bandwidth pair */
				ck_assert_uint_eq(i, 0);
			}
			ck_assert_msg(q == UINT64_MAX || b <= q,
				      "burst %" PRIu64 " > quota %" PRIu64 " after step %zu", b, q, i);
		}
		for (size_t i = 0; i < n; i++) {
			free((char *)v[i].cur);
			free((char *)v[i].want);
			free(v[i].warning);
		}
	}
}
END_TEST

START_TEST(rank_order_and_stability)
{
	const char *files[] = { "pids.max", "memory.oom.group", "cpu.weight", "cpu.idle",
				"cgroup.max.depth", "cpuset.mems", "cpuset.cpus", "io.max",
				"hugetlb.2MB.max", "misc.max" };
	size_t n = BX_ARRAY_LEN(files);
	bx_setting s[BX_ARRAY_LEN(files)];
	bx_change v[BX_ARRAY_LEN(files)];
	for (size_t i = 0; i < n; i++) {
		s[i] = mk_setting(files[i]);
		v[i] = chg(&s[i], strdup("1"), strdup("2"));
	}
	bx_error *e = NULL;
	ck_assert_int_eq(bx_order_changes(v, n, false, NULL, NULL, &e), 0);
	const char *want[] = { "cgroup.max.depth", "cpuset.cpus", "cpuset.mems", "cpu.idle",
			       "cpu.weight", "io.max", "memory.oom.group", "hugetlb.2MB.max",
			       "pids.max", "misc.max" };
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(v[i].s->file, want[i]);
		free((char *)v[i].cur);
		free((char *)v[i].want);
	}
}
END_TEST

Suite *suite_plan_order(void);
Suite *suite_plan_order(void)
{
	Suite *s = suite_create("plan_order");
	TCase *t = tcase_create("order");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, memory_chain_holds_at_every_step);
	tcase_add_test(t, memory_all_lowered_max_last_all_raised_max_first);
	tcase_add_test(t, burst_never_exceeds_quota);
	tcase_add_test(t, rank_order_and_stability);
	suite_add_tcase(s, t);
	return s;
}
