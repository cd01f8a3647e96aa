#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

char *bx_sprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

int bx_grow(void *v, size_t *cap, size_t want, size_t size)
{
	void **pv = v;
	if (want <= *cap)
		return 0;
	size_t n = *cap ? *cap : 8;
	while (n < want) {
		if (n > SIZE_MAX / 2 / size) {
			errno = ENOMEM;
			return -1;
		}
		n *= 2;
	}
	void *p = realloc(*pv, n * size);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*pv = p;
	*cap = n;
	return 0;
}

void bx_buf_add(bx_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (bx_grow(&b->s, &b->cap, b->len + n + 1, 1) < 0) {
		b->oom = true;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void bx_buf_puts(bx_buf *b, const char *s) { bx_buf_add(b, s, strlen(s)); }

void bx_buf_printf(bx_buf *b, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		b->oom = true;
		return;
	}
	bx_buf_add(b, s, (size_t)r);
	free(s);
}

char *bx_buf_take(bx_buf *b)
{
	if (b->oom) {
		bx_buf_free(b);
		return NULL;
	}
	char *s = b->s ? b->s : strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void bx_buf_free(bx_buf *b)
{
	free(b->s);
	*b = (bx_buf){0};
}

bool bx_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}
