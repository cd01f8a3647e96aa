/* The fix for a controller the user manager does not delegate: a drop-in
 * for user@.service, which only root can install. */
#include "systemd/sd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

/* The controllers of cgroup directory `dir`, as one line; NULL if unreadable. */
static char *controllers_of(const char *dir)
{
	cleanup_free char *path = bx_sprintf("%s/cgroup.controllers", dir);
	if (!path)
		return NULL;
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return strdup("");
	}
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

char *bx_sd_delegate_hint(const char *base_path, const char *ctrl)
{
	if (!base_path || !ctrl)
		return NULL;
	const char *at = strstr(base_path, "/user@");
	if (!at)
		return NULL;
	const char *end = strstr(at, ".service");
	if (!end || (end[8] != '/' && end[8] != '\0'))
		return NULL;
	cleanup_free char *unit_dir = strndup(base_path, (size_t)(end + 8 - base_path));
	cleanup_free char *unit = strndup(at + 1, (size_t)(end + 8 - (at + 1)));
	if (!unit_dir || !unit)
		return NULL;
	cleanup_free char *now = controllers_of(unit_dir);
	bx_buf b = {0};
	bx_buf_printf(&b,
		      "\nsystemd's user manager (%s) is not delegated the %s controller. As root, "
		      "delegate it to every user manager with a drop-in, then restart this one:\n"
		      "  # mkdir -p /etc/systemd/system/user@.service.d\n"
		      "  # cat >/etc/systemd/system/user@.service.d/delegate.conf <<EOF\n"
		      "  [Service]\n"
		      "  Delegate=%s%s%s\n"
		      "  EOF\n"
		      "  # systemctl daemon-reload && systemctl restart %s\n"
		      "(`boxcg doctor` shows what is delegated now)",
		      unit, ctrl, now && *now ? now : "", now && *now ? " " : "", ctrl, unit);
	return bx_buf_take(&b);
}
