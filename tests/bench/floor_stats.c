/* floor_stats: the floor for `box stats` (case 7). It reads what any
 * tool showing usage next to limits must read: for every class slice
 * ROOT/CLASS and every box ROOT/CLASS/ID below it, the same 17 files
 * boxcg reads (cpu.stat, memory.*, pids.*, io.stat, the PSI files), one
 * openat + read + close each relative to the cgroup's directory, and
 * parses nothing.
 *
 *   floor_stats ROOT
 *
 * Prints the bytes read (so the work cannot be optimized away). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const files[] = {
	"cpu.stat", "memory.current", "memory.peak", "memory.high", "memory.max",
	"memory.events", "memory.swap.current", "memory.swap.peak", "memory.swap.max",
	"pids.current", "pids.peak", "pids.max", "pids.events", "io.stat",
	"cpu.pressure", "memory.pressure", "io.pressure",
};

static unsigned long read_cgroup(int dfd)
{
	unsigned long total = 0;
	char buf[4096];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		int fd = openat(dfd, files[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0)
			total += (unsigned long)n;
		close(fd);
	}
	return total;
}

/* Directories below dfd, each read with read_cgroup, recursing `depth`. */
static unsigned long walk(int dfd, int depth)
{
	unsigned long total = read_cgroup(dfd);
	if (!depth)
		return total;
	int d2 = dup(dfd);
	DIR *d = fdopendir(d2);
	if (!d)
		return total;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		int c = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (c < 0)
			continue;
		total += walk(c, depth - 1);
		close(c);
	}
	closedir(d);
	return total;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: floor_stats ROOT\n");
		return 2;
	}
	int root = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		perror(argv[1]);
		return 1;
	}
	/* ROOT itself is not a class slice: start at its children (slices)
	 * and their children (boxes). */
	unsigned long total = walk(root, 2) - read_cgroup(root);
	printf("%lu\n", total);
	close(root);
	return 0;
}
