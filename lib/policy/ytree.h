/* The YAML node tree: built from libyaml events, every node with its
 * file:line:col. It is the source of truth for locations, duplicate keys
 * and the input limits (depth, the tree's memory, no aliases, one
 * document).
 *
 * Nodes live in the front end's arena. Scalars are NUL-terminated (a
 * scalar holding a NUL character is refused while parsing). */
#ifndef BX_POLICY_YTREE_H
#define BX_POLICY_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bx_ykind {
	BX_Y_SCALAR,
	BX_Y_MAP,  /* kids: key, value, key, value, … ; n = number of pairs */
	BX_Y_SEQ,  /* kids: items; n = number of items */
	BX_Y_BAD,  /* refused (alias, tag, duplicate key…): already diagnosed, skip it */
} bx_ykind;

typedef struct bx_ynode bx_ynode;
struct bx_ynode {
	/* 32 bytes a node: a 10,000-box policy is some 50,000 nodes */
	uint64_t line : 24, col : 24; /* 1-based; columns count characters (a 4 MiB file fits) */
	uint64_t file : 12;           /* index into the front end's file table (BX_MAX_FILES) */
	uint64_t kind : 2;            /* bx_ykind */
	uint64_t plain : 1;           /* scalar written without quotes (may be null, a bool, a number) */
	uint64_t str : 1;             /* u.s holds text (also kept when a scalar was refused) */
	uint32_t n;                   /* scalar: byte length; map: pairs; seq: items */
	uint32_t index;               /* position in the parent's kids (a map value: odd) */
	bx_ynode *parent;
	union {
		const char *s;
		bx_ynode **kids;
	} u;
};

/* Limits on one file's tree; exceeding one is a diagnostic, never a crash.
 * The tree's budget counts every byte the builder keeps for a file as it
 * takes it: nodes, child arrays, scalar text, the stack of pending
 * children and messages waiting for their paths. A 4 MiB file of
 * 100,000 boxes needs about 30 MiB; `[1,1,…]` of 4 MiB would need 96. */
#define BX_YAML_MAX_DEPTH 32
#define BX_YAML_MAX_TREE_MIB 64
#define BX_YAML_MAX_TREE_BYTES ((size_t)BX_YAML_MAX_TREE_MIB << 20)

struct bx_front;

/* Where the bytes come from: libyaml's read handler contract (return 1
 * with *got bytes, *got = 0 at the end; 0 on failure). A reader that
 * refuses its input (encoding, size, I/O) sets *refused and reports the
 * problem itself. */
typedef struct bx_yinput {
	int (*read)(void *ctx, unsigned char *buf, size_t size, size_t *got);
	void *ctx;
	const bool *refused;
} bx_yinput;

/* Parse one file into a tree. Diagnostics go to the front end. Returns the
 * document's root node, or NULL when the file holds no document or could
 * not be parsed (then *failed is set). */
bx_ynode *bx_ytree_parse(struct bx_front *f, uint16_t file, const bx_yinput *in, bool *failed);

static inline const bx_ynode *bx_ymap_key(const bx_ynode *m, size_t i) { return m->u.kids[2 * i]; }
static inline const bx_ynode *bx_ymap_val(const bx_ynode *m, size_t i) { return m->u.kids[2 * i + 1]; }

/* A plain null: empty, ~, null, Null, NULL. */
bool bx_ynull(const bx_ynode *n);

/* The node's YAML path: "classes.small.box.memory.high", "boxes[3].id";
 * "" for the document root. Caller frees; NULL on OOM. */
char *bx_ypath(const bx_ynode *n);

/* A scalar for a message: control characters escaped, long text cut with
 * "...". Writes into buf (BX_SHOW_MAX bytes) and returns it. */
#define BX_SHOW_MAX 80
const char *bx_yshow(const bx_ynode *n, char buf[BX_SHOW_MAX]);
const char *bx_show_str(const char *s, size_t len, char buf[BX_SHOW_MAX]);
/* What kind of node it is, for "expected a mapping, got a sequence". */
const char *bx_ydescribe(const bx_ynode *n);

#endif
