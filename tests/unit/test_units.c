/* policy/units.c and policy/names.c: every accepted and refused form. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/names.h"
#include "policy/units.h"

/* ---- sizes --------------------------------------------------------------- */

START_TEST(sizes_accepted)
{
	static const struct {
		const char *in;
		uint64_t bytes;
	} ok[] = {
		{ "0", 0 },
		{ "1024", 1024 },
		{ "1K", 1024 },
		{ "1KiB", 1024 },
		{ "1Ki", 1024 },
		{ "512M", 512ull << 20 },
		{ "512MiB", 512ull << 20 },
		{ "512Mi", 512ull << 20 },
		{ "1G", 1ull << 30 },
		{ "1.5G", 3ull << 29 },
		{ "1.5GiB", 3ull << 29 },
		{ "0.5T", 1ull << 39 },
		{ "2Ti", 2ull << 40 },
		{ "1P", 1ull << 50 },
		{ "1PiB", 1ull << 50 },
		{ "1Pi", 1ull << 50 },
		{ "2.25M", 2359296 },
		{ "1.3K", 1331 }, /* 1331.2 rounded down to whole bytes */
		{ "0.000000001K", 0 },
		{ "9223372036854775807", INT64_MAX },
		{ "8191P", 8191ull << 50 },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(ok); i++) {
		bx_qty q;
		char why[BX_WHY_MAX] = "";
		ck_assert_msg(bx_unit_size(ok[i].in, true, false, &q, why) == 0, "%s: %s", ok[i].in, why);
		ck_assert_int_eq(q.kind, BX_Q_NUM);
		ck_assert_msg(q.n == ok[i].bytes, "%s: got %llu", ok[i].in, (unsigned long long)q.n);
	}
	bx_qty q;
	char why[BX_WHY_MAX];
	ck_assert_int_eq(bx_unit_size("max", false, false, &q, why), 0);
	ck_assert_int_eq(q.kind, BX_Q_MAX);
}
END_TEST

START_TEST(sizes_refused)
{
	static const struct {
		const char *in;
		const char *why;
	} bad[] = {
		{ "1GB", "'1GB' is ambiguous (1000 or 1024?): write 1GiB or 1G for powers of 1024" },
		{ "1kB", "'1kB' is ambiguous (1000 or 1024?): write 1KiB or 1K for powers of 1024" },
		{ "1KB", "ambiguous" },
		{ "2MB", "write 2MiB or 2M" },
		{ "1.5TB", "write 1.5TiB or 1.5T" },
		{ "1PB", "ambiguous" },
		{ "1B", "'1B': write a byte count without a unit (1)" },
		{ "1E", "unknown unit 'E'" },
		{ "1EiB", "unknown unit 'EiB'" },
		{ "1g", "unknown unit 'g'" },
		{ "1 G", "without a space" },
		{ "-1", "a size cannot be negative" },
		{ "+1", "without a sign" },
		{ ".5G", "write a zero before the decimal point (0.5G)" },
		{ "1.", "expected digits after the decimal point" },
		{ "1.5", "a byte count must be whole" },
		{ "010", "leading zero" },
		{ "0x10", "unknown unit 'x10'" },
		{ "1e3", "unknown unit 'e3'" },
		{ "1.0000000001G", "more than 9 decimal places" },
		{ "99999999999999999999", "too large" },
		{ "9223372036854775808", "too large (at most 9223372036854775807 bytes)" },
		{ "8192P", "too large" },
		{ "", "expected a size, got an empty string" },
		{ "MAX", "not a number" },
		{ "50%", "a percent is not allowed here" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		bx_qty q;
		char why[BX_WHY_MAX] = "";
		ck_assert_msg(bx_unit_size(bad[i].in, true, false, &q, why) == -1, "%s accepted", bad[i].in);
		ck_assert_msg(strstr(why, bad[i].why), "%s: '%s' lacks '%s'", bad[i].in, why, bad[i].why);
	}
}
END_TEST

START_TEST(messages_stay_on_one_line)
{
	/* text from the policy is escaped in messages (a fuzzer finding) */
	bx_qty q;
	int64_t us;
	char *canon, why[BX_WHY_MAX];
	long hi;
	ck_assert_int_eq(bx_unit_size("x\ny", true, false, &q, why), -1);
	ck_assert_str_eq(why, "'x\\ny' is not a number");
	ck_assert_int_eq(bx_unit_size("1\nG", true, false, &q, why), -1);
	ck_assert_str_eq(why, "'1\\nG' has an unknown unit '\\nG' (use K, M, G, T, P, KiB…PiB or Ki…Pi)");
	ck_assert_int_eq(bx_unit_size(".5\r", true, false, &q, why), -1);
	ck_assert_str_eq(why, "'.5\\r': write a zero before the decimal point (0.5\\r)");
	ck_assert_int_eq(bx_unit_duration("5\tms", true, &us, why), -1);
	ck_assert_str_eq(why, "'5\\tms' has an unknown unit '\\tms' (use us, ms or s)");
	ck_assert_int_eq(bx_unit_cpulist("0\x01", &canon, &hi, why), -1);
	ck_assert_str_eq(why, "'0\\x01': expected a list such as \"0-3,6\" (unexpected '\\x01')");
}
END_TEST

START_TEST(percents)
{
	bx_qty q;
	char why[BX_WHY_MAX] = "";
	uint64_t v;
	ck_assert_int_eq(bx_unit_size("90%", true, true, &q, why), 0);
	ck_assert_int_eq(q.kind, BX_Q_PERCENT);
	ck_assert(bx_percent_of(&q, 1ull << 30, &v));
	ck_assert_uint_eq(v, 966367641); /* 0.9 GiB, rounded down */
	ck_assert_int_eq(bx_unit_size("12.5%", true, true, &q, why), 0);
	ck_assert(bx_percent_of(&q, 1000, &v));
	ck_assert_uint_eq(v, 125);
	ck_assert_int_eq(bx_unit_size("0%", true, true, &q, why), 0);
	ck_assert(bx_percent_of(&q, 1000, &v));
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(bx_unit_size("100%", true, true, &q, why), 0);
	ck_assert(bx_percent_of(&q, UINT64_MAX, &v));
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(bx_unit_size("100.000000001%", true, true, &q, why), -1);
	ck_assert_str_eq(why, "'100.000000001%': a percent must be between 0% and 100%");
	ck_assert_int_eq(bx_unit_size("101%", true, true, &q, why), -1);
	ck_assert_int_eq(bx_unit_size("-5%", true, true, &q, why), -1);
	ck_assert_int_eq(bx_unit_size("5%%", true, true, &q, why), -1);
	ck_assert_str_eq(why, "'5%%': unexpected text after '%'");
}
END_TEST

/* ---- durations ----------------------------------------------------------- */

START_TEST(durations)
{
	static const struct {
		const char *in;
		int64_t us;
	} ok[] = {
		{ "100ms", 100000 }, { "0.5s", 500000 }, { "20us", 20 }, { "1000", 1000 },
		{ "1.5ms", 1500 },   { "0", 0 },         { "1s", 1000000 }, { "0.000001s", 1 },
		{ "9223372036854775807us", INT64_MAX },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(ok); i++) {
		int64_t us;
		char why[BX_WHY_MAX] = "";
		ck_assert_msg(bx_unit_duration(ok[i].in, true, &us, why) == 0, "%s: %s", ok[i].in, why);
		ck_assert_msg(us == ok[i].us, "%s: got %lld", ok[i].in, (long long)us);
	}
	static const struct {
		const char *in;
		const char *why;
	} bad[] = {
		{ "1.5", "a bare number is microseconds and must be whole" },
		{ "1.0005ms", "not a whole number of microseconds" },
		{ "0.0000001s", "not a whole number of microseconds" },
		{ "1m", "unknown unit 'm' (use us, ms or s)" },
		{ "1h", "unknown unit 'h'" },
		{ "1µs", "unknown unit" },
		{ "-1ms", "a duration cannot be negative" },
		{ "100 ms", "without a space" },
		{ "99999999999999999999s", "too large" },
		{ "9223372036854775808", "too large" },
		{ "9223372036854776s", "too large" },
		{ "", "expected a duration, got an empty string" },
		{ "ms", "not a number" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		int64_t us;
		char why[BX_WHY_MAX] = "";
		ck_assert_msg(bx_unit_duration(bad[i].in, true, &us, why) == -1, "%s accepted", bad[i].in);
		ck_assert_msg(strstr(why, bad[i].why), "%s: '%s' lacks '%s'", bad[i].in, why, bad[i].why);
	}
}
END_TEST

/* ---- CPUs ---------------------------------------------------------------- */

START_TEST(cpus_and_quota)
{
	static const struct {
		const char *in;
		int64_t period, quota;
	} ok[] = {
		{ "1", 100000, 100000 },      { "0.5", 100000, 50000 },   { "1500m", 100000, 150000 },
		{ "150%", 100000, 150000 },   { "2.25", 100000, 225000 }, { "0.5", 50000, 25000 },
		{ "0.333333333", 100000, 33333 }, /* rounded to the nearest µs */
		{ "0.000005", 100000, 1 },    /* 0.5 µs rounds half up */
		{ "0.000004", 100000, 0 },    { "12.5%", 1000000, 125000 }, { "250m", 1000, 250 },
		{ "64", 1000000, 64000000 },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(ok); i++) {
		bx_cpus c;
		int64_t q;
		char why[BX_WHY_MAX] = "";
		ck_assert_msg(bx_unit_cpus(ok[i].in, true, &c, why) == 0, "%s: %s", ok[i].in, why);
		ck_assert(!c.max);
		ck_assert(bx_cpus_quota(&c, ok[i].period, &q));
		ck_assert_msg(q == ok[i].quota, "%s x %lld: got %lld", ok[i].in, (long long)ok[i].period,
			      (long long)q);
	}
	bx_cpus c;
	int64_t q;
	char why[BX_WHY_MAX];
	ck_assert_int_eq(bx_unit_cpus("max", false, &c, why), 0);
	ck_assert(c.max);
	ck_assert_int_eq(bx_unit_cpus("18446744073709551615", true, &c, why), 0);
	ck_assert(!bx_cpus_quota(&c, 1000000, &q)); /* overflow is refused, not wrapped */
	ck_assert_int_eq(bx_unit_cpus("18446744073709551616", true, &c, why), -1);
	ck_assert_str_eq(why, "'18446744073709551616' is too large");
	static const char *const bad[] = { "-1", "1 CPU", "1.5cores", "1500 m", "", "m", "1.5mm", "0.5%%" };
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++)
		ck_assert_msg(bx_unit_cpus(bad[i], true, &c, why) == -1, "%s accepted", bad[i]);
	ck_assert_int_eq(bx_unit_cpus("-1", true, &c, why), -1);
	ck_assert_str_eq(why, "'-1': CPUs cannot be negative");
}
END_TEST

/* ---- integers, bools ----------------------------------------------------- */

START_TEST(integers)
{
	bx_qty q;
	char why[BX_WHY_MAX] = "";
	ck_assert_int_eq(bx_unit_int("100", true, false, 1, 10000, &q, why), 0);
	ck_assert_int_eq(q.i, 100);
	ck_assert_int_eq(bx_unit_int("-20", true, false, -20, 19, &q, why), 0);
	ck_assert_int_eq(q.i, -20);
	ck_assert_int_eq(bx_unit_int("-0", true, false, 0, 0, &q, why), 0);
	ck_assert_int_eq(q.i, 0);
	ck_assert_int_eq(bx_unit_int("max", true, true, 0, 10, &q, why), 0);
	ck_assert_int_eq(q.kind, BX_Q_MAX);
	ck_assert_int_eq(bx_unit_int("max", false, true, 0, 10, &q, why), 0); /* "max" quoted is fine */
	ck_assert_int_eq(bx_unit_int("-9223372036854775808", true, false, INT64_MIN, INT64_MAX, &q, why), 0);
	ck_assert(q.i == INT64_MIN);
	ck_assert_int_eq(bx_unit_int("9223372036854775807", true, false, INT64_MIN, INT64_MAX, &q, why), 0);
	ck_assert(q.i == INT64_MAX);

	static const struct {
		const char *in;
		bool plain, max_ok;
		const char *why;
	} bad[] = {
		{ "0", true, false, "'0' is out of range (1 to 10000)" },
		{ "10001", true, false, "'10001' is out of range (1 to 10000)" },
		{ "9223372036854775808", true, false, "out of range" },
		{ "-9223372036854775809", true, false, "out of range" },
		{ "99999999999999999999999", true, true, "out of range (1 to 10000, or max)" },
		{ "100", false, false, "expected an integer, got the string '100' (remove the quotes)" },
		{ "010", true, false, "'010' has a leading zero" },
		{ "0x10", true, false, "expected an integer, got '0x10'" },
		{ "1.0", true, false, "expected an integer, got '1.0'" },
		{ "1e3", true, false, "expected an integer" },
		{ "+5", true, false, "expected an integer" },
		{ "max", true, false, "expected an integer, got 'max'" },
		{ "unlimited", true, true, "expected an integer or max, got 'unlimited'" },
		{ "", true, false, "expected an integer, got an empty string" },
		{ "-", true, false, "expected an integer" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		why[0] = '\0';
		ck_assert_msg(bx_unit_int(bad[i].in, bad[i].plain, bad[i].max_ok, 1, 10000, &q, why) == -1,
			      "%s accepted", bad[i].in);
		ck_assert_msg(strstr(why, bad[i].why), "%s: '%s' lacks '%s'", bad[i].in, why, bad[i].why);
	}
}
END_TEST

START_TEST(bools)
{
	bool b;
	char why[BX_WHY_MAX];
	static const char *const t[] = { "true", "True", "TRUE" }, *const f[] = { "false", "False", "FALSE" };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(bx_unit_bool(t[i], true, &b, why), 0);
		ck_assert(b);
		ck_assert_int_eq(bx_unit_bool(f[i], true, &b, why), 0);
		ck_assert(!b);
	}
	static const char *const bad[] = { "yes", "no", "on", "off", "1", "0", "tRuE", "" };
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++)
		ck_assert_msg(bx_unit_bool(bad[i], true, &b, why) == -1, "%s accepted", bad[i]);
	ck_assert_int_eq(bx_unit_bool("true", false, &b, why), -1);
	ck_assert_str_eq(why, "expected true or false (unquoted), got 'true'");
}
END_TEST

/* ---- CPU lists ----------------------------------------------------------- */

START_TEST(cpulists)
{
	static const struct {
		const char *in, *canon;
		long highest;
	} ok[] = {
		{ "0-3,6", "0-3,6", 6 },   { "6,0-3", "0-3,6", 6 },     { "1,0", "0-1", 1 },
		{ "0,2,4", "0,2,4", 4 },   { "0-1,1-3", "0-3", 3 },     { "3,2,1", "1-3", 3 },
		{ "5", "5", 5 },           { "", "", -1 },              { "0,1,3,4,5", "0-1,3-5", 5 },
		{ "8191", "8191", 8191 },  { "7-7", "7", 7 },           { "0-8191", "0-8191", 8191 },
		{ "00,01", "0-1", 1 },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(ok); i++) {
		char *canon = NULL, why[BX_WHY_MAX] = "";
		long hi;
		ck_assert_msg(bx_unit_cpulist(ok[i].in, &canon, &hi, why) == 0, "%s: %s", ok[i].in, why);
		ck_assert_str_eq(canon, ok[i].canon);
		ck_assert_int_eq(hi, ok[i].highest);
		free(canon);
	}
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "3-1", "range 3-1 is reversed" },
		{ "0,,1", "expected a list" },
		{ "0-3,", "the list ends with a comma" },
		{ "0-", "expected a list" },
		{ "-1", "expected a list" },
		{ "a", "expected a list" },
		{ "0 - 3", "unexpected ' '" },
		{ "0-7:2", "unexpected ':'" },
		{ "8192", "numbers in a list must be below 8192" },
		{ "99999999999999999999", "below 8192" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		char *canon = NULL, why[BX_WHY_MAX] = "";
		long hi;
		ck_assert_msg(bx_unit_cpulist(bad[i].in, &canon, &hi, why) == -1, "%s accepted", bad[i].in);
		ck_assert_ptr_null(canon);
		ck_assert_msg(strstr(why, bad[i].why), "%s: '%s' lacks '%s'", bad[i].in, why, bad[i].why);
	}
}
END_TEST

/* ---- huge page names, formatting ------------------------------------------ */

START_TEST(hugetlb_names)
{
	char buf[32], why[BX_WHY_MAX];
	uint64_t b;
	bx_hugetlb_name(2ull << 20, buf, sizeof buf);
	ck_assert_str_eq(buf, "2MB");
	bx_hugetlb_name(1ull << 30, buf, sizeof buf);
	ck_assert_str_eq(buf, "1GB");
	bx_hugetlb_name(16ull << 30, buf, sizeof buf);
	ck_assert_str_eq(buf, "16GB");
	bx_hugetlb_name(32ull << 20, buf, sizeof buf);
	ck_assert_str_eq(buf, "32MB");
	bx_hugetlb_name(64ull << 10, buf, sizeof buf);
	ck_assert_str_eq(buf, "64KB");
	ck_assert_int_eq(bx_hugetlb_parse("2MB", &b, why), 0);
	ck_assert_uint_eq(b, 2ull << 20);
	ck_assert_int_eq(bx_hugetlb_parse("1GB", &b, why), 0);
	ck_assert_uint_eq(b, 1ull << 30);
	ck_assert_int_eq(bx_hugetlb_parse("64KB", &b, why), 0);
	ck_assert_int_eq(bx_hugetlb_parse("2048KB", &b, why), -1);
	ck_assert_str_eq(why, "huge page size '2048KB' is named 2MB by the kernel");
	static const char *const bad[] = { "2MiB", "2M", "0MB", "1.5GB", "", "MB", "99999999999999GB" };
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++)
		ck_assert_msg(bx_hugetlb_parse(bad[i], &b, why) == -1, "%s accepted", bad[i]);
}
END_TEST

START_TEST(formatting)
{
	char buf[32];
	bx_fmt_us(0, buf, sizeof buf);
	ck_assert_str_eq(buf, "0");
	bx_fmt_us(1000000, buf, sizeof buf);
	ck_assert_str_eq(buf, "1s");
	bx_fmt_us(100000, buf, sizeof buf);
	ck_assert_str_eq(buf, "100ms");
	bx_fmt_us(1500, buf, sizeof buf);
	ck_assert_str_eq(buf, "1500us");
	bx_fmt_bytes(1ull << 30, buf, sizeof buf);
	ck_assert_str_eq(buf, "1GiB");
	bx_fmt_bytes(3ull << 29, buf, sizeof buf);
	ck_assert_str_eq(buf, "1536MiB");
	bx_fmt_bytes(4097, buf, sizeof buf);
	ck_assert_str_eq(buf, "4097");
}
END_TEST

/* ---- names and suggestions ----------------------------------------------- */

START_TEST(names)
{
	static const char *const ok[] = {
		"a", "A", "0", "small", "build-worker", "a_b-c", "box-009999",
		"a234567890123456789012345678901234567890123456789012345678901234", /* 64 */
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(ok); i++)
		ck_assert_msg(bx_name_ok(ok[i]), "%s refused", ok[i]);
	static const char *const bad[] = {
		"", ".", "..", "-a", "_a", "a.b", "a/b", "a b", "ünï", "memory.max", "a\n",
		"a2345678901234567890123456789012345678901234567890123456789012345", /* 65 */
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++)
		ck_assert_msg(!bx_name_ok(bad[i]), "%s accepted", bad[i]);
	ck_assert(bx_root_ok("boxlite"));
	ck_assert(bx_root_ok("sandbox/boxlite"));
	ck_assert(bx_root_ok("a/b/c"));
	static const char *const bad_roots[] = { "", "/a", "a/", "a//b", "..", "a/../b", "a/.", "a b" };
	for (size_t i = 0; i < BX_ARRAY_LEN(bad_roots); i++)
		ck_assert_msg(!bx_root_ok(bad_roots[i]), "%s accepted", bad_roots[i]);
}
END_TEST

START_TEST(did_you_mean)
{
	ck_assert_uint_eq(bx_edit_distance("high", "high", 3), 0);
	ck_assert_uint_eq(bx_edit_distance("hihg", "high", 3), 1); /* a swap costs one */
	ck_assert_uint_eq(bx_edit_distance("memry", "memory", 3), 1);
	ck_assert_uint_eq(bx_edit_distance("kitten", "sitting", 5), 3);
	ck_assert_uint_eq(bx_edit_distance("abc", "xyzxyzxyz", 2), 3); /* above the limit: limit + 1 */
	static const char *const keys[] = { "min", "low", "high", "max", "swap_max" };
	ck_assert_str_eq(bx_suggest_list("hihg", keys, 5), "high");
	ck_assert_str_eq(bx_suggest_list("maxx", keys, 5), "max");
	ck_assert_str_eq(bx_suggest_list("swapmax", keys, 5), "swap_max");
	ck_assert_ptr_null(bx_suggest_list("limit", keys, 5));
	ck_assert_ptr_null(bx_suggest_list("high", keys, 5)); /* an exact match is no suggestion */
	static const char *const ties[] = { "bat", "cat" };
	ck_assert_str_eq(bx_suggest_list("hat", ties, 2), "bat"); /* ties: the earlier one */
}
END_TEST

Suite *suite_units(void);
Suite *suite_units(void)
{
	Suite *s = suite_create("units");
	TCase *t = tcase_create("units");
	tcase_add_test(t, sizes_accepted);
	tcase_add_test(t, sizes_refused);
	tcase_add_test(t, percents);
	tcase_add_test(t, messages_stay_on_one_line);
	tcase_add_test(t, durations);
	tcase_add_test(t, cpus_and_quota);
	tcase_add_test(t, integers);
	tcase_add_test(t, bools);
	tcase_add_test(t, cpulists);
	tcase_add_test(t, hugetlb_names);
	tcase_add_test(t, formatting);
	tcase_add_test(t, names);
	tcase_add_test(t, did_you_mean);
	suite_add_tcase(s, t);
	return s;
}
