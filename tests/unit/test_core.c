/* core/: errors as values, diagnostics, the knob registry's lookups. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "core/diag.h"
#include "core/err.h"
#include "core/util.h"
#include "knobs.h"
#include <string.h>

START_TEST(err_carries_errno_and_context)
{
	bx_error *e = NULL;
	ck_assert_int_eq(bx_err(&e, ENOENT, "open %s", "memory.max"), -1);
	bx_err_wrap(&e, "cgroup %s", "boxlite/small");
	ck_assert_int_eq(e->errnum, ENOENT);
	ck_assert_str_eq(e->msg, "cgroup boxlite/small: open memory.max: No such file or directory");
	/* The first error wins: a second bx_err does not overwrite it. */
	bx_err(&e, EBUSY, "later");
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error *second = NULL;
	bx_err(&second, EIO, "rollback");
	bx_err_also(&e, second);
	ck_assert_ptr_eq(e->also, second);
	bx_error_free(e);
}
END_TEST

START_TEST(diags_sort_by_file_line_col_and_format)
{
	bx_diags d = {0};
	bx_loc a = { "b.yaml", 3, 1 }, b = { "a.yaml", 9, 4 }, c = { "a.yaml", 2, 7 };
	bx_diag_error(&d, &a, "classes.x", "bad %d", 1);
	bx_diag_warn(&d, &b, NULL, "meh");
	bx_diag_error(&d, &c, "root", "worse");
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_uint_eq(d.warnings, 1);
	bx_diags_sort(&d);
	char *s0 = bx_diag_format(&d.v[0]), *s1 = bx_diag_format(&d.v[1]), *s2 = bx_diag_format(&d.v[2]);
	ck_assert_str_eq(s0, "a.yaml:2:7: error: worse [root]");
	ck_assert_str_eq(s1, "a.yaml:9:4: warning: meh");
	ck_assert_str_eq(s2, "b.yaml:3:1: error: bad 1 [classes.x]");
	free(s0), free(s1), free(s2);
	bx_diags_free(&d);
}
END_TEST

START_TEST(controller_lists_read_back_in_kernel_order)
{
	unsigned bits = bx_ctrl_parse_list("memory pids cpu bogus\n");
	ck_assert_uint_eq(bits, BX_CTRL_MEMORY | BX_CTRL_PIDS | BX_CTRL_CPU);
	char *s = bx_ctrl_format_list(bits);
	ck_assert_str_eq(s, "cpu memory pids");
	free(s);
	char *empty = bx_ctrl_format_list(0);
	ck_assert_str_eq(empty, "");
	free(empty);
}
END_TEST

START_TEST(registry_lookups)
{
	ck_assert_str_eq(bx_knob_lookup("memory.swap_max")->file, "memory.swap.max");
	ck_assert_str_eq(bx_knob_lookup("hugetlb.2MB")->key, "hugetlb.*");
	ck_assert_ptr_null(bx_knob_lookup("hugetlb."));
	ck_assert_ptr_null(bx_knob_lookup("memory.maxx"));
	ck_assert_str_eq(bx_file_lookup("hugetlb.1GB.max")->name, "hugetlb.*.max");
	ck_assert_ptr_null(bx_file_lookup("hugetlb.1GB.rsvd.max"));
	ck_assert_int_eq(bx_file_lookup("io.max")->shape, BX_SHAPE_KEYED);
	/* Every knob writes a file the registry describes. */
	for (size_t i = 0; i < bx_nknobs; i++) {
		const char *f = bx_knobs[i].file;
		ck_assert_msg(bx_file_lookup(strcmp(f, "hugetlb.*.max") ? f : "hugetlb.2MB.max"),
			      "knob %s names unknown file %s", bx_knobs[i].key, f);
	}
	/* Every entry is found by its own name, and only by it. */
	for (size_t i = 0; i < bx_nfiles; i++)
		ck_assert_ptr_eq(bx_file_lookup(bx_files[i].name), &bx_files[i]);
	const char *const none[] = { "", "m", "memory.ma", "memory.maxx", "Memory.max", "cpu",
				     "cpu.", "cgroup.procs", "cgroup.max.depth2", "hugetlb..max",
				     "hugetlb.2MB.max.x", "hugetlb.2MB", "io.maxi", "misc.max " };
	for (size_t i = 0; i < BX_ARRAY_LEN(none); i++)
		ck_assert_msg(!bx_file_lookup(none[i]), "'%s' found", none[i]);
	ck_assert_str_eq(bx_file_lookup("hugetlb.64KB.max")->name, "hugetlb.*.max");
	ck_assert_str_eq(bx_file_lookup("cpu.weight.nice")->name, "cpu.weight.nice");
	ck_assert_str_eq(bx_file_lookup("cpu.weight")->name, "cpu.weight");
}
END_TEST

Suite *suite_core(void);
START_TEST(escape_makes_outside_text_terminal_safe)
{
	static const struct {
		const char *in, *out, *ctl;
	} cases[] = {
		{ "plain-id_1", "plain-id_1", "plain-id_1" },
		{ "a\x1b[31mb", "a\\x1b[31mb", "a\\x1b[31mb" },
		{ "t\tn\nr\r", "t\\tn\\nr\\r", "t\\tn\\nr\\r" },
		{ "back\\slash", "back\\\\slash", "back\\slash" },
		{ "bell\a\x7f", "bell\\x07\\x7f", "bell\\x07\\x7f" },
		{ "caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "c1\xc2\x9b" "31m", "c1\\xc2\\x9b" "31m", "c1\\xc2\\x9b" "31m" },
		{ "bad\xff\xe2\x82", "bad\\xff\\xe2\\x82", "bad\\xff\\xe2\\x82" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *e = bx_esc(cases[i].in), *c = bx_esc_ctl(cases[i].in);
		ck_assert_str_eq(e, cases[i].out);
		ck_assert_str_eq(c, cases[i].ctl);
		ck_assert(bx_esc_needed(cases[i].in) == (strcmp(cases[i].in, cases[i].out) != 0));
		free(e);
		free(c);
	}
}
END_TEST

Suite *suite_core(void)
{
	Suite *s = suite_create("core");
	TCase *t = tcase_create("core");
	tcase_add_test(t, err_carries_errno_and_context);
	tcase_add_test(t, diags_sort_by_file_line_col_and_format);
	tcase_add_test(t, controller_lists_read_back_in_kernel_order);
	tcase_add_test(t, registry_lookups);
	tcase_add_test(t, escape_makes_outside_text_terminal_safe);
	suite_add_tcase(s, t);
	return s;
}
