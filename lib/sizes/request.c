/* Own values in: requests ("KEY=VALUE") and records (sizes.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/units.h"
#include "sizes/sizes.h"

const bx_open_key *bx_sizes_open(const bx_class *c, const char *key)
{
	for (size_t i = 0; c && i < c->nopen; i++)
		if (strcmp(c->open[i].knob->key, key) == 0)
			return &c->open[i];
	return NULL;
}

void bx_owns_free(bx_owns *o)
{
	free(o->v);
	*o = (bx_owns){0};
}

/* Put `v` for key `k` into `o`, keeping the class's key order. */
static int put(bx_owns *o, const bx_class *c, const bx_open_key *k, const bx_own_val *v)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].open == k) {
			o->v[i].v = *v;
			return 0;
		}
	bx_own *nv = realloc(o->v, (o->n + 1) * sizeof *nv);
	if (!nv)
		return -1;
	o->v = nv;
	size_t at = o->n;
	while (at > 0 && o->v[at - 1].open > k)
		at--;
	memmove(o->v + at + 1, o->v + at, (o->n - at) * sizeof *o->v);
	o->v[at] = (bx_own){ .open = k, .v = *v };
	o->n++;
	(void)c;
	return 0;
}

static void open_list(const bx_class *c, char *buf, size_t len)
{
	bx_buf b = {0};
	for (size_t i = 0; i < c->nopen; i++)
		bx_buf_printf(&b, "%s%s", i ? ", " : "", c->open[i].knob->key);
	char *s = bx_buf_take(&b);
	snprintf(buf, len, "%s", s ? s : "");
	free(s);
}

static int one(const bx_class *c, const char *set, bx_owns *o, bx_error **err)
{
	const char *eq = strchr(set, '=');
	if (!eq || eq == set || !eq[1])
		return bx_err_said(err, EINVAL, "--set %s: expected KEY=VALUE (memory.max=2GiB)", set);
	cleanup_free char *key = strndup(set, (size_t)(eq - set));
	if (!key)
		return bx_err(err, ENOMEM, "own values");
	const bx_open_key *k = bx_sizes_open(c, key);
	if (!k) {
		char keys[512];
		open_list(c, keys, sizeof keys);
		if (!c->nopen)
			return bx_err_said(err, EPERM, "%s: class %s (%s:%u:%u) opens no limits to its boxes "
						"(it has no sizes:)", key, c->name, c->loc.file ? c->loc.file : "?",
				    c->loc.line, c->loc.col);
		return bx_err_said(err, EPERM, "%s: class %s (%s:%u:%u) does not open it to its boxes; it opens %s",
			    key, c->name, c->loc.file ? c->loc.file : "?", c->loc.line, c->loc.col, keys);
	}
	char why[BX_WHY_MAX];
	bx_own_val v;
	if (bx_own_parse(k->knob, eq + 1, true, &v, why) < 0)
		return bx_err_said(err, EINVAL, "%s: %s", key, why);
	if (bx_own_cmp(&v, &k->lo) < 0 || bx_own_cmp(&v, &k->hi) > 0) {
		char a[32], lo[32], hi[32];
		bx_own_format(k->knob, &v, true, a, sizeof a);
		bx_own_format(k->knob, &k->lo, true, lo, sizeof lo);
		bx_own_format(k->knob, &k->hi, true, hi, sizeof hi);
		return bx_err_said(err, ERANGE, "%s=%s is out of range for class %s: %s to %s (%s:%u:%u [%s])",
			    key, a, c->name, lo, hi, k->loc.file ? k->loc.file : "?", k->loc.line,
			    k->loc.col, k->ypath ? k->ypath : "");
	}
	if (put(o, c, k, &v) < 0)
		return bx_err(err, ENOMEM, "own values");
	return 0;
}

int bx_sizes_request(const bx_class *c, const char *const *sets, size_t n, bx_owns *o,
		     bx_error **err)
{
	bx_owns work = {0};
	if (o->n) {
		if (!(work.v = malloc(o->n * sizeof *work.v)))
			return bx_err(err, ENOMEM, "own values");
		memcpy(work.v, o->v, o->n * sizeof *work.v);
		work.n = o->n;
	}
	for (size_t i = 0; i < n; i++)
		if (one(c, sets[i] ? sets[i] : "", &work, err) < 0) {
			bx_owns_free(&work);
			return -1;
		}
	bx_owns_free(o);
	*o = work;
	return 0;
}

int bx_sizes_from_record(const bx_class *c, const char *record, bx_owns *out)
{
	*out = (bx_owns){0};
	for (const char *t = record ? record : ""; *t;) {
		t += strspn(t, " \t\n");
		size_t n = strcspn(t, " \t\n");
		if (!n)
			break;
		const char *eq = memchr(t, '=', n);
		if (eq) {
			char key[64], val[64];
			size_t kl = (size_t)(eq - t), vl = n - kl - 1;
			if (kl && kl < sizeof key && vl && vl < sizeof val) {
				memcpy(key, t, kl), key[kl] = '\0';
				memcpy(val, eq + 1, vl), val[vl] = '\0';
				const bx_open_key *k = bx_sizes_open(c, key);
				char why[BX_WHY_MAX];
				bx_own_val v;
				if (k && bx_own_parse(k->knob, val, true, &v, why) == 0) {
					if (bx_own_cmp(&v, &k->lo) < 0)
						v = k->lo;
					if (bx_own_cmp(&v, &k->hi) > 0)
						v = k->hi;
					if (put(out, c, k, &v) < 0) {
						bx_owns_free(out);
						return -1;
					}
				}
			}
		}
		t += n;
	}
	return 0;
}

/* One "key=value" of bx_sizes_text: a knob's key and a formatted value
 * both fit (keys are short names; own_format writes into 32 bytes). */
typedef struct own_ent {
	char s[96];
} own_ent;

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const own_ent *)a)->s, ((const own_ent *)b)->s);
}

char *bx_sizes_text(const bx_owns *o)
{
	own_ent *ents = calloc(o->n + 1, sizeof *ents);
	if (!ents)
		return NULL;
	size_t len = 1;
	for (size_t i = 0; i < o->n; i++) {
		char v[32];
		bx_own_format(o->v[i].open->knob, &o->v[i].v, false, v, sizeof v);
		const char *key = o->v[i].open->knob->key;
		size_t kl = strlen(key), vl = strlen(v);
		if (kl + 1 + vl >= sizeof ents[i].s) { /* no knob's key is that long */
			free(ents);
			return NULL;
		}
		memcpy(ents[i].s, key, kl);
		ents[i].s[kl] = '=';
		memcpy(ents[i].s + kl + 1, v, vl + 1);
		len += kl + 1 + vl + 1;
	}
	qsort(ents, o->n, sizeof *ents, cmp_ent);
	char *s = malloc(len), *p = s;
	for (size_t i = 0; s && i < o->n; i++) {
		if (i)
			*p++ = ' ';
		size_t n = strlen(ents[i].s);
		memcpy(p, ents[i].s, n);
		p += n;
	}
	if (s)
		*p = '\0';
	free(ents);
	return s;
}
