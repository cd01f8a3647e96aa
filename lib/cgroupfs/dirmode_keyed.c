/* Directory mode: how the kernel merges a write into a keyed file.
 *
 *   io.max     "MAJ:MIN rbps=N wbps=N riops=N wiops=N", any subset of the
 *              keys; keys not given keep their value; N is max or > 0
 *              (0: ERANGE); a device whose four limits are all max has no
 *              line. Lines are kept sorted by device number.
 *   io.weight  "default N" (or a bare "N") sets the default line, which is
 *              always present; "MAJ:MIN N" a device line; "MAJ:MIN default"
 *              removes it. N is 1..10000 (ERANGE otherwise).
 *   misc.max   "RES N|max" replaces the line of RES; sorted by name.
 *
 * One write carries one line, as the kernel parses one. Pure string
 * functions, so the golden behaviour is testable without a filesystem. */
#include "cgroupfs/cgfs_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

typedef struct lines {
	char **v;
	size_t n, cap;
} lines;

static void lines_free(lines *l)
{
	bx_strv_free(l->v, l->n);
	*l = (lines){0};
}

static int lines_add(lines *l, char *s)
{
	if (!s || bx_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v) < 0) {
		free(s);
		return ENOMEM;
	}
	l->v[l->n++] = s;
	return 0;
}

static int lines_split(lines *l, const char *text)
{
	*l = (lines){0};
	while (*text) {
		size_t n = strcspn(text, "\n");
		if (n && lines_add(l, strndup(text, n)))
			return ENOMEM;
		text += n;
		if (*text)
			text++;
	}
	return 0;
}

static bool key_is(const char *line, const char *key, size_t klen)
{
	return strncmp(line, key, klen) == 0 && (line[klen] == ' ' || line[klen] == '\0');
}

/* Index of the line whose first token is key[0..klen), or l->n. */
static size_t lines_find(const lines *l, const char *key, size_t klen)
{
	for (size_t i = 0; i < l->n; i++)
		if (key_is(l->v[i], key, klen))
			return i;
	return l->n;
}

static void lines_del(lines *l, size_t i)
{
	free(l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
	l->n--;
}

/* Replace (or append) line i with s; s == NULL deletes. */
static int lines_put(lines *l, size_t i, char *s)
{
	if (i < l->n) {
		free(l->v[i]);
		l->v[i] = s;
		if (!s)
			lines_del(l, i);
		return 0;
	}
	return s ? lines_add(l, s) : 0;
}

static bool digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "MAJ:MIN" → 0 and the numbers; EINVAL otherwise. */
static int parse_dev(const char *s, size_t n, unsigned long *maj, unsigned long *min)
{
	const char *colon = memchr(s, ':', n);
	if (!colon || !digits(s, (size_t)(colon - s)) || !digits(colon + 1, n - (size_t)(colon - s) - 1))
		return EINVAL;
	*maj = strtoul(s, NULL, 10);
	*min = strtoul(colon + 1, NULL, 10);
	return 0;
}

static int cmp_dev(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	unsigned long xa = 0, xi = 0, ya = 0, yi = 0;
	bool xd = !parse_dev(x, strcspn(x, " "), &xa, &xi);
	bool yd = !parse_dev(y, strcspn(y, " "), &ya, &yi);
	if (xd != yd) /* "default" before devices */
		return xd ? 1 : -1;
	if (xa != ya)
		return xa < ya ? -1 : 1;
	if (xi != yi)
		return xi < yi ? -1 : 1;
	return strcmp(x, y);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split value into at most max tokens (one line only). EINVAL when it
 * holds more than one line or more tokens. Tokens point into buf. */
static int tokens(char *buf, char **tok, size_t max, size_t *n)
{
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (strchr(buf, '\n'))
		return EINVAL;
	*n = 0;
	for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (*n == max)
			return EINVAL;
		tok[(*n)++] = t;
	}
	return 0;
}

/* "max" or a decimal u64; *zero when it is 0. Normalized into out. */
static int parse_limit(const char *s, char out[24], bool *zero)
{
	*zero = false;
	if (strcmp(s, "max") == 0) {
		strcpy(out, "max");
		return 0;
	}
	if (!digits(s, strlen(s)) || strlen(s) > 20)
		return EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	if (errno)
		return ERANGE;
	*zero = v == 0;
	snprintf(out, 24, "%llu", v);
	return 0;
}

static int merge_io_max(lines *l, char **tok, size_t n)
{
	static const char *const keys[4] = { "rbps", "wbps", "riops", "wiops" };
	unsigned long maj, min;
	if (n < 1 || parse_dev(tok[0], strlen(tok[0]), &maj, &min))
		return EINVAL;
	char val[4][24] = { "max", "max", "max", "max" };
	size_t klen = strlen(tok[0]);
	size_t at = lines_find(l, tok[0], klen);
	if (at < l->n) /* the stored line: "MAJ:MIN rbps=… wbps=… riops=… wiops=…" */
		for (int k = 0; k < 4; k++) {
			const char *p = strstr(l->v[at], keys[k]);
			if (p && p[strlen(keys[k])] == '=')
				snprintf(val[k], sizeof val[k], "%.*s", (int)strcspn(p + strlen(keys[k]) + 1, " "),
					 p + strlen(keys[k]) + 1);
		}
	for (size_t i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		if (!eq)
			return EINVAL;
		*eq = '\0';
		int k = 0;
		while (k < 4 && strcmp(tok[i], keys[k]))
			k++;
		if (k == 4)
			return EINVAL;
		bool zero;
		int r = parse_limit(eq + 1, val[k], &zero);
		if (r)
			return r;
		if (zero)
			return ERANGE;
	}
	bool all_max = true;
	for (int k = 0; k < 4; k++)
		all_max = all_max && strcmp(val[k], "max") == 0;
	char *line = all_max ? NULL
			     : bx_sprintf("%lu:%lu rbps=%s wbps=%s riops=%s wiops=%s", maj, min, val[0],
					  val[1], val[2], val[3]);
	if (!all_max && !line)
		return ENOMEM;
	return lines_put(l, at, line);
}

/* 1..10000, as io.weight takes it. */
static int parse_weight(const char *s, unsigned long *w)
{
	if (!digits(s, strlen(s)) || strlen(s) > 9)
		return EINVAL;
	*w = strtoul(s, NULL, 10);
	return *w < 1 || *w > 10000 ? ERANGE : 0;
}

static int merge_io_weight(lines *l, char **tok, size_t n, const char *dflt)
{
	unsigned long w, maj, min;
	size_t at = lines_find(l, "default", 7);
	if (at == l->n) { /* the default line is always there */
		int r = lines_add(l, bx_sprintf("default %s", dflt));
		if (r)
			return r;
	}
	if (n == 0)
		return EINVAL;
	if (!strchr(tok[0], ':')) { /* "default N" or "N" */
		const char *num = tok[0];
		if (strcmp(tok[0], "default") == 0) {
			if (n != 2)
				return EINVAL;
			num = tok[1];
		} else if (n != 1) {
			return EINVAL;
		}
		int r = parse_weight(num, &w);
		if (r)
			return r;
		char *line = bx_sprintf("default %lu", w);
		return line ? lines_put(l, lines_find(l, "default", 7), line) : ENOMEM;
	}
	if (n != 2 || parse_dev(tok[0], strlen(tok[0]), &maj, &min))
		return EINVAL;
	at = lines_find(l, tok[0], strlen(tok[0]));
	if (strcmp(tok[1], "default") == 0)
		return lines_put(l, at, NULL);
	int r = parse_weight(tok[1], &w);
	if (r)
		return r;
	char *line = bx_sprintf("%lu:%lu %lu", maj, min, w);
	return line ? lines_put(l, at, line) : ENOMEM;
}

static bool resource_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* misc.max, and any other keyed file: "KEY VALUE" replaces KEY's line. */
static int merge_key_value(lines *l, char **tok, size_t n, bool limit)
{
	if (n != 2 || !resource_name(tok[0]))
		return EINVAL;
	char val[24];
	bool zero;
	if (limit) {
		int r = parse_limit(tok[1], val, &zero);
		if (r)
			return r;
	}
	char *line = bx_sprintf("%s %s", tok[0], limit ? val : tok[1]);
	return line ? lines_put(l, lines_find(l, tok[0], strlen(tok[0])), line) : ENOMEM;
}

int bx_keyed_merge(const char *file, const char *cur, const char *value, char **out)
{
	*out = NULL;
	cleanup_free char *buf = strdup(value);
	if (!buf)
		return ENOMEM;
	char *tok[8];
	size_t n;
	int r = tokens(buf, tok, BX_ARRAY_LEN(tok), &n);
	if (r)
		return r;
	lines l;
	if ((r = lines_split(&l, cur)))
		goto out;
	bool io_max = strcmp(file, "io.max") == 0, io_weight = strcmp(file, "io.weight") == 0;
	if (io_max)
		r = merge_io_max(&l, tok, n);
	else if (io_weight)
		r = merge_io_weight(&l, tok, n, bx_file_lookup("io.weight")->dflt);
	else
		r = merge_key_value(&l, tok, n, strcmp(file, "misc.max") == 0);
	if (r)
		goto out;
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, io_max || io_weight ? cmp_dev : cmp_line);
	bx_buf b = {0};
	for (size_t i = 0; i < l.n; i++) {
		if (i)
			bx_buf_puts(&b, "\n");
		bx_buf_puts(&b, l.v[i]);
	}
	*out = bx_buf_take(&b);
	r = *out ? 0 : ENOMEM;
out:
	lines_free(&l);
	return r;
}
