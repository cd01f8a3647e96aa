/* boxcg show's document (lib/policy/show.h): built from a compiled policy,
 * saved with libcyaml, loaded back with the same schema into the same
 * structs, which must hold exactly the policy's settings; --class
 * selection; unknown classes; malformed documents refused with libcyaml's
 * message. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/policy.h"
#include "policy/show.h"

static const char rt_policy[] =
	"version: 1\n"
	"root: shop/boxes\n"
	"defaults:\n"
	"  pids: { max: 100 }\n"
	"classes:\n"
	"  base:\n"
	"    description: \"null\"\n"
	"    box:\n"
	"      cpu: { max: 1, weight: 50 }\n"
	"      memory: { max: 1GiB, high: 90% }\n"
	"      io:\n"
	"        weight: 30\n"
	"        devices:\n"
	"          - { device: \"8:0\", rbps: 1MiB }\n"
	"  child:\n"
	"    extends: base\n"
	"    description: \"a: b # not a comment\\nline 2, 'single' \\\"double\\\" \xc3\xbc\"\n"
	"    box:\n"
	"      memory: { max: 2GiB }\n"
	"    slice:\n"
	"      pids: { max: 1000 }\n"
	"  plain:\n"
	"    description: \"\"\n"
	"    box: {}\n"
	"  \"123\":\n"
	"    slice: { cpu: { weight: 10 } }\n"
	"boxes:\n"
	"  - { id: b1, class: child }\n"
	"  - { id: b2, class: base }\n"
	"  - { id: on, class: \"123\" }\n";

static bx_policy *load_policy(const char *yaml)
{
	bx_host_facts f = { .page_size = 4096, .mem_total = 8ull << 30, .ncpus = 4,
			    .hugepage_sizes = { 2ull << 20, 0 } };
	bx_diags d = {0};
	bx_policy *p = NULL;
	bx_error *err = NULL;
	ck_assert_int_eq(bx_policy_load_buffer("rt.yaml", yaml, strlen(yaml), &f, &p, &d, &err), 0);
	ck_assert_msg(p && d.errors == 0, "test policy invalid (%zu errors)", d.errors);
	bx_diags_free(&d);
	return p;
}

static char *from_of(const bx_loc *loc)
{
	return bx_sprintf("%s:%u:%u", loc->file, loc->line, loc->col);
}

static void ck_str_or_null(const char *got, const char *want, const char *what)
{
	if (!want)
		ck_assert_msg(got == NULL, "%s: '%s', want none", what, got ? got : "");
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "%s: '%s', want '%s'", what,
			      got ? got : "(none)", want);
}

static void ck_settings(const bx_show_setting *v, size_t n, const bx_settings *want)
{
	ck_assert_uint_eq(n, want->n);
	for (size_t i = 0; i < n; i++) {
		const bx_setting *w = &want->v[i];
		char *from = from_of(&w->loc);
		ck_str_or_null(v[i].file, w->file, "file");
		ck_str_or_null(v[i].key, w->key, "key");
		ck_str_or_null(v[i].value, w->value, "value");
		ck_str_or_null(v[i].from, from, "from");
		ck_str_or_null(v[i].path, w->ypath, "path");
		free(from);
	}
}

/* The document holds exactly the policy's classes (those `sel` names, in
 * declaration order), their settings and the boxes of those classes. */
static void ck_doc_is_policy(const bx_show_doc *d, const bx_policy *p, const char *const *sel,
			     size_t nsel)
{
	ck_assert_uint_eq(d->format_version, 1);
	ck_assert_str_eq(d->root, p->root);
	ck_assert_uint_eq(d->page_size, p->facts.page_size);
	size_t k = 0;
	for (size_t i = 0; i < p->nclasses; i++) {
		const bx_class *c = &p->classes[i];
		bool want = nsel == 0;
		for (size_t j = 0; j < nsel; j++)
			want |= strcmp(sel[j], c->name) == 0;
		if (!want)
			continue;
		ck_assert_uint_lt(k, d->nclasses);
		const bx_show_class *sc = &d->classes[k++];
		char *from = from_of(&c->loc);
		ck_str_or_null(sc->name, c->name, "name");
		ck_str_or_null(sc->description, c->description, "description");
		ck_str_or_null(sc->from, from, "class from");
		free(from);
		ck_settings(sc->box, sc->nbox, &c->box);
		ck_settings(sc->slice, sc->nslice, &c->slice);
	}
	ck_assert_uint_eq(k, d->nclasses);
	k = 0;
	for (size_t i = 0; i < p->nboxes; i++) {
		const bx_static_box *b = &p->boxes[i];
		bool want = nsel == 0;
		for (size_t j = 0; j < nsel; j++)
			want |= strcmp(sel[j], b->class_name) == 0;
		if (!want)
			continue;
		ck_assert_uint_lt(k, d->nboxes);
		char *from = from_of(&b->loc);
		ck_str_or_null(d->boxes[k].id, b->id, "id");
		ck_str_or_null(d->boxes[k].class_name, b->class_name, "class");
		ck_str_or_null(d->boxes[k].from, from, "box from");
		free(from);
		k++;
	}
	ck_assert_uint_eq(k, d->nboxes);
}

/* show -> save -> load -> the same structs; saving the loaded document
 * gives the same bytes. */
static void round_trip(const bx_policy *p, const char *const *sel, size_t nsel)
{
	bx_error *err = NULL;
	bx_show_doc *built = NULL, *loaded = NULL;
	char *text = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	ck_assert_int_eq(bx_policy_show_build(p, sel, nsel, &built, &err), 0);
	ck_doc_is_policy(built, p, sel, nsel);
	ck_assert_int_eq(bx_policy_show_save(built, &text, &len, &err), 0);
	ck_assert_uint_eq(strlen(text), len);
	ck_assert_msg(bx_policy_show_load(text, len, &loaded, &err) == 0, "load: %s\n%s",
		      err ? err->msg : "", text);
	ck_doc_is_policy(loaded, p, sel, nsel);
	ck_assert_int_eq(bx_policy_show_save(loaded, &again, &len2, &err), 0);
	ck_assert_str_eq(again, text);
	bx_show_doc_free(built);
	bx_show_doc_free(loaded);
	free(text);
	free(again);
}

START_TEST(round_trip_equals_policy)
{
	bx_policy *p = load_policy(rt_policy);
	/* The policy exercises what the document must carry: inherited and
	 * default settings, keyed files, a slice, empty and odd descriptions,
	 * a class without one, boxes. */
	ck_assert_uint_eq(p->nclasses, 4);
	ck_assert_ptr_null(p->classes[3].description);
	ck_assert_str_eq(p->classes[2].description, "");
	round_trip(p, NULL, 0);
	const char *one[] = { "child" };
	round_trip(p, one, 1);
	const char *two[] = { "123", "base", "123" };
	round_trip(p, two, 3);
	bx_policy_free(p);
}
END_TEST

/* The bundled policies (read from the source tree: make check-unit runs
 * in it and sets BOXCG_SRC) round-trip too. */
START_TEST(bundled_policies_round_trip)
{
	const char *src = getenv("BOXCG_SRC");
	char *dir = bx_sprintf("%s/policies", src ? src : ".");
	const char *paths[] = { dir };
	bx_host_facts f = { .page_size = 4096, .mem_total = 8ull << 30, .ncpus = 4 };
	bx_diags d = {0};
	bx_policy *p = NULL;
	bx_error *err = NULL;
	ck_assert_int_eq(bx_policy_load(paths, 1, &f, &p, &d, &err), 0);
	ck_assert_msg(p && d.errors == 0, "%s: %zu errors", dir, d.errors);
	ck_assert_uint_eq(p->nclasses, 5);
	ck_assert_uint_eq(p->nboxes, 2);
	round_trip(p, NULL, 0);
	const char *one[] = { "build-worker" };
	round_trip(p, one, 1);
	bx_policy_free(p);
	bx_diags_free(&d);
	free(dir);
}
END_TEST

START_TEST(saved_text_is_the_documented_form)
{
	bx_policy *p = load_policy(rt_policy);
	bx_error *err = NULL;
	bx_show_doc *d = NULL;
	char *text = NULL;
	size_t len = 0;
	const char *sel[] = { "123", "base" };
	ck_assert_int_eq(bx_policy_show_build(p, sel, 2, &d, &err), 0);
	ck_assert_int_eq(bx_policy_show_save(d, &text, &len, &err), 0);
	/* Declaration order whatever the order asked; user strings quoted;
	 * an inherited default keeps the location it was written at. */
	ck_assert_str_eq(text,
			 "format_version: 1\n"
			 "root: 'shop/boxes'\n"
			 "page_size: 4096\n"
			 "classes:\n"
			 "- name: 'base'\n"
			 "  description: 'null'\n"
			 "  from: rt.yaml:6:3\n"
			 "  box:\n"
			 "  - file: cpu.weight\n"
			 "    value: 50\n"
			 "    from: rt.yaml:9:30\n"
			 "    path: classes.base.box.cpu.weight\n"
			 "  - file: cpu.max\n"
			 "    value: 100000 100000\n"
			 "    from: rt.yaml:9:19\n"
			 "    path: classes.base.box.cpu.max\n"
			 "  - file: io.weight\n"
			 "    key: 'default'\n"
			 "    value: 30\n"
			 "    from: rt.yaml:12:17\n"
			 "    path: classes.base.box.io.weight\n"
			 "  - file: io.max\n"
			 "    key: '8:0'\n"
			 "    value: rbps=1048576 wbps=max riops=max wiops=max\n"
			 "    from: rt.yaml:14:13\n"
			 "    path: classes.base.box.io.devices[0]\n"
			 "  - file: memory.high\n"
			 "    value: 966365184\n"
			 "    from: rt.yaml:10:34\n"
			 "    path: classes.base.box.memory.high\n"
			 "  - file: memory.max\n"
			 "    value: 1073741824\n"
			 "    from: rt.yaml:10:22\n"
			 "    path: classes.base.box.memory.max\n"
			 "  - file: pids.max\n"
			 "    value: 100\n"
			 "    from: rt.yaml:4:16\n"
			 "    path: defaults.pids.max\n"
			 "  slice: []\n"
			 "- name: '123'\n"
			 "  from: rt.yaml:25:3\n"
			 "  box:\n"
			 "  - file: pids.max\n"
			 "    value: 100\n"
			 "    from: rt.yaml:4:16\n"
			 "    path: defaults.pids.max\n"
			 "  slice:\n"
			 "  - file: cpu.weight\n"
			 "    value: 10\n"
			 "    from: rt.yaml:26:29\n"
			 "    path: classes.123.slice.cpu.weight\n"
			 "boxes:\n"
			 "- {id: 'b2', class: 'base', from: 'rt.yaml:29:5'}\n"
			 "- {id: 'on', class: '123', from: 'rt.yaml:30:5'}\n");
	bx_show_doc_free(d);
	free(text);
	bx_policy_free(p);
}
END_TEST

START_TEST(unknown_class_is_an_error_with_a_hint)
{
	bx_policy *p = load_policy(rt_policy);
	bx_error *err = NULL;
	bx_show_doc *d = NULL;
	const char *typo[] = { "base", "chlid" };
	ck_assert_int_eq(bx_policy_show_build(p, typo, 2, &d, &err), -1);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(err->msg, "the policy has no class \"chlid\" (did you mean 'child'?)");
	bx_error_free(err);
	err = NULL;
	const char *far[] = { "zzzzzzzz" };
	ck_assert_int_eq(bx_policy_show_build(p, far, 1, &d, &err), -1);
	ck_assert_str_eq(err->msg, "the policy has no class \"zzzzzzzz\"");
	bx_error_free(err);
	err = NULL;
	/* A hostile name is escaped in the message. */
	const char *ctl[] = { "a\033[2J\n" };
	ck_assert_int_eq(bx_policy_show_build(p, ctl, 1, &d, &err), -1);
	ck_assert_ptr_null(strchr(err->msg, '\033'));
	ck_assert_ptr_null(strchr(err->msg, '\n'));
	bx_error_free(err);
	bx_policy_free(p);
}
END_TEST

/* A document libcyaml must refuse; its message must contain `want`. */
static void refused(const char *doc, const char *want)
{
	bx_error *err = NULL;
	bx_show_doc *d = (bx_show_doc *)1;
	ck_assert_msg(bx_policy_show_load(doc, strlen(doc), &d, &err) == -1, "accepted:\n%s", doc);
	ck_assert_ptr_null(d);
	ck_assert_msg(err && strstr(err->msg, want), "message '%s' lacks '%s'",
		      err ? err->msg : "(none)", want);
	bx_error_free(err);
}

#define HEAD "format_version: 1\nroot: r\npage_size: 4096\n"

START_TEST(malformed_documents_are_refused)
{
	const char *setting = "  box:\n  - file: pids.max\n    value: 1\n    from: a:1:1\n";
	char *ok = bx_sprintf(HEAD "classes:\n- name: c\n  from: a:1:1\n%s  slice: []\nboxes: []\n",
			      setting);
	bx_show_doc *d = NULL;
	bx_error *err = NULL;
	ck_assert_int_eq(bx_policy_show_load(ok, strlen(ok), &d, &err), 0);
	ck_assert_uint_eq(d->nclasses, 1);
	ck_assert_ptr_null(d->classes[0].box[0].key);
	ck_assert_ptr_null(d->classes[0].box[0].path);
	ck_assert_ptr_null(d->classes[0].description);
	ck_assert_uint_eq(d->classes[0].nslice, 0);
	bx_show_doc_free(d);
	free(ok);
	/* Only the first document of a stream is read (documented). */
	const char *two = HEAD "classes: []\nboxes: []\n---\n[[[\n";
	ck_assert_int_eq(bx_policy_show_load(two, strlen(two), &d, &err), 0);
	bx_show_doc_free(d);

	/* libcyaml's text for the code, then what it logged (with the line
	 * and column it stopped at). */
	refused(HEAD "classes: []\nboxes: []\nextra: 1\n", "policy document: Invalid key: Unexpected key: extra");
	/* libyaml's marks count from 0: the message says line 6, column 9. */
	refused(HEAD "classes: []\nboxes: []\nextra: 1\n", "(line: 6, column: 9)");
	refused("format_version: 1\npage_size: 1\nclasses: []\nboxes: []\n",
		"Missing required mapping field: root; in mapping field 'boxes'");
	refused(HEAD "classes: 5\nboxes: []\n",
		"Invalid value: Expecting SEQUENCE, got event: SCALAR; in mapping field 'classes'");
	refused(HEAD "classes:\n- name: c\n  from: x\n  box:\n  - file: ''\n    value: 1\n    from: x\n"
		     "  slice: []\nboxes: []\n",
		"String length too short");
	refused(HEAD "classes:\n- name: c\n  from: x\n  box: []\n  slice: []\n  bogus: 1\nboxes: []\n",
		"Unexpected key: bogus; in mapping (line: 9, column: 11); in sequence entry '1'");
	refused(HEAD "classes: []\nboxes:\n- {id: a, from: x}\n", "Missing required mapping field: class");
	refused("format_version: 1\nroot: r\nroot: s\npage_size: 1\nclasses: []\nboxes: []\n",
		"Mapping field already seen: root");
	refused("format_version: 1\nroot: &r r\npage_size: 1\nclasses: []\nboxes:\n"
		"- {id: *r, class: c, from: x}\n",
		"YAML alias unsupported");
	refused("format_version: 1\nroot: 'r\n", "libyaml");
	refused("format_version: 1\nroot: r\npage_size: 99999999999999999999999\nclasses: []\nboxes: []\n",
		"Invalid uint64_t value");
	refused("", "empty");
	refused("- 1\n", "Expecting MAPPING");
	refused("format_version: 1\nroot: r\npage_size: -1\nclasses: []\nboxes: []\n",
		"page_size 18446744073709551615 is not a power of two");
	refused("format_version: 1\nroot: r\npage_size: 4097\nclasses: []\nboxes: []\n",
		"page_size 4097 is not a power of two");
	/* Well-formed, but a version this boxcg does not read. */
	refused("format_version: 2\nroot: r\npage_size: 1\nclasses: []\nboxes: []\n",
		"format_version 2 (this boxcg reads 1)");
}
END_TEST

START_TEST(empty_sequences_print_as_empty)
{
	bx_policy *p = load_policy("version: 1\nclasses:\n  a: {}\n");
	bx_error *err = NULL;
	bx_show_doc *d = NULL, *l = NULL;
	char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(bx_policy_show_build(p, NULL, 0, &d, &err), 0);
	ck_assert_int_eq(bx_policy_show_save(d, &text, &len, &err), 0);
	ck_assert_str_eq(text, "format_version: 1\nroot: 'boxlite'\npage_size: 4096\nclasses:\n"
			       "- name: 'a'\n  from: rt.yaml:3:3\n  box: []\n  slice: []\nboxes: []\n");
	free(text);
	/* Loaded, empty sequences are NULL: saving such a document still
	 * prints them as []. */
	const char *none = "format_version: 1\nroot: r\npage_size: 1\nclasses: []\nboxes: []\n";
	ck_assert_int_eq(bx_policy_show_load(none, strlen(none), &l, &err), 0);
	ck_assert_ptr_null(l->classes);
	ck_assert_ptr_null(l->boxes);
	ck_assert_int_eq(bx_policy_show_save(l, &text, &len, &err), 0);
	ck_assert_str_eq(text, "format_version: 1\nroot: 'r'\npage_size: 1\nclasses: []\nboxes: []\n");
	bx_show_doc_free(d);
	bx_show_doc_free(l);
	free(text);
	bx_policy_free(p);
}
END_TEST

Suite *suite_show(void);
Suite *suite_show(void)
{
	Suite *s = suite_create("show");
	TCase *t = tcase_create("show");
	tcase_add_test(t, round_trip_equals_policy);
	tcase_add_test(t, bundled_policies_round_trip);
	tcase_add_test(t, saved_text_is_the_documented_form);
	tcase_add_test(t, unknown_class_is_an_error_with_a_hint);
	tcase_add_test(t, malformed_documents_are_refused);
	tcase_add_test(t, empty_sequences_print_as_empty);
	suite_add_tcase(s, t);
	return s;
}
