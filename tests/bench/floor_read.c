/* floor_read: the floor for a no-op `plan` (case 5), and the bench's
 * fairness check. It reads every file a planner must read to conclude
 * "No changes." for the policy model (each ancestor's subtree_control,
 * each class slice's limits, each static box's limits; the base's
 * cgroup.controllers on cgroup2), reaching each cgroup from its parent's
 * fd, and compares each value with the model.
 *
 *   floor_read --base DIR [GEN OPTIONS] [--only-box ID --in-class N]
 *
 * --only-box: check just box ID of class N (one `box create` made), not
 * the ancestors, slices and static boxes.
 *
 * Exit 0: the tree holds exactly the model's values (so whoever applied
 * it, boxcg or floor_apply, did the same writes); 2: differences, the
 * first ones printed; 1: an error (a missing cgroup or file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "floor_io.h"
#include "gen_model.h"

#define MAX_DEPTH 16

typedef struct check {
	unsigned long files, diffs;
} check;

static void diff(check *c, const char *where, const char *file, const char *want,
		 const char *got)
{
	if (c->diffs++ < 10)
		fprintf(stderr, "floor_read: %s/%s: want '%s', got '%s'\n", where, file, want,
			got);
}

static void read_file(check *c, int dir, const char *where, const char *file, char *buf,
		      size_t size)
{
	if (floor_read(dir, file, buf, size) < 0) {
		fprintf(stderr, "floor_read: %s/%s: %s\n", where, file, strerror(errno));
		exit(1);
	}
	c->files++;
}

static void expect(check *c, int dir, const char *where, const char *file, const char *want)
{
	char buf[256];
	read_file(c, dir, where, file, buf, sizeof buf);
	if (strcmp(buf, want) != 0)
		diff(c, where, file, want, buf);
}

/* subtree_control holds at least the wanted controllers, in any order. */
static void expect_enabled(check *c, int dir, const char *where, const char *want)
{
	char buf[256], copy[128];
	if (!*want)
		return;
	read_file(c, dir, where, "cgroup.subtree_control", buf, sizeof buf);
	snprintf(copy, sizeof copy, "%s", want);
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(t);
		const char *s = buf;
		int found = 0;
		while (!found && (s = strstr(s, t))) {
			found = (s == buf || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0');
			s += n;
		}
		if (!found) {
			diff(c, where, "cgroup.subtree_control", want, buf);
			return;
		}
	}
}

static void expect_all(check *c, int dir, const char *where, const gen_kv *kv, size_t n)
{
	for (size_t k = 0; k < n; k++)
		expect(c, dir, where, kv[k].file, kv[k].value);
}

static int open_or_die(int parent, const char *name)
{
	int fd = floor_open_dir(parent, name);
	if (fd < 0) {
		fprintf(stderr, "floor_read: %s: %s\n", name, strerror(errno));
		exit(1);
	}
	return fd;
}

static int report(const check *c)
{
	printf("%lu files read, %lu differences\n", c->files, c->diffs);
	return c->diffs ? 2 : 0;
}

static int check_one_box(const gen_params *p, const floor_base *b, const char *id,
			 unsigned ci)
{
	char copy[256], *comp[MAX_DEPTH], name[32];
	check c = { 0, 0 };
	gen_kv kv[GEN_MAX_KV];
	size_t depth = floor_split_root(p->root, copy, sizeof copy, comp, MAX_DEPTH);
	int parent = b->fd;
	for (size_t d = 0; d < depth; d++) {
		int fd = open_or_die(parent, comp[d]);
		if (parent != b->fd)
			close(parent);
		parent = fd;
	}
	gen_class_name(ci, name);
	int class_fd = open_or_die(parent, name);
	int fd = open_or_die(class_fd, id);
	expect_all(&c, fd, id, kv, gen_box_settings(p, ci, kv));
	close(fd);
	close(class_fd);
	if (parent != b->fd)
		close(parent);
	return report(&c);
}

int main(int argc, char **argv)
{
	gen_params p;
	gen_params_init(&p);
	const char *base = NULL, *only_box = NULL;
	unsigned in_class = 0;
	for (int i = 1; i < argc; i++) {
		int r = gen_parse_opt(&p, argc, argv, &i);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (i + 1 < argc && strcmp(argv[i], "--base") == 0) {
			base = argv[++i];
			continue;
		}
		if (i + 1 < argc && strcmp(argv[i], "--only-box") == 0) {
			only_box = argv[++i];
			continue;
		}
		if (i + 1 < argc && strcmp(argv[i], "--in-class") == 0) {
			in_class = (unsigned)strtoul(argv[++i], NULL, 10);
			continue;
		}
		base = NULL;
		break;
	}
	if (!base || in_class >= p.classes) {
		fprintf(stderr, "usage: floor_read --base DIR [GEN OPTIONS]\n"
				"                  [--only-box ID --in-class N]\n");
		return 1;
	}

	floor_base b;
	check c = { 0, 0 };
	char buf[256], copy[256], *comp[MAX_DEPTH], name[32], where[128];
	const char *enable = gen_enable_readback(&p);
	floor_open_base(base, &b);
	if (only_box)
		return check_one_box(&p, &b, only_box, in_class);
	if (b.cgroupfs)
		read_file(&c, b.fd, ".", "cgroup.controllers", buf, sizeof buf);
	expect_enabled(&c, b.fd, ".", enable);

	size_t depth = floor_split_root(p.root, copy, sizeof copy, comp, MAX_DEPTH);
	int parent = b.fd;
	for (size_t d = 0; d < depth; d++) {
		int fd = open_or_die(parent, comp[d]);
		expect_enabled(&c, fd, comp[d], enable);
		if (parent != b.fd)
			close(parent);
		parent = fd;
	}
	int *class_fd = malloc(p.classes * sizeof *class_fd);
	if (!class_fd)
		floor_die("malloc");
	for (unsigned i = 0; i < p.classes; i++) {
		gen_kv kv[GEN_MAX_KV];
		size_t n = gen_slice_settings(&p, i, kv);
		gen_class_name(i, name);
		class_fd[i] = open_or_die(parent, name);
		expect_all(&c, class_fd[i], name, kv, n);
		expect_enabled(&c, class_fd[i], name, enable);
	}
	for (unsigned k = 0; k < p.boxes; k++) {
		gen_kv kv[GEN_MAX_KV];
		char id[32];
		unsigned ci = gen_box_class(&p, k);
		size_t n = gen_box_settings(&p, ci, kv);
		gen_box_id(k, id);
		int fd = open_or_die(class_fd[ci], id);
		snprintf(where, sizeof where, "class-%04u/%s", ci, id);
		expect_all(&c, fd, where, kv, n);
		close(fd);
	}
	for (unsigned i = 0; i < p.classes; i++)
		close(class_fd[i]);
	free(class_fd);
	if (parent != b.fd)
		close(parent);
	close(b.fd);
	return report(&c);
}
