/* The resolved policy as a libcyaml document (show.h).
 *
 * libcyaml does here what it is good at: a document whose keys are all
 * fixed, written from C structs and read back into them by one schema
 * table. (The policy loader does not use it: docs/POLICY.md.) Its memory
 * function is realloc/free, so a loaded document and a built one are
 * freed alike; its log goes into the error message, never to stderr. */
#include "policy/show.h"

#include <cyaml/cyaml.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/names.h"
#include "policy/ytree.h"

/* ---- the schema: one table for save and load ----------------------------- */

#define STR(key, flags, type, member, min)                                                 \
	CYAML_FIELD_STRING_PTR(key, (flags) | CYAML_FLAG_POINTER, type, member, min,        \
			       CYAML_UNLIMITED)
#define OPTIONAL CYAML_FLAG_OPTIONAL
/* Strings the user chose (names, ids, descriptions, device keys) are
 * always quoted, so no YAML reader takes a class "123", a description
 * "null" or "" or a device 8:0 (YAML 1.1: the integer 480) for anything
 * but a string. Kernel values, file names, locations and paths stay plain. */
#define QUOTED CYAML_FLAG_SCALAR_QUOTE_SINGLE

static const cyaml_schema_field_t setting_fields[] = {
	STR("file", 0, bx_show_setting, file, 1),
	STR("key", OPTIONAL | QUOTED, bx_show_setting, key, 1),
	STR("value", 0, bx_show_setting, value, 0),
	STR("from", 0, bx_show_setting, from, 1),
	STR("path", OPTIONAL, bx_show_setting, path, 1),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t setting_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, bx_show_setting, setting_fields),
};

static const cyaml_schema_field_t class_fields[] = {
	STR("name", QUOTED, bx_show_class, name, 1),
	STR("description", OPTIONAL | QUOTED, bx_show_class, description, 0),
	STR("from", 0, bx_show_class, from, 1),
	CYAML_FIELD_SEQUENCE_COUNT("box", CYAML_FLAG_POINTER, bx_show_class, box, nbox,
				   &setting_schema, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE_COUNT("slice", CYAML_FLAG_POINTER, bx_show_class, slice, nslice,
				   &setting_schema, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t class_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, bx_show_class, class_fields),
};

static const cyaml_schema_field_t box_fields[] = {
	STR("id", QUOTED, bx_show_box, id, 1),
	STR("class", QUOTED, bx_show_box, class_name, 1),
	STR("from", 0, bx_show_box, from, 1),
	CYAML_FIELD_END,
};

/* A static box on one line: { id: …, class: …, from: … }. */
static const cyaml_schema_value_t box_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_FLOW, bx_show_box, box_fields),
};

static const cyaml_schema_field_t doc_fields[] = {
	CYAML_FIELD_UINT("format_version", CYAML_FLAG_DEFAULT, bx_show_doc, format_version),
	STR("root", QUOTED, bx_show_doc, root, 1),
	CYAML_FIELD_UINT("page_size", CYAML_FLAG_DEFAULT, bx_show_doc, page_size),
	CYAML_FIELD_SEQUENCE_COUNT("classes", CYAML_FLAG_POINTER, bx_show_doc, classes, nclasses,
				   &class_schema, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE_COUNT("boxes", CYAML_FLAG_POINTER, bx_show_doc, boxes, nboxes,
				   &box_schema, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t doc_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, bx_show_doc, doc_fields),
};

/* ---- libcyaml configuration: our allocator, log into a buffer ------------ */

static void *show_mem(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, size);
}

/* Append s[0..n), with libcyaml's "(line: L, column: C)" counted from 1
 * as everywhere else in boxcg (libyaml's marks count from 0). */
static void add_marked(bx_buf *b, const char *s, size_t n)
{
	static const char tag[] = "(line: ";
	const char *at = memmem(s, n, tag, strlen(tag));
	unsigned long line, col;
	int used = 0;
	if (at && sscanf(at, "(line: %lu, column: %lu)%n", &line, &col, &used) == 2 && used > 0 &&
	    at + used <= s + n) {
		bx_buf_add(b, s, (size_t)(at - s));
		bx_buf_printf(b, "(line: %lu, column: %lu)", line + 1, col + 1);
		bx_buf_add(b, at + used, (size_t)(s + n - (at + used)));
		return;
	}
	bx_buf_add(b, s, n);
}

/* libcyaml logs an error as several messages: "Load: Unexpected key: x\n",
 * "Load: Backtrace:\n", "  in mapping (line: 5, column: 8)\n". Keep the
 * text, drop the "Load: " prefix and the "Backtrace:" header, join them
 * with "; ". */
static void show_log(cyaml_log_t level, void *ctx, const char *fmt, va_list ap)
{
	bx_buf *b = ctx;
	if (level < CYAML_LOG_ERROR)
		return;
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0) {
		b->oom = true;
		return;
	}
	char *s = msg;
	for (const char *const *pre = (const char *const[]){ "Load: ", "Save: ", NULL }; *pre; pre++)
		if (strncmp(s, *pre, strlen(*pre)) == 0)
			s += strlen(*pre);
	s += strspn(s, " \t");
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n && !(n == strlen("Backtrace:") && strncmp(s, "Backtrace:", n) == 0)) {
		if (b->len)
			bx_buf_puts(b, "; ");
		add_marked(b, s, n);
	}
	free(msg);
}

static cyaml_config_t show_config(bx_buf *log)
{
	return (cyaml_config_t){
		.log_fn = show_log,
		.log_ctx = log,
		.mem_fn = show_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_STYLE_BLOCK | CYAML_CFG_NO_ALIAS,
	};
}

/* An error from libcyaml: its code's text, then what it logged (which
 * sometimes starts with that text already). */
static int cyaml_fail(bx_error **err, cyaml_err_t e, bx_buf *log, const char *what)
{
	char *text = bx_buf_take(log);
	const char *code = cyaml_strerror(e);
	if (text && strncmp(text, code, strlen(code)) == 0)
		code = "";
	int r = bx_err(err, e == CYAML_ERR_OOM ? ENOMEM : 0, "%s: %s%s%s", what, code,
		       *code && text && *text ? ": " : "", text ? text : "");
	free(text);
	return r;
}

/* ---- free ---------------------------------------------------------------- */

static void free_settings(bx_show_setting *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].file);
		free(v[i].key);
		free(v[i].value);
		free(v[i].from);
		free(v[i].path);
	}
	free(v);
}

void bx_show_doc_free(bx_show_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; doc->classes && i < doc->nclasses; i++) {
		bx_show_class *c = &doc->classes[i];
		free(c->name);
		free(c->description);
		free(c->from);
		free_settings(c->box, c->nbox);
		free_settings(c->slice, c->nslice);
	}
	free(doc->classes);
	for (size_t i = 0; doc->boxes && i < doc->nboxes; i++) {
		free(doc->boxes[i].id);
		free(doc->boxes[i].class_name);
		free(doc->boxes[i].from);
	}
	free(doc->boxes);
	free(doc->root);
	free(doc);
}

/* ---- build from a compiled policy ---------------------------------------- */

/* strdup that tells NULL (absent) from failure. */
static bool dup_opt(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

static char *from_loc(const bx_loc *loc)
{
	return bx_sprintf("%s:%u:%u", loc->file ? loc->file : "-", loc->line, loc->col);
}

/* Arrays are never NULL, even empty: libcyaml refuses to save a NULL
 * sequence (and `[]` is what an empty one should print). */
static void *new_array(size_t n, size_t size) { return calloc(n ? n : 1, size); }

static bool build_settings(const bx_settings *s, bx_show_setting **out, size_t *nout)
{
	bx_show_setting *v = new_array(s->n, sizeof *v);
	if (!v)
		return false;
	*out = v;
	for (size_t i = 0; i < s->n; i++) {
		const bx_setting *x = &s->v[i];
		*nout = i + 1; /* so a failure frees what was made */
		if (!dup_opt(&v[i].file, x->file) || !dup_opt(&v[i].key, x->key) ||
		    !dup_opt(&v[i].value, x->value ? x->value : "") || !dup_opt(&v[i].path, x->ypath) ||
		    !(v[i].from = from_loc(&x->loc)))
			return false;
	}
	*nout = s->n;
	return true;
}

static const char *class_cand(const void *ctx, size_t i)
{
	return ((const bx_policy *)ctx)->classes[i].name;
}

/* Mark the classes `names` select (all when there are none). */
static int select_classes(const bx_policy *p, const char *const *names, size_t nnames, bool *sel,
			  bx_error **err)
{
	for (size_t i = 0; i < p->nclasses; i++)
		sel[i] = nnames == 0;
	for (size_t j = 0; j < nnames; j++) {
		const bx_class *c = bx_policy_class(p, names[j]);
		if (c) {
			sel[c - p->classes] = true;
			continue;
		}
		char buf[BX_SHOW_MAX], hbuf[BX_SHOW_MAX];
		const char *hint = bx_suggest(names[j], class_cand, p, p->nclasses);
		return bx_err(err, 0, "the policy has no class \"%s\"%s%s%s",
			      bx_show_str(names[j], strlen(names[j]), buf), hint ? " (did you mean '" : "",
			      hint ? bx_show_str(hint, strlen(hint), hbuf) : "", hint ? "'?)" : "");
	}
	return 0;
}

static bool build_doc(const bx_policy *p, const bool *sel, bx_show_doc *d)
{
	d->format_version = BX_SHOW_FORMAT_VERSION;
	d->page_size = p->facts.page_size;
	if (!dup_opt(&d->root, p->root ? p->root : ""))
		return false;
	if (!(d->classes = new_array(p->nclasses, sizeof *d->classes)))
		return false;
	for (size_t i = 0; i < p->nclasses; i++) {
		if (!sel[i])
			continue;
		const bx_class *c = &p->classes[i];
		bx_show_class *sc = &d->classes[d->nclasses++];
		if (!dup_opt(&sc->name, c->name) || !dup_opt(&sc->description, c->description) ||
		    !(sc->from = from_loc(&c->loc)) || !build_settings(&c->box, &sc->box, &sc->nbox) ||
		    !build_settings(&c->slice, &sc->slice, &sc->nslice))
			return false;
	}
	if (!(d->boxes = new_array(p->nboxes, sizeof *d->boxes)))
		return false;
	for (size_t i = 0; i < p->nboxes; i++) {
		const bx_static_box *b = &p->boxes[i];
		const bx_class *c = bx_policy_class(p, b->class_name);
		if (!c || !sel[c - p->classes])
			continue;
		bx_show_box *sb = &d->boxes[d->nboxes++];
		if (!dup_opt(&sb->id, b->id) || !dup_opt(&sb->class_name, b->class_name) ||
		    !(sb->from = from_loc(&b->loc)))
			return false;
	}
	return true;
}

int bx_policy_show_build(const bx_policy *p, const char *const *names, size_t nnames,
			 bx_show_doc **out, bx_error **err)
{
	*out = NULL;
	cleanup_free bool *sel = new_array(p->nclasses, sizeof *sel);
	if (!sel)
		return bx_err(err, ENOMEM, "show the policy");
	if (select_classes(p, names, nnames, sel, err) < 0)
		return -1;
	bx_show_doc *d = calloc(1, sizeof *d);
	if (!d || !build_doc(p, sel, d)) {
		bx_show_doc_free(d);
		return bx_err(err, ENOMEM, "show the policy");
	}
	*out = d;
	return 0;
}

/* ---- save and load ------------------------------------------------------- */

static bx_show_setting no_settings[1];
static bx_show_box no_boxes[1];

int bx_policy_show_save(const bx_show_doc *doc, char **out, size_t *len, bx_error **err)
{
	*out = NULL;
	*len = 0;
	/* A loaded document has NULL for empty sequences, which libcyaml
	 * saves only as non-NULL pointers: save a shallow copy that has
	 * them. */
	bx_show_doc d = *doc;
	cleanup_free bx_show_class *classes = new_array(d.nclasses, sizeof *classes);
	if (!classes)
		return bx_err(err, ENOMEM, "save the policy document");
	for (size_t i = 0; i < d.nclasses; i++) {
		classes[i] = d.classes[i];
		if (!classes[i].box)
			classes[i].box = no_settings;
		if (!classes[i].slice)
			classes[i].slice = no_settings;
	}
	d.classes = classes;
	if (!d.boxes)
		d.boxes = no_boxes;

	bx_buf log = {0};
	cyaml_config_t cfg = show_config(&log);
	char *text = NULL;
	size_t n = 0;
	cyaml_err_t e = cyaml_save_data(&text, &n, &cfg, &doc_schema, &d, 0);
	if (e != CYAML_OK)
		return cyaml_fail(err, e, &log, "save the policy document");
	bx_buf_free(&log);
	char *z = realloc(text, n + 1); /* cyaml's buffer is not NUL-terminated */
	if (!z) {
		free(text);
		return bx_err(err, ENOMEM, "save the policy document");
	}
	z[n] = '\0';
	*out = z;
	*len = n;
	return 0;
}

int bx_policy_show_load(const char *data, size_t len, bx_show_doc **out, bx_error **err)
{
	*out = NULL;
	bx_buf log = {0};
	cyaml_config_t cfg = show_config(&log);
	bx_show_doc *d = NULL;
	cyaml_err_t e = cyaml_load_data((const uint8_t *)data, len, &cfg, &doc_schema,
					(cyaml_data_t **)&d, NULL);
	if (e != CYAML_OK)
		return cyaml_fail(err, e, &log, "policy document");
	bx_buf_free(&log);
	if (!d)
		return bx_err(err, 0, "policy document: empty");
	if (d->format_version != BX_SHOW_FORMAT_VERSION) {
		unsigned v = d->format_version;
		bx_show_doc_free(d);
		return bx_err(err, 0, "policy document: format_version %u (this boxcg reads %u)", v,
			      BX_SHOW_FORMAT_VERSION);
	}
	/* libcyaml reads "-1" as an unsigned 2^64-1: a page size is a power
	 * of two, which also refuses that. */
	if (d->page_size == 0 || (d->page_size & (d->page_size - 1))) {
		uint64_t v = d->page_size;
		bx_show_doc_free(d);
		return bx_err(err, 0, "policy document: page_size %" PRIu64 " is not a power of two", v);
	}
	*out = d;
	return 0;
}
