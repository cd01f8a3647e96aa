/* The delegated base, remembered between commands (docs/ARCHITECTURE.md,
 * "The systemd base is cached by cgroup id").
 *
 * Asking systemd over D-Bus where boxcg.service's cgroup is costs three
 * round trips and loading libsystemd: most of a `box exec` on a systemd
 * host. After a lookup the answer is written to <state>/sd-base (0600, the
 * caller's own, replaced by rename):
 *
 *   boxcg-sd-base 1
 *   manager system|user
 *   boot <the boot id, /proc/sys/kernel/random/boot_id>
 *   cgroup <the unit's ControlGroup, "/system.slice/boxcg.service">
 *   id <st_ino of that cgroup directory: the kernel's cgroup id>
 *
 * The next command uses it without D-Bus only when every check holds: the
 * file is a regular file of the euid, mode 0600 or stricter, one link, no
 * symlink; every line exactly as above; the path normalized (absolute, no
 * empty, "." or ".." component, no component starting with a dot, only
 * the characters of systemd unit and slice names), its last component
 * boxcg.service, and for a user manager under
 * /user.slice/user-UID.slice/user@UID.service/ of the euid; the boot id
 * this boot's; the directory at that path under the cgroup2 mount on
 * cgroup2, owned by the euid, with that inode (a cgroup id is never given
 * to another cgroup within a boot, so a unit stopped or restarted since
 * has a new one); systemd's trusted.delegate xattr, where it is set, "1";
 * its .holder leaf holding a process; and for a user, the caller already
 * inside the unit. Anything else falls back to D-Bus, which rewrites the
 * file. */
#ifndef BX_SYSTEMD_BASECACHE_H
#define BX_SYSTEMD_BASECACHE_H

#include <stdbool.h>

#include "core/err.h"

#define BX_SD_CACHE_NAME "sd-base"

typedef struct bx_sd_cache {
	bool user;               /* the user manager's unit */
	char boot[37];           /* boot id, 36 characters */
	char *cgroup;            /* the unit's cgroup, relative to the mount */
	unsigned long long id;   /* its cgroup id (st_ino) */
} bx_sd_cache;

void bx_sd_cache_free(bx_sd_cache *c);

/* Parse the file's text strictly; 0, or -1 with *why (static text). */
int bx_sd_cache_parse(const char *text, bx_sd_cache *c, const char **why);

/* Is `cg` a cgroup path boxcg accepts for boxcg.service of that manager
 * (user: the user manager of uid)? */
bool bx_sd_cache_path_ok(const char *cg, bool user, unsigned uid);

/* The file's text for c; malloc'ed, NULL when out of memory. */
char *bx_sd_cache_format(const bx_sd_cache *c);

/* Read and parse <state_dir>/sd-base with the ownership checks above; 0,
 * or -1 with *why (static text) when it is missing or refused. */
int bx_sd_cache_read(const char *state_dir, bx_sd_cache *c, const char **why);

/* This boot's id into boot[37]; 0, or -1. */
int bx_sd_boot_id(char boot[37]);

/* The base directory (mount + cgroup, malloc'ed) when the cached entry
 * still names the delegated unit of this manager; NULL with *why when not. */
char *bx_sd_cache_check(const bx_sd_cache *c, const char *mount, bool as_root, const char **why);

/* Record a base found over D-Bus (dir: under mount). Best effort: a state
 * directory that cannot be used for it only costs the next command a
 * lookup. */
void bx_sd_cache_store(const char *state_dir, const char *mount, const char *dir, bool as_root);

/* The base on a systemd host: from the cache in state_dir when it holds
 * (*cached true), else bx_sd_find_base over D-Bus, then recorded. NULL
 * state_dir: no cache. *base is malloc'ed. */
int bx_sd_base(const char *mount, bool as_root, const char *state_dir, char **base, bool *cached,
	       bx_error **err);

#endif
