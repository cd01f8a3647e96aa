/* The knob registry, part three: the syntax of each file's values, as the
 * planner writes them (canonical form). The applier checks every value
 * of a plan against it before anything is written. */
#include <stdlib.h>
#include <string.h>

#include "knobs.h"

static bool digits(const char *s, size_t n)
{
	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool u64(const char *s) { return digits(s, strlen(s)); }
static bool u64_or_max(const char *s) { return strcmp(s, "max") == 0 || u64(s); }

static bool int_in(const char *s, long lo, long hi)
{
	const char *d = *s == '-' ? s + 1 : s;
	if (!digits(d, strlen(d)) || strlen(d) > 9)
		return false;
	long v = strtol(s, NULL, 10);
	return v >= lo && v <= hi;
}

/* "", or "N" / "N-M" items separated by commas. */
static bool cpulist(const char *s)
{
	if (!*s)
		return true;
	for (;;) {
		size_t n = strspn(s, "0123456789");
		if (!digits(s, n) || n > 7)
			return false;
		s += n;
		if (*s == '-') {
			s++;
			n = strspn(s, "0123456789");
			if (!digits(s, n) || n > 7)
				return false;
			s += n;
		}
		if (!*s)
			return true;
		if (*s++ != ',')
			return false;
	}
}

static bool devno(const char *k)
{
	const char *colon = strchr(k, ':');
	return colon && digits(k, (size_t)(colon - k)) && u64(colon + 1);
}

/* io.max: "rbps=V wbps=V riops=V wiops=V" (some of them), V a number or max. */
static bool io_max(const char *s)
{
	static const char *const keys[] = { "rbps=", "wbps=", "riops=", "wiops=" };
	size_t n = 0;
	while (*s) {
		size_t len = strcspn(s, " ");
		bool ok = false;
		for (size_t i = 0; i < sizeof keys / sizeof *keys && !ok; i++) {
			size_t kl = strlen(keys[i]);
			if (len > kl && strncmp(s, keys[i], kl) == 0) {
				char v[32];
				if (len - kl >= sizeof v)
					return false;
				memcpy(v, s + kl, len - kl);
				v[len - kl] = '\0';
				ok = u64_or_max(v);
			}
		}
		if (!ok)
			return false;
		n++;
		s += len;
		if (*s == ' ' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return n > 0;
}

static bool name_token(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

bool bx_interface_file_name(const char *name)
{
	if (!name)
		return false;
	const char *dot = strchr(name, '.');
	if (!dot || !dot[1] || strlen(name) > 255)
		return false;
	size_t pl = (size_t)(dot - name);
	if (!(pl == 6 && strncmp(name, "cgroup", 6) == 0) && !bx_ctrl_from_name(name, pl))
		return false;
	for (const char *c = dot + 1; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.'))
			return false;
	return true;
}

bool bx_value_syntax_ok(const char *file, const char *key, const char *value)
{
	const bx_file_info *fi = file ? bx_file_lookup(file) : NULL;
	if (!fi || !value || strpbrk(value, "\n\t"))
		return false;
	if ((fi->shape == BX_SHAPE_KEYED) != (key != NULL))
		return false;
	if (strcmp(file, "io.max") == 0)
		return devno(key) && io_max(value);
	if (strcmp(file, "io.weight") == 0)
		return strcmp(key, "default") == 0 ? int_in(value, 1, 10000)
						    : devno(key) && (strcmp(value, "default") == 0 ||
								     int_in(value, 1, 10000));
	if (strcmp(file, "misc.max") == 0)
		return name_token(key) && u64_or_max(value);
	if (strcmp(file, "cpuset.cpus") == 0 || strcmp(file, "cpuset.mems") == 0)
		return cpulist(value);
	if (strcmp(file, "cpu.idle") == 0 || strcmp(file, "memory.oom.group") == 0)
		return strcmp(value, "0") == 0 || strcmp(value, "1") == 0;
	if (strcmp(file, "cpu.weight.nice") == 0)
		return int_in(value, -20, 19);
	if (strcmp(file, "cpu.weight") == 0)
		return int_in(value, 1, 10000);
	if (strcmp(file, "cpu.max.burst") == 0)
		return u64(value);
	if (strcmp(file, "cpu.max") == 0) {
		const char *sp = strchr(value, ' ');
		if (!sp)
			return false;
		char q[32];
		if ((size_t)(sp - value) >= sizeof q)
			return false;
		memcpy(q, value, (size_t)(sp - value));
		q[sp - value] = '\0';
		return u64_or_max(q) && u64(sp + 1);
	}
	/* cgroup.max.*, memory.*, hugetlb.*.max, pids.max */
	return u64_or_max(value);
}
