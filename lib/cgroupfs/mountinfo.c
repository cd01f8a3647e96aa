/* Reading /proc/self/mountinfo: where cgroup2 is mounted, whether v1
 * hierarchies sit beside it (hybrid hosts) and which controllers they
 * hold.
 *
 * A line is
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   id pa dev  root  mount-point opts      optional… - fstype source super-options
 * Paths escape space, tab, newline and backslash as \ooo octal. */
#include "cgroupfs/cgfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

typedef struct mi_line {
	char *root;     /* field 4, unescaped */
	char *point;    /* field 5, unescaped */
	char *fstype;   /* first field after " - " */
	char *super;    /* third field after " - " */
	char *buf;      /* the four, one allocation per line */
} mi_line;

static void mi_line_free(mi_line *l)
{
	free(l->buf);
	*l = (mi_line){0};
}

/* The field at *p (up to a space or the end): copied to *dst unescaping
 * \ooo (dst NULL: skipped). NULL for a missing field. */
static char *take_field(const char **p, const char *end, char **dst)
{
	const char *s = *p;
	while (s < end && *s == ' ')
		s++;
	const char *e = s;
	while (e < end && *e != ' ')
		e++;
	*p = e;
	if (e == s)
		return NULL;
	if (!dst)
		return (char *)s; /* only "there is one" */
	char *out = *dst;
	size_t n = 0;
	for (const char *c = s; c < e; c++) {
		if (*c == '\\' && e - c >= 4 && c[1] >= '0' && c[1] <= '3' && c[2] >= '0' &&
		    c[2] <= '7' && c[3] >= '0' && c[3] <= '7') {
			out[n++] = (char)((c[1] - '0') * 64 + (c[2] - '0') * 8 + (c[3] - '0'));
			c += 3;
		} else {
			out[n++] = *c;
		}
	}
	out[n] = '\0';
	*dst = out + n + 1;
	return out;
}

/* Split one line. Returns 1 when it has the shape above, 0 when it is
 * malformed (skipped), -1 when out of memory. */
static int parse_line(const char *s, const char *end, mi_line *l)
{
	*l = (mi_line){0};
	const char *sep = NULL;
	for (const char *c = s; c + 3 <= end; c++)
		if (c[0] == ' ' && c[1] == '-' && c[2] == ' ') {
			sep = c;
			break;
		}
	if (!sep)
		return 0;
	const char *p = s;
	for (int i = 0; i < 3; i++) /* id, parent, maj:min */
		if (!take_field(&p, sep, NULL))
			return 0;
	/* unescaping never lengthens: the line's length holds all four */
	l->buf = malloc((size_t)(end - s) + 4);
	if (!l->buf)
		return -1;
	char *d = l->buf;
	l->root = take_field(&p, sep, &d);
	l->point = take_field(&p, sep, &d);
	p = sep + 3;
	l->fstype = take_field(&p, end, &d);
	bool source = take_field(&p, end, NULL) != NULL;
	l->super = take_field(&p, end, &d);
	if (!l->root || !l->point || !l->fstype || !source || !l->super) {
		mi_line_free(l);
		return 0;
	}
	return 1;
}

/* Controllers named in v1 super options ("rw,cpu,cpuacct"). blkio is the
 * v1 name of io; cpuacct, devices, freezer, net_cls, perf_event and
 * name=systemd have no bx_ctrl counterpart. */
static unsigned v1_controllers(const char *super)
{
	unsigned bits = 0;
	while (*super) {
		size_t n = strcspn(super, ",");
		if (n == 5 && strncmp(super, "blkio", 5) == 0)
			bits |= BX_CTRL_IO;
		else
			bits |= bx_ctrl_from_name(super, n);
		super += n;
		if (*super == ',')
			super++;
	}
	return bits;
}

void bx_proc_cgroup_v1(const char *text, bool *hybrid, unsigned *v1_bound)
{
	*hybrid = false;
	*v1_bound = 0;
	for (const char *s = text; s && *s;) {
		size_t n = strcspn(s, "\n");
		/* "ID:CONTROLLERS:PATH"; ID 0 is the v2 hierarchy */
		const char *c1 = memchr(s, ':', n);
		const char *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s)) : NULL;
		if (c2 && !(c1 - s == 1 && s[0] == '0')) {
			char list[256];
			size_t ln = (size_t)(c2 - c1 - 1);
			if (ln < sizeof list) {
				memcpy(list, c1 + 1, ln);
				list[ln] = '\0';
				*hybrid = true;
				*v1_bound |= v1_controllers(list);
			}
		}
		s += n + (s[n] == '\n');
	}
}

typedef int (*line_fn)(const mi_line *l, void *arg);

/* Call fn for every well-formed line; stops early when fn returns != 0. */
static int each_line(const char *text, line_fn fn, void *arg)
{
	const char *s = text;
	while (s && *s) {
		const char *end = strchr(s, '\n');
		if (!end)
			end = s + strlen(s);
		mi_line l;
		int r = parse_line(s, end, &l);
		if (r < 0)
			return -1;
		if (r > 0) {
			r = fn(&l, arg);
			mi_line_free(&l);
			if (r)
				return r;
		}
		s = *end ? end + 1 : end;
	}
	return 0;
}

static int collect(const mi_line *l, void *arg)
{
	bx_mountinfo *mi = arg;
	if (strcmp(l->fstype, "cgroup2") == 0) {
		/* The first cgroup2 mount of the whole hierarchy wins; a
		 * mount of a sub-tree only when nothing better is found. */
		bool whole = strcmp(l->root, "/") == 0;
		if (!mi->cg2_mount || (whole && strcmp(mi->cg2_root, "/") != 0)) {
			free(mi->cg2_mount);
			free(mi->cg2_root);
			mi->cg2_mount = strdup(l->point);
			mi->cg2_root = strdup(l->root);
			if (!mi->cg2_mount || !mi->cg2_root)
				return -1;
		}
	} else if (strcmp(l->fstype, "cgroup") == 0) {
		mi->hybrid = true;
		mi->v1_bound |= v1_controllers(l->super);
	}
	return 0;
}

int bx_mountinfo_parse(const char *text, bx_mountinfo *mi, bx_error **err)
{
	*mi = (bx_mountinfo){0};
	if (each_line(text, collect, mi) < 0) {
		bx_mountinfo_free(mi);
		return bx_err(err, ENOMEM, "parse mountinfo");
	}
	/* v1 mounts without cgroup2 are a legacy host, not a hybrid one. */
	if (!mi->cg2_mount)
		mi->hybrid = false;
	return 0;
}

void bx_mountinfo_free(bx_mountinfo *mi)
{
	free(mi->cg2_mount);
	free(mi->cg2_root);
	*mi = (bx_mountinfo){0};
}

char *bx_cgfs_find_mount(const char *mountinfo)
{
	bx_mountinfo mi;
	if (bx_mountinfo_parse(mountinfo, &mi, NULL) < 0)
		return NULL;
	char *m = bx_steal(&mi.cg2_mount);
	bx_mountinfo_free(&mi);
	return m;
}

static int below(const mi_line *l, void *arg)
{
	const char *dir = *(const char **)arg;
	if (strcmp(l->fstype, "cgroup2") && strcmp(l->fstype, "cgroup"))
		return 0;
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/') /* everything is below "/" */
		return l->point[0] == '/' && l->point[1] != '\0';
	return strncmp(l->point, dir, n) == 0 && l->point[n] == '/' && l->point[n + 1] != '\0';
}

bool bx_mountinfo_has_cgroup_below(const char *text, const char *dir)
{
	return each_line(text, below, &dir) > 0;
}
