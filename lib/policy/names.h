/* Names (classes, box ids, root components) and "did you mean". */
#ifndef BX_POLICY_NAMES_H
#define BX_POLICY_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define BX_NAME_MAX 64
/* A root's limits, so that every path boxcg builds fits what the kernel
 * accepts: <base>/<root>/<class>/<id>/<interface file> must stay below
 * PATH_MAX (4096) with a base of up to 2,800 bytes (classes and ids are
 * at most 64 bytes each, interface file names at most 32), and the tree
 * stays shallow enough to walk (each component one openat). */
#define BX_ROOT_MAX_LEN 1024
#define BX_ROOT_MAX_DEPTH 16

/* ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$ */
bool bx_name_ok(const char *s);
/* One or more names joined by '/': "boxlite", "sandbox/boxlite". */
bool bx_root_ok(const char *s);
/* The rule, for messages. */
#define BX_NAME_RULE "1 to 64 characters of A-Z a-z 0-9 _ -, starting with a letter or digit"

/* Edit distance (insert, delete, substitute, swap adjacent) between a and
 * b, or limit + 1 when it is above limit. */
size_t bx_edit_distance(const char *a, const char *b, size_t limit);

/* The candidate closest to `word` within a distance that scales with its
 * length, or NULL. Ties go to the earlier candidate. */
typedef const char *(*bx_cand_fn)(const void *ctx, size_t i);
const char *bx_suggest(const char *word, bx_cand_fn cand, const void *ctx, size_t n);
const char *bx_suggest_list(const char *word, const char *const *cands, size_t n);

#endif
