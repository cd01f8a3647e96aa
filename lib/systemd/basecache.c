/* The delegated base remembered between commands: parse, check, store
 * (basecache.h). */
#include "systemd/basecache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/util.h"
#include "systemd/sd.h"

#define MAGIC_LINE "boxcg-sd-base 1\n"
#define CGROUP2_MAGIC 0x63677270
#define MAX_FILE 4096
#define MAX_CGROUP 1024

void bx_sd_cache_free(bx_sd_cache *c)
{
	if (!c)
		return;
	free(c->cgroup);
	memset(c, 0, sizeof *c);
}

static bool boot_ok(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr("_.@:-\\", ch) != NULL;
}

bool bx_sd_cache_path_ok(const char *cg, bool user, unsigned uid)
{
	if (!cg || cg[0] != '/' || strlen(cg) > MAX_CGROUP)
		return false;
	const char *last = NULL;
	for (const char *p = cg; *p;) {
		p++; /* the slash */
		size_t n = strcspn(p, "/");
		if (n == 0 || p[0] == '.') /* "//", a trailing "/", ".", "..", ".holder" */
			return false;
		for (size_t i = 0; i < n; i++)
			if (!name_char(p[i]))
				return false;
		last = p;
		p += n;
	}
	if (!last || strcmp(last, BX_SD_UNIT) != 0)
		return false;
	if (!user)
		return true;
	char prefix[128];
	snprintf(prefix, sizeof prefix, "/user.slice/user-%u.slice/user@%u.service/", uid, uid);
	return strncmp(cg, prefix, strlen(prefix)) == 0;
}

/* The value of line "<key> <value>\n" at *s; advances *s. NULL if the line
 * is not that. */
static const char *field(const char **s, const char *key, size_t *len)
{
	size_t k = strlen(key);
	if (strncmp(*s, key, k) != 0 || (*s)[k] != ' ')
		return NULL;
	const char *v = *s + k + 1;
	const char *nl = strchr(v, '\n');
	if (!nl || nl == v)
		return NULL;
	*len = (size_t)(nl - v);
	*s = nl + 1;
	return v;
}

int bx_sd_cache_parse(const char *text, bx_sd_cache *c, const char **why)
{
	memset(c, 0, sizeof *c);
	const char *s = text, *v;
	size_t n;
	*why = "malformed";
	if (!s || strncmp(s, MAGIC_LINE, strlen(MAGIC_LINE)) != 0) {
		*why = "not a boxcg base cache of this version";
		return -1;
	}
	s += strlen(MAGIC_LINE);
	if (!(v = field(&s, "manager", &n)))
		return -1;
	if (n == 6 && strncmp(v, "system", 6) == 0)
		c->user = false;
	else if (n == 4 && strncmp(v, "user", 4) == 0)
		c->user = true;
	else
		return -1;
	if (!(v = field(&s, "boot", &n)) || !boot_ok(v, n))
		return -1;
	memcpy(c->boot, v, n);
	c->boot[n] = '\0';
	if (!(v = field(&s, "cgroup", &n)) || n > MAX_CGROUP || memchr(v, '\0', n))
		return -1;
	if (!(c->cgroup = strndup(v, n))) {
		*why = "out of memory";
		return -1;
	}
	if (!(v = field(&s, "id", &n)) || n > 20) {
		bx_sd_cache_free(c);
		return -1;
	}
	unsigned long long id = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || (i == 0 && v[i] == '0') ||
		    id > (~0ULL - (unsigned)(v[i] - '0')) / 10) {
			bx_sd_cache_free(c);
			return -1;
		}
		id = id * 10 + (unsigned)(v[i] - '0');
	}
	c->id = id;
	if (*s) {
		*why = "trailing text";
		bx_sd_cache_free(c);
		return -1;
	}
	return 0;
}

char *bx_sd_cache_format(const bx_sd_cache *c)
{
	return bx_sprintf(MAGIC_LINE "manager %s\nboot %s\ncgroup %s\nid %llu\n",
			  c->user ? "user" : "system", c->boot, c->cgroup, c->id);
}

/* A state directory we may trust (ours, not writable by others); -1 when
 * it is not, or missing and not made. */
static int open_state_dir(const char *dir, bool create)
{
	if (!dir || dir[0] != '/')
		return -1;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create && mkdir(dir, 0700) == 0)
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -1;
	}
	return fd;
}

int bx_sd_cache_read(const char *state_dir, bx_sd_cache *c, const char **why)
{
	memset(c, 0, sizeof *c);
	int dfd = open_state_dir(state_dir, false);
	if (dfd < 0) {
		*why = "no usable state directory";
		return -1;
	}
	int fd = openat(dfd, BX_SD_CACHE_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		*why = errno == ENOENT ? "none yet" : errno == ELOOP ? "a symlink" : "unreadable";
		return -1;
	}
	struct stat st;
	char buf[MAX_FILE + 1];
	ssize_t n = -1;
	*why = NULL;
	if (fstat(fd, &st) < 0)
		*why = "unreadable";
	else if (!S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_uid != geteuid())
		*why = "owned by another user";
	else if (st.st_mode & 077)
		*why = "open to group or others";
	else if (st.st_nlink != 1)
		*why = "hard-linked";
	else if ((n = read(fd, buf, MAX_FILE + 1)) < 0 || n > MAX_FILE)
		*why = n > MAX_FILE ? "too long" : "unreadable";
	close(fd);
	if (*why)
		return -1;
	buf[n] = '\0';
	if ((size_t)n != strlen(buf)) {
		*why = "holds a NUL byte";
		return -1;
	}
	return bx_sd_cache_parse(buf, c, why);
}

int bx_sd_boot_id(char boot[37])
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[64];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 36 || !boot_ok(buf, 36))
		return -1;
	memcpy(boot, buf, 36);
	boot[36] = '\0';
	return 0;
}

/* The "0::/path" of /proc/self/cgroup, malloc'ed; NULL if none. */
static char *own_cgroup(void)
{
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char text[8192];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof text - 1 && (n = read(fd, text + len, sizeof text - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	text[len] = '\0';
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "0::", 3) == 0)
			return strdup(line + 3);
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static bool holder_populated(int dfd)
{
	int fd = openat(dfd, BX_SD_HOLDER "/cgroup.procs", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	char ch;
	ssize_t n = read(fd, &ch, 1);
	close(fd);
	return n == 1;
}

char *bx_sd_cache_check(const bx_sd_cache *c, const char *mount, bool as_root, const char **why)
{
	*why = NULL;
	char boot[37];
	if (c->user == as_root)
		*why = "made for the other manager";
	else if (!bx_sd_cache_path_ok(c->cgroup, c->user, (unsigned)geteuid()))
		*why = "names no cgroup of boxcg.service";
	else if (bx_sd_boot_id(boot) < 0 || strcmp(boot, c->boot) != 0)
		*why = "from another boot";
	if (*why)
		return NULL;
	size_t mn = strlen(mount);
	while (mn > 1 && mount[mn - 1] == '/')
		mn--;
	char *dir = bx_sprintf("%.*s%s", (int)mn, mount, c->cgroup);
	if (!dir) {
		*why = "out of memory";
		return NULL;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	struct statfs sfs;
	char deleg[8];
	ssize_t dn;
	if (dfd < 0)
		*why = "the cgroup is gone";
	else if (fstatfs(dfd, &sfs) < 0 || (unsigned long)sfs.f_type != CGROUP2_MAGIC)
		*why = "not on cgroup2";
	else if (fstat(dfd, &st) < 0 || (unsigned long long)st.st_ino != c->id)
		*why = "the unit has a new cgroup (stopped or restarted since)";
	else if (st.st_uid != geteuid())
		*why = "the cgroup is not delegated to us";
	else if (as_root && (dn = fgetxattr(dfd, "trusted.delegate", deleg, sizeof deleg)) >= 0 &&
		 !(dn >= 1 && deleg[0] == '1'))
		*why = "systemd no longer delegates it";
	else if (!holder_populated(dfd))
		*why = "its " BX_SD_HOLDER " holds no process";
	if (dfd >= 0)
		close(dfd);
	if (!*why && c->user) {
		/* A user's process outside the unit is moved in by the manager:
		 * that needs D-Bus. */
		cleanup_free char *mine = own_cgroup();
		size_t n = strlen(c->cgroup);
		if (!mine || strncmp(mine, c->cgroup, n) != 0 || (mine[n] != '/' && mine[n] != '\0'))
			*why = "boxcg runs outside the unit";
	}
	if (*why) {
		free(dir);
		return NULL;
	}
	return dir;
}

void bx_sd_cache_store(const char *state_dir, const char *mount, const char *dir, bool as_root)
{
	size_t mn = strlen(mount);
	while (mn > 1 && mount[mn - 1] == '/')
		mn--;
	if (strncmp(dir, mount, mn) != 0 || dir[mn] != '/')
		return;
	bx_sd_cache c = { .user = !as_root, .cgroup = (char *)dir + mn };
	struct stat st;
	if (!bx_sd_cache_path_ok(c.cgroup, c.user, (unsigned)geteuid()) || bx_sd_boot_id(c.boot) < 0 ||
	    stat(dir, &st) < 0)
		return;
	c.id = (unsigned long long)st.st_ino;
	int dfd = open_state_dir(state_dir, true);
	if (dfd < 0)
		return;
	cleanup_free char *text = bx_sd_cache_format(&c);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "." BX_SD_CACHE_NAME ".%ld", (long)getpid());
	int fd = text ? openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)
		      : -1;
	if (fd >= 0) {
		size_t len = strlen(text);
		bool ok = write(fd, text, len) == (ssize_t)len;
		ok = close(fd) == 0 && ok;
		if (!ok || renameat(dfd, tmp, dfd, BX_SD_CACHE_NAME) < 0)
			unlinkat(dfd, tmp, 0);
	}
	close(dfd);
}

int bx_sd_base(const char *mount, bool as_root, const char *state_dir, char **base, bool *cached,
	       bx_error **err)
{
	*base = NULL;
	*cached = false;
	if (state_dir) {
		bx_sd_cache c;
		const char *why;
		if (bx_sd_cache_read(state_dir, &c, &why) == 0) {
			char *dir = bx_sd_cache_check(&c, mount, as_root, &why);
			bx_sd_cache_free(&c);
			if (dir) {
				if (bx_sd_vacate(dir, err) < 0) {
					free(dir);
					return -1;
				}
				*base = dir;
				*cached = true;
				return 0;
			}
		}
	}
	if (bx_sd_find_base(mount, as_root, base, err) < 0)
		return -1;
	if (state_dir)
		bx_sd_cache_store(state_dir, mount, *base, as_root);
	return 0;
}
