/* apply/journal + apply/record: the journal's format, durability calls,
 * torn-tail tolerance and refusal of corrupt or hostile records. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/journal.h"
#include "apply/lock.h"
#include "apply/record.h"
#include "knobs.h"
#include "test_apply.h"

Suite *suite_journal(void);

static bx_undo make_write(const char *cg, const char *file, const char *old)
{
	bx_undo u = { .step = 4, .op = BX_OP_WRITE };
	u.cg = strdup(cg);
	u.file = strdup(file);
	ck_assert_int_eq(bx_fileset_add(&u.old, file, old, strlen(old)), 0);
	return u;
}

/* The journal line of a record, parsed back with jansson as recover does. */
static json_t *line_json(const bx_undo *u)
{
	bx_buf b = {0};
	ck_assert_int_eq(bx_undo_write_line(&b, u), 0);
	ck_assert_int_eq(b.s[b.len - 1], '\n');
	ck_assert_ptr_null(memchr(b.s, '\n', b.len - 1)); /* one line */
	json_error_t je;
	json_t *j = json_loadb(b.s, b.len, JSON_REJECT_DUPLICATES, &je);
	ck_assert_msg(j != NULL, "%s: %s", b.s, je.text);
	bx_buf_free(&b);
	return j;
}

START_TEST(records_round_trip_through_json)
{
	bx_undo u = make_write("boxlite/small", "io.max", "8:0 rbps=1 wbps=max riops=max wiops=max");
	u.key = strdup("8:16");
	u.has_exact = true;
	ck_assert_int_eq(bx_fileset_add(&u.exact, "io.max", NULL, 0), 0);
	/* Bytes that are no UTF-8 text, and a NUL, survive as hex. */
	ck_assert_int_eq(bx_fileset_add(&u.exact, "memory.notes", "a\0\xff\n", 4), 0);
	json_t *j = line_json(&u);
	bx_undo back;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_undo_from_json(j, &back, &e), 0);
	json_decref(j);
	ck_assert_int_eq(back.op, BX_OP_WRITE);
	ck_assert_int_eq(back.step, 4);
	ck_assert_str_eq(back.cg, "boxlite/small");
	ck_assert_str_eq(back.file, "io.max");
	ck_assert_str_eq(back.key, "8:16");
	ck_assert_str_eq(bx_fileset_get(&back.old, "io.max")->value,
			 "8:0 rbps=1 wbps=max riops=max wiops=max");
	ck_assert(back.has_exact);
	ck_assert_ptr_null(bx_fileset_get(&back.exact, "io.max")->value);
	const bx_fileval *notes = bx_fileset_get(&back.exact, "memory.notes");
	ck_assert_uint_eq(notes->len, 4);
	ck_assert_int_eq(memcmp(notes->value, "a\0\xff\n", 4), 0);
	bx_undo_free(&u);
	bx_undo_free(&back);

	bx_undo c = { .step = 0, .op = BX_OP_ENABLE, .ctrls = BX_CTRL_MEMORY | BX_CTRL_CPU };
	c.cg = strdup("");
	ck_assert_int_eq(bx_fileset_add(&c.old, "cgroup.subtree_control", "", 0), 0);
	j = line_json(&c);
	ck_assert_int_eq(bx_undo_from_json(j, &back, &e), 0);
	json_decref(j);
	ck_assert_uint_eq(back.ctrls, BX_CTRL_MEMORY | BX_CTRL_CPU);
	ck_assert_str_eq(back.cg, "");
	bx_undo_free(&c);
	bx_undo_free(&back);
}
END_TEST

/* The encoder the journal had before record_write.c, built from jansson
 * objects: the reference the hand-written lines must equal byte for byte. */
static json_t *ref_bytes(const char *s, size_t len)
{
	if (!s)
		return json_null();
	json_t *j = memchr(s, '\0', len) ? NULL : json_stringn(s, len);
	if (j)
		return j;
	bx_buf h = {0};
	for (size_t i = 0; i < len; i++)
		bx_buf_printf(&h, "%02x", (unsigned char)s[i]);
	bx_buf_puts(&h, "");
	j = json_pack("{s:s}", "hex", h.s);
	bx_buf_free(&h);
	return j;
}

static json_t *ref_fileset(const bx_fileset *fs)
{
	json_t *o = json_object();
	for (size_t i = 0; i < fs->n; i++)
		ck_assert_int_eq(json_object_set_new(o, fs->v[i].name,
						     ref_bytes(fs->v[i].value, fs->v[i].len)), 0);
	return o;
}

static char *ref_line(const bx_undo *u)
{
	json_t *o = json_object();
	json_object_set_new(o, "step", json_integer(u->step));
	json_object_set_new(o, "op", json_string(bx_op_name(u->op)));
	json_object_set_new(o, "cg", json_string(u->cg));
	if (u->file)
		json_object_set_new(o, "file", json_string(u->file));
	if (u->key)
		json_object_set_new(o, "key", json_string(u->key));
	if (u->ctrls) {
		char *c = bx_ctrl_format_list(u->ctrls);
		json_object_set_new(o, "ctrls", json_string(c));
		free(c);
	}
	json_object_set_new(o, "old", ref_fileset(&u->old));
	if (u->has_exact)
		json_object_set_new(o, "exact", ref_fileset(&u->exact));
	if (u->static_box)
		json_object_set_new(o, "static", json_true());
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	char *line = bx_sprintf("%s\n", s);
	free(s);
	return line;
}

/* Lines are what jansson wrote, for every kind of byte in values: control
 * characters, quotes, backslashes, UTF-8 of every length, bytes that are
 * no UTF-8 (overlong, surrogates, beyond U+10FFFF, cut short), NULs. */
START_TEST(lines_are_byte_for_byte_what_jansson_wrote)
{
	static const struct {
		const char *s;
		size_t n;
	} vals[] = {
#define V(lit) { lit, sizeof lit - 1 }
		V(""), V("max"), V("8:0 rbps=1 wbps=max\n8:16 riops=2"),
		V("\x01\x1f\x7f\"\\/\b\f\n\r\t"), V("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		V("\xc0\xaf"), V("\xe0\x80\xaf"), V("\xed\xa0\x80"), V("\xf4\x90\x80\x80"),
		V("\xf5"), V("ab\xc3"), V("\xe2\x82"), V("a\0b"), V("\xff\xfe"),
		V("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"),
#undef V
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(vals); i++) {
		/* Every op, each record one recover would accept. */
		bx_undo u = { .step = (long)i * 1000 + 7, .op = (bx_op)(i % 5) };
		bool dir = u.op == BX_OP_MKDIR || u.op == BX_OP_RMDIR;
		bool ctl = u.op == BX_OP_ENABLE || u.op == BX_OP_DISABLE;
		u.cg = strdup(dir || i % 2 ? "boxlite/small/b-1" : "");
		u.file = u.op == BX_OP_WRITE || i % 3 == 1 ? strdup("io.max") : NULL;
		u.key = u.file && i % 4 != 1 ? strdup("8:16") : NULL;
		u.ctrls = ctl || i % 3 == 2 ? BX_CTRL_CPU | BX_CTRL_MISC | BX_CTRL_CPUSET : 0;
		u.static_box = u.op == BX_OP_RMDIR;
		ck_assert_int_eq(bx_fileset_add(&u.old, "io.max", vals[i].s, vals[i].n), 0);
		ck_assert_int_eq(bx_fileset_add(&u.old, "cpu.weight", "100", 3), 0);
		u.has_exact = i % 2 == 0;
		ck_assert_int_eq(bx_fileset_add(&u.exact, "io.max", NULL, 0), 0);
		ck_assert_int_eq(bx_fileset_add(&u.exact, "memory.x_y", vals[i].s, vals[i].n), 0);
		char *want = ref_line(&u);
		bx_buf b = {0};
		ck_assert_int_eq(bx_undo_write_line(&b, &u), 0);
		bx_buf_puts(&b, "");
		ck_assert_msg(strcmp(b.s, want) == 0, "value %zu:\n got  %s want %s", i, b.s, want);
		/* and it reads back as the same bytes */
		json_t *j = json_loads(b.s, 0, NULL);
		bx_undo back;
		bx_error *e = NULL;
		ck_assert_msg(bx_undo_from_json(j, &back, &e) == 0, "value %zu: %s", i, e ? e->msg : "");
		ck_assert_int_eq(back.op, u.op);
		ck_assert_int_eq(back.static_box, u.static_box);
		const bx_fileval *f = bx_fileset_get(&back.old, "io.max");
		ck_assert_uint_eq(f->len, vals[i].n);
		ck_assert_int_eq(memcmp(f->value, vals[i].s, vals[i].n), 0);
		json_decref(j);
		bx_undo_free(&back);
		bx_buf_free(&b);
		free(want);
		bx_undo_free(&u);
	}
	/* The header too. */
	bx_journal_header h = { .base = "/tmp/a \"b\"\\c", .dirmode = true, .fingerprint = "00ff",
				.pid = 4242, .nsteps = -1 };
	bx_buf b = {0};
	ck_assert_int_eq(bx_journal_header_write_line(&b, &h), 0);
	bx_buf_puts(&b, "");
	ck_assert_str_eq(b.s, "{\"boxcg_journal\":1,\"base\":\"/tmp/a \\\"b\\\"\\\\c\",\"dirmode\":true,"
			      "\"fingerprint\":\"00ff\",\"pid\":4242,\"steps\":-1}\n");
	bx_buf_free(&b);
	/* A name that is no UTF-8 text cannot be written (jansson refused it
	 * too): the step fails before its mutation. */
	bx_undo bad = make_write("boxlite", "memory.max", "max");
	ck_assert_int_eq(bx_fileset_add(&bad.exact, "n\xff", "x", 1), 0);
	bad.has_exact = true;
	errno = 0;
	ck_assert_int_eq(bx_undo_write_line(&b, &bad), -1);
	ck_assert_int_eq(errno, EINVAL);
	bx_buf_free(&b);
	bx_undo_free(&bad);
	h.base = "/tmp/\xc3";
	ck_assert_int_eq(bx_journal_header_write_line(&b, &h), -1);
	ck_assert_int_eq(errno, EINVAL);
	bx_buf_free(&b);
}
END_TEST

static void expect_bad_record(const char *text, const char *needle)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	ck_assert_msg(j != NULL, "test JSON: %s", je.text);
	bx_undo u;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_undo_from_json(j, &u, &e), -1);
	ck_assert_msg(strstr(e->msg, needle), "'%s' lacks '%s'", e->msg, needle);
	bx_error_free(e);
	json_decref(j);
}

START_TEST(hostile_records_are_refused)
{
	expect_bad_record("{\"op\":\"write\",\"cg\":\"../etc\",\"file\":\"passwd\",\"old\":{}}",
			  "unsafe cgroup path");
	expect_bad_record("{\"op\":\"write\",\"cg\":\"/abs\",\"file\":\"x\"}", "unsafe cgroup path");
	expect_bad_record("{\"op\":\"write\",\"cg\":\"a\",\"file\":\"../x\"}", "valid \"file\"");
	expect_bad_record("{\"op\":\"write\",\"cg\":\"a\",\"file\":\"memory.max\",\"old\":{\"a/b\":\"1\"}}",
			  "bad file name");
	expect_bad_record("{\"op\":\"chmod\",\"cg\":\"a\"}", "unknown \"op\"");
	expect_bad_record("{\"op\":\"rmdir\",\"cg\":\"\"}", "the base itself");
	expect_bad_record("{\"op\":\"enable\",\"cg\":\"a\",\"ctrls\":\"bogus\"}", "names no controller");
	expect_bad_record("{\"op\":\"mkdir\",\"cg\":\"a\",\"step\":\"x\"}", "not an integer");
	expect_bad_record("{\"op\":\"write\",\"cg\":\"a\",\"file\":\"memory.max\",\"old\":{\"memory.max\":{\"hex\":\"zz\"}}}",
			  "bad value");
	expect_bad_record("[1]", "not an object");
}
END_TEST

static char *journal_text(size_t *len)
{
	bx_journal_header h = { .base = "/tmp/root", .dirmode = true, .fingerprint = "abc", .pid = 7,
				.nsteps = 3 };
	bx_buf b = {0};
	ck_assert_int_eq(bx_journal_header_write_line(&b, &h), 0);
	const char *files[] = { "memory.max", "pids.max", "cpu.max" };
	for (int i = 0; i < 3; i++) {
		bx_undo u = make_write("boxlite", files[i], "max");
		ck_assert_int_eq(bx_undo_write_line(&b, &u), 0);
		bx_undo_free(&u);
	}
	*len = b.len;
	return bx_buf_take(&b);
}

/* Cut the journal at every byte: loading never fails, and yields exactly
 * the records whose line was complete. */
START_TEST(a_torn_tail_is_dropped_at_every_offset)
{
	size_t len;
	char *text = journal_text(&len);
	size_t ends[4], nl = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			ends[nl++] = i + 1;
	ck_assert_uint_eq(nl, 4);
	for (size_t cut = 0; cut <= len; cut++) {
		bx_journal_doc d;
		bx_error *e = NULL;
		ck_assert_msg(bx_journal_parse(text, cut, &d, &e) == 0, "cut %zu: %s", cut,
			      e ? e->msg : "");
		size_t complete = 0;
		for (size_t k = 0; k < nl; k++)
			complete += ends[k] <= cut;
		ck_assert_int_eq(d.has_header, complete >= 1);
		ck_assert_uint_eq(d.n, complete ? complete - 1 : 0);
		bool at_boundary = cut == 0;
		for (size_t k = 0; k < nl; k++)
			at_boundary |= ends[k] == cut;
		ck_assert_int_eq(d.torn, !at_boundary);
		if (d.n)
			ck_assert_str_eq(d.v[0].file, "memory.max");
		bx_journal_doc_free(&d);
	}
	free(text);
}
END_TEST

START_TEST(garbage_in_the_last_line_is_torn_elsewhere_corrupt)
{
	size_t len;
	char *text = journal_text(&len);
	bx_journal_doc d;
	bx_error *e = NULL;
	/* Zeroes where an unsynced last write was lost: dropped. */
	bx_buf b = {0};
	bx_buf_add(&b, text, len);
	bx_buf_add(&b, "\0\0\0\0\n", 5);
	ck_assert_int_eq(bx_journal_parse(b.s, b.len, &d, &e), 0);
	ck_assert(d.torn);
	ck_assert_uint_eq(d.n, 3);
	bx_journal_doc_free(&d);
	bx_buf_free(&b);
	/* A bad line with good ones after it: corrupt, nothing replayed. */
	char *second = strchr(text, '\n') + 1;
	second[0] = 'X';
	ck_assert_int_eq(bx_journal_parse(text, len, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e->msg, "journal corrupt"));
	ck_assert_ptr_nonnull(strstr(e->msg, "line 2"));
	bx_error_free(e);
	e = NULL;
	/* A complete last line that is valid JSON but a bad record is no torn
	 * write: corrupt. */
	free(text);
	text = journal_text(&len);
	bx_buf c = {0};
	bx_buf_add(&c, text, len);
	bx_buf_puts(&c, "{\"op\":\"format\",\"cg\":\"a\"}\n");
	ck_assert_int_eq(bx_journal_parse(c.s, c.len, &d, &e), -1);
	bx_error_free(e);
	bx_buf_free(&c);
	free(text);
	/* Header of an unknown version. */
	const char *v2 = "{\"boxcg_journal\":2,\"base\":\"/x\",\"dirmode\":false,\"fingerprint\":\"\"}\n";
	e = NULL;
	ck_assert_int_eq(bx_journal_parse(v2, strlen(v2), &d, &e), -1);
	bx_error_free(e);
	const char *rel = "{\"boxcg_journal\":1,\"base\":\"x\",\"dirmode\":false,\"fingerprint\":\"\"}\n";
	e = NULL;
	ck_assert_int_eq(bx_journal_parse(rel, strlen(rel), &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e->msg, "absolute"));
	bx_error_free(e);
}
END_TEST

START_TEST(begin_append_load_remove)
{
	char *tmp = ta_tmpdir("journal");
	int dfd;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_state_dir_open(tmp, &dfd, &e), 0);
	bx_hooks h = {0};
	bx_journal j;
	bx_journal_header hdr = { .base = "/sys/fs/cgroup", .fingerprint = "f00", .pid = 42, .nsteps = 2,
				  .boot_id = "6c3f7ad5-0bd1-4c5e-9f6e-2f6a3b1c9d20" };
	bool present = true;
	ck_assert_int_eq(bx_journal_present(dfd, &present, &e), 0);
	ck_assert(!present);
	ck_assert_int_eq(bx_journal_begin(&j, dfd, &h, &hdr, true, NULL, 0, &e), 0);
	ck_assert_int_eq(h.count, 3); /* write, fsync, directory fsync */
	bx_undo u = make_write("a", "pids.max", "10");
	ck_assert_int_eq(bx_journal_append(&j, &u, &e), 0);
	ck_assert_int_eq(h.count, 5); /* write, fsync */
	bx_undo_free(&u);
	/* A second transaction cannot start beside it. */
	bx_journal j2;
	ck_assert_int_eq(bx_journal_begin(&j2, dfd, &h, &hdr, true, NULL, 0, &e), -1);
	ck_assert_int_eq(e->errnum, EEXIST);
	ck_assert_ptr_nonnull(strstr(e->msg, "boxcg recover"));
	bx_error_free(e);
	e = NULL;
	bx_journal_close(&j);
	/* The file is private. */
	struct stat st;
	ck_assert_int_eq(fstatat(dfd, BX_JOURNAL_NAME, &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	bx_journal_doc d;
	bool found;
	ck_assert_int_eq(bx_journal_load(dfd, &found, &d, &e), 0);
	ck_assert(found && d.has_header && !d.torn);
	ck_assert_str_eq(d.hdr.base, "/sys/fs/cgroup");
	ck_assert_str_eq(d.hdr.fingerprint, "f00");
	ck_assert_int_eq(d.hdr.pid, 42);
	ck_assert_str_eq(d.hdr.boot_id, hdr.boot_id);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(bx_fileset_get(&d.v[0].old, "pids.max")->value, "10");
	bx_journal_doc_free(&d);
	ck_assert_int_eq(bx_journal_remove(dfd, &h, &e), 0);
	ck_assert_int_eq(bx_journal_load(dfd, &found, &d, &e), 0);
	ck_assert(!found);
	/* Removing twice is harmless. */
	ck_assert_int_eq(bx_journal_remove(dfd, &h, &e), 0);
	/* Without sync_records (a cgroup2 base), a record is one mutation:
	 * the write. The header is durable all the same; old headers without
	 * a boot id still load. */
	bx_hooks h2 = {0};
	hdr.boot_id = NULL;
	ck_assert_int_eq(bx_journal_begin(&j, dfd, &h2, &hdr, false, NULL, 0, &e), 0);
	ck_assert_int_eq(h2.count, 3);
	for (int i = 0; i < 3; i++) {
		u = make_write("a", "pids.max", "10");
		ck_assert_int_eq(bx_journal_append(&j, &u, &e), 0);
		bx_undo_free(&u);
	}
	ck_assert_int_eq(h2.count, 6);
	bx_journal_close(&j);
	ck_assert_int_eq(bx_journal_load(dfd, &found, &d, &e), 0);
	ck_assert(found && d.has_header && !d.torn);
	ck_assert_ptr_null(d.hdr.boot_id);
	ck_assert_uint_eq(d.n, 3);
	bx_journal_doc_free(&d);
	ck_assert_int_eq(bx_journal_remove(dfd, &h2, &e), 0);
	/* This boot has an id, the same each time it is asked. */
	char *b1 = bx_boot_id(), *b2 = bx_boot_id();
	ck_assert_ptr_nonnull(b1);
	ck_assert_uint_eq(strlen(b1), 36);
	ck_assert_str_eq(b1, b2);
	free(b1);
	free(b2);
	close(dfd);
	ta_rmtree(tmp);
	free(tmp);
}
END_TEST

/* Each journal write and fsync is a mutation the hooks can fail. */
START_TEST(hooks_fail_the_chosen_journal_mutation)
{
	char *tmp = ta_tmpdir("journal");
	int dfd;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_state_dir_open(tmp, &dfd, &e), 0);
	bx_journal_header hdr = { .base = "/x", .fingerprint = "" };
	/* write, fsync, dir fsync, record write, record fsync; without
	 * sync_records the record has no fsync to fail */
	for (long k = 1; k <= 9; k++) {
		bool sync = k <= 5;
		bx_hooks h = { .fault_at = sync ? k : k - 5, .fault_errno = ENOSPC };
		bx_journal j;
		int r = bx_journal_begin(&j, dfd, &h, &hdr, sync, NULL, 0, &e);
		if (r == 0) {
			bx_undo u = make_write("a", "pids.max", "1");
			r = bx_journal_append(&j, &u, &e);
			bx_undo_free(&u);
		}
		ck_assert_int_eq(r, -1);
		ck_assert_int_eq(e->errnum, ENOSPC);
		ck_assert_int_eq(h.count, h.fault_at);
		bx_error_free(e);
		e = NULL;
		bx_journal_close(&j);
		bx_hooks none = {0};
		ck_assert_int_eq(bx_journal_remove(dfd, &none, &e), 0);
	}
	/* A journal over the size limit is refused, not read. */
	int fd = openat(dfd, BX_JOURNAL_NAME, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(ftruncate(fd, BX_JOURNAL_MAX_BYTES + 1), 0);
	close(fd);
	bx_journal_doc d;
	bool found;
	ck_assert_int_eq(bx_journal_load(dfd, &found, &d, &e), -1);
	ck_assert_int_eq(e->errnum, EFBIG);
	bx_error_free(e);
	close(dfd);
	ta_rmtree(tmp);
	free(tmp);
}
END_TEST

Suite *suite_journal(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");
	tcase_add_test(tc, records_round_trip_through_json);
	tcase_add_test(tc, lines_are_byte_for_byte_what_jansson_wrote);
	tcase_add_test(tc, hostile_records_are_refused);
	tcase_add_test(tc, a_torn_tail_is_dropped_at_every_offset);
	tcase_add_test(tc, garbage_in_the_last_line_is_torn_elsewhere_corrupt);
	tcase_add_test(tc, begin_append_load_remove);
	tcase_add_test(tc, hooks_fail_the_chosen_journal_mutation);
	suite_add_tcase(s, tc);
	return s;
}
