/* Floor I/O primitives (see floor_io.h). */
#include "floor_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define CGROUP2_MAGIC 0x63677270

void floor_die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

void floor_open_base(const char *path, floor_base *b)
{
	struct statfs sfs;
	b->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->fd < 0)
		floor_die(path);
	if (fstatfs(b->fd, &sfs) < 0)
		floor_die(path);
	b->cgroupfs = sfs.f_type == CGROUP2_MAGIC;
}

int floor_open_dir(int parent, const char *name)
{
	return openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int floor_mkdir(int parent, const char *name)
{
	if (mkdirat(parent, name, 0755) < 0)
		floor_die(name);
	int fd = floor_open_dir(parent, name);
	if (fd < 0)
		floor_die(name);
	return fd;
}

void floor_write(const floor_base *b, int dir, const char *name, const char *value)
{
	int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC;
	if (!b->cgroupfs)
		flags |= O_CREAT | O_TRUNC;
	int fd = openat(dir, name, flags, 0644);
	if (fd < 0)
		floor_die(name);
	size_t n = strlen(value);
	ssize_t w = write(fd, value, n);
	if (w < 0 || (size_t)w != n)
		floor_die(name);
	close(fd);
}

long floor_read(int dir, const char *name, char *buf, size_t size)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (long)n;
}

size_t floor_split_root(const char *root, char *copy, size_t copysz, char **comp, size_t max)
{
	snprintf(copy, copysz, "%s", root);
	size_t n = 0;
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c && n < max;
	     c = strtok_r(NULL, "/", &save))
		comp[n++] = c;
	return n;
}
