/* The applier suites' fixture: a directory root holding a small boxlite
 * tree (plan A), and plan B, 36 steps that touch every kind of file and
 * every operation: subtree_control on and off, keyed lines that exist and
 * that do not, the cpu weight trio, cpuset, hugetlb, misc, cgroup.max.*,
 * removals of a cgroup with limits (prune), new cgroups and a static box,
 * and a controller enabled in a new cgroup after its ancestors. */
#ifndef BX_TEST_APPLY_FIXTURE_H
#define BX_TEST_APPLY_FIXTURE_H

#include "apply/apply.h"
#include "cgroupfs/cgfs.h"
#include "test_apply.h"

#define FX_SMALL "boxlite/small"
#define FX_B1 "boxlite/small/b1"

static inline void fx_plan_a(bx_plan *p)
{
	TA_ENABLE(p, "", "+cpuset +cpu +io +memory +hugetlb +pids +misc");
	TA_MKDIR(p, "boxlite");
	TA_ENABLE(p, "boxlite", "+cpuset +cpu +io +memory +hugetlb +pids +misc");
	TA_MKDIR(p, FX_SMALL);
	TA_WRITE(p, FX_SMALL, "memory.max", "1073741824");
	TA_ENABLE(p, FX_SMALL, "+cpu +io +memory +hugetlb +pids");
	TA_MKDIR(p, FX_B1);
	TA_WRITE(p, FX_B1, "cpu.weight", "200");
	TA_WRITE_KEY(p, FX_B1, "io.max", "8:0", "rbps=1048576 wbps=max riops=max wiops=max");
	TA_WRITE(p, FX_B1, "pids.max", "100");
	TA_MKDIR(p, "boxlite/old");
	TA_ENABLE(p, "boxlite/old", "+memory +pids");
	TA_MKDIR(p, "boxlite/old/b9");
	p->v[p->n - 1].static_box = true;
	TA_WRITE(p, "boxlite/old/b9", "memory.max", "536870912");
	TA_WRITE(p, "boxlite/old/b9", "pids.max", "50");
	TA_WRITE(p, FX_SMALL, "hugetlb.2MB.max", "4194304");
}

static inline void fx_plan_b(bx_plan *p)
{
	TA_ENABLE(p, FX_SMALL, "+cpuset +misc");
	TA_WRITE(p, FX_SMALL, "memory.max", "2147483648");
	TA_WRITE(p, FX_SMALL, "memory.high", "1879048192");
	TA_WRITE(p, FX_SMALL, "hugetlb.2MB.max", "8388608");
	TA_WRITE(p, "boxlite", "cgroup.max.descendants", "100");
	TA_WRITE_KEY(p, FX_B1, "io.max", "8:0", "rbps=2097152 wbps=max riops=max wiops=max");
	TA_WRITE_KEY(p, FX_B1, "io.max", "8:16", "rbps=max wbps=1048576 riops=max wiops=max");
	TA_WRITE_KEY(p, FX_B1, "io.weight", "default", "300");
	TA_WRITE_KEY(p, FX_B1, "io.weight", "8:0", "50");
	TA_WRITE(p, FX_B1, "cpu.weight.nice", "5");
	TA_WRITE(p, FX_B1, "cpu.idle", "1");
	TA_WRITE(p, FX_B1, "cpu.max", "50000 100000");
	TA_WRITE(p, FX_B1, "cpu.max.burst", "10000");
	TA_WRITE(p, FX_B1, "pids.max", "200");
	TA_WRITE(p, FX_B1, "cpuset.cpus", "0-1");
	TA_WRITE(p, FX_B1, "cpuset.mems", "0");
	TA_WRITE_KEY(p, FX_B1, "misc.max", "sev", "3");
	TA_WRITE(p, FX_B1, "memory.oom.group", "1");
	TA_DISABLE(p, FX_SMALL, "-hugetlb");
	TA_RMDIR(p, "boxlite/old/b9");
	TA_RMDIR(p, "boxlite/old");
	TA_MKDIR(p, "boxlite/large");
	TA_ENABLE(p, "boxlite/large", "+cpu +memory +pids");
	TA_WRITE(p, "boxlite/large", "memory.max", "4294967296");
	TA_MKDIR(p, "boxlite/large/b1");
	p->v[p->n - 1].static_box = true;
	TA_WRITE(p, "boxlite/large/b1", "cpu.max", "100000 100000");
	TA_WRITE(p, "boxlite/large/b1", "memory.max", "2147483648");
	TA_WRITE(p, "boxlite/large/b1", "pids.max", "500");
	TA_MKDIR(p, "boxlite/large/b2");
	TA_WRITE(p, "boxlite/large/b2", "memory.high", "1073741824");
	TA_WRITE(p, FX_B1, "memory.max", "805306368");
	TA_WRITE(p, FX_B1, "memory.low", "134217728");
	/* A new cgroup, then a controller enabled down to it: undoing the
	 * ancestors' enable is EBUSY until the new cgroup's own is undone. */
	TA_MKDIR(p, "boxlite/tiny");
	TA_ENABLE(p, "", "+rdma");
	TA_ENABLE(p, "boxlite", "+rdma");
	TA_ENABLE(p, "boxlite/tiny", "+rdma");
}

typedef struct fx {
	char *tmp, *root, *state;
	bx_cgfs *fs;
	bx_plan b;
	char *before; /* snapshot of the root after plan A */
} fx;

/* Does step i of p get an undo record? Not a write inside a cgroup that an
 * earlier step of p created (the rmdir of the rollback takes it along). */
static inline bool ta_journaled(const bx_plan *p, size_t i)
{
	const bx_step *s = &p->v[i];
	if (s->op != BX_OP_WRITE)
		return true;
	for (size_t j = 0; j < i; j++) {
		size_t l = strlen(p->v[j].cgroup);
		if (p->v[j].op == BX_OP_MKDIR && strncmp(s->cgroup, p->v[j].cgroup, l) == 0 &&
		    (s->cgroup[l] == '\0' || s->cgroup[l] == '/'))
			return false;
	}
	return true;
}

static inline void fx_open(fx *f, const char *tag)
{
	memset(f, 0, sizeof *f);
	f->tmp = ta_tmpdir(tag);
	f->root = bx_sprintf("%s/root", f->tmp);
	f->state = bx_sprintf("%s/state", f->tmp);
	ck_assert_int_eq(mkdir(f->root, 0755), 0);
	bx_error *e = NULL;
	ck_assert_msg(bx_cgfs_open(f->root, &f->fs, &e) == 0, "%s", e ? e->msg : "");
	ck_assert(f->fs->dirmode);
	/* A file that is no interface file, kept through everything. */
	ta_write(f->root, "README", "not a cgroup file\n");
	bx_plan a = { .base_path = strdup(f->fs->base_path), .dirmode = true };
	fx_plan_a(&a);
	bx_apply_opts o = { .state_dir = f->state };
	bx_apply_result r;
	ck_assert_msg(bx_apply(f->fs, &a, &o, &r, &e) == 0, "plan A: %s", e ? e->msg : "");
	ck_assert_uint_eq(r.steps_done, a.n);
	bx_apply_result_free(&r);
	ta_plan_free(&a);
	f->b.base_path = strdup(f->fs->base_path);
	f->b.dirmode = true;
	f->b.fingerprint = strdup("test-fingerprint");
	fx_plan_b(&f->b);
	f->before = ta_snapshot(f->root);
}

static inline void fx_close(fx *f)
{
	bx_cgfs_close(f->fs);
	ta_plan_free(&f->b);
	ta_rmtree(f->tmp);
	free(f->tmp);
	free(f->root);
	free(f->state);
	free(f->before);
}

static inline bool fx_journal_exists(const fx *f)
{
	char *p = bx_sprintf("%s/journal", f->state);
	bool r = access(p, F_OK) == 0;
	free(p);
	return r;
}

static inline void fx_assert_unchanged(const fx *f, const char *when)
{
	char *now = ta_snapshot(f->root);
	if (strcmp(now, f->before) != 0) {
		char *cmd = bx_sprintf("echo '--- before'; cat <<'X'\n%s\nX\necho '--- now'; cat <<'X'\n%s\nX\n",
				       f->before, now);
		(void)!system(cmd);
		free(cmd);
	}
	ck_assert_msg(strcmp(now, f->before) == 0, "%s: the tree is not as it was", when);
	free(now);
}

static inline char *fx_read(fx *f, const char *cg, const char *file)
{
	char *v = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_cgfs_read(f->fs, cg, file, &v, &e) == 0, "read %s/%s: %s", cg, file,
		      e ? e->msg : "");
	return v;
}

#define FX_ASSERT_READS(f, cg, file, want)                                   \
	do {                                                                 \
		char *_v = fx_read(f, cg, file);                             \
		ck_assert_msg(strcmp(_v, want) == 0, "%s/%s reads '%s', want '%s'", cg, file, _v, want); \
		free(_v);                                                    \
	} while (0)

#endif
