/* Making outside text safe for a terminal (util.h: bx_esc). */
#include <stdio.h>

#include "core/util.h"

/* Length of the valid UTF-8 sequence at s (1 to 4), 0 when invalid; a
 * C1 control (U+0080 to U+009F) counts as invalid: terminals act on it. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned cp;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

bool bx_esc_needed(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return true;
		if (*p < 0x80) {
			p++;
			continue;
		}
		size_t n = utf8_len(p);
		if (!n)
			return true;
		p += n;
	}
	return false;
}

static char *esc(const char *s, bool backslash);

char *bx_esc(const char *s) { return esc(s, true); }
char *bx_esc_ctl(const char *s) { return esc(s, false); }

static char *esc(const char *s, bool backslash)
{
	if (!s)
		return NULL;
	bx_buf b = {0};
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned char c = *p;
		if (c == '\\' && !backslash) {
			bx_buf_add(&b, "\\", 1);
			p++;
		} else if (c == '\n' || c == '\t' || c == '\r' || c == '\\') {
			char e[3] = { '\\', c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : '\\', 0 };
			bx_buf_puts(&b, e);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			bx_buf_printf(&b, "\\x%02x", c);
			p++;
		} else if (c < 0x80) {
			bx_buf_add(&b, (const char *)p, 1);
			p++;
		} else {
			size_t n = utf8_len(p);
			if (n) {
				bx_buf_add(&b, (const char *)p, n);
				p += n;
			} else {
				bx_buf_printf(&b, "\\x%02x", c);
				p++;
			}
		}
	}
	if (!b.s && !b.oom)
		bx_buf_puts(&b, "");
	return bx_buf_take(&b);
}
