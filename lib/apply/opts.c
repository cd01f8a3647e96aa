/* Parsing what the CLI hands the applier: the lock timeout and the
 * BOXCG_TEST_* hooks. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "core/util.h"

int bx_parse_seconds(const char *s, double *out, bx_error **err)
{
	if (!s || !*s)
		return bx_err(err, EINVAL, "empty duration");
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0 || strchr("+-", *s))
		return bx_err(err, EINVAL, "bad duration \"%s\" (e.g. 30s, 500ms, 2m)", s);
	double scale;
	if (!*end || strcmp(end, "s") == 0)
		scale = 1;
	else if (strcmp(end, "ms") == 0)
		scale = 1e-3;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		scale = 60;
	else if (strcmp(end, "h") == 0)
		scale = 3600;
	else
		return bx_err(err, EINVAL, "bad duration \"%s\" (units: ms, s, m, h)", s);
	if (v * scale > 86400 * 365.0)
		return bx_err(err, ERANGE, "duration \"%s\" is too long", s);
	*out = v * scale;
	return 0;
}

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EIO", EIO },	      { "EBUSY", EBUSY },   { "ENOENT", ENOENT },   { "EINVAL", EINVAL },
	{ "ENODEV", ENODEV }, { "EAGAIN", EAGAIN }, { "ENOSPC", ENOSPC },   { "EACCES", EACCES },
	{ "EPERM", EPERM },   { "ERANGE", ERANGE }, { "EEXIST", EEXIST },   { "ENOMEM", ENOMEM },
	{ "EROFS", EROFS },   { "E2BIG", E2BIG },   { "EOPNOTSUPP", EOPNOTSUPP },
	{ "EDQUOT", EDQUOT },
};

static int parse_long(const char *s, size_t n, long *out)
{
	if (!n || n > 18 || strspn(s, "0123456789") < n)
		return -1;
	long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*out = v;
	return 0;
}

static int parse_errno(const char *s, size_t n, int *out)
{
	long v;
	if (parse_long(s, n, &v) == 0 && v > 0 && v < 4096) {
		*out = (int)v;
		return 0;
	}
	for (size_t i = 0; i < BX_ARRAY_LEN(errnos); i++)
		if (strlen(errnos[i].name) == n && strncmp(errnos[i].name, s, n) == 0) {
			*out = errnos[i].value;
			return 0;
		}
	return -1;
}

int bx_apply_test_hooks(bx_apply_opts *o, const char *fault_at, const char *kill_at,
			bx_error **err)
{
	if (fault_at && *fault_at) {
		const char *p = fault_at;
		size_t n = strcspn(p, ",");
		long k, count = 1;
		int e = EIO;
		if (parse_long(p, n, &k) < 0 || k < 1)
			return bx_err(err, EINVAL, "BOXCG_TEST_FAULT_AT=%s: want k[,errno[,count]]", fault_at);
		p += n;
		if (*p == ',') {
			p++;
			n = strcspn(p, ",");
			if (parse_errno(p, n, &e) < 0)
				return bx_err(err, EINVAL, "BOXCG_TEST_FAULT_AT=%s: unknown errno", fault_at);
			p += n;
		}
		if (*p == ',') {
			p++;
			n = strlen(p);
			if (parse_long(p, n, &count) < 0 || count < 1)
				return bx_err(err, EINVAL, "BOXCG_TEST_FAULT_AT=%s: bad count", fault_at);
			p += n;
		}
		if (*p)
			return bx_err(err, EINVAL, "BOXCG_TEST_FAULT_AT=%s: want k[,errno[,count]]", fault_at);
		o->fault_at = k;
		o->fault_errno = e;
		o->fault_count = count;
	}
	if (kill_at && *kill_at) {
		long k;
		if (parse_long(kill_at, strlen(kill_at), &k) < 0 || k < 1)
			return bx_err(err, EINVAL, "BOXCG_TEST_KILL_AT=%s: want a positive integer", kill_at);
		o->kill_at = k;
	}
	return 0;
}
