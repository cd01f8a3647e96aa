/* The JSON writer (json_write.h). */
#include "plan/json_write.h"

#include <string.h>

static void indent(bx_jw *w)
{
	static const char spaces[] = "                                                                ";
	size_t n = 2 * (size_t)w->depth;
	while (n) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		bx_buf_add(&w->b, spaces, k);
		n -= k;
	}
}

/* Before a value or a key: the separator and the line break it needs. */
static void before(bx_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->count[w->depth]++)
		bx_buf_add(&w->b, ",", 1);
	bx_buf_add(&w->b, "\n", 1);
	indent(w);
}

static void open_(bx_jw *w, char c)
{
	before(w);
	bx_buf_add(&w->b, &c, 1);
	if (w->depth + 1 >= BX_JW_MAX_DEPTH) {
		w->b.oom = true; /* deeper than any document boxcg writes */
		return;
	}
	w->count[++w->depth] = 0;
}

static void close_(bx_jw *w, char c)
{
	if (w->depth == 0)
		return;
	bool empty = w->count[w->depth] == 0;
	w->depth--;
	if (!empty) {
		bx_buf_add(&w->b, "\n", 1);
		indent(w);
	}
	bx_buf_add(&w->b, &c, 1);
}

void bx_jw_begin_object(bx_jw *w) { open_(w, '{'); }
void bx_jw_end_object(bx_jw *w) { close_(w, '}'); }
void bx_jw_begin_array(bx_jw *w) { open_(w, '['); }
void bx_jw_end_array(bx_jw *w) { close_(w, ']'); }

/* Length of the UTF-8 sequence at s (1-4), 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
	if (!n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* overlong three-byte forms, surrogates, and beyond U+10FFFF */
	if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
		return 0;
	if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
		return 0;
	return n;
}

static void quoted(bx_jw *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	bx_buf_add(&w->b, "\"", 1);
	const unsigned char *run = s;
	while (*s) {
		unsigned char c = *s;
		const char *esc = NULL;
		char u[8];
		size_t adv = 1;
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\t')
			esc = "\\t";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\b')
			esc = "\\b";
		else if (c == '\f')
			esc = "\\f";
		else if (c < 0x20) {
			static const char hex[] = "0123456789abcdef";
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			esc = u;
		} else if (c >= 0x80) {
			adv = utf8_len(s);
			if (!adv) {
				esc = "\xEF\xBF\xBD"; /* U+FFFD */
				adv = 1;
			}
		}
		if (esc) {
			bx_buf_add(&w->b, (const char *)run, (size_t)(s - run));
			bx_buf_add(&w->b, esc, strlen(esc));
			s += adv;
			run = s;
		} else {
			s += adv;
		}
	}
	bx_buf_add(&w->b, (const char *)run, (size_t)(s - run));
	bx_buf_add(&w->b, "\"", 1);
}

void bx_jw_key(bx_jw *w, const char *key)
{
	before(w);
	quoted(w, key);
	bx_buf_add(&w->b, ": ", 2);
	w->after_key = true;
}

void bx_jw_string(bx_jw *w, const char *s)
{
	if (!s) {
		bx_jw_null(w);
		return;
	}
	before(w);
	quoted(w, s);
}

void bx_jw_uint(bx_jw *w, unsigned long long v)
{
	char d[24];
	size_t i = sizeof d;
	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	before(w);
	bx_buf_add(&w->b, d + i, sizeof d - i);
}

void bx_jw_bool(bx_jw *w, bool v)
{
	before(w);
	bx_buf_puts(&w->b, v ? "true" : "false");
}

void bx_jw_null(bx_jw *w)
{
	before(w);
	bx_buf_add(&w->b, "null", 4);
}

char *bx_jw_take(bx_jw *w)
{
	bx_buf_add(&w->b, "\n", 1);
	return bx_buf_take(&w->b);
}
