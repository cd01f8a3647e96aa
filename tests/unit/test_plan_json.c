/* plan/json_write: layout, escaping, hostile strings; every document it
 * writes parses back (jansson) to the same values. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "plan/json_write.h"

START_TEST(layout_matches_indent_two)
{
	bx_jw w = {0};
	bx_jw_begin_object(&w);
	bx_jw_key(&w, "a");
	bx_jw_uint(&w, 18446744073709551615ull);
	bx_jw_key(&w, "empty");
	bx_jw_begin_array(&w);
	bx_jw_end_array(&w);
	bx_jw_key(&w, "o");
	bx_jw_begin_object(&w);
	bx_jw_end_object(&w);
	bx_jw_key(&w, "list");
	bx_jw_begin_array(&w);
	bx_jw_bool(&w, true);
	bx_jw_null(&w);
	bx_jw_string(&w, NULL);
	bx_jw_uint(&w, 0);
	bx_jw_end_array(&w);
	bx_jw_end_object(&w);
	char *s = bx_jw_take(&w);
	ck_assert_str_eq(s, "{\n"
			    "  \"a\": 18446744073709551615,\n"
			    "  \"empty\": [],\n"
			    "  \"o\": {},\n"
			    "  \"list\": [\n"
			    "    true,\n"
			    "    null,\n"
			    "    null,\n"
			    "    0\n"
			    "  ]\n"
			    "}\n");
	free(s);
}
END_TEST

static char *one_string(const char *v)
{
	bx_jw w = {0};
	bx_jw_begin_array(&w);
	bx_jw_string(&w, v);
	bx_jw_end_array(&w);
	return bx_jw_take(&w);
}

START_TEST(strings_escaped_and_parse_back)
{
	struct {
		const char *in, *json, *back;
	} cases[] = {
		{ "plain", "\"plain\"", "plain" },
		{ "q\"b\\s/", "\"q\\\"b\\\\s/\"", "q\"b\\s/" },
		{ "l1\nl2\t\r\b\f", "\"l1\\nl2\\t\\r\\b\\f\"", "l1\nl2\t\r\b\f" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"", "\x01\x1f" },
		{ "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\xa6", "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\xa6\"",
		  "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\xa6" },
		/* not UTF-8: a lone continuation byte, a truncated sequence, an
		 * overlong form, a surrogate, beyond U+10FFFF */
		{ "a\x80z", "\"a\xef\xbf\xbdz\"", "a\xef\xbf\xbdz" },
		{ "\xc3", "\"\xef\xbf\xbd\"", "\xef\xbf\xbd" },
		{ "\xe0\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = one_string(cases[i].in);
		char *want = NULL;
		ck_assert_int_ge(asprintf(&want, "[\n  %s\n]\n", cases[i].json), 0);
		ck_assert_msg(strcmp(s, want) == 0, "case %zu: %s", i, s);
		json_error_t je;
		json_t *j = json_loads(s, 0, &je);
		ck_assert_msg(j != NULL, "case %zu does not parse: %s", i, je.text);
		ck_assert_str_eq(json_string_value(json_array_get(j, 0)), cases[i].back);
		json_decref(j);
		free(s);
		free(want);
	}
}
END_TEST

START_TEST(keys_escaped_too)
{
	bx_jw w = {0};
	bx_jw_begin_object(&w);
	bx_jw_key(&w, "k\"\n");
	bx_jw_string(&w, "v");
	bx_jw_end_object(&w);
	char *s = bx_jw_take(&w);
	json_t *j = json_loads(s, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "k\"\n")), "v");
	json_decref(j);
	free(s);
}
END_TEST

START_TEST(too_deep_is_refused)
{
	bx_jw w = {0};
	for (int i = 0; i < BX_JW_MAX_DEPTH + 4; i++)
		bx_jw_begin_array(&w);
	for (int i = 0; i < BX_JW_MAX_DEPTH + 4; i++)
		bx_jw_end_array(&w);
	ck_assert_ptr_null(bx_jw_take(&w));
}
END_TEST

Suite *suite_plan_json(void);
Suite *suite_plan_json(void)
{
	Suite *s = suite_create("plan_json");
	TCase *t = tcase_create("json");
	tcase_add_test(t, layout_matches_indent_two);
	tcase_add_test(t, strings_escaped_and_parse_back);
	tcase_add_test(t, keys_escaped_too);
	tcase_add_test(t, too_deep_is_refused);
	suite_add_tcase(s, t);
	return s;
}
