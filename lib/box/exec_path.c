/* Resolving a command name to a path before fork, as execvp would. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box/box_int.h"
#include "box/spawn.h"
#include "core/util.h"

#define BX_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* 0: `p` is an executable regular file. Else errno of the failure. */
static int executable(const char *p)
{
	struct stat st;
	if (stat(p, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EACCES;
	if (access(p, X_OK) < 0)
		return errno;
	return 0;
}

int bx_exec_resolve(const char *cmd, const char *path_env, char **out, bx_error **err)
{
	*out = NULL;
	if (!cmd || !*cmd)
		return bx_err(err, ENOENT, "empty command name");
	if (strchr(cmd, '/')) {
		/* As given: execve reports what is wrong with it. */
		if (!(*out = strdup(cmd)))
			return bx_err(err, ENOMEM, "resolve %s", cmd);
		return 0;
	}
	const char *path = path_env ? path_env : BX_DEFAULT_PATH;
	int seen = ENOENT;
	for (const char *s = path;; ) {
		const char *colon = strchr(s, ':');
		size_t len = colon ? (size_t)(colon - s) : strlen(s);
		char *cand = len ? bx_sprintf("%.*s/%s", (int)len, s, cmd) : bx_sprintf("%s", cmd);
		if (!cand)
			return bx_err(err, ENOMEM, "resolve %s", cmd);
		int e = executable(cand);
		if (e == 0) {
			*out = cand;
			return 0;
		}
		free(cand);
		if (e == EACCES)
			seen = EACCES;
		if (!colon)
			break;
		s = colon + 1;
	}
	if (seen == EACCES)
		return bx_err(err, EACCES, "%s: found in PATH but not executable", cmd);
	return bx_err_said(err, ENOENT, "%s: command not found", cmd);
}
