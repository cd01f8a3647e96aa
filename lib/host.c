/* This machine's facts that compilation depends on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "model.h"

static uint64_t meminfo_total(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	if (!f)
		return 0;
	char line[256];
	unsigned long long kb = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024;
}

/* /sys/kernel/mm/hugepages/hugepages-2048kB → 2 MiB */
static void hugepage_sizes(uint64_t *out, size_t max)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	size_t n = 0;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && n + 1 < max) {
		unsigned long long kb;
		if (sscanf(e->d_name, "hugepages-%llukB", &kb) == 1)
			out[n++] = (uint64_t)kb * 1024;
	}
	closedir(d);
	/* ascending, so output is stable */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			uint64_t t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	out[n] = 0;
}

void bx_host_facts_probe(bx_host_facts *f)
{
	memset(f, 0, sizeof *f);
	long ps = sysconf(_SC_PAGESIZE);
	f->page_size = ps > 0 ? (uint64_t)ps : 4096;
	f->mem_total = meminfo_total();
	long nc = sysconf(_SC_NPROCESSORS_CONF);
	f->ncpus = nc > 0 ? (unsigned)nc : 0;
	hugepage_sizes(f->hugepage_sizes, sizeof f->hugepage_sizes / sizeof f->hugepage_sizes[0]);
}
