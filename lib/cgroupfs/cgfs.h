/* cgroupfs access: finding the base, and every read, write, mkdir and
 * rmdir boxcg makes, relative to a directory fd of the base.
 *
 * Paths handed to these functions are relative to the base ("" is the base
 * itself, "boxlite/small/b1" a box). They are resolved with openat2()
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where the kernel has it, and
 * component by component with O_NOFOLLOW otherwise, so no write can leave
 * the base, even through symlinks planted inside it. Absolute paths and
 * ".." components are refused (EINVAL).
 *
 * Directory mode: when the base is a plain directory and not a cgroup2
 * filesystem, interface files are plain files, a missing one reads as the
 * kernel's default (from the knob registry), every controller counts as
 * available, and writes emulate the kernel's semantics for the files boxcg
 * manages (subtree_control +/-, keyed files merged per key, rmdir of a
 * cgroup with children fails EBUSY). */
#ifndef BX_CGROUPFS_CGFS_H
#define BX_CGROUPFS_CGFS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"
#include "model.h"

#define BX_CGROUP2_SUPER_MAGIC 0x63677270

typedef struct bx_cgfs {
	int base_fd;          /* O_PATH|O_DIRECTORY descriptor of the base */
	char *base_path;      /* absolute path of the base, for messages */
	bool dirmode;         /* a plain directory, not cgroup2 */
	bool hybrid;          /* cgroup2 mounted beside v1 hierarchies */
	unsigned v1_bound;    /* controllers bound to v1 hierarchies (bx_ctrl bits) */
	bx_host_facts facts;  /* this host's facts (directory mode too) */
	/* How a discovered base on a systemd host was found: "cache" (the
	 * state directory's record, no D-Bus), "systemd" (asked over D-Bus);
	 * NULL otherwise. Static text. */
	const char *base_how;
	/* Fault injection for tests: when > 0, the Nth mutation from now
	 * (mkdir, rmdir, write) fails with fail_errno instead of running. */
	long fail_after;
	int fail_errno;
	/* Resolve paths component by component (openat + O_NOFOLLOW) instead
	 * of openat2(). Set by tests to exercise the fallback, and by the
	 * library itself when the kernel has no openat2 (ENOSYS). */
	bool no_openat2;
	/* Tests, directory mode: the emulated cgroup.events never reports
	 * `frozen 1` (a box with a process that does not freeze, as one in
	 * uninterruptible sleep), so the freeze timeout can be exercised. */
	bool freeze_stuck;
	/* Between bx_cgfs_cache_begin and _end: directory fds of the last
	 * cgroups accessed (cgroupfs/dircache.c). NULL outside a session. */
	struct bx_cgfs_dircache *cache;
	/* Between sessions: the descriptors a session chose to keep
	 * (bx_cgfs_cache_park), until the next one revives or drops them. */
	struct bx_cgfs_dircache *parked;
	/* The journal header's boot id and the base's identity, read at the
	 * first transaction (lib/apply): fixed for the process and the fd. */
	char *boot_id, *base_id;
	/* An O_RDONLY descriptor of the base, opened at its first use by
	 * bx_cgfs_dir_get (its xattrs and files); 0 until then (-1: it could
	 * not be opened, so each use opens one). */
	int base_rfd;
} bx_cgfs;

/* What /proc/self/mountinfo says about cgroups (see cgroupfs/mountinfo.c). */
typedef struct bx_mountinfo {
	char *cg2_mount;   /* the cgroup2 mount point, NULL if none */
	char *cg2_root;    /* the part of the hierarchy mounted there ("/") */
	bool hybrid;       /* cgroup v1 hierarchies are mounted too */
	unsigned v1_bound; /* controllers bound to v1 hierarchies (bx_ctrl bits) */
} bx_mountinfo;

/* The v1 hierarchies of a /proc/self/cgroup text (lines "N:ctrls:path"
 * with N != 0): *hybrid when there is one, *v1_bound the controllers bound
 * to them. The same facts as a mountinfo's cgroup (v1) mounts give, for
 * the price of a few lines instead of every mount of the system. */
void bx_proc_cgroup_v1(const char *text, bool *hybrid, unsigned *v1_bound);

/* Parse a mountinfo text. Never fails on odd lines (they are skipped);
 * -1 only when out of memory. */
int bx_mountinfo_parse(const char *text, bx_mountinfo *mi, bx_error **err);
void bx_mountinfo_free(bx_mountinfo *mi);
/* true when a cgroup or cgroup2 mount point lies strictly below `dir`
 * (an absolute, canonical path): such a directory is not a plain one. */
bool bx_mountinfo_has_cgroup_below(const char *text, const char *dir);

/* Find the base from the texts of /proc/self/mountinfo and
 * /proc/self/cgroup (testable). as_root: the cgroup2 mount. Otherwise the
 * delegated cgroup: walking up from the caller's own cgroup ("0::/path"),
 * the highest one of that chain the caller can write (cgroup.procs,
 * cgroup.subtree_control and the directory itself, checked with
 * faccessat(AT_EACCESS)); a clear error when even its own cgroup is not
 * writable. Fills *mi (caller frees with bx_mountinfo_free). */
int bx_cgfs_discover(const char *mountinfo, const char *proc_cgroup, bool as_root, char **base,
		     bx_mountinfo *mi, bx_error **err);

/* Open the base. root == NULL: discover it (the cgroup2 mount from
 * /proc/self/mountinfo for root; for other users the delegated cgroup they
 * run in, checked for write access). A root that is neither cgroup2 nor a
 * plain directory is refused. */
int bx_cgfs_open(const char *root, bx_cgfs **out, bx_error **err);
/* The same, with the state directory (NULL: none) where, on a systemd
 * host, the delegated base is cached between commands
 * (systemd/basecache.h). */
int bx_cgfs_open_state(const char *root, const char *state_dir, bx_cgfs **out, bx_error **err);
void bx_cgfs_close(bx_cgfs *fs);

/* The cgroup2 mount point from a mountinfo text (testable); NULL if none. */
char *bx_cgfs_find_mount(const char *mountinfo);

/* Read an interface file of cgroup `cg`; trailing newline stripped. In
 * directory mode a missing file reads as the registry default (ENOENT if
 * the cgroup itself is missing). */
int bx_cgfs_read(bx_cgfs *fs, const char *cg, const char *file, char **out, bx_error **err);

/* Directory mode: what a missing interface file of an existing cgroup
 * reads as (the registry default, as bx_cgfs_read answers); NULL with
 * errno ENOENT for a file the kernel would not have, or ENOMEM. For a
 * reader that holds the cgroup's directory already. */
char *bx_dirmode_default(const char *file);

/* Directory mode: recompute the emulated cgroup.events (populated from
 * cgroup.procs here and below, frozen from cgroup.freeze) of `cg` and its
 * ancestors, after a process line was added or removed behind the
 * emulation's back (a join's own write). Nothing to do on cgroup2. */
int bx_dirmode_events_sync(bx_cgfs *fs, const char *cg, bx_error **err);

/* Write one value with one write(). */
int bx_cgfs_write(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		  bx_error **err);

/* The same, then read the file back as bx_cgfs_read does, through the
 * same open file (opened for reading and writing): one open instead of
 * two. In directory mode the read-back comes from the plain file the
 * emulation just stored, through its descriptor. */
int bx_cgfs_write_read(bx_cgfs *fs, const char *cg, const char *file, const char *value,
		       char **back, bx_error **err);

int bx_cgfs_mkdir(bx_cgfs *fs, const char *cg, bx_error **err);
int bx_cgfs_rmdir(bx_cgfs *fs, const char *cg, bx_error **err);

/* 1 if the cgroup directory exists, 0 if not, -1 on error. */
int bx_cgfs_exists(bx_cgfs *fs, const char *cg, bx_error **err);

/* Names of the child cgroups of `cg`, sorted. */
int bx_cgfs_children(bx_cgfs *fs, const char *cg, char ***names, size_t *n, bx_error **err);
void bx_strv_free(char **v, size_t n);

/* Controllers available in `cg` (its cgroup.controllers; every controller
 * in directory mode). */
int bx_cgfs_controllers(bx_cgfs *fs, const char *cg, unsigned *bits, bx_error **err);

/* An O_DIRECTORY|O_CLOEXEC fd of cgroup `cg` (for clone3
 * CLONE_INTO_CGROUP), or of an interface file opened for writing. */
int bx_cgfs_open_dir(bx_cgfs *fs, const char *cg, int *fd, bx_error **err);
int bx_cgfs_open_file(bx_cgfs *fs, const char *cg, const char *file, int flags, int *fd,
		      bx_error **err);

/* The whole file from offset 0 (pread), NUL-terminated; -1 with errno.
 * `regular`: a short read is its end (plain files, and kernfs interface
 * files read in one go); else it reads until 0. *len (when not NULL)
 * gets the bytes read, which a NUL in the file makes more than strlen. */
int bx_pread_all(int fd, bool regular, char **out, size_t *len);

/* A whole fd read to its end (read until 0) into a NUL-terminated
 * string, failing EFBIG past `max` bytes; -1 with errno. For kernel
 * tables (/proc) as for kernfs files. */
int bx_read_fd_max(int fd, size_t max, char **out);

/* Directory mode reads with pread and no fstat: what pread refuses to
 * read from offset 0 is not a plain file (a planted FIFO: ESPIPE; a
 * directory: EISDIR). Opened O_NONBLOCK, a FIFO cannot hang the open;
 * a socket fails it (ENXIO); a device node needs root to plant, and
 * reads no more than BX_DIRMODE_READ_MAX. */
static inline bool bx_not_plain(int e)
{
	return e == ESPIPE || e == EISDIR;
}

/* The most read from one interface file in directory mode (regular
 * files; the kernel's are a few KiB): more is EFBIG, never read whole. */
#define BX_DIRMODE_READ_MAX (1u << 20)

/* A session of many accesses (a transaction): until the matching _end,
 * the directory fds of the cgroups whose files are opened are kept (a few
 * dozen, the most recent), and each access resolves one name beneath its
 * cgroup's fd instead of the whole path from the base, with the same
 * refusal of symlinks and "..". Only for a session during which nobody
 * else removes and recreates the cgroups it touches (the applier holds
 * the lock): mkdir and rmdir through this bx_cgfs keep it right, others'
 * would not be seen. Calls nest. -1 (ENOMEM) leaves the cache off. */
int bx_cgfs_cache_begin(bx_cgfs *fs);
void bx_cgfs_cache_end(bx_cgfs *fs);
/* Park: when the outermost session ends, keep the descriptors of these
 * cgroups (the others are closed) for the next session that revives them:
 * bx_cgfs_cache_resume(fs, true). A session begun any other way closes
 * them first. The caller answers for their still being the cgroups of
 * those names (lib/frame: the state directory's generation). */
void bx_cgfs_cache_park(bx_cgfs *fs, const char *const *cgs, size_t n);
int bx_cgfs_cache_resume(bx_cgfs *fs, bool revive);
/* Close what the session holds (it stays open): after a failure that may
 * come from a directory removed behind the session's back. */
void bx_cgfs_cache_flush(bx_cgfs *fs);

/* Interface files kept open within a session: an observation that reads
 * a file the transaction is about to write (box update) opens it O_RDWR
 * and keeps it; the write then goes through that descriptor and is read
 * back through it, so the file is opened once. In directory mode the
 * write still checks it (a plain file of one link) before writing.
 * keep takes fd (closed at once when there is no session, no room, or
 * the name is too long); take hands the caller the descriptor of cg/file,
 * or -1 when none is kept. The session's end, a flush and an rmdir of cg
 * close what is left. */
void bx_cgfs_keep_file(bx_cgfs *fs, const char *cg, const char *file, int fd);
int bx_cgfs_take_file(bx_cgfs *fs, const char *cg, const char *file);

/* An O_RDONLY|O_DIRECTORY fd of cgroup `cg` for reading its files and
 * xattrs: in a session the cached one (*borrowed: not to be closed), else
 * a new one as bx_cgfs_open_dir gives. Give it back with bx_cgfs_dir_put. */
int bx_cgfs_dir_get(bx_cgfs *fs, const char *cg, int *fd, bool *borrowed, bx_error **err);
void bx_cgfs_dir_put(bx_cgfs *fs, int fd, bool borrowed);

/* Validate a relative cgroup path: components match the safe-name rule
 * (^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$), no "", ".", "..", no leading '/'. */
bool bx_cgpath_valid(const char *cg);

/* Validate an interface file name: a letter, then letters, digits, '_'
 * and '.' ("memory.max", "hugetlb.2MB.max"), at most 64 bytes; so never
 * "", ".", ".." nor anything with a '/'. */
bool bx_cgfile_valid(const char *file);

/* Why controller `bit` cannot be used under this base, for error messages:
 * "memory is bound to a cgroup v1 hierarchy on this host" when it is, else
 * "memory is not available in <cg>'s cgroup.controllers". Caller frees. */
char *bx_cgfs_ctrl_unavailable(const bx_cgfs *fs, const char *cg, unsigned bit);

#endif
