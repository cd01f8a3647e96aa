/* A box's last counters, kept by box delete (box.h: bx_box_final). */
#include <errno.h>
#include <stdlib.h>

#include "box/box.h"
#include "box/procs.h"
#include "core/util.h"

static int64_t keyed(bx_cgfs *fs, const char *cg, const char *file, const char *key)
{
	cleanup_free char *s = NULL;
	bx_error *e = NULL;
	uint64_t v;
	if (bx_cgfs_read(fs, cg, file, &s, &e) < 0 || bx_keyed_u64(s, key, &v, &e) < 0 ||
	    v > INT64_MAX) {
		bx_error_free(e);
		return -1;
	}
	return (int64_t)v;
}

static int64_t scalar(bx_cgfs *fs, const char *cg, const char *file)
{
	cleanup_free char *s = NULL;
	bx_error *e = NULL;
	if (bx_cgfs_read(fs, cg, file, &s, &e) < 0) {
		bx_error_free(e);
		return -1;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	return errno || end == s || *end || v < 0 ? -1 : v;
}

void bx_box_final_read(bx_cgfs *fs, const char *cg, bx_box_final *f)
{
	f->cpu_usage_usec = keyed(fs, cg, "cpu.stat", "usage_usec");
	f->memory_peak = scalar(fs, cg, "memory.peak");
	if (f->memory_peak < 0)
		f->memory_peak = scalar(fs, cg, "memory.current");
	f->oom_kill = keyed(fs, cg, "memory.events", "oom_kill");
}
