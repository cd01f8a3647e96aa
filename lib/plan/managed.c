/* The record of what boxcg manages in a cgroup (managed.h). */
#include "plan/managed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroupfs/cgfs.h"
#include "core/util.h"
#include "knobs.h"
#include "plan/observe_src.h"
#include "policy/units.h"

static bool key_ok(const char *k, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == ':' || c == '.' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

static bool host_has_hugetlb(const char *file, const bx_host_facts *f)
{
	if (!f)
		return true;
	for (size_t i = 0; i < BX_ARRAY_LEN(f->hugepage_sizes) && f->hugepage_sizes[i]; i++) {
		cleanup_free char *sz = bx_hugetlb_size_name(f->hugepage_sizes[i]);
		cleanup_free char *name = sz ? bx_concat("hugetlb.", sz, ".max", NULL) : NULL;
		if (name && strcmp(name, file) == 0)
			return true;
	}
	return false;
}

/* One own value "key=value": the key a limit a class may open, the value
 * short and made of what values are written with. */
static bool own_ok(const char *t, size_t n)
{
	const char *eq = memchr(t, '=', n);
	if (!eq || eq == t || (size_t)(eq - t) >= 64 || n - (size_t)(eq - t) - 1 == 0 ||
	    n - (size_t)(eq - t) - 1 > 40)
		return false;
	for (const char *v = eq + 1; v < t + n; v++)
		if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'z') || *v == '.'))
			return false;
	char key[64];
	memcpy(key, t, (size_t)(eq - t));
	key[eq - t] = '\0';
	return bx_own_openable(bx_knob_lookup(key));
}

/* Is t[0..n) a valid token "file" or "file[key]": a file boxcg manages,
 * keyed exactly when its file is (any hugetlb size: the host's facts are
 * checked by token()). Nothing copied. */
static bool token_ok(const char *t, size_t n)
{
	const char *br = memchr(t, '[', n);
	size_t fl = br ? (size_t)(br - t) : n;
	if (br && (n < fl + 3 || t[n - 1] != ']' || !key_ok(br + 1, n - fl - 2)))
		return false;
	if (fl == 0 || fl > 64)
		return false;
	char file[65];
	memcpy(file, t, fl);
	file[fl] = '\0';
	if (!bx_cgfile_valid(file))
		return false;
	const bx_file_info *fi = bx_file_lookup(file);
	return fi && (fi->shape == BX_SHAPE_KEYED) == (br != NULL);
}

/* One token "file" or "file[key]": 1 and the entry when valid (and, for
 * a hugetlb file, of a size this host has), 0 when not, -1 out of
 * memory. */
static int token(const char *t, size_t n, const bx_host_facts *facts, bx_managed_ent *e)
{
	*e = (bx_managed_ent){0};
	if (!token_ok(t, n))
		return 0;
	const char *br = memchr(t, '[', n);
	size_t fl = br ? (size_t)(br - t) : n;
	cleanup_free char *file = strndup(t, fl);
	if (!file)
		return -1;
	if (strncmp(file, "hugetlb.", 8) == 0 && !host_has_hugetlb(file, facts))
		return 0;
	e->key = br ? strndup(br + 1, n - fl - 2) : NULL;
	if (br && !e->key)
		return -1;
	e->file = bx_steal(&file);
	return 1;
}

/* The i-th byte of the entry's text ("file" or "file[key]"), 0 past it. */
static char ent_at(const bx_managed_ent *e, size_t i, size_t fl, size_t kl)
{
	if (i < fl)
		return e->file[i];
	if (!e->key)
		return 0;
	if (i == fl)
		return '[';
	if (i <= fl + kl)
		return e->key[i - fl - 1];
	return i == fl + kl + 1 ? ']' : 0;
}

/* Entries sort as their text reads. */
static int cmp_ent(const void *a, const void *b)
{
	const bx_managed_ent *x = a, *y = b;
	size_t xf = strlen(x->file), xk = x->key ? strlen(x->key) : 0;
	size_t yf = strlen(y->file), yk = y->key ? strlen(y->key) : 0;
	for (size_t i = 0;; i++) {
		unsigned char cx = (unsigned char)ent_at(x, i, xf, xk);
		unsigned char cy = (unsigned char)ent_at(y, i, yf, yk);
		if (cx != cy)
			return cx < cy ? -1 : 1;
		if (!cx)
			return 0;
	}
}

void bx_managed_free(bx_managed *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].file);
		free(m->v[i].key);
	}
	free(m->v);
	for (size_t i = 0; i < m->nown; i++)
		free(m->own[i]);
	free(m->own);
	*m = (bx_managed){0};
}

static int cmp_own(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Same key ("memory.max=…")? */
static bool same_key(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");
	return strncmp(a, b, n + 1) == 0;
}

/* Sort the entries as their text reads and drop repeats (freed when the
 * entries own their strings); the count left. */
static size_t sort_unique(bx_managed_ent *v, size_t n, bool owned)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_ent);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && cmp_ent(&v[k - 1], &v[i]) == 0) {
			if (owned) {
				free(v[i].file);
				free(v[i].key);
			}
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

/* Sort and drop duplicates. */
static void settle(bx_managed *m)
{
	m->n = sort_unique(m->v, m->n, true);
	if (m->nown > 1)
		qsort(m->own, m->nown, sizeof *m->own, cmp_own);
	size_t k = 0;
	for (size_t i = 0; i < m->nown; i++) {
		if (k && same_key(m->own[k - 1], m->own[i])) {
			free(m->own[i]);
			continue;
		}
		m->own[k++] = m->own[i];
	}
	m->nown = k;
}

int bx_managed_parse(const char *text, const bx_host_facts *facts, bx_managed *out)
{
	*out = (bx_managed){0};
	size_t cap = 0, owncap = 0;
	for (const char *t = text ? text : ""; *t;) {
		t += strspn(t, " \t\n");
		size_t n = strcspn(t, " \t\n");
		if (!n)
			break;
		if (memchr(t, '=', n)) {
			char *o = own_ok(t, n) ? strndup(t, n) : NULL;
			t += n;
			if (!o)
				continue;
			if (bx_grow(&out->own, &owncap, out->nown + 1, sizeof *out->own) < 0) {
				free(o);
				bx_managed_free(out);
				return -1;
			}
			out->own[out->nown++] = o;
			continue;
		}
		bx_managed_ent e;
		int r = token(t, n, facts, &e);
		t += n;
		if (r < 0 || (r > 0 && bx_grow(&out->v, &cap, out->n + 1, sizeof *out->v) < 0)) {
			free(e.file);
			free(e.key);
			bx_managed_free(out);
			return -1;
		}
		if (r > 0)
			out->v[out->n++] = e;
	}
	settle(out);
	return 0;
}

static char *format(const bx_managed *m)
{
	bx_buf b = {0};
	bx_buf_add(&b, "", 0);
	for (size_t i = 0; i < m->n; i++) {
		if (i)
			bx_buf_puts(&b, " ");
		bx_buf_puts(&b, m->v[i].file);
		if (m->v[i].key) {
			bx_buf_puts(&b, "[");
			bx_buf_puts(&b, m->v[i].key);
			bx_buf_puts(&b, "]");
		}
	}
	for (size_t i = 0; i < m->nown; i++) {
		if (m->n || i)
			bx_buf_puts(&b, " ");
		bx_buf_puts(&b, m->own[i]);
	}
	return bx_buf_take(&b);
}

char *bx_managed_of_settings(const bx_settings *s)
{
	/* the entries point into the settings: sorted and formatted, not
	 * copied (every plan makes this text for each settings list) */
	size_t n = s ? s->n : 0;
	bx_managed_ent *v = calloc(n + 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = (bx_managed_ent){ .file = s->v[i].file, .key = s->v[i].key };
	bx_managed m = { .v = v, .n = sort_unique(v, n, false) };
	char *t = format(&m);
	free(v);
	return t;
}

char *bx_managed_canonical(const char *text, const bx_host_facts *facts)
{
	bx_managed m;
	if (bx_managed_parse(text, facts, &m) < 0)
		return NULL;
	char *t = format(&m);
	bx_managed_free(&m);
	return t;
}

/* The length of a record's files: up to its first own value (the token
 * holding the first '='; no file token can hold one), without the space
 * before it. */
static size_t files_part(const char *t)
{
	const char *eq = strchr(t, '=');
	if (!eq)
		return strlen(t);
	while (eq > t && eq[-1] != ' ')
		eq--;
	while (eq > t && eq[-1] == ' ')
		eq--;
	return (size_t)(eq - t);
}

/* Is every token from t on an own value (holds a '=')? */
static bool only_own(const char *t)
{
	for (;;) {
		t += strspn(t, " \t\n");
		size_t n = strcspn(t, " \t\n");
		if (!n)
			return true;
		if (!memchr(t, '=', n))
			return false;
		t += n;
	}
}

bool bx_managed_same_files(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t na = files_part(a), nb = files_part(b);
	return na == nb && memcmp(a, b, na) == 0 && only_own(a + na) && only_own(b + nb);
}

/* Two tokens compared as their text reads (cmp_ent, cmp_own). */
static int cmp_span(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : an < bn ? -1 : an > bn;
}

/* Is text what bx_managed_canonical makes of it, without making it: one
 * space between tokens, every token valid, the files sorted and distinct,
 * then the own values sorted with distinct keys. A plan's every RECORD
 * step is checked (apply.c), so this is on every transaction's path. */
bool bx_managed_valid(const char *text)
{
	if (!text || strlen(text) > BX_MANAGED_MAX)
		return false;
	const char *prev = NULL;
	size_t pn = 0;
	bool prev_own = false;
	for (const char *t = text; *t;) {
		size_t n = strcspn(t, " \t\n");
		if (!n || t[n] == '\t' || t[n] == '\n' || (t[n] == ' ' && !t[n + 1]))
			return false; /* an empty token, other blanks, a trailing space */
		bool own = memchr(t, '=', n) != NULL;
		if (own ? !own_ok(t, n) : !token_ok(t, n))
			return false;
		if (prev && !own && prev_own)
			return false; /* the files come first */
		if (prev && own == prev_own) {
			if (cmp_span(prev, pn, t, n) >= 0)
				return false;
			/* the same key: canonical keeps the first alone */
			if (own && strncmp(prev, t, strcspn(prev, "=") + 1) == 0)
				return false;
		}
		prev = t, pn = n, prev_own = own;
		t += n + (t[n] == ' ');
	}
	return true;
}
