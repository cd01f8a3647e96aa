#include "apply/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/lock.h"
#include "core/util.h"

int bx_journal_present(int dirfd, bool *present, bx_error **err)
{
	struct stat st;
	if (fstatat(dirfd, BX_JOURNAL_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		*present = true;
		return 0;
	}
	if (errno == ENOENT) {
		*present = false;
		return 0;
	}
	return bx_err(err, errno, "stat the journal");
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The line in j->line, written with one mutation tick, then (sync)
 * fsynced with another. */
static int append_line(bx_journal *j, int encoded, bool sync, const char *what, bx_error **err)
{
	if (encoded < 0) {
		int e = errno;
		j->line.len = 0;
		return bx_err(err, e, "journal: encode %s", what);
	}
	int r = bx_hooks_tick(j->hooks) < 0 ? -1 : write_all(j->fd, j->line.s, j->line.len);
	j->line.len = 0;
	if (r < 0)
		return bx_err(err, errno, "journal: write %s", what);
	if (sync && (bx_hooks_tick(j->hooks) < 0 || fsync(j->fd) < 0))
		return bx_err(err, errno, "journal: fsync %s", what);
	return 0;
}

int bx_journal_begin(bx_journal *j, int dirfd, bx_hooks *h, const bx_journal_header *hdr,
		     bool sync_records, const bx_undo *v, size_t n, bx_error **err)
{
	*j = (bx_journal){ .fd = -1, .dirfd = dirfd, .hooks = h, .sync_records = sync_records };
	int fd = openat(dirfd, BX_JOURNAL_NAME,
			O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return bx_err(err, EEXIST,
				      "a journal from an interrupted transaction exists: run `boxcg recover`");
		return bx_err(err, errno, "create the journal");
	}
	j->fd = fd;
	int enc = bx_journal_header_write_line(&j->line, hdr);
	for (size_t i = 0; i < n && enc == 0; i++)
		enc = bx_undo_write_line(&j->line, &v[i]);
	if (append_line(j, enc, true, n ? "header and undo records" : "header", err) < 0)
		return -1;
	if (bx_hooks_tick(h) < 0 || fsync(dirfd) < 0)
		return bx_err(err, errno, "journal: fsync the state directory");
	return 0;
}

int bx_journal_append(bx_journal *j, const bx_undo *u, bx_error **err)
{
	return append_line(j, bx_undo_write_line(&j->line, u), j->sync_records, "undo record", err);
}

char *bx_boot_id(void)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char buf[64];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return *buf ? strdup(buf) : NULL;
}

char *bx_dir_identity(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return NULL;
	return bx_sprintf("%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
}

void bx_journal_close(bx_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	bx_buf_free(&j->line);
}

int bx_journal_remove(int dirfd, bx_hooks *h, bx_error **err)
{
	if (bx_hooks_tick(h) < 0)
		return bx_err(err, errno, "remove the journal");
	if (unlinkat(dirfd, BX_JOURNAL_NAME, 0) < 0 && errno != ENOENT)
		return bx_err(err, errno, "remove the journal");
	if (fsync(dirfd) < 0)
		return bx_err(err, errno, "journal removed, but fsync of the state directory failed");
	return 0;
}

void bx_journal_doc_free(bx_journal_doc *d)
{
	bx_journal_header_free(&d->hdr);
	bx_undov_free(d->v, d->n);
	memset(d, 0, sizeof *d);
}

/* Parse one line into the document: the header first, then records. */
static int parse_line(bx_journal_doc *d, const char *s, size_t n, size_t lineno, bool *syntax,
		      bx_error **err)
{
	json_error_t je;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
	*syntax = !o;
	if (!o)
		return bx_err(err, EINVAL, "line %zu: %s", lineno, je.text);
	int r;
	if (!d->has_header) {
		r = bx_journal_header_from_json(o, &d->hdr, err);
		if (r == 0)
			d->has_header = true;
	} else if (bx_grow(&d->v, &d->cap, d->n + 1, sizeof *d->v) < 0) {
		r = bx_err(err, ENOMEM, "line %zu", lineno);
	} else {
		r = bx_undo_from_json(o, &d->v[d->n], err);
		if (r == 0)
			d->n++;
	}
	json_decref(o);
	if (r < 0)
		bx_err_wrap(err, "line %zu", lineno);
	return r;
}

int bx_journal_parse(const char *text, size_t len, bx_journal_doc *d, bx_error **err)
{
	memset(d, 0, sizeof *d);
	size_t pos = 0, lineno = 0;
	while (pos < len) {
		lineno++;
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		bool last = !nl || end + 1 >= len;
		bx_error *e = NULL;
		bool syntax = false;
		if (!nl) {
			/* No newline: a write the crash cut short. */
			d->torn = true;
			break;
		}
		if (parse_line(d, text + pos, end - pos, lineno, &syntax, &e) < 0) {
			if (last && syntax) {
				/* Garbage in the last line (a filesystem that lost the
				 * tail of an unsynced write): torn, dropped. */
				bx_error_free(e);
				d->torn = true;
				break;
			}
			bx_err_also(err, e);
			bx_err_wrap(err, "journal corrupt");
			bx_journal_doc_free(d);
			return -1;
		}
		pos = end + 1;
	}
	return 0;
}

int bx_journal_load(int dirfd, bool *found, bx_journal_doc *d, bx_error **err)
{
	memset(d, 0, sizeof *d);
	*found = false;
	int fd;
	bx_error *e0 = NULL;
	if (bx_state_file_open(dirfd, NULL, BX_JOURNAL_NAME, O_RDONLY, &fd, &e0) < 0) {
		if (e0->errnum == ENOENT) {
			bx_error_free(e0);
			return 0;
		}
		*found = true; /* there is one, and it is refused */
		return bx_err_also(err, e0);
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return bx_err(err, e, "stat the journal");
	}
	if ((size_t)st.st_size > BX_JOURNAL_MAX_BYTES) {
		close(fd);
		return bx_err(err, EFBIG, "the journal is larger than %u bytes", BX_JOURNAL_MAX_BYTES);
	}
	bx_buf b = {0};
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			bx_buf_free(&b);
			return bx_err(err, e, "read the journal");
		}
		bx_buf_add(&b, chunk, (size_t)n);
		if (b.len > BX_JOURNAL_MAX_BYTES)
			break;
	}
	close(fd);
	if (b.oom || b.len > BX_JOURNAL_MAX_BYTES) {
		bx_buf_free(&b);
		return bx_err(err, b.oom ? ENOMEM : EFBIG, "read the journal");
	}
	*found = true;
	int r = bx_journal_parse(b.s ? b.s : "", b.len, d, err);
	bx_buf_free(&b);
	return r;
}
