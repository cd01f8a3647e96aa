/* What the floor programs share: the cheapest safe way to reach, create,
 * read and write cgroups, i.e. the system calls a perfect tool would make.
 *
 * Every cgroup is reached from its parent's directory fd with
 * openat(O_DIRECTORY|O_NOFOLLOW) on one name, so nothing can escape the
 * base through a symlink, at one system call per level; interface files
 * are opened relative to the cgroup's fd the same way. */
#ifndef BENCH_FLOOR_IO_H
#define BENCH_FLOOR_IO_H

#include <stdbool.h>
#include <stddef.h>

typedef struct floor_base {
	int fd;          /* O_DIRECTORY descriptor of the base */
	bool cgroupfs;   /* cgroup2 (true) or directory mode */
} floor_base;

/* Open the base and find out what it is (one statfs). Exits on failure. */
void floor_open_base(const char *path, floor_base *b);

/* openat(parent, name, O_DIRECTORY|O_NOFOLLOW); -1 with errno on failure. */
int floor_open_dir(int parent, const char *name);

/* mkdirat(parent, name, 0755), then floor_open_dir. Exits on failure. */
int floor_mkdir(int parent, const char *name);

/* Write value to file `name` of the cgroup `dir` with one write(). In
 * directory mode the file is created (O_CREAT|O_TRUNC). Exits on failure. */
void floor_write(const floor_base *b, int dir, const char *name, const char *value);

/* Read file `name` of cgroup `dir` into buf (NUL-terminated, trailing
 * newline stripped). Returns its length, or -1 with errno. */
long floor_read(int dir, const char *name, char *buf, size_t size);

/* Print "floor: WHAT: strerror(errno)" and exit 1. */
void floor_die(const char *what) __attribute__((noreturn));

/* Split a policy root "a/b" into components (at most max); returns how
 * many. The components point into a copy owned by the caller's buffer. */
size_t floor_split_root(const char *root, char *copy, size_t copysz, char **comp, size_t max);

#endif
