/* The knob registry, part two: policy keys and the files they land in. */
#include "knobs.h"

#include <string.h>

#include "core/util.h"

#define MAX_PIDS 4194304
#define MAX_WEIGHT 10000
#define US_PER_S INT64_C(1000000)

const bx_knob bx_knobs[] = {
	{ "cpu.max", "cpu.max", BX_VT_CPUS, 0, 0,
	  "CPU bandwidth in CPUs: max, 1, 0.5, \"1500m\" or \"150%\"" },
	{ "cpu.period", "cpu.max", BX_VT_DURATION, 1000, US_PER_S,
	  "bandwidth period, 1ms to 1s (default 100ms)" },
	{ "cpu.burst", "cpu.max.burst", BX_VT_DURATION, 0, US_PER_S,
	  "burst allowance above the quota, at most the quota" },
	{ "cpu.weight", "cpu.weight", BX_VT_INT, 1, MAX_WEIGHT,
	  "proportional CPU share, 1 to 10000 (default 100)" },
	{ "cpu.nice", "cpu.weight.nice", BX_VT_INT, -20, 19,
	  "CPU weight as a nice value, -20 to 19; excludes weight" },
	{ "cpu.idle", "cpu.idle", BX_VT_BOOL, 0, 1,
	  "schedule as SCHED_IDLE; excludes weight and nice" },
	{ "memory.min", "memory.min", BX_VT_MEMSIZE, 0, 0,
	  "hard memory protection: size, max or percent of memory.max" },
	{ "memory.low", "memory.low", BX_VT_MEMSIZE, 0, 0,
	  "best-effort memory protection: size, max or percent of memory.max" },
	{ "memory.high", "memory.high", BX_VT_MEMSIZE, 0, 0,
	  "throttle above this: size, max or percent of memory.max" },
	{ "memory.max", "memory.max", BX_VT_MEMSIZE, 0, 0,
	  "hard limit, OOM above it: size, max or percent of host RAM" },
	{ "memory.swap_max", "memory.swap.max", BX_VT_SIZE, 0, 0,
	  "swap limit: size or max" },
	{ "memory.swap_high", "memory.swap.high", BX_VT_SIZE, 0, 0,
	  "swap throttle: size or max" },
	{ "memory.zswap_max", "memory.zswap.max", BX_VT_SIZE, 0, 0,
	  "zswap limit: size or max" },
	{ "memory.oom_group", "memory.oom.group", BX_VT_BOOL, 0, 1,
	  "kill the whole cgroup on OOM" },
	{ "pids.max", "pids.max", BX_VT_INT_OR_MAX, 0, MAX_PIDS,
	  "process limit: 0 to 4194304 or max" },
	{ "io.weight", "io.weight", BX_VT_INT, 1, MAX_WEIGHT,
	  "default proportional IO weight, 1 to 10000" },
	{ "io.devices", "io.max", BX_VT_DEVICES, 0, 0,
	  "per-device limits: device, weight, rbps, wbps, riops, wiops" },
	{ "cpuset.cpus", "cpuset.cpus", BX_VT_CPULIST, 0, 0,
	  "CPUs allowed, a list such as \"0-3,6\"" },
	{ "cpuset.mems", "cpuset.mems", BX_VT_CPULIST, 0, 0,
	  "memory nodes allowed, a list such as \"0\"" },
	{ "hugetlb.*", "hugetlb.*.max", BX_VT_SIZE, 0, 0,
	  "huge page limit per size (2MB, 1GB): size or max" },
	{ "misc.*", "misc.max", BX_VT_INT_OR_MAX, 0, INT64_MAX,
	  "misc resource limit: integer or max" },
	{ "cgroup.max_descendants", "cgroup.max.descendants", BX_VT_INT_OR_MAX, 0, INT32_MAX,
	  "most descendant cgroups: integer or max" },
	{ "cgroup.max_depth", "cgroup.max.depth", BX_VT_INT_OR_MAX, 0, INT32_MAX,
	  "deepest descendant level: integer or max" },
};
const size_t bx_nknobs = BX_ARRAY_LEN(bx_knobs);

const bx_knob bx_device_knobs[] = {
	{ "device", "io.max", BX_VT_STRING, 0, 0,
	  "the disk: \"MAJ:MIN\" or a /dev path resolved on the target host" },
	{ "weight", "io.weight", BX_VT_INT, 1, MAX_WEIGHT,
	  "proportional IO weight on this device, 1 to 10000" },
	{ "rbps", "io.max", BX_VT_SIZE, 1, INT64_MAX,
	  "read bytes per second: a size (at least 1) or max" },
	{ "wbps", "io.max", BX_VT_SIZE, 1, INT64_MAX,
	  "write bytes per second: a size (at least 1) or max" },
	{ "riops", "io.max", BX_VT_INT_OR_MAX, 1, UINT32_MAX - 1,
	  "read operations per second: 1 to 4294967294 or max" },
	{ "wiops", "io.max", BX_VT_INT_OR_MAX, 1, UINT32_MAX - 1,
	  "write operations per second: 1 to 4294967294 or max" },
};
const size_t bx_ndevice_knobs = BX_ARRAY_LEN(bx_device_knobs);

const bx_knob *bx_knob_lookup(const char *key)
{
	for (size_t i = 0; i < bx_nknobs; i++) {
		const char *k = bx_knobs[i].key;
		if (k[0] != key[0]) /* most differ at once: no strlen */
			continue;
		size_t kl = strlen(k);
		if (kl >= 2 && k[kl - 1] == '*') {
			/* family: "hugetlb.*" matches "hugetlb.2MB" */
			if (strncmp(key, k, kl - 1) == 0 && key[kl - 1] != '\0' &&
			    !strchr(key + kl - 1, '.'))
				return &bx_knobs[i];
		} else if (strcmp(k, key) == 0) {
			return &bx_knobs[i];
		}
	}
	return NULL;
}
