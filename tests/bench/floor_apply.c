/* floor_apply: the floor for `apply` (case 4) and `box create` (case 3).
 * It performs, from the policy model and without parsing anything, the
 * mutations a perfect transactional tool must make, and nothing else:
 *
 *   lock       mkdir the state dir (EEXIST is fine), open+flock its lock file
 *   journal    one write of the undo records (the cgroups it will create,
 *              and the old value of each pre-existing file it changes),
 *              fsync of the journal, fsync of the state dir: the transaction
 *              is durable before the first mutation
 *   mutate     enable the controllers in each ancestor's subtree_control
 *              (one write per cgroup), mkdir each cgroup, mark each static
 *              box (fsetxattr user.boxcg.static), write each limit (one
 *              open+write+close per file)
 *   commit     unlink the journal, fsync the state dir
 *
 * It does not read back what it wrote and does not re-read the tree: the
 * tool's verification is part of what the ratio measures.
 *
 *   floor_apply --base DIR --state-dir DIR [GEN OPTIONS] [--no-xattr]
 *               [--create ID --in-class N]
 *
 * Without --create: apply the whole policy (ancestors, class slices,
 * static boxes) to a base that has none of it. With --create: create box
 * ID of class N, whose slice exists (what `boxcg box create` does), after
 * proving that no other class has a box of that id (one fstatat each). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "floor_io.h"
#include "gen_model.h"

#define MAX_DEPTH 16

typedef struct journal {
	char *s;
	size_t len, cap;
} journal;

static void jput(journal *j, const char *a, const char *b, const char *c)
{
	size_t need = strlen(a) + strlen(b) + strlen(c) + 2;
	if (j->len + need + 1 > j->cap) {
		j->cap = (j->cap + need) * 2;
		j->s = realloc(j->s, j->cap);
		if (!j->s)
			floor_die("journal");
	}
	j->len += (size_t)sprintf(j->s + j->len, "%s %s%s\n", a, b, c);
}

typedef struct state {
	int dir, lock;
} state;

static void lock_state(const char *path, state *st)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		floor_die(path);
	st->dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dir < 0)
		floor_die(path);
	st->lock = openat(st->dir, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lock < 0 || flock(st->lock, LOCK_EX) < 0)
		floor_die("lock");
}

static void journal_begin(state *st, const journal *j)
{
	int fd = openat(st->dir, "journal", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		floor_die("journal");
	ssize_t w = write(fd, j->s, j->len);
	if (w < 0 || (size_t)w != j->len || fsync(fd) < 0 || close(fd) < 0 || fsync(st->dir) < 0)
		floor_die("journal");
}

static void journal_commit(state *st)
{
	if (unlinkat(st->dir, "journal", 0) < 0 || fsync(st->dir) < 0)
		floor_die("journal");
	close(st->lock);
	close(st->dir);
}

static void write_settings(const floor_base *b, int dir, const gen_kv *kv, size_t n)
{
	for (size_t k = 0; k < n; k++)
		floor_write(b, dir, kv[k].file, kv[k].value);
}

static void mark_static(int dir)
{
	if (fsetxattr(dir, "user.boxcg.static", "1", 1, 0) < 0)
		floor_die("fsetxattr user.boxcg.static");
}

/* Create box `id` of class `ci` under the class fd. */
static void create_box(const floor_base *b, const gen_params *p, int class_fd, const char *id,
		       unsigned ci, int xattr)
{
	gen_kv kv[GEN_MAX_KV];
	size_t n = gen_box_settings(p, ci, kv);
	int fd = floor_mkdir(class_fd, id);
	if (xattr)
		mark_static(fd);
	write_settings(b, fd, kv, n);
	close(fd);
}

static void apply_all(const floor_base *b, const gen_params *p, state *st, int xattr)
{
	char copy[256], *comp[MAX_DEPTH], path[512], name[32];
	size_t depth = floor_split_root(p->root, copy, sizeof copy, comp, MAX_DEPTH);
	const char *enable = b->cgroupfs ? gen_enable_write(p) : gen_enable_readback(p);
	journal j = { 0 };

	/* Undo records: the base's subtree_control as it was, then every
	 * cgroup this creates. */
	char old[256] = "";
	if (*enable && floor_read(b->fd, "cgroup.subtree_control", old, sizeof old) < 0 &&
	    errno != ENOENT)
		floor_die("cgroup.subtree_control");
	jput(&j, "restore", "cgroup.subtree_control ", old);
	path[0] = '\0';
	for (size_t d = 0; d < depth; d++) {
		strcat(strcat(path, d ? "/" : ""), comp[d]);
		jput(&j, "rmdir", path, "");
	}
	size_t plen = strlen(path);
	for (unsigned i = 0; i < p->classes; i++) {
		gen_class_name(i, name);
		snprintf(path + plen, sizeof path - plen, "/%s", name);
		jput(&j, "rmdir", path, "");
	}
	for (unsigned k = 0; k < p->boxes; k++) {
		char id[32];
		gen_box_id(k, id);
		gen_class_name(gen_box_class(p, k), name);
		snprintf(path + plen, sizeof path - plen, "/%s/%s", name, id);
		jput(&j, "rmdir", path, "");
	}
	journal_begin(st, &j);
	free(j.s);

	int parent = b->fd;
	if (*enable)
		floor_write(b, parent, "cgroup.subtree_control", enable);
	for (size_t d = 0; d < depth; d++) {
		int fd = floor_mkdir(parent, comp[d]);
		if (*enable)
			floor_write(b, fd, "cgroup.subtree_control", enable);
		if (parent != b->fd)
			close(parent);
		parent = fd;
	}
	int *class_fd = malloc(p->classes * sizeof *class_fd);
	if (!class_fd)
		floor_die("malloc");
	for (unsigned i = 0; i < p->classes; i++) {
		gen_kv kv[GEN_MAX_KV];
		size_t n = gen_slice_settings(p, i, kv);
		gen_class_name(i, name);
		class_fd[i] = floor_mkdir(parent, name);
		write_settings(b, class_fd[i], kv, n);
		if (*enable)
			floor_write(b, class_fd[i], "cgroup.subtree_control", enable);
	}
	for (unsigned k = 0; k < p->boxes; k++) {
		char id[32];
		unsigned ci = gen_box_class(p, k);
		gen_box_id(k, id);
		create_box(b, p, class_fd[ci], id, ci, xattr);
	}
	for (unsigned i = 0; i < p->classes; i++)
		close(class_fd[i]);
	free(class_fd);
	if (parent != b->fd)
		close(parent);
}

static void create_one(const floor_base *b, const gen_params *p, state *st, const char *id,
		       unsigned ci)
{
	char copy[256], *comp[MAX_DEPTH], name[32];
	size_t depth = floor_split_root(p->root, copy, sizeof copy, comp, MAX_DEPTH);
	int parent = b->fd;
	for (size_t d = 0; d < depth; d++) {
		int fd = floor_open_dir(parent, comp[d]);
		if (fd < 0)
			floor_die(comp[d]);
		if (parent != b->fd)
			close(parent);
		parent = fd;
	}
	/* Box ids are unique across classes (box delete and attach find a
	 * box by id alone): one fstatat per other class proves it. */
	for (unsigned i = 0; i < p->classes; i++) {
		char probe[80];
		struct stat sb;
		if (i == ci)
			continue;
		gen_class_name(i, name);
		snprintf(probe, sizeof probe, "%s/%s", name, id);
		if (fstatat(parent, probe, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			errno = EEXIST;
		if (errno != ENOENT)
			floor_die(probe);
	}
	gen_class_name(ci, name);
	int class_fd = floor_open_dir(parent, name);
	if (class_fd < 0)
		floor_die(name);

	journal j = { 0 };
	char path[512];
	snprintf(path, sizeof path, "%s/%s/%s", p->root, name, id);
	jput(&j, "rmdir", path, "");
	journal_begin(st, &j);
	free(j.s);

	create_box(b, p, class_fd, id, ci, 0);
	close(class_fd);
	if (parent != b->fd)
		close(parent);
}

int main(int argc, char **argv)
{
	gen_params p;
	gen_params_init(&p);
	const char *base = NULL, *state_dir = NULL, *create = NULL;
	unsigned in_class = 0;
	int xattr = 1;
	for (int i = 1; i < argc; i++) {
		int r = gen_parse_opt(&p, argc, argv, &i);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--no-xattr") == 0) {
			xattr = 0;
		} else if (i + 1 < argc && strcmp(argv[i], "--base") == 0) {
			base = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "--state-dir") == 0) {
			state_dir = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "--create") == 0) {
			create = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "--in-class") == 0) {
			in_class = (unsigned)strtoul(argv[++i], NULL, 10);
		} else {
			base = NULL;
			break;
		}
	}
	if (!base || !state_dir || in_class >= p.classes) {
		fprintf(stderr, "usage: floor_apply --base DIR --state-dir DIR [GEN OPTIONS]\n"
				"                   [--no-xattr] [--create ID --in-class N]\n");
		return 1;
	}

	state st;
	floor_base b;
	lock_state(state_dir, &st);
	floor_open_base(base, &b);
	if (create)
		create_one(&b, &p, &st, create, in_class);
	else
		apply_all(&b, &p, &st, xattr);
	journal_commit(&st);
	close(b.fd);
	return 0;
}
