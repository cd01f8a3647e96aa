/* Finding the base when --root is not given: the cgroup2 mount for root,
 * the delegated cgroup a non-root user runs in otherwise. */
#include "cgroupfs/cgfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

/* The path of the "0::/path" line of a /proc/self/cgroup text, copied;
 * NULL when there is none. */
static char *unified_path(const char *text)
{
	const char *s = text;
	while (s && *s) {
		size_t n = strcspn(s, "\n");
		if (n > 3 && strncmp(s, "0::", 3) == 0 && s[3] == '/')
			return strndup(s + 3, n - 3);
		s += n;
		if (*s)
			s++;
	}
	return NULL;
}

/* What the caller cannot write in dir: NULL when it can write everything
 * a base needs (create children, move processes, enable controllers).
 * "" with errno set when dir cannot be opened at all. */
static const char *unwritable_part(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return "";
	const char *bad = NULL;
	if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) < 0)
		bad = "the directory";
	else if (faccessat(fd, "cgroup.procs", W_OK, AT_EACCESS) < 0)
		bad = "cgroup.procs";
	else if (faccessat(fd, "cgroup.subtree_control", W_OK, AT_EACCESS) < 0)
		bad = "cgroup.subtree_control";
	close(fd);
	return bad;
}

/* Absolute directory of cgroup `path` (from /proc/self/cgroup) under the
 * mount; NULL with errno EXDEV when the cgroup lies outside the part of
 * the hierarchy that is mounted. */
static char *cgroup_dir(const bx_mountinfo *mi, const char *path)
{
	const char *root = mi->cg2_root;
	size_t rn = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (rn && (strncmp(path, root, rn) != 0 || (path[rn] != '/' && path[rn] != '\0'))) {
		errno = EXDEV;
		return NULL;
	}
	const char *rel = path + rn;
	while (*rel == '/')
		rel++;
	const char *m = mi->cg2_mount;
	size_t mn = strlen(m);
	while (mn > 1 && m[mn - 1] == '/')
		mn--;
	return *rel ? bx_sprintf("%.*s/%s", (int)mn, m, rel) : strndup(m, mn);
}

static int find_delegated(const bx_mountinfo *mi, const char *proc_cgroup, char **base,
			  bx_error **err)
{
	cleanup_free char *path = unified_path(proc_cgroup);
	if (!path)
		return bx_err(err, 0,
			      "no cgroup v2 entry (\"0::/…\") in /proc/self/cgroup: cannot tell which "
			      "cgroup this process runs in; pass --root");
	cleanup_free char *dir = cgroup_dir(mi, path);
	if (!dir)
		return bx_err(err, errno, "this process's cgroup %s is outside the cgroup2 mount %s",
			      path, mi->cg2_mount);
	const char *bad = unwritable_part(dir);
	if (bad && !*bad)
		return bx_err(err, errno, "open %s, the cgroup this process runs in", dir);
	if (bad)
		return bx_err(err, EACCES,
			      "no delegated cgroup to work in: this process runs in cgroup %s, and uid "
			      "%u cannot write %s%s%s (run as root, start boxcg in a delegated cgroup, "
			      "e.g. `systemd-run --user --scope -p Delegate=yes boxcg …`, or pass --root)",
			      path, (unsigned)geteuid(), dir, strcmp(bad, "the directory") ? "/" : "",
			      strcmp(bad, "the directory") ? bad : "");
	/* Climb while the parent is writable too, up to the top of the
	 * delegation (user@UID.service), never above the mount. */
	size_t floor = strlen(mi->cg2_mount);
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < floor || slash == dir)
			break;
		*slash = '\0';
		if (unwritable_part(dir)) {
			*slash = '/';
			break;
		}
	}
	*base = bx_steal(&dir);
	return 0;
}

int bx_cgfs_discover(const char *mountinfo, const char *proc_cgroup, bool as_root, char **base,
		     bx_mountinfo *mi, bx_error **err)
{
	*base = NULL;
	if (bx_mountinfo_parse(mountinfo, mi, err) < 0)
		return -1;
	if (!mi->cg2_mount) {
		bx_mountinfo_free(mi);
		return bx_err(err, ENOENT,
			      "no cgroup2 filesystem is mounted (none in /proc/self/mountinfo); pass "
			      "--root DIR to work on a plain directory");
	}
	if (as_root) {
		*base = strdup(mi->cg2_mount);
		if (!*base) {
			bx_mountinfo_free(mi);
			return bx_err(err, ENOMEM, "discover the cgroup2 mount");
		}
		return 0;
	}
	if (find_delegated(mi, proc_cgroup ? proc_cgroup : "", base, err) < 0) {
		bx_mountinfo_free(mi);
		return -1;
	}
	return 0;
}
