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

/* The first byte that is not YAML-printable UTF-8: its line, column and
 * what is wrong. Returns false when the text is clean. */
static bool encoding_problem(const unsigned char *s, size_t len, unsigned *line, unsigned *col,
			     char *what, size_t wlen)
{
	unsigned ln = 1, cl = 1;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		*line = ln;
		*col = cl;
		if (c < 0x80) {
			if (c == '\n' || (c == '\r' && (i + 1 == len || s[i + 1] != '\n'))) {
				ln++;
				cl = 1;
				i++;
				continue;
			}
			if (c == 0) {
				snprintf(what, wlen, "a NUL byte: policy files are UTF-8 text");
				return true;
			}
			if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
				snprintf(what, wlen, "control character U+%04X is not allowed", c);
				return true;
			}
			i++;
			cl++;
			continue;
		}
		size_t w = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
		unsigned cp = w == 4 ? c & 0x07 : w == 3 ? c & 0x0f : c & 0x1f;
		bool ok = w && i + w <= len;
		for (size_t k = 1; ok && k < w; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				ok = false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong, surrogate or beyond U+10FFFF */
		if (ok && ((w == 3 && cp < 0x800) || (w == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
			   (cp >= 0xd800 && cp <= 0xdfff)))
			ok = false;
		if (!ok) {
			snprintf(what, wlen, "invalid UTF-8 (byte 0x%02x): policy files are UTF-8 text", c);
			return true;
		}
		if ((cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff) {
			snprintf(what, wlen, "control character U+%04X is not allowed", cp);
			return true;
		}
		i += w;
		cl++;
	}
	return false;
}

void bx_source_load_buffer(bx_front *f, const char *name, const char *data, size_t len)
{
	if (len > BX_POLICY_FILE_MAX) {
		file_error(f, name, "file is larger than the %u MiB limit for policy files",
			   BX_POLICY_FILE_MAX >> 20);
		f->broken = true;
		return;
	}
	int idx = bx_front_add_file(f, name);
	if (idx < 0) {
		f->broken = true;
		return;
	}
	unsigned line, col;
	char what[128];
	if (encoding_problem((const unsigned char *)data, len, &line, &col, what, sizeof what)) {
		bx_fdiag_at(f, BX_SEV_ERROR, (uint16_t)idx, line, col, "%s", what);
		f->broken = true;
		return;
	}
	bool failed = false;
	bx_ynode *root = bx_ytree_parse(f, (uint16_t)idx, data, len, &failed);
	if (failed) {
		f->broken = true;
		return;
	}
	bx_doc_add(f, (uint16_t)idx, root);
}

/* Read an open regular file, refusing more than the limit. */
static void load_fd(bx_front *f, int fd, const char *name, const struct stat *st)
{
	if (st->st_size > (off_t)BX_POLICY_FILE_MAX) {
		file_error(f, name, "file is larger than the %u MiB limit for policy files",
			   BX_POLICY_FILE_MAX >> 20);
		f->broken = true;
		return;
	}
	size_t cap = st->st_size > 0 ? (size_t)st->st_size + 1 : 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		f->oom = true;
		return;
	}
	for (;;) {
		if (len == cap) {
			if (cap > BX_POLICY_FILE_MAX) {
				len = cap; /* over the limit: refused below */
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				f->oom = true;
				return;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			file_error(f, name, "cannot read: %s", strerror(errno));
			f->broken = true;
			free(buf);
			return;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	bx_source_load_buffer(f, name, buf, len);
	free(buf);
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
	qsort(names, n, sizeof *names, cmp_str);
	if (n == 0 && !f->oom) {
		file_error(f, path, "directory has no *.yaml or *.yml files");
		f->broken = true;
	}
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
