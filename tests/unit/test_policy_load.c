/* The policy front end's input side: files and directories, several
 * files as one policy, hostile input through the library API, and the
 * diagnostics' exact text and order. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "policy/policy.h"

static bx_host_facts facts(void)
{
	return (bx_host_facts){ .page_size = 4096, .mem_total = 8ull << 30, .ncpus = 4,
				.hugepage_sizes = { 2ull << 20, 0 } };
}

/* Diagnostics as text, sorted, one per line. */
static char *diag_text(bx_diags *d)
{
	bx_diags_sort(d);
	bx_buf b = {0};
	bx_buf_puts(&b, "");
	for (size_t i = 0; i < d->n; i++) {
		char *s = bx_diag_format(&d->v[i]);
		bx_buf_printf(&b, "%s\n", s);
		free(s);
	}
	return bx_buf_take(&b);
}

/* Load a buffer; return the diagnostics text; *ok says a policy came out. */
static char *load_buf(const char *data, size_t len, bool *ok)
{
	bx_host_facts f = facts();
	bx_diags d = {0};
	bx_policy *p = NULL;
	bx_error *err = NULL;
	ck_assert_int_eq(bx_policy_load_buffer("t.yaml", data, len, &f, &p, &d, &err), 0);
	*ok = p != NULL;
	ck_assert(*ok == (d.errors == 0));
	bx_policy_free(p);
	char *s = diag_text(&d);
	bx_diags_free(&d);
	return s;
}

static char *load_str(const char *yaml, bool *ok) { return load_buf(yaml, strlen(yaml), ok); }

/* A scratch directory with files. */
static char scratch[64];

static void setup(void)
{
	strcpy(scratch, "/tmp/bx-policy-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	ck_assert_int_eq(system(cmd), 0);
}

static char *path(const char *rel)
{
	return bx_sprintf("%s/%s", scratch, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = path(rel);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* Load paths relative to the scratch directory (run from inside it, so
 * the diagnostics name short paths). */
static char *load_paths(const char *const *rel, size_t n, bx_policy **out)
{
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(scratch), 0);
	bx_host_facts f = facts();
	bx_diags d = {0};
	bx_error *err = NULL;
	*out = NULL;
	ck_assert_int_eq(bx_policy_load(rel, n, &f, out, &d, &err), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	char *s = diag_text(&d);
	bx_diags_free(&d);
	return s;
}

/* ---- files and directories ----------------------------------------------- */

static void mkdir_rel(const char *rel)
{
	char *p = path(rel);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
}

START_TEST(directory_in_name_order)
{
	mkdir_rel("p");
	put("p/20-b.yaml", "version: 1\nclasses:\n  b: { extends: a }\n  c: {}\n");
	put("p/10-a.yml", "version: 1\nroot: r\nclasses:\n  a: { box: { pids: { max: 5 } } }\n");
	put("p/30-c.yaml.bak", "not: read\n");
	put("p/.99-hidden.yaml", "not: read\n");
	put("p/README", "not read\n");
	mkdir_rel("p/sub");
	put("p/sub/x.yaml", "not: read, no recursion\n");
	const char *paths[] = { "p/" };
	bx_policy *p;
	char *d = load_paths(paths, 1, &p);
	ck_assert_str_eq(d, "");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nclasses, 3);
	/* declaration order: file order (by name), then line */
	ck_assert_str_eq(p->classes[0].name, "a");
	ck_assert_str_eq(p->classes[1].name, "b");
	ck_assert_str_eq(p->classes[2].name, "c");
	ck_assert_str_eq(p->classes[0].loc.file, "p/10-a.yml");
	ck_assert_str_eq(p->classes[1].loc.file, "p/20-b.yaml");
	ck_assert_uint_eq(p->nfiles, 2);
	ck_assert_str_eq(p->root, "r");
	ck_assert_str_eq(p->classes[1].box.v[0].value, "5"); /* across files */
	bx_policy_free(p);
	free(d);
}
END_TEST

START_TEST(several_files_must_agree)
{
	put("a.yaml", "version: 1\nroot: one\ndefaults: { pids: { max: 1 } }\nclasses:\n  x: {}\nboxes:\n  - { id: b1, class: x }\n");
	put("b.yaml", "version: 1\nroot: two\ndefaults: { pids: { max: 2 } }\nclasses:\n  x: {}\nboxes:\n  - { id: b1, class: x }\n");
	put("c.yaml", "version: 1\nroot: one\ndefaults: { pids: { max: 1 } }\nclasses:\n  y: {}\n");
	const char *paths[] = { "c.yaml", "b.yaml", "a.yaml" };
	bx_policy *p;
	char *d = load_paths(paths, 3, &p);
	ck_assert_ptr_null(p);
	/* the first given decides (c.yaml: a.yaml agrees with it); output is
	 * sorted by file and line */
	ck_assert_str_eq(d,
			 "a.yaml:5:3: error: class 'x' is already defined at b.yaml:5:3 [classes.x]\n"
			 "a.yaml:7:11: error: box 'b1' is already defined at b.yaml:7:11 [boxes[0].id]\n"
			 "b.yaml:2:7: error: root 'two' differs from root 'one' at c.yaml:2:7 [root]\n"
			 "b.yaml:3:11: error: defaults differ from the defaults at c.yaml:3:11; give them in one file [defaults]\n");
	free(d);
}
END_TEST

START_TEST(unreadable_inputs)
{
	mkdir_rel("empty");
	mkdir_rel("dir.yaml");
	mkdir_rel("d");
	mkdir_rel("d/x.yaml");
	put("file", "");
	char *fifo = path("fifo.yaml");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	free(fifo);
	const char *paths[] = { "nope.yaml", "empty", "d", "fifo.yaml", "file/x.yaml" };
	bx_policy *p;
	char *d = load_paths(paths, 5, &p);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(d,
			 "d/x.yaml: error: not a regular file\n"
			 "empty: error: directory has no *.yaml or *.yml files\n"
			 "fifo.yaml: error: not a regular file or a directory\n"
			 "file/x.yaml: error: cannot read: Not a directory\n"
			 "nope.yaml: error: cannot read: No such file or directory\n");
	free(d);

	/* permission denied: only meaningful when not root */
	if (geteuid() != 0) {
		put("secret.yaml", "version: 1\nclasses: { a: {} }\n");
		char *s = path("secret.yaml");
		ck_assert_int_eq(chmod(s, 0), 0);
		free(s);
		const char *one[] = { "secret.yaml" };
		d = load_paths(one, 1, &p);
		ck_assert_str_eq(d, "secret.yaml: error: cannot read: Permission denied\n");
		free(d);
	}

	bx_host_facts f = facts();
	bx_diags dd = {0};
	bx_error *err = NULL;
	ck_assert_int_eq(bx_policy_load(NULL, 0, &f, &p, &dd, &err), 0);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(dd.errors, 1);
	ck_assert_str_eq(dd.v[0].msg, "no policy file or directory given");
	bx_diags_free(&dd);
}
END_TEST

START_TEST(large_file_streams)
{
	/* a file just under the limit loads; over it is refused unread */
	bx_buf b = {0};
	bx_buf_puts(&b, "version: 1\nclasses: { a: {} }\n");
	while (b.len < (4u << 20) - 100)
		bx_buf_puts(&b, "# padding padding padding padding padding padding padding padding\n");
	char *text = bx_buf_take(&b);
	put("under.yaml", text);
	size_t n = strlen(text);
	free(text);
	const char *one[] = { "under.yaml" };
	bx_policy *p;
	char *d = load_paths(one, 1, &p);
	ck_assert_str_eq(d, "");
	ck_assert_ptr_nonnull(p);
	bx_policy_free(p);
	free(d);
	char *u = path("under.yaml");
	FILE *f = fopen(u, "a");
	fprintf(f, "%*s\n", (int)((4u << 20) - n), "#");
	fclose(f);
	free(u);
	d = load_paths(one, 1, &p);
	ck_assert_str_eq(d, "under.yaml: error: file is larger than the 4 MiB limit for policy files\n");
	free(d);
}
END_TEST

/* ---- hostile buffers ----------------------------------------------------- */

/* a string literal and its length (NUL bytes inside count) */
#define S(lit) lit, sizeof(lit) - 1

START_TEST(hostile_buffers)
{
	static const struct {
		const char *data;
		size_t len;
		const char *diags;
	} cases[] = {
		{ S(""), "t.yaml:1:1: error: empty policy file: expected a mapping with `version: 1` and `classes`\n" },
		{ S("# nothing\n"), "t.yaml:1:1: error: empty policy file: expected a mapping with `version: 1` and `classes`\n" },
		{ S("version: 1\0classes: {a: {}}\n"), "t.yaml:1:11: error: a NUL byte: policy files are UTF-8 text\n" },
		{ S("version: 1\n\xc3\x28\n"), "t.yaml:2:1: error: invalid UTF-8 (byte 0xc3): policy files are UTF-8 text\n" },
		{ S("version: 1\n\xf4\x90\x80\x80\n"), "t.yaml:2:1: error: invalid UTF-8 (byte 0xf4): policy files are UTF-8 text\n" },
		{ S("version: 1\n\xef\xbf\xbe\n"), "t.yaml:2:1: error: control character U+FFFE is not allowed\n" },
		{ S("version: 1\n\x01\n"), "t.yaml:2:1: error: control character U+0001 is not allowed\n" },
		/* an empty first container: no child was ever pending (a fuzzer finding) */
		{ S("{}"), "t.yaml:1:1: error: missing `version: 1` (every policy file starts with it)\n"
			   "t.yaml:1:1: error: missing `classes`: the policy needs at least one class\n" },
		{ S("- 1\n"), "t.yaml:1:1: error: a policy must be a mapping (version, root, defaults, classes, boxes), not a sequence\n" },
		{ S("'text'\n"), "t.yaml:1:1: error: a policy must be a mapping (version, root, defaults, classes, boxes), not a string\n" },
		{ S("version: 1\nclasses: {a: {}}\n...\n---\nx: 1\n"), "t.yaml:4:1: error: a policy file holds one YAML document; put the next one in a file of its own\n" },
		{ S("version: 1\nclasses: {a: {}, a: {}}\n"), "t.yaml:2:18: error: duplicate key 'a' (first at line 2, column 11) [classes.a]\n" },
		{ S("version: 1\nclasses: {a: &x {}, b: *x}\n"), "t.yaml:2:24: error: YAML aliases (*x) are not supported; use `extends` to share limits [classes.b]\n" },
		{ S("version: 1\nclasses: {? [k] : 1, a: {}}\n"), "t.yaml:2:13: error: a mapping key must be a plain string, not a sequence [classes.?]\n" },
		{ S("version: 1\nclasses: !!map {a: {}}\n"), "t.yaml:2:10: error: YAML tags (tag:yaml.org,2002:map) are not supported [classes]\n" },
		{ S("version: 1\nclasses: {a: {box: {pids: {max: 1}}\n"), "t.yaml:3:1: error: invalid YAML: did not find expected ',' or '}' while parsing a flow mapping (line 2, column 14)\n" },
		{ S("version: 1\n\tclasses: {}\n"), "t.yaml:2:1: error: invalid YAML: found a tab character that violates indentation while scanning a plain scalar (line 1, column 10)\n" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		bool ok;
		char *d = load_buf(cases[i].data, cases[i].len, &ok);
		ck_assert_msg(!ok, "case %zu accepted", i);
		ck_assert_msg(strcmp(d, cases[i].diags) == 0, "case %zu:\n got: %s want: %s", i, d, cases[i].diags);
		free(d);
	}
}
END_TEST

START_TEST(hostile_sizes_and_depth)
{
	bool ok;
	/* over 4 MiB in memory: refused before parsing */
	size_t big = (4u << 20) + 1;
	char *data = malloc(big);
	memset(data, '#', big);
	char *d = load_buf(data, big, &ok);
	ck_assert_str_eq(d, "t.yaml: error: file is larger than the 4 MiB limit for policy files\n");
	free(d);
	free(data);

	/* deep nesting stops at the limit, without recursion */
	bx_buf b = {0};
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\nx: ");
	for (int i = 0; i < 200000; i++)
		bx_buf_puts(&b, "[");
	char *deep = bx_buf_take(&b);
	d = load_str(deep, &ok);
	ck_assert_str_eq(d, "t.yaml:3:35: error: nesting deeper than 32 levels\n");
	free(d);
	free(deep);

	/* 32 levels are fine (and flagged only as an unknown key) */
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\nx: ");
	for (int i = 0; i < 31; i++)
		bx_buf_puts(&b, "[");
	for (int i = 0; i < 31; i++)
		bx_buf_puts(&b, "]");
	deep = bx_buf_take(&b);
	d = load_str(deep, &ok);
	ck_assert_str_eq(d, "t.yaml:3:1: error: unknown key 'x' [x]\n");
	free(d);
	free(deep);

	/* the tree's memory: 1.7 million one-byte items are more than the
	 * 64 MiB budget (32-byte nodes, child pointers, text) */
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\nx: [");
	for (int i = 0; i < 1700000; i++)
		bx_buf_puts(&b, "1,");
	bx_buf_puts(&b, "1]\n");
	char *wide = bx_buf_take(&b);
	ck_assert_uint_lt(strlen(wide), 4u << 20);
	d = load_str(wide, &ok);
	ck_assert_msg(strstr(d, "error: the YAML tree of this file needs more than 64 MiB of memory (the limit); "
				"split the policy into several files\n"), "%s", d);
	ck_assert_ptr_eq(strchr(d, '\n'), d + strlen(d) - 1); /* the only diagnostic */
	free(d);
	free(wide);

	/* a file of aliases is a file of messages: they count too */
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\nx: [&a 1");
	for (int i = 0; i < 1300000; i++)
		bx_buf_puts(&b, ",*a");
	bx_buf_puts(&b, "]\n");
	char *aliases = bx_buf_take(&b);
	ck_assert_uint_lt(strlen(aliases), 4u << 20);
	bx_host_facts hf = facts();
	bx_diags dd = {0};
	bx_policy *p = NULL;
	bx_error *err = NULL;
	ck_assert_int_eq(bx_policy_load_buffer("t.yaml", aliases, strlen(aliases), &hf, &p, &dd, &err), 0);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(dd.n, BX_DIAGS_MAX);
	ck_assert_uint_eq(dd.errors, dd.n + dd.dropped);
	bool budget = false;
	for (size_t i = 0; i < dd.n; i++)
		budget |= strstr(dd.v[i].msg, "more than 64 MiB of memory") != NULL;
	ck_assert(budget);
	bx_diags_free(&dd);
	free(aliases);
}
END_TEST

START_TEST(long_and_odd_text_in_messages)
{
	/* a long key is cut, control characters escaped: one line per diagnostic */
	bool ok;
	bx_buf b = {0};
	bx_buf_puts(&b, "version: 1\nclasses: {a: {}}\n\"");
	for (int i = 0; i < 500; i++)
		bx_buf_puts(&b, "k");
	bx_buf_puts(&b, "\\n\\t\": 1\n\"line\\nbreak\": 2\n");
	char *text = bx_buf_take(&b);
	char *d = load_str(text, &ok);
	char *nl = strchr(d, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_lt((size_t)(nl - d), 200);
	ck_assert(strstr(d, "kkk...' [kkk"));
	ck_assert(strstr(d, "t.yaml:4:1: error: unknown key 'line\\nbreak' [line\\nbreak]\n"));
	free(d);
	free(text);
}
END_TEST

START_TEST(every_problem_in_one_run)
{
	bool ok;
	char *d = load_str("version: 1\n"
			   "classes:\n"
			   "  a:\n"
			   "    box:\n"
			   "      memory: { max: 1GB, high: 2G }\n"
			   "      cpu: { weight: 0, nice: 50 }\n"
			   "  b:\n"
			   "    extends: zz\n"
			   "boxes:\n"
			   "  - { id: x, class: a }\n"
			   "  - { id: x, class: c }\n",
			   &ok);
	ck_assert(!ok);
	ck_assert_str_eq(d,
			 "t.yaml:5:22: error: memory.max: '1GB' is ambiguous (1000 or 1024?): write 1GiB or 1G for powers of 1024 [classes.a.box.memory.max]\n"
			 "t.yaml:6:22: error: cpu.weight: '0' is out of range (1 to 10000) [classes.a.box.cpu.weight]\n"
			 "t.yaml:6:31: error: cpu.nice: '50' is out of range (-20 to 19) [classes.a.box.cpu.nice]\n"
			 "t.yaml:8:14: error: class 'b' extends unknown class 'zz' [classes.b.extends]\n"
			 "t.yaml:11:11: error: box 'x' is already defined at t.yaml:10:11 [boxes[1].id]\n"
			 "t.yaml:11:21: error: box 'x' names unknown class 'c' (did you mean 'a'?) [boxes[1].class]\n");
	free(d);
}
END_TEST

START_TEST(many_boxes_and_classes)
{
	/* 200 classes in chains, 10,000 boxes: loads, and duplicate ids among
	 * them are all found */
	bx_buf b = {0};
	bx_buf_puts(&b, "version: 1\nclasses:\n");
	for (int c = 0; c < 200; c++) {
		if (c % 5)
			bx_buf_printf(&b, "  c%03d: { extends: c%03d, box: { pids: { max: %d } } }\n", c, c - 1, c + 1);
		else
			bx_buf_printf(&b, "  c%03d: { box: { memory: { max: %dMiB, high: 90%% }, pids: { max: %d } } }\n",
				      c, 256 + c, c + 1);
	}
	bx_buf_puts(&b, "boxes:\n");
	for (int i = 0; i < 10000; i++)
		bx_buf_printf(&b, "  - { id: box-%05d, class: c%03d }\n", i % 9998, i % 200);
	char *text = bx_buf_take(&b);
	bx_host_facts f = facts();
	bx_diags d = {0};
	bx_policy *p = NULL;
	bx_error *err = NULL;
	ck_assert_int_eq(bx_policy_load_buffer("big.yaml", text, strlen(text), &f, &p, &d, &err), 0);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(d.errors, 2); /* box-00000 and box-00001 twice */
	bx_diags_sort(&d);
	ck_assert_str_eq(d.v[0].msg, "box 'box-00000' is already defined at big.yaml:204:11");
	bx_diags_free(&d);
	free(text);
}
END_TEST

Suite *suite_policy_load(void);
Suite *suite_policy_load(void)
{
	Suite *s = suite_create("policy_load");
	TCase *t = tcase_create("sources");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, directory_in_name_order);
	tcase_add_test(t, several_files_must_agree);
	tcase_add_test(t, unreadable_inputs);
	tcase_add_test(t, large_file_streams);
	suite_add_tcase(s, t);
	t = tcase_create("hostile");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, hostile_buffers);
	tcase_add_test(t, hostile_sizes_and_depth);
	tcase_add_test(t, long_and_odd_text_in_messages);
	tcase_add_test(t, every_problem_in_one_run);
	tcase_add_test(t, many_boxes_and_classes);
	suite_add_tcase(s, t);
	return s;
}
