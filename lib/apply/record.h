/* Undo records: what the journal keeps about one step before it runs,
 * enough to put the tree back whether or not the step then happened.
 *
 *   MKDIR   the cgroup did not exist: undo removes it (gone already: fine)
 *   RMDIR   every managed file of the cgroup, its subtree_control and its
 *           static-box mark: undo recreates it and rewrites them
 *   ENABLE, DISABLE   subtree_control before, and which controllers the
 *           step toggles: undo flips back only those
 *   WRITE   the file (and key) before; for cpu.idle, cpu.weight.nice and
 *           cpu.weight all three, since each rewrites the weight
 *
 * In directory mode a record also keeps the exact bytes of the files it
 * covers (or that a file was absent), so that a rolled-back directory
 * tree is byte-for-byte what it was. */
#ifndef BX_APPLY_RECORD_H
#define BX_APPLY_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/util.h"
#include "plan/plan.h"

typedef struct bx_fileval {
	char *name;   /* interface file name */
	char *value;  /* content; NULL: the file did not exist */
	size_t len;   /* bytes in value (exact snapshots may hold any byte) */
} bx_fileval;

typedef struct bx_fileset {
	bx_fileval *v;
	size_t n, cap;
} bx_fileset;

typedef struct bx_undo {
	long step;          /* index of the plan step; -1 when unknown */
	bx_op op;
	char *cg;           /* relative to the base; "" is the base */
	char *file;         /* WRITE: the file written */
	char *key;          /* WRITE of a keyed file: the line's key */
	unsigned ctrls;     /* ENABLE/DISABLE: controllers the step toggles */
	bx_fileset old;     /* values as read (bx_cgfs_read) before the step */
	bool has_exact;     /* directory mode: `exact` was captured */
	bx_fileset exact;   /* exact bytes (RMDIR: of every regular file) */
	bool static_box;    /* RMDIR: the cgroup carried user.boxcg.static */
} bx_undo;

/* The journal's first line. */
typedef struct bx_journal_header {
	char *base;         /* absolute path of the base */
	bool dirmode;
	char *fingerprint;  /* of the state the plan was computed from */
	long pid;           /* the applier that wrote it */
	long nsteps;        /* steps in the plan */
	char *boot_id;      /* the kernel's boot id when it was written
	                       (/proc/sys/kernel/random/boot_id); NULL when
	                       unknown or from a journal that has none */
	char *base_id;      /* "DEV:INO" of the base directory (st_dev,
	                       st_ino): recover requires the same directory;
	                       NULL in journals of older versions (refused) */
} bx_journal_header;

int bx_fileset_add(bx_fileset *s, const char *name, const char *value, size_t len);
const bx_fileval *bx_fileset_get(const bx_fileset *s, const char *name);
void bx_fileset_free(bx_fileset *s);

void bx_undo_free(bx_undo *u);
void bx_undov_free(bx_undo *v, size_t n);
void bx_journal_header_free(bx_journal_header *h);

const char *bx_op_name(bx_op op);
int bx_op_from_name(const char *name, bx_op *op);

/* A record (or the header) as one journal line, newline included,
 * appended to *b (record_write.c): compact JSON, members in a fixed order.
 * A value that is not valid UTF-8 or holds a NUL byte is stored as
 * {"hex": "…"}. -1 with errno EINVAL when a name or path is not UTF-8
 * text, ENOMEM. */
int bx_undo_write_line(bx_buf *b, const bx_undo *u);
int bx_journal_header_write_line(bx_buf *b, const bx_journal_header *h);

/* A journal line's JSON (parsed with jansson) back into a record or the
 * header, validated: safe cgroup paths, plain file names, known ops. */
int bx_undo_from_json(const json_t *j, bx_undo *out, bx_error **err);
int bx_journal_header_from_json(const json_t *j, bx_journal_header *out, bx_error **err);

#endif
