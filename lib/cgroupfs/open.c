/* Opening the base: a cgroup2 filesystem (found or given), or a plain
 * directory for directory mode; anything else is refused. */
#include "cgroupfs/cgfs_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/util.h"
#include "systemd/basecache.h"
#include "systemd/sd.h"

static int read_text(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = bx_read_fd(fd, out);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* Pseudo filesystems that are directories but no place for directory
 * mode: writing "memory.max" there would be a mistake, never a test. */
static const char *pseudo_fs(unsigned long magic)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} fs[] = {
		{ PROC_SUPER_MAGIC, "procfs" },     { SYSFS_MAGIC, "sysfs" },
		{ CGROUP_SUPER_MAGIC, "cgroup v1" }, { DEBUGFS_MAGIC, "debugfs" },
		{ TRACEFS_MAGIC, "tracefs" },        { SECURITYFS_MAGIC, "securityfs" },
		{ BPF_FS_MAGIC, "bpffs" },           { DEVPTS_SUPER_MAGIC, "devpts" },
		{ SELINUX_MAGIC, "selinuxfs" },      { SMACK_MAGIC, "smackfs" },
		{ EFIVARFS_MAGIC, "efivarfs" },      { PSTOREFS_MAGIC, "pstore" },
		{ NSFS_MAGIC, "nsfs" },              { HUGETLBFS_MAGIC, "hugetlbfs" },
		{ BINFMTFS_MAGIC, "binfmt_misc" },   { 0x62656570, "configfs" },
		{ 0x65735543, "fusectl" },           { 0x19800202, "mqueue" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(fs); i++)
		if (fs[i].magic == magic)
			return fs[i].name;
	return NULL;
}

static int classify(bx_cgfs *fs, const char *root, bool discovered, const char *mountinfo,
		    const bx_mountinfo *mi, bx_error **err)
{
	struct statfs sfs;
	if (fstatfs(fs->base_fd, &sfs) < 0)
		return bx_err(err, errno, "statfs %s", root);
	unsigned long magic = (unsigned long)sfs.f_type;
	if (magic == BX_CGROUP2_SUPER_MAGIC) {
		fs->dirmode = false;
		fs->hybrid = mi->hybrid;
		fs->v1_bound = mi->v1_bound;
		return 0;
	}
	if (discovered)
		return bx_err(err, 0, "%s was found as the cgroup2 mount but is not a cgroup2 filesystem",
			      root);
	const char *pseudo = pseudo_fs(magic);
	cleanup_free char *hint = mi->cg2_mount ? bx_sprintf(" (the cgroup2 mount is %s)", mi->cg2_mount)
					       : NULL;
	if (magic == CGROUP_SUPER_MAGIC)
		return bx_err(err, 0,
			      "%s is a cgroup v1 hierarchy: boxcg needs cgroup2%s, or a plain "
			      "directory for directory mode",
			      root, hint ? hint : "");
	if (pseudo)
		return bx_err(err, 0, "%s is on %s: neither a cgroup2 filesystem nor a plain directory",
			      root, pseudo);
	if (mountinfo && bx_mountinfo_has_cgroup_below(mountinfo, fs->base_path))
		return bx_err(err, 0, "%s holds cgroup mounts, it is not a plain directory%s", root,
			      hint ? hint : "");
	fs->dirmode = true;
	return 0;
}

static int open_base(bx_cgfs *fs, const char *root, bx_error **err)
{
	fs->base_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->base_fd < 0) {
		if (errno == ENOTDIR)
			return bx_err(err, ENOTDIR,
				      "%s is a file: the root must be a cgroup2 filesystem or a "
				      "plain directory",
				      root);
		return bx_err(err, errno, "open root %s", root);
	}
	fs->base_path = realpath(root, NULL);
	if (!fs->base_path)
		fs->base_path = strdup(root);
	if (!fs->base_path)
		return bx_err(err, ENOMEM, "open root %s", root);
	return 0;
}

/* What a root given by the caller needs from the mount table: for a
 * cgroup2 root only the v1 hierarchies beside it, which /proc/self/cgroup
 * lists in a few lines (/proc/self/mountinfo formats every mount of the
 * system: a tenth of a millisecond here, more on a host with hundreds);
 * for anything else the mounts, to refuse a directory that holds cgroup
 * mounts and to name the cgroup2 mount in messages. */
static int given_root_facts(bx_cgfs *fs, char **mountinfo, bx_mountinfo *mi, bx_error **err)
{
	struct statfs sfs;
	if (fstatfs(fs->base_fd, &sfs) == 0 && (unsigned long)sfs.f_type == BX_CGROUP2_SUPER_MAGIC) {
		cleanup_free char *cgtext = NULL;
		if (read_text("/proc/self/cgroup", &cgtext) == 0) /* else: only hybrid detection is lost */
			bx_proc_cgroup_v1(cgtext, &mi->hybrid, &mi->v1_bound);
		return 0;
	}
	if (read_text("/proc/self/mountinfo", mountinfo) < 0) {
		*mountinfo = NULL; /* only the checks that need it are lost */
		return 0;
	}
	return bx_mountinfo_parse(*mountinfo, mi, err);
}

int bx_cgfs_open(const char *root, bx_cgfs **out, bx_error **err)
{
	return bx_cgfs_open_state(root, NULL, out, err);
}

int bx_cgfs_open_state(const char *root, const char *state_dir, bx_cgfs **out, bx_error **err)
{
	*out = NULL;
	bx_cgfs *fs = calloc(1, sizeof *fs);
	if (!fs)
		return bx_err(err, ENOMEM, "open cgroupfs");
	fs->base_fd = -1;
	cleanup_free char *mountinfo = NULL, *found = NULL;
	bx_mountinfo mi = {0};
	int r = -1;
	bool discovered = !root;
	if (discovered) {
		cleanup_free char *cgtext = NULL;
		bool as_root = geteuid() == 0;
		if (read_text("/proc/self/mountinfo", &mountinfo) < 0) {
			bx_err(err, errno, "read /proc/self/mountinfo");
			goto out;
		}
		if (!as_root && read_text("/proc/self/cgroup", &cgtext) < 0) {
			bx_err(err, errno, "read /proc/self/cgroup");
			goto out;
		}
		/* systemd owns the tree: only the subtree it delegated to
		 * boxcg.service is boxcg's (systemd/sd.h); the mount is all
		 * that is needed from the mount table then. */
		bool sd = bx_sd_booted();
		if (bx_cgfs_discover(mountinfo, cgtext, as_root || sd, &found, &mi, err) < 0)
			goto out;
		if (sd) {
			free(found);
			found = NULL;
			bool cached;
			if (bx_sd_base(mi.cg2_mount, as_root, state_dir, &found, &cached, err) < 0)
				goto out;
			fs->base_how = cached ? "cache" : "systemd";
		}
		root = found;
		if (open_base(fs, root, err) < 0)
			goto out;
	} else if (open_base(fs, root, err) < 0 || given_root_facts(fs, &mountinfo, &mi, err) < 0) {
		goto out;
	}
	if (classify(fs, root, discovered, mountinfo, &mi, err) < 0)
		goto out;
	bx_host_facts_probe(&fs->facts);
	*out = fs;
	fs = NULL;
	r = 0;
out:
	bx_mountinfo_free(&mi);
	bx_cgfs_close(fs);
	return r;
}

void bx_cgfs_close(bx_cgfs *fs)
{
	if (!fs)
		return;
	bx_cgfs_cache_free(fs);
	if (fs->base_rfd > 0)
		close(fs->base_rfd);
	if (fs->base_fd >= 0)
		close(fs->base_fd);
	free(fs->base_path);
	free(fs->boot_id);
	free(fs->base_id);
	free(fs);
}
