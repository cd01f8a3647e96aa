/* Reading policy sources: files, directories of *.yaml and *.yml files (in name
 * order), the size limit and the encoding check that runs before libyaml
 * sees a byte. Problems are diagnostics on the file, never errors. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "policy/front.h"

/* The largest policy file read; larger ones are refused, not truncated. */
#define BX_POLICY_FILE_MAX (4u << 20)

__attribute__((format(printf, 3, 4))) static void file_error(bx_front *f, const char *name,
							   const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		f->oom = true;
		return;
	}
	bx_loc loc = { name, 0, 0 };
	bx_diag_error(f->diags, &loc, NULL, "%s", msg);
	free(msg);
}

/* Bytes allowed as they are: printable ASCII, tab, line feed, return. */
static const unsigned char plain_ascii[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
	[0x20 ... 0x7e] = 1,
};

/* Streams a file (or a buffer) to libyaml in the chunks it asks for,
 * checking on the way that the text is YAML-printable UTF-8 and within
 * the size limit; nothing holds the whole file. */
typedef struct reader {
	int fd;                       /* -1: read from mem */
	const unsigned char *mem;
	size_t memlen;
	size_t off;                   /* bytes handed out so far */
	/* UTF-8 sequence in progress (may span chunks) */
	unsigned need, len;
	uint32_t cp;
	size_t seq_off;
	unsigned char lead;
	/* the first problem: the reader refused the input */
	bool refused;
	size_t bad_off;
	char what[128];
	bool too_big;
	int errnum;
	bx_buf keep;                  /* the text read, for the policy (saved
	                                 plans record it) */
} reader;

static bool refuse(reader *r, size_t off, const char *what)
{
	r->refused = true;
	r->bad_off = off;
	snprintf(r->what, sizeof r->what, "%s", what);
	return false;
}

/* Check n bytes at offset r->off; false (and r->what) at the first bad one. */
static bool check(reader *r, const unsigned char *s, size_t n)
{
	char what[128];
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (!r->need) {
			if (plain_ascii[c])
				continue;
			if (c == 0)
				return refuse(r, r->off + i, "a NUL byte: policy files are UTF-8 text");
			if (c < 0x80) {
				snprintf(what, sizeof what, "control character U+%04X is not allowed", c);
				return refuse(r, r->off + i, what);
			}
			r->len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
			if (!r->len) {
				snprintf(what, sizeof what, "invalid UTF-8 (byte 0x%02x): policy files are UTF-8 text", c);
				return refuse(r, r->off + i, what);
			}
			r->need = r->len - 1;
			r->cp = r->len == 4 ? c & 0x07 : r->len == 3 ? c & 0x0f : c & 0x1f;
			r->seq_off = r->off + i;
			r->lead = (unsigned char)c;
			continue;
		}
		if ((c & 0xc0) != 0x80) {
			snprintf(what, sizeof what, "invalid UTF-8 (byte 0x%02x): policy files are UTF-8 text", r->lead);
			return refuse(r, r->seq_off, what);
		}
		r->cp = (r->cp << 6) | (c & 0x3f);
		if (--r->need)
			continue;
		uint32_t cp = r->cp;
		/* overlong, surrogate or beyond U+10FFFF */
		if ((r->len == 3 && cp < 0x800) || (r->len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			snprintf(what, sizeof what, "invalid UTF-8 (byte 0x%02x): policy files are UTF-8 text", r->lead);
			return refuse(r, r->seq_off, what);
		}
		if ((cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff) {
			snprintf(what, sizeof what, "control character U+%04X is not allowed", (unsigned)cp);
			return refuse(r, r->seq_off, what);
		}
	}
	return true;
}

/* libyaml's read handler. */
static int reader_read(void *ctx, unsigned char *buf, size_t size, size_t *got)
{
	reader *r = ctx;
	size_t n;
	if (r->fd >= 0) {
		ssize_t k;
		do
			k = read(r->fd, buf, size);
		while (k < 0 && errno == EINTR);
		if (k < 0) {
			r->errnum = errno;
			r->refused = true;
			return 0;
		}
		n = (size_t)k;
	} else {
		n = r->memlen - r->off < size ? r->memlen - r->off : size;
		memcpy(buf, r->mem + r->off, n);
	}
	if (n > BX_POLICY_FILE_MAX - r->off) {
		r->too_big = r->refused = true;
		return 0;
	}
	if (!check(r, buf, n))
		return 0;
	if (n)
		bx_buf_add(&r->keep, (const char *)buf, n);
	if (n == 0 && r->need) {
		char what[128];
		snprintf(what, sizeof what, "invalid UTF-8 (byte 0x%02x): policy files are UTF-8 text", r->lead);
		return refuse(r, r->seq_off, what);
	}
	r->off += n;
	*got = n;
	return 1;
}

/* Line and column (characters) of byte `off`, reading the input again. */
typedef struct place {
	unsigned line, col;
	bool cr; /* the last byte was \r: a \n next ends the same line */
} place;

static void advance(place *p, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (p->cr) {
			p->cr = false;
			if (c == '\n')
				continue;
		}
		if (c == '\n' || c == '\r') {
			p->line++;
			p->col = 1;
			p->cr = c == '\r';
		} else if ((c & 0xc0) != 0x80) {
			p->col++;
		}
	}
}

static place position(const reader *r)
{
	place p = { 1, 1, false };
	if (r->fd < 0) {
		advance(&p, r->mem, r->bad_off);
		return p;
	}
	unsigned char buf[65536];
	for (size_t at = 0; at < r->bad_off;) {
		size_t want = r->bad_off - at < sizeof buf ? r->bad_off - at : sizeof buf;
		ssize_t k = pread(r->fd, buf, want, (off_t)at);
		if (k <= 0)
			return (place){ 0, 0, false }; /* cannot tell: file-level diagnostic */
		advance(&p, buf, (size_t)k);
		at += (size_t)k;
	}
	return p;
}

/* Parse one input as one file. */
static void load(bx_front *f, const char *name, reader *r, size_t size_hint)
{
	int idx = bx_front_add_file(f, name);
	if (idx < 0) {
		f->broken = true;
		return;
	}
	/* A tree takes some five times the bytes of its text. */
	bx_arena_hint(&f->arena, size_hint / 2 * 11);
	bx_yinput in = { reader_read, r, &r->refused };
	bool failed = false;
	bx_ynode *root = bx_ytree_parse(f, (uint16_t)idx, &in, &failed);
	if (r->too_big) {
		file_error(f, name, "file is larger than the %u MiB limit for policy files",
			   BX_POLICY_FILE_MAX >> 20);
	} else if (r->errnum) {
		file_error(f, name, "cannot read: %s", strerror(r->errnum));
	} else if (r->refused) {
		place p = position(r);
		bx_fdiag_at(f, BX_SEV_ERROR, (uint16_t)idx, p.line, p.col, "%s", r->what);
	}
	if (failed || r->refused) {
		bx_buf_free(&r->keep);
		f->broken = true;
		return;
	}
	if (r->keep.oom || bx_front_set_text(f, idx, bx_buf_take(&r->keep)) < 0) {
		f->oom = true;
		return;
	}
	bx_doc_add(f, (uint16_t)idx, root);
}

void bx_source_load_buffer(bx_front *f, const char *name, const char *data, size_t len)
{
	if (len > BX_POLICY_FILE_MAX) {
		file_error(f, name, "file is larger than the %u MiB limit for policy files",
			   BX_POLICY_FILE_MAX >> 20);
		f->broken = true;
		return;
	}
	reader r = { .fd = -1, .mem = (const unsigned char *)data, .memlen = len };
	load(f, name, &r, len);
}

/* An open regular file. */
static void load_fd(bx_front *f, int fd, const char *name, const struct stat *st)
{
	if (st->st_size > (off_t)BX_POLICY_FILE_MAX) {
		file_error(f, name, "file is larger than the %u MiB limit for policy files",
			   BX_POLICY_FILE_MAX >> 20);
		f->broken = true;
		return;
	}
	/* back to blocking reads (opened O_NONBLOCK so a FIFO cannot hang us) */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	reader r = { .fd = fd };
	load(f, name, &r, (size_t)st->st_size);
}

static bool yaml_name(const char *n)
{
	size_t l = strlen(n);
	if (n[0] == '.')
		return false; /* hidden files, editors' lock files (.#web.yaml) */
	return (l > 5 && strcmp(n + l - 5, ".yaml") == 0) || (l > 4 && strcmp(n + l - 4, ".yml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_dir(bx_front *f, int fd, const char *path)
{
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		file_error(f, path, "cannot read directory: %s", strerror(errno));
		f->broken = true;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!yaml_name(e->d_name))
			continue;
		char *copy = NULL;
		if (bx_grow(&names, &cap, n + 1, sizeof *names) < 0 || !(copy = strdup(e->d_name))) {
			f->oom = true;
			break;
		}
		names[n++] = copy;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	if (n == 0 && !f->oom) {
		file_error(f, path, "directory has no *.yaml or *.yml files");
		f->broken = true;
	}
	/* Room for every file's tree at once (see load()). */
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (fstatat(fd, names[i], &st, 0) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		    st.st_size <= (off_t)BX_POLICY_FILE_MAX && total < SIZE_MAX / 16)
			total += (size_t)st.st_size;
	}
	bx_arena_hint(&f->arena, total / 2 * 11);
	size_t plen = strlen(path);
	bool slash = plen && path[plen - 1] == '/';
	for (size_t i = 0; i < n; i++) {
		char *full = bx_sprintf("%s%s%s", path, slash ? "" : "/", names[i]);
		if (!full) {
			f->oom = true;
			break;
		}
		int cfd = openat(fd, names[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		struct stat st;
		if (cfd < 0) {
			file_error(f, full, "cannot read: %s", strerror(errno));
			f->broken = true;
		} else if (fstat(cfd, &st) < 0 || !S_ISREG(st.st_mode)) {
			file_error(f, full, "not a regular file");
			f->broken = true;
		} else {
			load_fd(f, cfd, full, &st);
		}
		if (cfd >= 0)
			close(cfd);
		free(full);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void bx_source_load_path(bx_front *f, const char *path)
{
	/* O_NONBLOCK: a FIFO must not hang the loader; it is refused below. */
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		file_error(f, path, "cannot read: %s", strerror(errno));
		f->broken = true;
		return;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		file_error(f, path, "cannot read: %s", strerror(errno));
		f->broken = true;
		return;
	}
	if (S_ISDIR(st.st_mode))
		load_dir(f, fd, path);
	else if (S_ISREG(st.st_mode))
		load_fd(f, fd, path, &st);
	else {
		file_error(f, path, "not a regular file or a directory");
		f->broken = true;
	}
}
