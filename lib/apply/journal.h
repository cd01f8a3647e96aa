/* The transaction journal: <state>/journal, one JSON object per line.
 *
 *   line 1     the header: base path, directory mode, plan fingerprint,
 *              pid, boot id
 *   line 2…    one undo record per step that needs one, appended before
 *              the step's mutation (see record.h), and fsynced too when
 *              the records must survive a power loss (directory mode)
 *
 * The header is durable (file and directory fsynced) before the first
 * mutation. A transaction commits by removing the journal. A crash can
 * leave the last line torn (no newline, or not parseable): loading drops
 * it, since its step had not started. Any other bad line makes the journal
 * corrupt, and nothing is replayed from it.
 *
 * Why records on a cgroup2 base are not fsynced: the cgroup tree lives in
 * kernel memory. What the journal must survive is the applier's death
 * (SIGKILL, OOM kill, a crash), and a write() that returned is in the page
 * cache, which outlives the process. Whatever loses the page cache (power
 * loss, a kernel crash, a reboot) loses the cgroup tree with it, and
 * recover discards a cgroup2 journal from an earlier boot (boot id)
 * instead of replaying it onto the new tree. A directory root is on a
 * filesystem that survives a power loss, so there each record is fsynced
 * before its mutation: write-ahead, as a database log. */
#ifndef BX_APPLY_JOURNAL_H
#define BX_APPLY_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "apply/hooks.h"
#include "apply/record.h"
#include "core/err.h"
#include "core/util.h"

#define BX_JOURNAL_NAME "journal"
#define BX_JOURNAL_MAX_BYTES (64u << 20)

typedef struct bx_journal {
	int fd;          /* the journal, open for appending; -1 when closed */
	int dirfd;       /* the state directory (borrowed) */
	bx_hooks *hooks; /* counts the writes and fsyncs */
	bool sync_records; /* fsync each record before its mutation */
	bx_buf line;     /* the line being written, reused */
} bx_journal;

/* Whether <state>/journal exists. */
int bx_journal_present(int dirfd, bool *present, bx_error **err);

/* Create the journal (EEXIST when one is there already), write the header
 * and make it durable: three mutations (write, fsync, directory fsync).
 * sync_records: fsync every record appended later (see above). The undo
 * records v[0..n) go in the header's write when they are all known
 * before the first step (every capture came from the observation,
 * apply/capture.h): still three mutations, whatever n. A record whose
 * step never runs is harmless to undo (it holds what is there). */
int bx_journal_begin(bx_journal *j, int dirfd, bx_hooks *h, const bx_journal_header *hdr,
		     bool sync_records, const bx_undo *v, size_t n, bx_error **err);

/* Append one record: one mutation (the write), two with sync_records
 * (the write and its fsync). */
int bx_journal_append(bx_journal *j, const bx_undo *u, bx_error **err);

/* This boot's id (/proc/sys/kernel/random/boot_id, no newline), NULL
 * when the kernel does not say. Caller frees. */
char *bx_boot_id(void);

/* "DEV:INO" of the directory behind fd (the base's O_PATH fd), NULL on
 * error (errno). Caller frees. */
char *bx_dir_identity(int fd);

void bx_journal_close(bx_journal *j);

/* Remove the journal and fsync the directory: one mutation (the unlink; a
 * failing directory fsync afterwards is reported but the removal stands).
 * A missing journal is not an error. */
int bx_journal_remove(int dirfd, bx_hooks *h, bx_error **err);

typedef struct bx_journal_doc {
	bool has_header;        /* false: the header itself was torn */
	bx_journal_header hdr;
	bx_undo *v;             /* the records, in journal order */
	size_t n, cap;
	bool torn;              /* a torn last line was dropped */
} bx_journal_doc;

/* Parse a journal's text. Errors (EINVAL) name the bad line. */
int bx_journal_parse(const char *text, size_t len, bx_journal_doc *doc, bx_error **err);

/* Read and parse <state>/journal; *found false (and 0) when there is none. */
int bx_journal_load(int dirfd, bool *found, bx_journal_doc *doc, bx_error **err);

void bx_journal_doc_free(bx_journal_doc *d);

#endif
