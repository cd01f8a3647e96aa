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
#define BX_FILE_TABLE(X) \
	X("cgroup.max.descendants", 0, BX_SHAPE_SCALAR, "max", 10) \
	X("cgroup.max.depth", 0, BX_SHAPE_SCALAR, "max", 10) \
	X("cpuset.cpus", BX_CTRL_CPUSET, BX_SHAPE_SCALAR, "", 20) \
	X("cpuset.mems", BX_CTRL_CPUSET, BX_SHAPE_SCALAR, "", 21) \
	X("cpu.idle", BX_CTRL_CPU, BX_SHAPE_SCALAR, "0", 30) \
	X("cpu.weight.nice", BX_CTRL_CPU, BX_SHAPE_SCALAR, "0", 31) \
	X("cpu.weight", BX_CTRL_CPU, BX_SHAPE_SCALAR, "100", 32) \
	X("cpu.max.burst", BX_CTRL_CPU, BX_SHAPE_SCALAR, "0", 33) \
	X("cpu.max", BX_CTRL_CPU, BX_SHAPE_SCALAR, "max 100000", 34) \
	X("io.weight", BX_CTRL_IO, BX_SHAPE_KEYED, "100", 40) \
	X("io.max", BX_CTRL_IO, BX_SHAPE_KEYED, "rbps=max wbps=max riops=max wiops=max", 41) \
	X("memory.oom.group", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "0", 50) \
	X("memory.min", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "0", 51) \
	X("memory.low", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "0", 52) \
	X("memory.swap.high", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 53) \
	X("memory.swap.max", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 54) \
	X("memory.zswap.max", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 55) \
	X("memory.high", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 56) \
	X("memory.max", BX_CTRL_MEMORY, BX_SHAPE_SCALAR, "max", 57) \
	X("hugetlb.*.max", BX_CTRL_HUGETLB, BX_SHAPE_SCALAR, "max", 60) \
	X("pids.max", BX_CTRL_PIDS, BX_SHAPE_SCALAR, "max", 70) \
	X("misc.max", BX_CTRL_MISC, BX_SHAPE_KEYED, "max", 80)

#define FILE_ENTRY(name, ctrl, shape, dflt, rank) { name, ctrl, shape, dflt, rank },
#define FILE_LEN(name, ctrl, shape, dflt, rank) sizeof name - 1,
const bx_file_info bx_files[] = { BX_FILE_TABLE(FILE_ENTRY) };
/* The length of each name, so a lookup compares a byte and a length
 * before it compares a string. */
static const unsigned char file_lens[] = { BX_FILE_TABLE(FILE_LEN) };
const size_t bx_nfiles = BX_ARRAY_LEN(bx_files);

static bool match_hugetlb(const char *name)
{
	size_t n = strlen(name);
	return n > 12 && strncmp(name, "hugetlb.", 8) == 0 &&
	       strcmp(name + n - 4, ".max") == 0 &&
	       strchr(name + 8, '.') == name + n - 4;
}

/* Called for every read, write and normalization: one pass that compares
 * the first byte and the length before any string, and tries the hugetlb
 * pattern only for a name that matched nothing exactly. */
const char *const bx_cpu_weight_files[BX_CPU_WEIGHT_NFILES] = { "cpu.idle", "cpu.weight.nice",
								  "cpu.weight" };

bool bx_is_cpu_weight_file(const char *file)
{
	for (size_t i = 0; i < BX_CPU_WEIGHT_NFILES; i++)
		if (bx_streq(file, bx_cpu_weight_files[i]))
			return true;
	return false;
}

const bx_file_info *bx_file_lookup(const char *name)
{
	size_t n = strlen(name);
	const bx_file_info *pattern = NULL;
	for (size_t i = 0; i < bx_nfiles; i++) {
		const char *p = bx_files[i].name;
		if (p[0] != name[0])
			continue;
		if (file_lens[i] == n && memcmp(p, name, n) == 0)
			return &bx_files[i];
		if (p[0] == 'h' && strchr(p, '*'))
			pattern = &bx_files[i];
	}
	return pattern && match_hugetlb(name) ? pattern : NULL;
}
