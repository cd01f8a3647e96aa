/* The target of plan, diff and snapshot (plan_target.h). */
#include "plan_target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/apply.h"
#include "core/util.h"
#include "policy/policy.h"

#define SNAPSHOT_MAX (256u << 20)

int bx_read_text(const char *path, size_t max, char **out, bx_error **err)
{
	*out = NULL;
	bool std = strcmp(path, "-") == 0;
	int fd = std ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bx_err(err, errno, "open %s", path);
	/* a regular file says its size: refuse a huge one without reading it */
	struct stat sb;
	if (!std && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > max) {
		close(fd);
		return bx_err(err, EFBIG, "%s: larger than %zu MiB", path, max >> 20);
	}
	if (!std && fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		return bx_err(err, EISDIR, "read %s", path);
	}
	bx_buf b = {0};
	char chunk[65536];
	int r = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = bx_err(err, errno, "read %s", std ? "standard input" : path);
			break;
		}
		if (n == 0)
			break;
		if (memchr(chunk, '\0', (size_t)n)) {
			r = bx_err(err, 0, "%s: not a text file (NUL byte)", std ? "standard input" : path);
			break;
		}
		if (b.len + (size_t)n > max) {
			r = bx_err(err, EFBIG, "%s: larger than %zu MiB", std ? "standard input" : path,
				   max >> 20);
			break;
		}
		bx_buf_add(&b, chunk, (size_t)n);
	}
	if (!std)
		close(fd);
	if (r < 0) {
		bx_buf_free(&b);
		return -1;
	}
	bx_buf_add(&b, "", 0);
	if (!(*out = bx_buf_take(&b)))
		return bx_err(err, ENOMEM, "read %s", path);
	return 0;
}

int bx_target_open(cli *c, const char *state_path, bx_target *t, bx_error **err)
{
	*t = (bx_target){0};
	if (state_path) {
		cleanup_free char *text = NULL;
		if (bx_read_text(state_path, SNAPSHOT_MAX, &text, err) < 0)
			return -1;
		if (bx_state_from_json(text, &t->snap, err) < 0)
			return bx_err_wrap(err, "%s",
					   strcmp(state_path, "-") == 0 ? "standard input" : state_path);
		t->facts = t->snap->facts;
		return 0;
	}
	if (bx_cgfs_open_state(c->root, c->state_dir, &t->fs, err) < 0)
		return -1;
	t->facts = t->fs->facts;
	/* A crashed transaction leaves the tree half changed: say so. */
	bool pending = false;
	bx_error *e = NULL;
	if (bx_apply_pending(c->state_dir, &pending, &e) == 0 && pending)
		fprintf(stderr,
			"boxcg: %swarning:%s %s holds the journal of an interrupted transaction: the "
			"tree is half changed; run `boxcg recover`\n",
			cli_color(c->color_err, CLI_YELLOW), cli_color(c->color_err, CLI_RESET),
			c->state_dir);
	bx_error_free(e);
	return 0;
}

int bx_target_load(cli *c, bx_target *t, const char *const *paths, size_t npaths)
{
	bx_diags d = {0};
	bx_error *err = NULL;
	if (bx_policy_load(paths, npaths, &t->facts, &t->policy, &d, &err) < 0) {
		bx_diags_free(&d);
		return cli_fail(c, err);
	}
	cli_print_diags(c, &d);
	size_t errors = d.errors;
	bx_diags_free(&d);
	if (errors || !t->policy) {
		bx_err(&err, 0, "the policy has %zu %s", errors, errors == 1 ? "error" : "errors");
		return cli_fail(c, err);
	}
	return -1;
}

int bx_target_load_observe(cli *c, bx_target *t, const char *const *paths, size_t npaths,
			   bx_error **err)
{
	int status = bx_target_load(c, t, paths, npaths);
	if (status >= 0)
		return status;
	int r = t->fs ? bx_observe(t->fs, t->policy, NULL, &t->observed, err)
		      : bx_observe_snapshot(t->snap, t->policy, NULL, &t->observed, err);
	return r < 0 ? cli_fail(c, bx_steal(err)) : -1;
}

void bx_target_close(bx_target *t)
{
	bx_state_free(t->observed);
	bx_policy_free(t->policy);
	bx_state_free(t->snap);
	bx_cgfs_close(t->fs);
	*t = (bx_target){0};
}
