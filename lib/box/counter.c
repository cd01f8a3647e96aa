/* One counter of a box's cgroup, read best-effort (box.h: bx_box_counter):
 * box list, box delete's final counters and the events stream all report
 * a missing or unreadable counter as -1 rather than fail. */
#include <errno.h>
#include <stdlib.h>

#include "box/box.h"
#include "box/procs.h"
#include "core/util.h"

int64_t bx_box_counter(bx_cgfs *fs, const char *cg, const char *file, const char *key)
{
	cleanup_free char *s = NULL;
	bx_error *e = NULL;
	if (bx_cgfs_read(fs, cg, file, &s, &e) < 0) {
		bx_error_free(e);
		return -1;
	}
	if (key) {
		uint64_t v;
		if (bx_keyed_u64(s, key, &v, &e) < 0) {
			bx_error_free(e);
			return -1;
		}
		return v > INT64_MAX ? -1 : (int64_t)v;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	return errno || end == s || *end || v < 0 ? -1 : v;
}
