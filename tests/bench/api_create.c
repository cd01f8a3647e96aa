/* api_create: box create through the library, the way a runtime that
 * embeds libboxcg does it: the target opened and the policy loaded once,
 * then many boxcg_box_create() calls. Each call is timed, and so is an
 * in-process floor doing the same mutations (journal write + fsync +
 * state-dir fsync, mkdir, one open+write+close per limit, unlink +
 * fsync), alternately, so the two see the same machine.
 *
 *   api_create --base DIR --state-dir DIR --policy FILE [GEN OPTIONS]
 *              [--in-class N] [-n COUNT]
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
#include <sys/stat.h>
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
 * its process has started. */
static void floor_create(const floor_base *b, const gen_params *p, int state_fd, int class_fd,
			 unsigned ci, const char *id)
{
	char rec[160];
	int n = snprintf(rec, sizeof rec, "rmdir %s/class-%04u/%s\n", p->root, ci, id);
	int fd = openat(state_fd, "journal", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
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

int main(int argc, char **argv)
{
	gen_params p;
	gen_params_init(&p);
	const char *base = NULL, *state_dir = NULL, *policy = NULL;
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
		else {
			base = NULL;
			break;
		}
	}
	if (!base || !state_dir || !policy || ci >= p.classes || count < 1) {
		fprintf(stderr, "usage: api_create --base DIR --state-dir DIR --policy FILE "
				"[GEN OPTIONS] [--in-class N] [-n COUNT]\n");
		return 1;
	}

	boxcg_target *t = NULL;
	boxcg_policy *pol = NULL;
	boxcg_error *err = NULL;
	const char *paths[] = { policy };
	if (boxcg_target_open(base, state_dir, &t, &err) < 0 ||
	    boxcg_policy_load(t, paths, 1, &pol, NULL, &err) < 0) {
		fprintf(stderr, "api_create: %s\n", boxcg_error_message(err));
		return 1;
	}
	char cls[32], path[600];
	gen_class_name(ci, cls);

	floor_base b;
	floor_open_base(base, &b);
	snprintf(path, sizeof path, "%s/%s", p.root, cls);
	int class_fd = openat(b.fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char fstate[600];
	snprintf(fstate, sizeof fstate, "%s/api-floor", state_dir);
	if (mkdir(fstate, 0700) < 0 && errno != EEXIST)
		floor_die(fstate);
	int state_fd = open(fstate, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (class_fd < 0 || state_fd < 0)
		floor_die(path);

	double *tv = calloc((size_t)count, sizeof *tv), *fv = calloc((size_t)count, sizeof *fv);
	if (!tv || !fv)
		floor_die("calloc");
	for (int k = 0; k < count; k++) {
		char id[32];
		snprintf(id, sizeof id, "api-t-%d", k);
		double t0 = now_us();
		if (boxcg_box_create(t, pol, cls, id, 0, &err) < 0) {
			fprintf(stderr, "api_create: %s\n", boxcg_error_message(err));
			return 1;
		}
		tv[k] = now_us() - t0;
		snprintf(id, sizeof id, "api-f-%d", k);
		t0 = now_us();
		floor_create(&b, &p, state_fd, class_fd, ci, id);
		fv[k] = now_us() - t0;
	}
	for (int k = 0; k < count; k++) {
		char id[32];
		snprintf(id, sizeof id, "api-t-%d", k);
		if (boxcg_box_delete(t, pol, cls, id, 0, 1000, &err) < 0) {
			fprintf(stderr, "api_create: delete %s: %s\n", id, boxcg_error_message(err));
			return 1;
		}
		snprintf(id, sizeof id, "api-f-%d", k);
		remove_box(&b, class_fd, id);
	}
	report("boxcg_box_create", tv, count);
	report("floor", fv, count);
	free(tv);
	free(fv);
	close(class_fd);
	close(state_fd);
	close(b.fd);
	boxcg_policy_free(pol);
	boxcg_target_close(t);
	return 0;
}
