/* A box's last counters, kept by box delete (box.h: bx_box_final). */
#include <errno.h>
#include <stdlib.h>

#include "box/box.h"
#include "box/procs.h"
#include "core/util.h"

void bx_box_final_read(bx_cgfs *fs, const char *cg, bx_box_final *f)
{
	f->cpu_usage_usec = bx_box_counter(fs, cg, "cpu.stat", "usage_usec");
	f->memory_peak = bx_box_counter(fs, cg, "memory.peak", NULL);
	if (f->memory_peak < 0)
		f->memory_peak = bx_box_counter(fs, cg, "memory.current", NULL);
	f->oom_kill = bx_box_counter(fs, cg, "memory.events", "oom_kill");
}
