/* api_create: the runtime path through the library, the way a runtime that
 * embeds libboxcg uses it: the target opened and the policy loaded once,
 * then many calls, each timed, alternating with an in-process floor doing
 * what any correct tool must do for the same job, so both see the same
 * machine.
 *
 *   api_create --base DIR --state-dir DIR --policy FILE [GEN OPTIONS]
 *              [--in-class N] [-n COUNT] [--op create|update]
 *
 * create (row 3L): boxcg_box_create() of a new box per call. The floor:
 * flock on a lock file kept open (as boxcg_target keeps its own), one
 * fstatat per other class (box ids are unique across classes), the
 * journal created with O_EXCL (that is also the check that none is
 * pending) holding the undo record, fsync of it and of the state dir,
 * mkdir, one open+write+close per limit, unlink + fsync, unlock.
 *
 * update (row 3U; the policy made with gen_policy --sizes): boxcg_box_update()
 * of every limit the class opens (4 in the full profile, 1 in the host
 * one), alternating between two sets of values so every call changes
 * them all. The floor: flock, the box found (open of its directory
 * beneath the class's), memory.current read when memory.max is written
 * (lowering it below usage is refused), each old value read (the undo
 * records), the journal written with O_EXCL + fsync + state dir fsync,
 * the writes, the box's own values recorded (fsetxattr, as boxcg must
 * keep them for apply), unlink + fsync, unlock.
 *
 * The base must hold the policy's class slices already (floor_apply with
 * --boxes 0). Boxes are named api-t-K (library) and api-f-K (floor) and
 * are deleted again, untimed. Prints one line per side:
 *   LABEL calls=N min_us=… median_us=… */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <boxcg.h>

#include "floor_io.h"
#include "gen_model.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *label, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("%s calls=%d min_us=%.1f median_us=%.1f\n", label, n, v[0], med);
}

/* The floor's create, in process: what floor_apply --create does after
 * its process has started, with the lock file kept open. */
static void floor_create(const floor_base *b, const gen_params *p, int lock_fd, int state_fd,
			 int root_fd, int class_fd, unsigned ci, const char *id)
{
	if (flock(lock_fd, LOCK_EX) < 0)
		floor_die("flock");
	for (unsigned i = 0; i < p->classes; i++) {
		char name[32], probe[80];
		struct stat sb;
		if (i == ci)
			continue;
		gen_class_name(i, name);
		snprintf(probe, sizeof probe, "%s/%s", name, id);
		if (fstatat(root_fd, probe, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			errno = EEXIST;
		if (errno != ENOENT)
			floor_die(probe);
	}
	char rec[160];
	int n = snprintf(rec, sizeof rec, "rmdir %s/class-%04u/%s\n", p->root, ci, id);
	int fd = openat(state_fd, "journal", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, rec, (size_t)n) != n || fsync(fd) < 0 || close(fd) < 0 ||
	    fsync(state_fd) < 0)
		floor_die("journal");
	gen_kv kv[GEN_MAX_KV];
	size_t nkv = gen_box_settings(p, ci, kv);
	int box = floor_mkdir(class_fd, id);
	for (size_t k = 0; k < nkv; k++)
		floor_write(b, box, kv[k].file, kv[k].value);
	close(box);
	if (unlinkat(state_fd, "journal", 0) < 0 || fsync(state_fd) < 0)
		floor_die("journal");
	if (flock(lock_fd, LOCK_UN) < 0)
		floor_die("flock");
}

/* One set of values for box update: the request (boxcg) and what it
 * writes (the floor). */
typedef struct upd {
	boxcg_set set[4];
	const char *file[4], *bytes[4];
	size_t n;
	const char *own; /* the record of the box's own values */
} upd;

static void floor_update(const floor_base *b, const gen_params *p, int lock_fd, int state_fd,
			 int class_fd, unsigned ci, const char *id, const upd *u)
{
	if (flock(lock_fd, LOCK_EX) < 0)
		floor_die("flock");
	int box = floor_open_dir(class_fd, id);
	if (box < 0)
		floor_die(id);
	char rec[1024], old[64];
	int n = 0;
	for (size_t i = 0; i < u->n; i++) {
		if (strcmp(u->file[i], "memory.max") == 0) {
			int fd = openat(box, "memory.current", O_RDONLY | O_CLOEXEC);
			if (fd >= 0) { /* none in directory mode */
				if (read(fd, old, sizeof old) < 0)
					floor_die("memory.current");
				close(fd);
			}
		}
		if (floor_read(box, u->file[i], old, sizeof old) < 0)
			floor_die(u->file[i]);
		n += snprintf(rec + n, sizeof rec - (size_t)n, "write %s/class-%04u/%s/%s %s\n", p->root,
			      ci, id, u->file[i], old);
	}
	int fd = openat(state_fd, "journal", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, rec, (size_t)n) != n || fsync(fd) < 0 || close(fd) < 0 ||
	    fsync(state_fd) < 0)
		floor_die("journal");
	for (size_t i = 0; i < u->n; i++)
		floor_write(b, box, u->file[i], u->bytes[i]);
	if (fsetxattr(box, "user.boxcg.managed", u->own, strlen(u->own), 0) < 0)
		floor_die("fsetxattr");
	close(box);
	if (unlinkat(state_fd, "journal", 0) < 0 || fsync(state_fd) < 0)
		floor_die("journal");
	if (flock(lock_fd, LOCK_UN) < 0)
		floor_die("flock");
}

static void remove_box(const floor_base *b, int class_fd, const char *id)
{
	if (!b->cgroupfs) { /* directory mode: the interface files are plain files */
		int fd = floor_open_dir(class_fd, id);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d)
			floor_die(id);
		for (struct dirent *e; (e = readdir(d));)
			if (e->d_type == DT_REG)
				unlinkat(fd, e->d_name, 0);
		closedir(d);
	}
	if (unlinkat(class_fd, id, AT_REMOVEDIR) < 0)
		floor_die(id);
}

/* The two sets of values update alternates between (4 limits in the full
 * profile, 1 in the host profile: that hierarchy has no other scalar limit
 * a class can open). */
static const upd full_upd[2] = {
	{ .set = { { "memory.max", "2GiB" }, { "cpu.max", "3" }, { "pids.max", "400" },
		   { "cpu.weight", "200" } },
	  .file = { "memory.max", "cpu.max", "pids.max", "cpu.weight" },
	  .bytes = { "2147483648", "300000 100000", "400", "200" },
	  .n = 4,
	  .own = "cgroup.max.descendants cpu.max cpu.weight io.weight memory.high memory.low "
		 "memory.max pids.max cpu.max=3 cpu.weight=200 memory.max=2147483648 pids.max=400" },
	{ .set = { { "memory.max", "1536MiB" }, { "cpu.max", "2.5" }, { "pids.max", "350" },
		   { "cpu.weight", "150" } },
	  .file = { "memory.max", "cpu.max", "pids.max", "cpu.weight" },
	  .bytes = { "1610612736", "250000 100000", "350", "150" },
	  .n = 4,
	  .own = "cgroup.max.descendants cpu.max cpu.weight io.weight memory.high memory.low "
		 "memory.max pids.max cpu.max=2.5 cpu.weight=150 memory.max=1610612736 pids.max=350" },
};
static const upd host_upd[2] = {
	{ .set = { { "cgroup.max_depth", "7" } }, .file = { "cgroup.max.depth" }, .bytes = { "7" },
	  .n = 1, .own = "cgroup.max.depth cgroup.max.descendants hugetlb.2MB.max cgroup.max.depth=7" },
	{ .set = { { "cgroup.max_depth", "9" } }, .file = { "cgroup.max.depth" }, .bytes = { "9" },
	  .n = 1, .own = "cgroup.max.depth cgroup.max.descendants hugetlb.2MB.max cgroup.max.depth=9" },
};

static int fail(const char *what, boxcg_error *err)
{
	fprintf(stderr, "api_create: %s: %s\n", what, boxcg_error_message(err));
	return 1;
}

int main(int argc, char **argv)
{
	gen_params p;
	gen_params_init(&p);
	const char *base = NULL, *state_dir = NULL, *policy = NULL, *op = "create";
	unsigned ci = 3;
	int count = 200;
	for (int i = 1; i < argc; i++) {
		int r = gen_parse_opt(&p, argc, argv, &i);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (i + 1 < argc && strcmp(argv[i], "--base") == 0)
			base = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--state-dir") == 0)
			state_dir = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--policy") == 0)
			policy = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--in-class") == 0)
			ci = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "-n") == 0)
			count = atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--op") == 0)
			op = argv[++i];
		else {
			base = NULL;
			break;
		}
	}
	bool update = strcmp(op, "update") == 0;
	if (!base || !state_dir || !policy || ci >= p.classes || count < 1 ||
	    (!update && strcmp(op, "create") != 0)) {
		fprintf(stderr, "usage: api_create --base DIR --state-dir DIR --policy FILE "
				"[GEN OPTIONS] [--in-class N] [-n COUNT] [--op create|update]\n");
		return 1;
	}

	boxcg_target *t = NULL;
	boxcg_policy *pol = NULL;
	boxcg_error *err = NULL;
	const char *paths[] = { policy };
	if (boxcg_target_open(base, state_dir, &t, &err) < 0 ||
	    boxcg_policy_load(t, paths, 1, &pol, NULL, &err) < 0)
		return fail("open", err);
	char cls[32], path[600];
	gen_class_name(ci, cls);

	floor_base b;
	floor_open_base(base, &b);
	int root_fd = openat(b.fd, p.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof path, "%s/%s", p.root, cls);
	int class_fd = openat(b.fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char fstate[600];
	snprintf(fstate, sizeof fstate, "%s/api-floor", state_dir);
	if (mkdir(fstate, 0700) < 0 && errno != EEXIST)
		floor_die(fstate);
	int state_fd = open(fstate, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0 || class_fd < 0 || state_fd < 0)
		floor_die(path);
	int lock_fd = openat(state_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0)
		floor_die("lock");

	double *tv = calloc((size_t)count, sizeof *tv), *fv = calloc((size_t)count, sizeof *fv);
	if (!tv || !fv)
		floor_die("calloc");
	int nboxes = update ? 1 : count;
	if (update) { /* the box each side updates, made untimed */
		if (boxcg_box_create(t, pol, cls, "api-t-0", 0, &err) < 0)
			return fail("create api-t-0", err);
		floor_create(&b, &p, lock_fd, state_fd, root_fd, class_fd, ci, "api-f-0");
	}
	const upd *u = p.profile == GEN_FULL ? full_upd : host_upd;
	for (int k = 0; k < count; k++) {
		char id[32];
		double t0;
		if (update) {
			const upd *v = &u[k % 2];
			t0 = now_us();
			if (boxcg_box_update(t, pol, cls, "api-t-0", v->set, v->n, 0, NULL, &err) < 0)
				return fail("update api-t-0", err);
			tv[k] = now_us() - t0;
			t0 = now_us();
			floor_update(&b, &p, lock_fd, state_fd, class_fd, ci, "api-f-0", v);
			fv[k] = now_us() - t0;
			continue;
		}
		snprintf(id, sizeof id, "api-t-%d", k);
		t0 = now_us();
		if (boxcg_box_create(t, pol, cls, id, 0, &err) < 0)
			return fail(id, err);
		tv[k] = now_us() - t0;
		snprintf(id, sizeof id, "api-f-%d", k);
		t0 = now_us();
		floor_create(&b, &p, lock_fd, state_fd, root_fd, class_fd, ci, id);
		fv[k] = now_us() - t0;
	}
	/* Fairness: both boxes hold the same values of what was written. */
	int bad = 0;
	if (update) {
		int bt = floor_open_dir(class_fd, "api-t-0"), bf = floor_open_dir(class_fd, "api-f-0");
		const upd *v = &u[(count - 1) % 2];
		for (size_t i = 0; i < v->n; i++) {
			char x[64], y[64];
			if (floor_read(bt, v->file[i], x, sizeof x) < 0 ||
			    floor_read(bf, v->file[i], y, sizeof y) < 0 || strcmp(x, y) != 0 ||
			    strcmp(x, v->bytes[i]) != 0) {
				fprintf(stderr, "api_create: %s differs: boxcg and floor\n", v->file[i]);
				bad = 1;
			}
		}
		close(bt);
		close(bf);
	}
	for (int k = 0; k < nboxes; k++) {
		char id[32];
		snprintf(id, sizeof id, "api-t-%d", k);
		if (boxcg_box_delete(t, pol, cls, id, 0, 1000, &err) < 0)
			return fail(id, err);
		snprintf(id, sizeof id, "api-f-%d", k);
		remove_box(&b, class_fd, id);
	}
	report(update ? "boxcg_box_update" : "boxcg_box_create", tv, count);
	report("floor", fv, count);
	free(tv);
	free(fv);
	close(lock_fd);
	close(class_fd);
	close(root_fd);
	close(state_fd);
	close(b.fd);
	boxcg_policy_free(pol);
	boxcg_target_close(t);
	return bad;
}
