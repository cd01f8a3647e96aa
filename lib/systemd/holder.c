/* The delegated unit's own processes go into its leaf `.holder`: a cgroup
 * whose children get controllers may hold no process itself. */
#include "systemd/sd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* The whole of a small file; NULL with errno on failure. */
static char *slurp(int fd)
{
	bx_buf b = {0};
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			int e = errno;
			bx_buf_free(&b);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		bx_buf_add(&b, chunk, (size_t)n);
	}
	bx_buf_add(&b, "", 0);
	char *s = bx_buf_take(&b);
	if (!s)
		errno = ENOMEM;
	return s;
}

int bx_sd_vacate(const char *dir, bx_error **err)
{
	cleanup_free char *procs_path = bx_sprintf("%s/cgroup.procs", dir);
	cleanup_free char *holder = bx_sprintf("%s/" BX_SD_HOLDER, dir);
	cleanup_free char *dest = bx_sprintf("%s/" BX_SD_HOLDER "/cgroup.procs", dir);
	if (!procs_path || !holder || !dest)
		return bx_err(err, ENOMEM, "vacate %s", dir);
	int fd = open(procs_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bx_err(err, errno, "open %s", procs_path);
	cleanup_free char *text = slurp(fd);
	int e = errno;
	close(fd);
	if (!text)
		return bx_err(err, e, "read %s", procs_path);
	if (!*text)
		return 0;
	if (mkdir(holder, 0755) < 0 && errno != EEXIST)
		return bx_err(err, errno, "mkdir %s (the leaf for the unit's own processes)", holder);
	int out = open(dest, O_WRONLY | O_CLOEXEC);
	if (out < 0)
		return bx_err(err, errno, "open %s", dest);
	for (char *s = text; *s;) {
		size_t n = strcspn(s, "\n");
		if (n) {
			/* One PID per write(); one that exited meanwhile is fine. */
			if (write(out, s, n) < 0 && errno != ESRCH) {
				e = errno;
				close(out);
				return bx_err(err, e, "move process %.*s of %s into %s", (int)n, s, dir,
					      holder);
			}
		}
		s += n;
		if (*s)
			s++;
	}
	close(out);
	return 0;
}

void bx_sd_unit_free(bx_sd_unit *u)
{
	if (!u)
		return;
	free(u->cgroup);
	free(u->active_state);
	free(u->load_state);
	free(u->delegated);
	memset(u, 0, sizeof *u);
}
