/* boxcg doctor's findings (doctor/doctor.h). */
#include "doctor/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroupfs/cgfs.h"
#include "core/util.h"
#include "knobs.h"
#include "systemd/sd.h"

/* First line of a file, NULL when it cannot be read. */
static char *first_line(const char *dir, const char *file)
{
	cleanup_free char *path = bx_sprintf("%s/%s", dir, file);
	FILE *f = path ? fopen(path, "re") : NULL;
	if (!f)
		return NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return strdup("");
	}
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

static char *whole_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	bx_buf b = {0};
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		bx_buf_add(&b, chunk, (size_t)n);
	close(fd);
	bx_buf_add(&b, "", 0);
	return bx_buf_take(&b);
}

static unsigned bits_of(const char *dir, const char *file)
{
	cleanup_free char *s = dir ? first_line(dir, file) : NULL;
	return s ? bx_ctrl_parse_list(s) : 0;
}

static int set_problem(bx_doctor *d, bx_error *e)
{
	if (!d->problem)
		d->problem = strdup(e && e->msg ? e->msg : "unknown error");
	bx_error_free(e);
	return d->problem ? 0 : -1;
}

/* On a systemd host: the unit, read-only. */
static int systemd_base(bx_doctor *d)
{
	d->unit = strdup(BX_SD_UNIT);
	d->manager = d->user ? "user" : "system";
	bx_sd_unit u;
	bx_error *e = NULL;
	if (bx_sd_unit_query(!d->user, &u, &e) < 0) {
		bx_sd_unit_free(&u);
		return set_problem(d, e);
	}
	d->unit_load = bx_steal(&u.load_state);
	d->unit_active = bx_steal(&u.active_state);
	d->unit_delegate = u.delegate;
	bool running = bx_streq(d->unit_active, "active") || bx_streq(d->unit_active, "reloading") ||
		       bx_streq(d->unit_active, "activating");
	if (running && u.delegate && u.cgroup && u.cgroup[0] == '/')
		d->base = bx_sprintf("%s%s", d->mount, strcmp(u.cgroup, "/") ? u.cgroup : "");
	else if (d->user && !running)
		d->base_pending = true;
	else if (!running)
		d->problem = bx_sprintf("%s is %s: systemctl enable --now boxcg", BX_SD_UNIT,
					bx_streq(d->unit_load, "loaded") ? "not running" : "not installed");
	else
		d->problem = bx_sprintf("%s has no Delegate=yes: install the shipped unit", BX_SD_UNIT);
	bx_sd_unit_free(&u);
	return 0;
}

/* Where the controllers a base would get come from: the base; for a user
 * whose unit is not started yet, the user manager's own cgroup. */
static char *delegation_dir(const bx_doctor *d)
{
	if (d->base)
		return strdup(d->base);
	if (d->base_pending)
		return bx_sprintf("%s/user.slice/user-%u.slice/user@%u.service", d->mount, d->uid,
				  d->uid);
	return NULL;
}

static char *fix_for(const bx_doctor *d, const char *name, bool available, unsigned v1,
		     unsigned bit, const char *dir)
{
	if (v1 & bit)
		return bx_sprintf("it is bound to a cgroup v1 hierarchy: boot with "
				  "systemd.unified_cgroup_hierarchy=1 (or cgroup_no_v1=%s)",
				  name);
	if (!available)
		return bx_sprintf("this kernel offers no %s controller on cgroup2", name);
	if (!dir)
		return bx_sprintf("no base: see the problem above");
	if (d->unit && d->user) {
		char *h = bx_sd_delegate_hint(dir, name);
		if (h && h[0] == '\n')
			memmove(h, h + 1, strlen(h));
		return h;
	}
	if (d->unit)
		return bx_sprintf("systemd delegates only the controllers it manages (cpu cpuset io "
				  "memory pids) to a Delegate=yes unit; a policy cannot use %s under "
				  "systemd",
				  name);
	return bx_sprintf("the cgroup above %s has not enabled it: its owner writes +%s to that "
			  "cgroup's cgroup.subtree_control",
			  dir, name);
}

int bx_doctor_run(const char *root, bx_doctor *d, bx_error **err)
{
	memset(d, 0, sizeof *d);
	d->uid = (unsigned)geteuid();
	d->user = d->uid != 0;
	bool sd = !root && bx_sd_booted();
	d->owner = sd ? "systemd" : "nobody";
	cleanup_free char *mountinfo = whole_file("/proc/self/mountinfo");
	if (!mountinfo)
		return bx_err(err, errno, "read /proc/self/mountinfo");
	bx_mountinfo mi = {0};
	if (bx_mountinfo_parse(mountinfo, &mi, err) < 0)
		return -1;
	d->mount = mi.cg2_mount ? strdup(mi.cg2_mount) : NULL;
	unsigned v1 = mi.v1_bound;
	d->mode = !mi.cg2_mount ? "none" : mi.hybrid ? "hybrid" : "unified";
	bx_mountinfo_free(&mi);
	bool dirmode = false;
	int r = 0;
	if (root) {
		struct statfs sfs;
		if (statfs(root, &sfs) < 0) {
			d->problem = bx_sprintf("--root %s: %s", root, strerror(errno));
		} else {
			dirmode = (unsigned long)sfs.f_type != BX_CGROUP2_SUPER_MAGIC;
			if (dirmode) {
				/* Nothing of the host's hierarchy applies. */
				d->mode = "directory";
				free(d->mount);
				d->mount = NULL;
			}
			d->base = realpath(root, NULL);
			if (!d->base)
				d->base = strdup(root);
		}
	} else if (!d->mount) {
		d->problem = strdup("no cgroup2 filesystem is mounted: boxcg needs cgroup v2 (or --root "
				    "DIR for directory mode)");
	} else if (sd) {
		r = systemd_base(d);
	} else {
		cleanup_free char *cgtext = whole_file("/proc/self/cgroup");
		bx_mountinfo m2 = {0};
		bx_error *e = NULL;
		if (bx_cgfs_discover(mountinfo, cgtext ? cgtext : "", !d->user, &d->base, &m2, &e) < 0)
			r = set_problem(d, e);
		bx_mountinfo_free(&m2);
	}
	if (r < 0)
		return bx_err(err, ENOMEM, "doctor");
	cleanup_free char *dir = delegation_dir(d);
	unsigned avail = dirmode ? ~0u : d->mount ? bits_of(d->mount, "cgroup.controllers") : 0;
	unsigned deleg = dirmode ? ~0u : dir ? bits_of(dir, "cgroup.controllers") : 0;
	unsigned enabled = d->base && !dirmode ? bits_of(d->base, "cgroup.subtree_control") : 0;
	if (dirmode) {
		cleanup_free char *sc = first_line(d->base, "cgroup.subtree_control");
		enabled = sc ? bx_ctrl_parse_list(sc) : 0;
	}
	/* The base at the mount itself: everything the kernel offers. */
	if (!dirmode && d->base && d->mount && strcmp(d->base, d->mount) == 0)
		deleg = avail;
	for (unsigned bit = 1; bit && d->n_ctrls < BX_DOCTOR_NCTRL; bit <<= 1) {
		const char *name = bx_ctrl_name(bit);
		if (!name)
			break;
		bx_doctor_ctrl *c = &d->ctrls[d->n_ctrls++];
		c->name = name;
		c->available = avail & bit;
		c->delegated = c->available && (deleg & bit);
		c->enabled = c->delegated && (enabled & bit);
		if (!c->delegated) {
			c->fix = fix_for(d, name, c->available, v1, bit, dir);
			if (!c->fix)
				return bx_err(err, ENOMEM, "doctor");
		}
	}
	return 0;
}

void bx_doctor_free(bx_doctor *d)
{
	if (!d)
		return;
	free(d->mount);
	free(d->unit);
	free(d->unit_load);
	free(d->unit_active);
	free(d->base);
	free(d->problem);
	for (size_t i = 0; i < d->n_ctrls; i++)
		free(d->ctrls[i].fix);
	memset(d, 0, sizeof *d);
}
