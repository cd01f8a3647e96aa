#include "core/err.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

static int verr(bx_error **err, int errnum, bool with_strerror, const char *fmt, va_list ap)
{
	if (!err || *err)
		return -1;
	bx_error *e = calloc(1, sizeof *e);
	if (!e)
		return -1;
	char *m = vformat(fmt, ap);
	if (m && errnum && with_strerror) {
		char *full = bx_sprintf("%s: %s", m, strerror(errnum));
		free(m);
		m = full;
	}
	e->errnum = errnum;
	e->msg = m ? m : strdup("out of memory while reporting an error");
	*err = e;
	return -1;
}

int bx_err(bx_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr(err, errnum, true, fmt, ap);
	va_end(ap);
	return -1;
}

int bx_err_said(bx_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr(err, errnum, false, fmt, ap);
	va_end(ap);
	return -1;
}

int bx_err_wrap(bx_error **err, const char *fmt, ...)
{
	if (!err || !*err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *ctx = vformat(fmt, ap);
	va_end(ap);
	if (!ctx)
		return -1;
	char *full = bx_sprintf("%s: %s", ctx, (*err)->msg);
	free(ctx);
	if (full) {
		free((*err)->msg);
		(*err)->msg = full;
	}
	return -1;
}

int bx_err_also(bx_error **err, bx_error *second)
{
	if (!err || !*err) {
		if (err)
			*err = second;
		return -1;
	}
	bx_error **tail = &(*err)->also;
	while (*tail)
		tail = &(*tail)->also;
	*tail = second;
	return -1;
}

void bx_error_free(bx_error *e)
{
	while (e) {
		bx_error *next = e->also;
		free(e->msg);
		free(e);
		e = next;
	}
}
