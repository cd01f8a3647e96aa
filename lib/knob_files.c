/* The knob registry, part one: controllers and interface files. */
#include "knobs.h"

#include <string.h>

#include "core/util.h"

static const char *const ctrl_names[BX_NCTRL] = {
	"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc",
};

const char *bx_ctrl_name(unsigned bit)
{
	for (unsigned i = 0; i < BX_NCTRL; i++)
		if (bit == 1u << i)
			return ctrl_names[i];
	return NULL;
}

unsigned bx_ctrl_from_name(const char *name, size_t len)
{
	for (unsigned i = 0; i < BX_NCTRL; i++)
		if (strlen(ctrl_names[i]) == len && memcmp(ctrl_names[i], name, len) == 0)
			return 1u << i;
	return 0;
}

unsigned bx_ctrl_parse_list(const char *s)
{
	unsigned bits = 0;
	while (s && *s) {
		s += strspn(s, " \t\n");
		size_t n = strcspn(s, " \t\n");
		if (n)
			bits |= bx_ctrl_from_name(s, n);
		s += n;
	}
	return bits;
}

char *bx_ctrl_format_list(unsigned bits)
{
	bx_buf b = {0};
	for (unsigned i = 0; i < BX_NCTRL; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (b.len)
			bx_buf_puts(&b, " ");
		bx_buf_puts(&b, ctrl_names[i]);
	}
	return bx_buf_take(&b);
}

/* Write ranks: structural limits first, then protections and weights,
 * then hard limits. Value-dependent orderings (lowering cpu.max.burst
 * before the quota; cpu.idle / cpu.weight.nice before cpu.weight) are
 * the planner's job and refine this order. */
const bx_file_info bx_files[] = {
	{ "cgroup.max.descendants", 0, BX_SHAPE_SCALAR, "max", 10 },
	{ "cgroup.max.depth", 0, BX_SHAPE_SCALAR, "max", 10 },
	{ "cpuset.cpus", BX_CTRL_CPUSET, BX_SHAPE_SCALAR, "", 20 },
	{ "cpuset.mems", BX_CTRL_CPUSET, BX_SHAPE_SCALAR, "", 21 },
	{ "cpu.idle", BX_CTRL_CPU, BX_SHAPE_SCALAR, "0", 30 },
	{ "cpu.weight.nice", BX_CTRL_CPU, BX_SHAPE_SCALAR, "0", 31 },
	{ "cpu.weight", BX_CTRL_CPU, BX_SHAPE_SCALAR, "100", 32 },
	{ "cpu.max.burst", BX_CTRL_CPU, BX_SHAPE_SCALAR, "0", 33 },
	{ "cpu.max", BX_CTRL_CPU, BX_SHAPE_SCALAR, "max 100000", 34 },
	{ "io.weight", BX_CTRL_IO, BX_SHAPE_KEYED, "100", 40 },
	{ "io.max", BX_CTRL_IO, BX_SHAPE_KEYED, "rbps=max wbps=max riops=max wiops=max", 41 },
	{ "memory.oom.group", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "0", 50 },
	{ "memory.min", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "0", 51 },
	{ "memory.low", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "0", 52 },
	{ "memory.swap.high", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 53 },
	{ "memory.swap.max", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 54 },
	{ "memory.zswap.max", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 55 },
	{ "memory.high", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 56 },
	{ "memory.max", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 57 },
	{ "hugetlb.*.max", BX_CTRL_HUGETLB, BX_SHAPE_SCALAR, "max", 60 },
	{ "pids.max", BX_CTRL_PIDS, BX_SHAPE_SCALAR, "max", 70 },
	{ "misc.max", BX_CTRL_MISC, BX_SHAPE_KEYED, "max", 80 },
};
const size_t bx_nfiles = BX_ARRAY_LEN(bx_files);

static bool match_hugetlb(const char *name)
{
	size_t n = strlen(name);
	return n > 12 && strncmp(name, "hugetlb.", 8) == 0 &&
	       strcmp(name + n - 4, ".max") == 0 &&
	       strchr(name + 8, '.') == name + n - 4;
}

const bx_file_info *bx_file_lookup(const char *name)
{
	for (size_t i = 0; i < bx_nfiles; i++) {
		const char *p = bx_files[i].name;
		if (strcmp(p, "hugetlb.*.max") == 0 ? match_hugetlb(name) : strcmp(p, name) == 0)
			return &bx_files[i];
	}
	return NULL;
}

