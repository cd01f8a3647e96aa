/* Small helpers shared by every module: cleanup attributes, checked
 * allocation, growable arrays, string formatting. */
#ifndef BX_CORE_UTIL_H
#define BX_CORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Scope-bound cleanup, as crun does it. */
static inline void bx_freep(void *p) { free(*(void **)p); }
static inline void bx_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define cleanup_free __attribute__((cleanup(bx_freep)))
#define cleanup_close __attribute__((cleanup(bx_closep)))

/* Hand ownership out of a cleanup variable. */
#define bx_steal(pp) ({ __typeof__(*(pp)) _v = *(pp); *(pp) = NULL; _v; })
#define bx_steal_fd(p) ({ int _fd = *(p); *(p) = -1; _fd; })

/* asprintf that returns the string, NULL on failure. */
char *bx_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The strings up to the NULL, joined in one allocation: what
 * bx_sprintf("%s/%s", a, b) makes, without printf's cost, for the paths
 * and names of every box transaction. NULL when out of memory. */
char *bx_concat(const char *first, ...) __attribute__((sentinel));
/* This process's pid, asked of the kernel once and again after a fork
 * (a pthread_atfork handler forgets it): the journal header names it on
 * every transaction. A child made by a raw clone() that skips the fork
 * handlers would see its parent's; such children exec, not transact. */
long bx_pid(void);
/* Write v in decimal (or s) at p, NUL-terminated; the end (the NUL). The
 * caller makes room: 21 bytes for a number. */
char *bx_put_u64(char *p, uint64_t v);
char *bx_put_str(char *p, const char *s);
/* v in decimal, a sign when negative, into buf; returns buf. */
char *bx_dec(int64_t v, char buf[static 21]);

/* Grow *v (element size `size`) to hold at least `want` elements.
 * Returns 0, or -1 with errno ENOMEM. */
int bx_grow(void *v, size_t *cap, size_t want, size_t size);

/* Append-only string buffer. */
typedef struct bx_buf {
	char *s;
	size_t len, cap;
	bool oom;
} bx_buf;

void bx_buf_add(bx_buf *b, const char *s, size_t n);
void bx_buf_puts(bx_buf *b, const char *s);
void bx_buf_printf(bx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string and resets the buffer; NULL on OOM. */
char *bx_buf_take(bx_buf *b);
void bx_buf_free(bx_buf *b);

bool bx_streq(const char *a, const char *b); /* NULL-safe */

/* Outside text (ids, names, file names, values) made safe for a terminal,
 * as the policy diagnostics show it: \n \t \r \\, other control bytes,
 * C1 controls and bytes that are not UTF-8 as \xNN. Caller frees; NULL
 * for NULL or out of memory. */
char *bx_esc(const char *s);
/* The same, but a backslash stays as it is: for text that may hold
 * escapes made already (messages built from bx_esc output). */
char *bx_esc_ctl(const char *s);
/* Would bx_esc change s? */
bool bx_esc_needed(const char *s);

/* `path` as people in directory `cwd` would name it: relative to cwd
 * ("policies/a.yaml", "../x.yaml") when that is shorter, else as given.
 * A relative path, a NULL or relative cwd: path as given. Lexical only
 * (no symlinks resolved). Caller frees; NULL out of memory. */
char *bx_path_relative(const char *path, const char *cwd);

#endif
