/* Reading what a box holds, waiting for it to empty, killing it without
 * cgroup.kill. */
#include "box/procs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

/* Parse one line [s, e) as a positive pid. */
static bool line_pid(const char *s, const char *e, pid_t *pid)
{
	if (s == e)
		return false;
	long long v = 0;
	for (const char *p = s; p < e; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return false;
	}
	if (v <= 0)
		return false;
	*pid = (pid_t)v;
	return true;
}

/* Collect the pid lines into out (up to cap); returns how many there are. */
static size_t each_pid(const char *text, pid_t *out, size_t cap)
{
	size_t n = 0;
	for (const char *s = text; s && *s;) {
		const char *e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		pid_t pid;
		if (line_pid(s, e, &pid)) {
			if (out && n < cap)
				out[n] = pid;
			n++;
		}
		s = *e ? e + 1 : e;
	}
	return n;
}

size_t bx_procs_count(const char *text)
{
	size_t n = 0;
	for (const char *s = text; s && *s;) {
		size_t len = strcspn(s, "\n");
		if (strspn(s, " \t") < len)
			n++;
		s += len + (s[len] == '\n');
	}
	return n;
}

int bx_procs_parse(const char *text, pid_t **pids, size_t *n, bx_error **err)
{
	*pids = NULL;
	*n = each_pid(text, NULL, 0);
	if (*n == 0)
		return 0;
	if (!(*pids = calloc(*n, sizeof **pids)))
		return bx_err(err, ENOMEM, "parse cgroup.procs");
	each_pid(text, *pids, *n);
	return 0;
}

/* Find `key` at the start of a line followed by a space; return the value. */
static const char *keyed_value(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *s = text; s && *s;) {
		if (strncmp(s, key, kl) == 0 && s[kl] == ' ')
			return s + kl + 1;
		const char *e = strchr(s, '\n');
		s = e ? e + 1 : NULL;
	}
	return NULL;
}

int bx_keyed_u64(const char *text, const char *key, uint64_t *v, bx_error **err)
{
	const char *val = text ? keyed_value(text, key) : NULL;
	if (!val || *val < '0' || *val > '9')
		return bx_err(err, ENOENT, "no %s", key);
	char *end;
	errno = 0;
	unsigned long long x = strtoull(val, &end, 10);
	if (errno || (*end && *end != '\n'))
		return bx_err(err, ENOENT, "%s is not a number", key);
	*v = x;
	return 0;
}

int bx_events_populated(const char *text)
{
	const char *val = text ? keyed_value(text, "populated") : NULL;
	if (!val)
		return -1;
	if (val[0] == '0' && (val[1] == '\n' || val[1] == '\0'))
		return 0;
	if (val[0] == '1' && (val[1] == '\n' || val[1] == '\0'))
		return 1;
	return -1;
}

int bx_fd_read_all(int fd, char **out, bx_error **err)
{
	*out = NULL;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return bx_err(err, errno, "rewind");
	bx_buf b = {0};
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			bx_buf_free(&b);
			return bx_err(err, e, "read");
		}
		if (n == 0)
			break;
		bx_buf_add(&b, chunk, (size_t)n);
	}
	if (!(*out = bx_buf_take(&b)))
		return bx_err(err, ENOMEM, "read");
	return 0;
}

int64_t bx_deadline_after_ms(int timeout_ms)
{
	if (timeout_ms < 0)
		return 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + (int64_t)timeout_ms * 1000000;
}

int bx_ms_left(int64_t deadline_ns)
{
	if (deadline_ns == 0)
		return -1;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t left = deadline_ns - ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
	if (left <= 0)
		return 0;
	left = (left + 999999) / 1000000;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* 1 populated, 0 empty, -1 error. */
static int events_state(int events_fd, bx_error **err)
{
	cleanup_free char *text = NULL;
	if (bx_fd_read_all(events_fd, &text, err) < 0)
		return bx_err_wrap(err, "cgroup.events");
	int p = bx_events_populated(text);
	if (p < 0)
		return bx_err(err, EINVAL, "cgroup.events has no populated field");
	return p;
}

/* Wait for a POLLPRI on events_fd, at most `ms` (-1 forever). 0 on an
 * event or a timeout alike: the caller reads the state again. */
static int events_poll(int events_fd, int ms, bx_error **err)
{
	struct pollfd pfd = { .fd = events_fd, .events = POLLPRI };
	for (;;) {
		int r = poll(&pfd, 1, ms);
		if (r >= 0)
			break;
		if (errno != EINTR)
			return bx_err(err, errno, "poll cgroup.events");
	}
	if (pfd.revents & POLLNVAL)
		return bx_err(err, EBADF, "poll cgroup.events");
	return 0;
}

int bx_events_wait_empty(int events_fd, int timeout_ms, bx_error **err)
{
	int64_t deadline = bx_deadline_after_ms(timeout_ms);
	for (;;) {
		int p = events_state(events_fd, err);
		if (p <= 0)
			return p;
		int left = bx_ms_left(deadline);
		if (left == 0)
			return bx_err(err, ETIMEDOUT, "still populated after %d ms", timeout_ms);
		if (events_poll(events_fd, left, err) < 0)
			return -1;
	}
}

int bx_procs_kill_listed(int procs_fd, size_t *listed, bx_error **err)
{
	*listed = 0;
	cleanup_free char *text = NULL;
	if (bx_fd_read_all(procs_fd, &text, err) < 0)
		return bx_err_wrap(err, "cgroup.procs");
	cleanup_free pid_t *pids = NULL;
	size_t n;
	if (bx_procs_parse(text, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], SIGKILL) < 0 && errno != ESRCH)
			return bx_err(err, errno, "kill pid %d", (int)pids[i]);
	*listed = n;
	return 0;
}

/* COMM and the state letter of /proc/<pid>/stat ("N (COMM) S ..."; COMM
 * may hold ')' and spaces: it ends at the last ')'). */
static bool proc_stat(pid_t pid, char *comm, size_t commsz, char *state)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren || close_paren[1] != ' ' ||
	    !close_paren[2])
		return false;
	size_t len = (size_t)(close_paren - open_paren - 1);
	if (len >= commsz)
		len = commsz - 1;
	memcpy(comm, open_paren + 1, len);
	comm[len] = '\0';
	*state = close_paren[2];
	return true;
}

bool bx_procs_describe(const pid_t *pids, size_t n, size_t max, bx_buf *out)
{
	bool uninterruptible = false;
	for (size_t i = 0; i < n && i < max; i++) {
		char comm[64], state;
		if (i)
			bx_buf_puts(out, ", ");
		if (proc_stat(pids[i], comm, sizeof comm, &state)) {
			bx_buf_printf(out, "pid %d (%s, state %c)", (int)pids[i], comm, state);
			uninterruptible |= state == 'D';
		} else {
			bx_buf_printf(out, "pid %d", (int)pids[i]);
		}
	}
	if (n > max)
		bx_buf_printf(out, ", and %zu more", n - max);
	return uninterruptible;
}

int bx_kill_by_signal(bx_kill_round_fn round, void *ctx, int events_fd, int timeout_ms,
		      bx_error **err)
{
	int64_t deadline = bx_deadline_after_ms(timeout_ms);
	for (;;) {
		size_t listed;
		if (round(ctx, &listed, err) < 0)
			return -1;
		int p = events_state(events_fd, err);
		if (p < 0)
			return -1;
		if (p == 0 && listed == 0)
			return 0;
		int left = bx_ms_left(deadline);
		if (left == 0)
			return bx_err(err, ETIMEDOUT, "still populated after %d ms", timeout_ms);
		if (events_poll(events_fd, left < 0 || left > 50 ? 50 : left, err) < 0)
			return -1;
	}
}
