/* Runtime errors as values: an errno plus a message with context.
 *
 * Every fallible library function returns int (0 ok, -1 failed) and takes
 * `bx_error **err` last. The failing site builds the error in its return
 * statement:
 *
 *     if (fd < 0)
 *             return bx_err(err, errno, "open %s", path);
 *
 * Callers that add context wrap it: bx_err_wrap(err, "apply step %zu", i).
 * Only the CLI turns an error into an exit code. */
#ifndef BX_CORE_ERR_H
#define BX_CORE_ERR_H

#include <stdarg.h>

typedef struct bx_error {
	int errnum;       /* errno value, 0 when not a system error */
	char *msg;        /* "context: context: cause" (strerror appended) */
	struct bx_error *also; /* a second error reported next to this one
	                          (e.g. a rollback that failed too) */
} bx_error;

/* Set *err (if err and *err is NULL) and return -1. Appends ": strerror"
 * when errnum is non-zero. */
int bx_err(bx_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same for an error whose message says it all: errnum is kept for
 * callers (EINVAL, EAGAIN, ...), no strerror is appended. */
int bx_err_said(bx_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing error's message with context; returns -1. */
int bx_err_wrap(bx_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Attach `second` to `*err` as its `also` (keeps both); returns -1. */
int bx_err_also(bx_error **err, bx_error *second);

void bx_error_free(bx_error *e);

#endif
