/* A JSON writer for the large documents boxcg prints (plans, snapshots,
 * plan files): straight into a buffer, laid out like jansson's
 * JSON_INDENT(2), without building a tree first. Strings are escaped per
 * RFC 8259; bytes that are not UTF-8 come out as U+FFFD. Internal to
 * lib/plan. */
#ifndef BX_PLAN_JSON_WRITE_H
#define BX_PLAN_JSON_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util.h"

#define BX_JW_MAX_DEPTH 32

typedef struct bx_jw {
	bx_buf b;
	unsigned depth;
	size_t count[BX_JW_MAX_DEPTH]; /* members written at each level */
	bool after_key;
} bx_jw;

void bx_jw_begin_object(bx_jw *w);
void bx_jw_end_object(bx_jw *w);
void bx_jw_begin_array(bx_jw *w);
void bx_jw_end_array(bx_jw *w);
void bx_jw_key(bx_jw *w, const char *key);
void bx_jw_string(bx_jw *w, const char *s); /* NULL: null */
void bx_jw_uint(bx_jw *w, unsigned long long v);
void bx_jw_bool(bx_jw *w, bool v);
void bx_jw_null(bx_jw *w);
/* The document, newline-terminated; NULL when out of memory. */
char *bx_jw_take(bx_jw *w);

#endif
