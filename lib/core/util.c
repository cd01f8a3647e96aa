#include "core/util.h"

#include <errno.h>
#include <pthread.h>
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

char *bx_concat(const char *first, ...)
{
	va_list ap;
	size_t len = 0;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		len += strlen(s);
	va_end(ap);
	char *out = malloc(len + 1), *p = out;
	if (!out)
		return NULL;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		size_t n = strlen(s);
		memcpy(p, s, n);
		p += n;
	}
	va_end(ap);
	*p = '\0';
	return out;
}

static _Atomic long cached_pid;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void forget_pid(void)
{
	cached_pid = 0;
}

static void watch_forks(void)
{
	pthread_atfork(NULL, NULL, forget_pid);
}

long bx_pid(void)
{
	pthread_once(&pid_once, watch_forks);
	long pid = cached_pid;
	if (!pid)
		cached_pid = pid = (long)getpid();
	return pid;
}

char *bx_put_u64(char *p, uint64_t v)
{
	char t[20];
	size_t n = 0;
	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = t[--n];
	*p = '\0';
	return p;
}

char *bx_put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n + 1);
	return p + n;
}

char *bx_dec(int64_t v, char buf[static 21])
{
	char *p = buf;
	if (v < 0)
		*p++ = '-';
	bx_put_u64(p, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
	return buf;
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

char *bx_path_relative(const char *path, const char *cwd)
{
	if (!path || !cwd || path[0] != '/' || cwd[0] != '/')
		return path ? strdup(path) : NULL;
	/* the longest common run of whole components */
	size_t common = 0;
	for (size_t i = 0;; i++) {
		bool pend = path[i] == '/' || path[i] == '\0';
		bool cend = cwd[i] == '/' || cwd[i] == '\0';
		if (pend && cend)
			common = i;
		if (path[i] != cwd[i] || !path[i])
			break;
	}
	/* components of cwd below the common part: one "../" each */
	size_t ups = 0;
	for (const char *c = cwd + common; *c; c++)
		if (*c == '/' && c[1] && c[1] != '/')
			ups++;
	const char *rest = path + common;
	while (*rest == '/')
		rest++;
	if (!*rest)
		return strdup(path);
	size_t n = 3 * ups + strlen(rest);
	if (n >= strlen(path))
		return strdup(path);
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < ups; i++, o += 3)
		memcpy(o, "../", 3);
	strcpy(o, rest);
	return out;
}
