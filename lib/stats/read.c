/* Read one cgroup's statistics files relative to its directory fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "stats/stats.h"
#include "stats/stats_int.h"

/* The file's text, NULL when the cgroup has no such file (directory mode:
 * the registry default, or NULL when the kernel default is not a fixed
 * value). */
static int slurp(bx_cgfs *fs, int dirfd, const char *cg, const char *file, char **out,
		 bx_error **err)
{
	*out = NULL;
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (fs->dirmode ? O_NONBLOCK : 0));
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT && fs->dirmode) {
			*out = bx_dirmode_default(file);
			if (*out || errno == ENOENT)
				return 0;
			return bx_err(err, errno, "read %s/%s", cg, file);
		}
		/* ENOENT: not enabled here; EOPNOTSUPP: PSI switched off */
		if (e == ENOENT || e == EOPNOTSUPP)
			return 0;
		return bx_err(err, e, "read %s/%s", cg, file);
	}
	int r = bx_pread_all(fd, true, out, NULL);
	int e = errno;
	close(fd);
	if (r < 0 && fs->dirmode && bx_not_plain(e))
		return bx_err(err, EINVAL, "read %s/%s: not a plain file", cg, file);
	if (r < 0) {
		/* a PSI file reads EOPNOTSUPP when psi=0 on the command line */
		if (e == EOPNOTSUPP)
			return 0;
		return bx_err(err, e, "read %s/%s", cg, file);
	}
	return 0;
}

static void absent(bx_stats *s)
{
	int64_t *all[] = {
		&s->cpu_usage_usec, &s->cpu_user_usec, &s->cpu_system_usec, &s->cpu_nr_periods,
		&s->cpu_nr_throttled, &s->cpu_throttled_usec, &s->mem_current, &s->mem_peak,
		&s->mem_high, &s->mem_max, &s->swap_current, &s->swap_peak, &s->swap_max,
		&s->pids_current, &s->pids_peak, &s->pids_max, &s->pids_events_max,
	};
	*s = (bx_stats){0};
	for (size_t i = 0; i < BX_ARRAY_LEN(all); i++)
		*all[i] = BX_STAT_ABSENT;
	for (int i = 0; i < BX_MEV_N; i++)
		s->mem_events[i] = BX_STAT_ABSENT;
	for (int i = 0; i < BX_PSI_N; i++)
		s->psi[i].some = s->psi[i].full = (bx_psi_line){ BX_STAT_ABSENT, BX_STAT_ABSENT,
								  BX_STAT_ABSENT, BX_STAT_ABSENT };
}

enum kind { K_CPU, K_SCALAR, K_LIMIT, K_MEV, K_PEV, K_IO, K_PSI };

static const struct {
	const char *file;
	enum kind kind;
	size_t off; /* of the int64_t (scalar, limit) or bx_psi */
} files[] = {
	{ "cpu.stat", K_CPU, 0 },
	{ "memory.current", K_SCALAR, offsetof(bx_stats, mem_current) },
	{ "memory.peak", K_SCALAR, offsetof(bx_stats, mem_peak) },
	{ "memory.high", K_LIMIT, offsetof(bx_stats, mem_high) },
	{ "memory.max", K_LIMIT, offsetof(bx_stats, mem_max) },
	{ "memory.events", K_MEV, 0 },
	{ "memory.swap.current", K_SCALAR, offsetof(bx_stats, swap_current) },
	{ "memory.swap.peak", K_SCALAR, offsetof(bx_stats, swap_peak) },
	{ "memory.swap.max", K_LIMIT, offsetof(bx_stats, swap_max) },
	{ "pids.current", K_SCALAR, offsetof(bx_stats, pids_current) },
	{ "pids.peak", K_SCALAR, offsetof(bx_stats, pids_peak) },
	{ "pids.max", K_LIMIT, offsetof(bx_stats, pids_max) },
	{ "pids.events", K_PEV, 0 },
	{ "io.stat", K_IO, 0 },
	{ "cpu.pressure", K_PSI, offsetof(bx_stats, psi[BX_PSI_CPU]) },
	{ "memory.pressure", K_PSI, offsetof(bx_stats, psi[BX_PSI_MEMORY]) },
	{ "io.pressure", K_PSI, offsetof(bx_stats, psi[BX_PSI_IO]) },
};

int bx_stats_read_at(bx_cgfs *fs, int dirfd, const char *cg, bx_stats *out, bx_error **err)
{
	absent(out);
	for (size_t i = 0; i < BX_ARRAY_LEN(files); i++) {
		cleanup_free char *t = NULL;
		if (slurp(fs, dirfd, cg, files[i].file, &t, err) < 0) {
			bx_stats_free(out);
			return -1;
		}
		if (!t)
			continue;
		char *base = (char *)out;
		switch (files[i].kind) {
		case K_CPU:
			bx_stats_parse_cpu(t, out);
			break;
		case K_SCALAR:
		case K_LIMIT:
			*(int64_t *)(base + files[i].off) =
				bx_stats_parse_scalar(t, files[i].kind == K_LIMIT);
			break;
		case K_MEV:
			bx_stats_parse_mev(t, out);
			break;
		case K_PEV:
			bx_stats_parse_pids_events(t, out);
			break;
		case K_IO:
			if (bx_stats_parse_io(t, &out->io, &out->nio) < 0) {
				bx_stats_free(out);
				return bx_err(err, ENOMEM, "read %s/io.stat", cg);
			}
			break;
		case K_PSI:
			bx_stats_parse_psi(t, (bx_psi *)(base + files[i].off));
			break;
		}
	}
	return 0;
}

int bx_stats_read(bx_cgfs *fs, const char *cg, bx_stats *out, bx_error **err)
{
	int fd = -1;
	absent(out);
	if (bx_cgfs_open_dir(fs, cg, &fd, err) < 0)
		return -1;
	int r = bx_stats_read_at(fs, fd, cg, out, err);
	close(fd);
	return r;
}

void bx_stats_free(bx_stats *s)
{
	free(s->io);
	s->io = NULL;
	s->nio = 0;
}
