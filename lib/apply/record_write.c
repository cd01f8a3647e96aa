/* Journal lines written straight into a buffer: the same compact JSON
 * jansson's json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) made of the
 * record's object (the reader is still jansson, record.c), without
 * building that object first: a directory-mode record of the bench's
 * apply costs 2.7 k instructions instead of 27 k.
 *
 * Strings are escaped as jansson escapes them: '"', '\\', \b \f \n \r \t,
 * other bytes below 0x20 as \u00XX (upper-case hex), everything else as
 * is. Names and paths must be UTF-8 text (else EINVAL, as jansson refused
 * them); values that are not, or that hold a NUL byte, are written as
 * {"hex":"…"}. */
#include "apply/record.h"

#include <errno.h>
#include <string.h>

#include "knobs.h"

/* Appending without a call per piece while the buffer has room (it is
 * reused line after line, so it nearly always has); bx_buf_add grows it. */
static inline void put(bx_buf *b, const char *s, size_t n)
{
	if (b->len + n < b->cap) {
		memcpy(b->s + b->len, s, n);
		b->len += n;
	} else {
		bx_buf_add(b, s, n);
	}
}

static inline void putc_(bx_buf *b, char c)
{
	if (b->len + 1 < b->cap)
		b->s[b->len++] = c;
	else
		bx_buf_add(b, &c, 1);
}

static inline void puts_(bx_buf *b, const char *s) { put(b, s, strlen(s)); }

/* Length of the UTF-8 sequence at s[0..n) (1-4), 0 when it is not a
 * valid one: no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t k = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
						     : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
	if (!k || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (k == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
		return 0;
	if (k == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
		return 0;
	return k;
}

/* Whether s[0..n) is text jansson takes as a string: UTF-8, no NUL. */
static bool is_text(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		if (s[i] - 1u < 0x7Fu) { /* ASCII but NUL: paths and values mostly */
			i++;
			continue;
		}
		if (s[i] == 0)
			return false;
		size_t k = utf8_len(s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* A JSON string of text already checked with is_text. */
static void quoted(bx_buf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = str, *end = str + n;
	putc_(b, '"');
	for (const char *p = str; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		char esc[7] = { '\\', 0 };
		size_t len = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			len = 6;
		}
		put(b, run, (size_t)(p - run));
		put(b, esc, len);
		run = p + 1;
	}
	put(b, run, (size_t)(end - run));
	putc_(b, '"');
}

/* A name or path: text, or the line cannot be written (EINVAL). */
static int name(bx_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (!is_text(s, n))
		return -1;
	quoted(b, s, n);
	return 0;
}

/* "key": with the comma before every member but the first. */
static void key(bx_buf *b, const char *k, bool first)
{
	if (!first)
		putc_(b, ',');
	putc_(b, '"');
	puts_(b, k);
	put(b, "\":", 2);
}

static void integer(bx_buf *b, long v)
{
	char d[24];
	size_t i = sizeof d;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do
		d[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		d[--i] = '-';
	put(b, d + i, sizeof d - i);
}

/* A value as bytes: null, a string, or {"hex":"…"}. */
static void bytes(bx_buf *b, const char *s, size_t n)
{
	if (!s) {
		put(b, "null", 4);
		return;
	}
	if (is_text(s, n)) {
		quoted(b, s, n);
		return;
	}
	static const char hexd[] = "0123456789abcdef";
	puts_(b, "{\"hex\":\"");
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hexd[(unsigned char)s[i] >> 4], hexd[(unsigned char)s[i] & 15] };
		put(b, h, 2);
	}
	puts_(b, "\"}");
}

static int fileset(bx_buf *b, const bx_fileset *s)
{
	putc_(b, '{');
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			putc_(b, ',');
		if (name(b, s->v[i].name) < 0)
			return -1;
		putc_(b, ':');
		bytes(b, s->v[i].value, s->v[i].len);
	}
	putc_(b, '}');
	return 0;
}

static int done(bx_buf *b, int r)
{
	if (r < 0) {
		errno = EINVAL;
		return -1;
	}
	bx_buf_add(b, "\n", 1); /* and the NUL after it */
	if (b->oom) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int bx_undo_write_line(bx_buf *b, const bx_undo *u)
{
	int r = 0;
	putc_(b, '{');
	key(b, "step", true);
	integer(b, u->step);
	key(b, "op", false);
	putc_(b, '"');
	puts_(b, bx_op_name(u->op));
	putc_(b, '"');
	key(b, "cg", false);
	r |= name(b, u->cg ? u->cg : "");
	if (u->file) {
		key(b, "file", false);
		r |= name(b, u->file);
	}
	if (u->key) {
		key(b, "key", false);
		r |= name(b, u->key);
	}
	if (u->ctrls) {
		key(b, "ctrls", false);
		putc_(b, '"');
		bool first = true;
		for (unsigned i = 0; i < BX_NCTRL; i++) {
			if (!(u->ctrls & (1u << i)))
				continue;
			if (!first)
				putc_(b, ' ');
			puts_(b, bx_ctrl_name(1u << i));
			first = false;
		}
		putc_(b, '"');
	}
	key(b, "old", false);
	r |= fileset(b, &u->old);
	if (u->has_exact) {
		key(b, "exact", false);
		r |= fileset(b, &u->exact);
	}
	if (u->static_box) {
		key(b, "static", false);
		put(b, "true", 4);
	}
	putc_(b, '}');
	return done(b, r);
}

int bx_journal_header_write_line(bx_buf *b, const bx_journal_header *h)
{
	int r = 0;
	putc_(b, '{');
	key(b, "boxcg_journal", true);
	putc_(b, '1');
	key(b, "base", false);
	r |= name(b, h->base ? h->base : "");
	key(b, "dirmode", false);
	puts_(b, h->dirmode ? "true" : "false");
	key(b, "fingerprint", false);
	r |= name(b, h->fingerprint ? h->fingerprint : "");
	key(b, "pid", false);
	integer(b, h->pid);
	key(b, "steps", false);
	integer(b, h->nsteps);
	if (h->boot_id) {
		key(b, "boot_id", false);
		r |= name(b, h->boot_id);
	}
	if (h->base_id) {
		key(b, "base_id", false);
		r |= name(b, h->base_id);
	}
	putc_(b, '}');
	return done(b, r);
}
