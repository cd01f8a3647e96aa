#include "policy/names.h"

#include <string.h>

#include "policy/policy.h"

static bool name_char(char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '_' || c == '-');
}

static bool name_ok_n(const char *s, size_t n)
{
	if (n == 0 || n > BX_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i], i == 0))
			return false;
	return true;
}

bool bx_name_ok(const char *s) { return name_ok_n(s, strlen(s)); }

bool bx_root_ok(const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "/");
		if (!name_ok_n(s, n))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

size_t bx_edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > BX_NAME_MAX * 2 || lb > BX_NAME_MAX * 2)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	/* Optimal string alignment: three rows of the DP table. */
	size_t r0[BX_NAME_MAX * 2 + 1], r1[BX_NAME_MAX * 2 + 1], r2[BX_NAME_MAX * 2 + 1];
	size_t *pp = r0, *p = r1, *c = r2;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		size_t rowmin = c[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > limit)
			return limit + 1;
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb] > limit ? limit + 1 : p[lb];
}

const char *bx_suggest(const char *word, bx_cand_fn cand, const void *ctx, size_t n)
{
	size_t len = strlen(word);
	size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	const char *best = NULL;
	size_t bestd = limit + 1;
	for (size_t i = 0; i < n; i++) {
		const char *c = cand(ctx, i);
		if (!c || strcmp(c, word) == 0)
			continue;
		size_t d = bx_edit_distance(word, c, bestd - 1 < limit ? bestd - 1 : limit);
		if (d < bestd) {
			best = c;
			bestd = d;
			if (d == 1)
				break;
		}
	}
	return best;
}

static const char *list_cand(const void *ctx, size_t i) { return ((const char *const *)ctx)[i]; }

const char *bx_suggest_list(const char *word, const char *const *cands, size_t n)
{
	return bx_suggest(word, list_cand, cands, n);
}

static const char *class_name_at(const void *ctx, size_t i)
{
	return ((const bx_policy *)ctx)->classes[i].name;
}

int bx_policy_no_class(const bx_policy *p, const char *name, int code, bx_error **err)
{
	if (!err || *err)
		return -1;
	const char *hint = name && p ? bx_suggest(name, class_name_at, p, p->nclasses) : NULL;
	return bx_err_said(err, code, "the policy has no class \"%s\"%s%s%s", name ? name : "",
			   hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}
