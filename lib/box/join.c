/* The fork/exec join: pre-formatted bytes, one write(2) in the child. */
#include "box/join.h"

#include <errno.h>
#include <unistd.h>

size_t bx_pid_format(char *buf, size_t cap, pid_t pid)
{
	char tmp[24];
	size_t n = 0;
	if (pid < 0)
		return 0;
	unsigned long long v = (unsigned long long)pid;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof tmp);
	if (n + 2 > cap) /* digits, '\n', and a terminating NUL */
		return 0;
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\n';
	buf[n + 1] = '\0';
	return n + 1;
}

void bx_join_init(bx_join *j, int procs_fd)
{
	j->fd = procs_fd;
	j->len = bx_pid_format(j->buf, sizeof j->buf, 0);
}

int bx_join_child(const bx_join *j)
{
	if (j->fd < 0 || j->len == 0) {
		errno = EBADF;
		return -1;
	}
	size_t done = 0;
	while (done < j->len) {
		ssize_t w = write(j->fd, j->buf + done, j->len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

void bx_join_close(bx_join *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}
