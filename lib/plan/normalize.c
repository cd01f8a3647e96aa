/* Canonical forms of interface-file read-backs (see normalize.h).
 *
 * The kernel already reads most files back in one form; what varies is
 * whitespace, the order of keys inside an io.max line, cpuset lists that
 * a directory-mode tree (or a hand-written snapshot) holds unmerged, and
 * keyed files that have no line for a key. */
#include "plan/normalize.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "knobs.h"

/* Largest CPU / node number accepted in a list (the kernel's NR_CPUS
 * limit is 8192 on common configs; stay generous but bounded). */
#define BX_CPULIST_MAX 65535u

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* Whitespace runs collapsed to one space, ends trimmed. */
static char *collapse_ws(const char *s, size_t n)
{
	bx_buf b = {0};
	size_t i = 0;
	bx_buf_add(&b, "", 0);
	while (i < n) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		size_t j = i;
		while (j < n && !isspace((unsigned char)s[j]))
			j++;
		if (j > i) {
			if (b.len)
				bx_buf_add(&b, " ", 1);
			bx_buf_add(&b, s + i, j - i);
		}
		i = j;
	}
	return bx_buf_take(&b);
}

typedef struct range {
	unsigned lo, hi;
} range;

static int cmp_range(const void *a, const void *b)
{
	const range *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

static bool parse_num(const char **p, unsigned *out)
{
	const char *s = *p;
	if (!isdigit((unsigned char)*s))
		return false;
	unsigned long v = 0;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > BX_CPULIST_MAX)
			return false;
		s++;
	}
	*out = (unsigned)v;
	*p = s;
	return true;
}

char *bx_canon_cpulist(const char *raw)
{
	cleanup_free char *t = trim_dup(raw, strlen(raw));
	if (!t)
		return NULL;
	cleanup_free range *r = NULL;
	size_t n = 0, cap = 0;
	const char *p = t;
	bool ok = true;
	while (*p) {
		range x;
		if (!parse_num(&p, &x.lo)) {
			ok = false;
			break;
		}
		x.hi = x.lo;
		if (*p == '-') {
			p++;
			if (!parse_num(&p, &x.hi) || x.hi < x.lo) {
				ok = false;
				break;
			}
		}
		if (bx_grow(&r, &cap, n + 1, sizeof *r) < 0)
			return NULL;
		r[n++] = x;
		if (*p == ',') {
			p++;
			if (!*p) {
				ok = false;
				break;
			}
		} else if (*p) {
			ok = false;
			break;
		}
	}
	/* Not a list: keep the text, so a difference still shows. */
	if (!ok)
		return bx_steal(&t);
	if (n)
		qsort(r, n, sizeof *r, cmp_range);
	bx_buf b = {0};
	bx_buf_add(&b, "", 0);
	for (size_t i = 0; i < n;) {
		unsigned lo = r[i].lo, hi = r[i].hi;
		size_t j = i + 1;
		while (j < n && r[j].lo <= hi + 1) {
			if (r[j].hi > hi)
				hi = r[j].hi;
			j++;
		}
		if (b.len)
			bx_buf_add(&b, ",", 1);
		if (lo == hi)
			bx_buf_printf(&b, "%u", lo);
		else
			bx_buf_printf(&b, "%u-%u", lo, hi);
		i = j;
	}
	return bx_buf_take(&b);
}

static bool is_cpulist_file(const char *file)
{
	return strncmp(file, "cpuset.", 7) == 0 &&
	       (strcmp(file + 7, "cpus") == 0 || strcmp(file + 7, "mems") == 0 ||
		strcmp(file + 7, "cpus.effective") == 0 || strcmp(file + 7, "mems.effective") == 0 ||
		strcmp(file + 7, "cpus.exclusive") == 0);
}

static bool is_ctrl_list_file(const char *file)
{
	return strcmp(file, "cgroup.subtree_control") == 0 || strcmp(file, "cgroup.controllers") == 0;
}

static const char *const io_max_keys[] = { "rbps", "wbps", "riops", "wiops" };

/* "wbps=5 rbps=1" → "rbps=1 wbps=5 riops=max wiops=max". Tokens that are
 * not one of the four keys are kept at the end, so they still compare. */
static char *canon_io_max_value(const char *s, size_t n)
{
	cleanup_free char *flat = collapse_ws(s, n);
	if (!flat)
		return NULL;
	const char *val[4] = { "max", "max", "max", "max" };
	size_t vlen[4] = { 3, 3, 3, 3 };
	bx_buf extra = {0};
	for (char *tok = flat; *tok;) {
		size_t tl = strcspn(tok, " ");
		char *eq = memchr(tok, '=', tl);
		bool known = false;
		for (size_t k = 0; eq && k < 4; k++) {
			if ((size_t)(eq - tok) == strlen(io_max_keys[k]) &&
			    memcmp(tok, io_max_keys[k], (size_t)(eq - tok)) == 0) {
				val[k] = eq + 1;
				vlen[k] = tl - (size_t)(eq - tok) - 1;
				known = true;
			}
		}
		if (!known) {
			bx_buf_add(&extra, " ", 1);
			bx_buf_add(&extra, tok, tl);
		}
		tok += tl;
		tok += strspn(tok, " ");
	}
	bx_buf b = {0};
	for (size_t k = 0; k < 4; k++)
		bx_buf_printf(&b, "%s%s=%.*s", k ? " " : "", io_max_keys[k], (int)vlen[k], val[k]);
	if (extra.len)
		bx_buf_add(&b, extra.s, extra.len);
	bx_buf_free(&extra);
	return bx_buf_take(&b);
}

static char *canon_key_value(const char *file, const char *s, size_t n)
{
	if (strcmp(file, "io.max") == 0)
		return canon_io_max_value(s, n);
	return collapse_ws(s, n);
}

/* Find the line of `raw` whose first word is `key`; *val and *vlen get the
 * rest of the line. */
static bool find_key_line(const char *raw, const char *key, const char **val, size_t *vlen)
{
	size_t kl = strlen(key);
	for (const char *line = raw; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		const char *w = line;
		while (w < line + ll && isspace((unsigned char)*w))
			w++;
		size_t wl = 0;
		while (w + wl < line + ll && !isspace((unsigned char)w[wl]))
			wl++;
		if (wl == kl && memcmp(w, key, kl) == 0) {
			*val = w + wl;
			*vlen = (size_t)(line + ll - (w + wl));
			return true;
		}
		line = eol ? eol + 1 : NULL;
	}
	return false;
}

bool bx_keyed_has(const char *raw, const char *key)
{
	const char *v;
	size_t n;
	return raw && find_key_line(raw, key, &v, &n);
}

char *bx_canon_key(const char *file, const char *raw, const char *key)
{
	const char *v;
	size_t n;
	if (raw && find_key_line(raw, key, &v, &n))
		return canon_key_value(file, v, n);
	/* No line: io.weight has one for "default"; a device without its
	 * own line follows the cgroup's default weight. */
	if (strcmp(file, "io.weight") == 0 && strcmp(key, "default") != 0)
		return strdup("default");
	const bx_file_info *fi = bx_file_lookup(file);
	return strdup(fi && fi->dflt ? fi->dflt : "");
}

/* Keyed files as a whole: each line's key, then its canonical value. */
static char *canon_keyed_file(const char *file, const char *raw)
{
	bx_buf b = {0};
	bx_buf_add(&b, "", 0);
	for (const char *line = raw; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		const char *w = line;
		while (w < line + ll && isspace((unsigned char)*w))
			w++;
		size_t wl = 0;
		while (w + wl < line + ll && !isspace((unsigned char)w[wl]))
			wl++;
		if (wl) {
			char *v = canon_key_value(file, w + wl, (size_t)(line + ll - (w + wl)));
			if (!v) {
				bx_buf_free(&b);
				return NULL;
			}
			bx_buf_printf(&b, "%s%.*s%s%s", b.len ? "\n" : "", (int)wl, w, *v ? " " : "", v);
			free(v);
		}
		line = eol ? eol + 1 : NULL;
	}
	return bx_buf_take(&b);
}

char *bx_canon_file(const char *file, const char *raw)
{
	if (!raw)
		raw = "";
	if (is_ctrl_list_file(file))
		return bx_ctrl_format_list(bx_ctrl_parse_list(raw));
	if (is_cpulist_file(file))
		return bx_canon_cpulist(raw);
	const bx_file_info *fi = bx_file_lookup(file);
	if (fi && fi->shape == BX_SHAPE_KEYED)
		return canon_keyed_file(file, raw);
	if (strcmp(file, "cpu.max") == 0)
		return collapse_ws(raw, strlen(raw));
	return trim_dup(raw, strlen(raw));
}

char *bx_write_bytes(const char *file, const char *key, const char *value)
{
	(void)file;
	if (key)
		return bx_sprintf("%s %s", key, value);
	/* An empty value (cpuset "inherit") is sent as "\n" by bx_cgfs_write. */
	return strdup(value);
}

int bx_parse_u64_or_max(const char *s, uint64_t *out)
{
	if (s[0] == 'm' && strcmp(s, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	uint64_t v = 0;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1; /* overflow */
		v = v * 10 + d;
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}
