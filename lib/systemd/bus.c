/* Asking systemd, over D-Bus (sd-bus), for the delegated unit boxcg works
 * in: look it up, start it for a user, have a process moved into it. */
#include "systemd/sd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

#ifdef BOXCG_NO_LIBSYSTEMD

int bx_sd_unit_query(bool as_root, bx_sd_unit *u, bx_error **err)
{
	memset(u, 0, sizeof *u);
	return bx_err(err, ENOTSUP,
		      "systemd runs this host, and this boxcg was built without libsystemd, so "
		      "it cannot ask systemd for its delegated unit: pass --root DIR (a cgroup "
		      "delegated to boxcg)");
}

int bx_sd_find_base(const char *mount, bool as_root, char **base, bx_error **err)
{
	bx_sd_unit u;
	*base = NULL;
	return bx_sd_unit_query(as_root, &u, err);
}

#else

#include <dlfcn.h>
#include <systemd/sd-bus.h>

/* libsystemd is opened with dlopen() when systemd must be asked, never
 * linked: a command that finds its base in the cache (basecache.h) or is
 * given --root does not load it and the five libraries it pulls in
 * (ARCHITECTURE.md, "Optional libraries are opened when used"). The
 * soname of the ABI the header describes (Debian: libsystemd0). */
#define SD_SONAME "libsystemd.so.0"

#define SD_FUNCS(X)                                                                              \
	X(sd_bus_flush_close_unref) \
	X(sd_bus_message_unref) \
	X(sd_bus_error_free) \
	X(sd_bus_new) \
	X(sd_bus_set_address) \
	X(sd_bus_start) \
	X(sd_bus_unref) \
	X(sd_bus_open_system) \
	X(sd_bus_open_user) \
	X(sd_bus_error_is_set) \
	X(sd_bus_path_encode) \
	X(sd_bus_get_property_string) \
	X(sd_bus_get_property_trivial) \
	X(sd_bus_get_property_strv) \
	X(sd_bus_message_new_method_call) \
	X(sd_bus_message_append) \
	X(sd_bus_message_open_container) \
	X(sd_bus_message_close_container) \
	X(sd_bus_call)

static struct {
#define X(f) __typeof__(f) *f;
	SD_FUNCS(X)
#undef X
} sdl;

static int sd_open(bx_error **err)
{
	static void *handle;
	if (handle)
		return 0;
	void *h = dlopen(SD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return bx_err(err, ENOENT,
			      "systemd runs this host and boxcg asks it for its delegated unit with "
			      "%s, which cannot be loaded (Debian: apt-get install libsystemd0): %s; "
			      "or pass --root DIR (a cgroup delegated to boxcg)",
			      SD_SONAME, dlerror());
#define X(f)                                                                                     \
	if (!(*(void **)&sdl.f = dlsym(h, #f))) {                                               \
		memset(&sdl, 0, sizeof sdl);                                                     \
		dlclose(h);                                                                      \
		return bx_err(err, ENOSYS, "%s has no %s: too old a libsystemd", SD_SONAME, #f); \
	}
	SD_FUNCS(X)
#undef X
	handle = h; /* kept open until exit */
	return 0;
}

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_UNIT_IFACE "org.freedesktop.systemd1.Unit"
#define SD_SERVICE_IFACE "org.freedesktop.systemd1.Service"

static void bus_unrefp(sd_bus **b)
{
	if (*b)
		sdl.sd_bus_flush_close_unref(*b);
}
static void msg_unrefp(sd_bus_message **m)
{
	if (*m)
		sdl.sd_bus_message_unref(*m);
}
static void sd_error_freep(sd_bus_error *e)
{
	if (sdl.sd_bus_error_free)
		sdl.sd_bus_error_free(e);
}
#define cleanup_bus __attribute__((cleanup(bus_unrefp)))
#define cleanup_msg __attribute__((cleanup(msg_unrefp)))
#define cleanup_sd_error __attribute__((cleanup(sd_error_freep)))

static const char *manager_name(bool user)
{
	return user ? "the user manager" : "the system manager";
}

/* A path safe to put in a D-Bus address unescaped. */
static bool plain_path(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("/_-.", *s)))
			return false;
	return true;
}

static int connect_private(const char *socket_path, sd_bus **out)
{
	sd_bus *b = NULL;
	cleanup_free char *addr = bx_sprintf("unix:path=%s", socket_path);
	if (!addr)
		return -ENOMEM;
	int r = sdl.sd_bus_new(&b);
	if (r < 0)
		return r;
	if ((r = sdl.sd_bus_set_address(b, addr)) < 0 || (r = sdl.sd_bus_start(b)) < 0) {
		sdl.sd_bus_unref(b);
		return r;
	}
	*out = b;
	return 0;
}

/* The private socket of the manager (root: the system's; others: their
 * own user manager's, also from outside the session, where
 * XDG_RUNTIME_DIR is unset), then the bus. */
static int open_manager(bool as_root, sd_bus **bus, bx_error **err)
{
	*bus = NULL;
	if (as_root) {
		if (connect_private("/run/systemd/private", bus) == 0)
			return 0;
		int r = sdl.sd_bus_open_system(bus);
		if (r < 0)
			return bx_err(err, -r, "connect to the system manager (/run/systemd/private, "
					       "then the system bus)");
		return 0;
	}
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	cleanup_free char *rt = xdg && *xdg == '/' && plain_path(xdg)
					? strdup(xdg)
					: bx_sprintf("/run/user/%u", (unsigned)getuid());
	cleanup_free char *sock = rt ? bx_sprintf("%s/systemd/private", rt) : NULL;
	if (!sock)
		return bx_err(err, ENOMEM, "connect to the user manager");
	int r = connect_private(sock, bus);
	if (r == 0)
		return 0;
	if (xdg && sdl.sd_bus_open_user(bus) == 0)
		return 0;
	return bx_err(err, -r,
		      "connect to the user manager of uid %u (%s): it is not running; it runs while "
		      "the user is logged in, or always after `loginctl enable-linger USER`",
		      (unsigned)getuid(), sock);
}

static int call_err(bx_error **err, int r, const sd_bus_error *e, const char *what)
{
	if (e && sdl.sd_bus_error_is_set(e))
		return bx_err(err, 0, "%s: %s", what, e->message ? e->message : e->name);
	return bx_err(err, -r, "%s", what);
}

/* The unit's object path; systemd loads a unit (from disk) when an object
 * path of it is first used, so no LoadUnit round trip is needed. NULL
 * with *err. */
static char *unit_path(bx_error **err)
{
	char *p = NULL;
	int r = sdl.sd_bus_path_encode("/org/freedesktop/systemd1/unit", BX_SD_UNIT, &p);
	if (r < 0) {
		bx_err(err, -r, "encode the object path of %s", BX_SD_UNIT);
		return NULL;
	}
	return p;
}

static int get_string(sd_bus *bus, const char *path, const char *iface, const char *prop,
		      char **out, bx_error **err)
{
	cleanup_sd_error sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sdl.sd_bus_get_property_string(bus, SD_DEST, path, iface, prop, &e, out);
	if (r < 0) {
		cleanup_free char *what = bx_sprintf("read %s of %s", prop, BX_SD_UNIT);
		return call_err(err, r, &e, what ? what : "read a unit property");
	}
	return 0;
}

static bool running_state(const char *s)
{
	return bx_streq(s, "active") || bx_streq(s, "reloading") || bx_streq(s, "activating");
}

/* The unit's facts: ActiveState, and for a running unit ControlGroup and
 * Delegate (three round trips on the hot path of every command); LoadState
 * when it does not run, DelegateControllers only when `full`. */
static int query(sd_bus *bus, bool user, bool full, bx_sd_unit *u, bx_error **err)
{
	memset(u, 0, sizeof *u);
	u->user = user;
	cleanup_free char *path = unit_path(err);
	if (!path)
		return -1;
	if (get_string(bus, path, SD_UNIT_IFACE, "ActiveState", &u->active_state, err) < 0)
		return -1;
	bool running = running_state(u->active_state);
	if (running && !full)
		u->load_state = strdup("loaded");
	else if (get_string(bus, path, SD_UNIT_IFACE, "LoadState", &u->load_state, err) < 0)
		return -1;
	if (!u->load_state)
		return bx_err(err, ENOMEM, "ask systemd");
	if (strcmp(u->load_state, "loaded") != 0 || (!running && !full)) {
		u->cgroup = strdup("");
		u->delegated = strdup("");
		return u->cgroup && u->delegated ? 0 : bx_err(err, ENOMEM, "ask systemd");
	}
	if (get_string(bus, path, SD_SERVICE_IFACE, "ControlGroup", &u->cgroup, err) < 0)
		return -1;
	cleanup_sd_error sd_bus_error e = SD_BUS_ERROR_NULL;
	int deleg = 0;
	int r = sdl.sd_bus_get_property_trivial(bus, SD_DEST, path, SD_SERVICE_IFACE, "Delegate", &e, 'b',
					    &deleg);
	if (r < 0)
		return call_err(err, r, &e, "read Delegate of " BX_SD_UNIT);
	u->delegate = deleg;
	if (!full) {
		u->delegated = strdup("");
		return u->delegated ? 0 : bx_err(err, ENOMEM, "ask systemd");
	}
	char **ctrls = NULL;
	r = sdl.sd_bus_get_property_strv(bus, SD_DEST, path, SD_SERVICE_IFACE, "DelegateControllers", &e,
				     &ctrls);
	if (r < 0)
		return call_err(err, r, &e, "read DelegateControllers of " BX_SD_UNIT);
	bx_buf b = {0};
	for (size_t i = 0; ctrls && ctrls[i]; i++) {
		bx_buf_printf(&b, "%s%s", i ? " " : "", ctrls[i]);
		free(ctrls[i]);
	}
	free(ctrls);
	bx_buf_add(&b, "", 0);
	u->delegated = bx_buf_take(&b);
	return u->delegated ? 0 : bx_err(err, ENOMEM, "ask systemd");
}

int bx_sd_unit_query(bool as_root, bx_sd_unit *u, bx_error **err)
{
	memset(u, 0, sizeof *u);
	if (sd_open(err) < 0)
		return -1;
	cleanup_bus sd_bus *bus = NULL;
	if (open_manager(as_root, &bus, err) < 0)
		return -1;
	return query(bus, !as_root, true, u, err);
}

/* Start the user's boxcg.service as a transient unit: Delegate=yes, a main
 * process that stays (the cgroup of a unit whose processes are all gone is
 * removed with every subtree in it), Type=exec so the job ends once it
 * runs. */
static int start_transient(sd_bus *bus, bx_error **err)
{
	cleanup_sd_error sd_bus_error e = SD_BUS_ERROR_NULL;
	cleanup_msg sd_bus_message *m = NULL, *reply = NULL;
	int r = sdl.sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
					       "StartTransientUnit");
	if (r >= 0)
		r = sdl.sd_bus_message_append(m, "ss", BX_SD_UNIT, "fail");
	if (r >= 0)
		r = sdl.sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sdl.sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "Description", "s",
					  "boxcg: the delegated cgroup boxes live in", "Delegate", "b", 1,
					  "Type", "s", "exec", "CollectMode", "s", "inactive-or-failed");
	if (r >= 0)
		r = sdl.sd_bus_message_append(m, "(sv)", "ExecStart", "a(sasb)", 1, "/bin/sleep", 2,
					  "/bin/sleep", "infinity", 0);
	if (r >= 0)
		r = sdl.sd_bus_message_close_container(m);
	if (r >= 0)
		r = sdl.sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return bx_err(err, -r, "build the StartTransientUnit call");
	r = sdl.sd_bus_call(bus, m, 0, &e, &reply);
	if (r < 0)
		return call_err(err, r, &e, "start " BX_SD_UNIT " in the user manager");
	return 0;
}

static bool state_is(const bx_sd_unit *u, const char *s) { return bx_streq(u->active_state, s); }

/* Wait until the unit runs (Type=exec: its process was executed). */
static int wait_active(sd_bus *bus, bx_sd_unit *u, bx_error **err)
{
	for (int i = 0; i < 3000; i++) { /* 30 s: a loaded machine is slow */
		bx_sd_unit_free(u);
		if (query(bus, true, false, u, err) < 0)
			return -1;
		if (state_is(u, "active") || state_is(u, "reloading"))
			return 0;
		if (state_is(u, "failed") || (i > 100 && state_is(u, "inactive")))
			break;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return bx_err(err, 0,
		      "%s in the user manager did not start (it is %s): see "
		      "`journalctl --user -u %s`",
		      BX_SD_UNIT, u->active_state ? u->active_state : "unknown", BX_SD_UNIT);
}

/* The "0::/path" line of /proc/self/cgroup, malloc'ed; NULL if none. */
static char *own_cgroup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return NULL;
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	ssize_t n;
	while (!found && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (strncmp(line, "0::", 3) == 0)
			found = strdup(line + 3);
	}
	free(line);
	fclose(f);
	return found;
}

static bool below(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Have the user manager move this process into the unit's .holder; it asks
 * the system manager when the move crosses the delegation boundary (a
 * process started by runuser in a system unit). */
static int attach_self(sd_bus *bus, bx_error **err)
{
	cleanup_sd_error sd_bus_error e = SD_BUS_ERROR_NULL;
	cleanup_msg sd_bus_message *m = NULL, *reply = NULL;
	int r = sdl.sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
					       "AttachProcessesToUnit");
	if (r >= 0)
		r = sdl.sd_bus_message_append(m, "ssau", BX_SD_UNIT, "/" BX_SD_HOLDER, 1,
					  (uint32_t)getpid());
	if (r < 0)
		return bx_err(err, -r, "build the AttachProcessesToUnit call");
	r = sdl.sd_bus_call(bus, m, 0, &e, &reply);
	if (r < 0)
		return call_err(err, r, &e,
				"have the user manager move boxcg into " BX_SD_UNIT "/" BX_SD_HOLDER);
	return 0;
}

static int use_unit(sd_bus *bus, const char *mount, const bx_sd_unit *u, char **base,
		    bx_error **err)
{
	bool user = u->user;
	if (!u->delegate)
		return bx_err(err, 0,
			      "%s of %s has no Delegate=yes: its cgroup %s is systemd's to manage, not "
			      "boxcg's (install the shipped unit, or add Delegate=yes)",
			      BX_SD_UNIT, manager_name(user), u->cgroup);
	if (!u->cgroup || u->cgroup[0] != '/')
		return bx_err(err, 0, "%s of %s has no cgroup", BX_SD_UNIT, manager_name(user));
	size_t mn = strlen(mount);
	while (mn > 1 && mount[mn - 1] == '/')
		mn--;
	cleanup_free char *dir = strcmp(u->cgroup, "/") == 0
					 ? strndup(mount, mn)
					 : bx_sprintf("%.*s%s", (int)mn, mount, u->cgroup);
	if (!dir)
		return bx_err(err, ENOMEM, "find the base");
	if (bx_sd_vacate(dir, err) < 0)
		return -1;
	if (user) {
		cleanup_free char *mine = own_cgroup();
		if (!mine || !below(mine, u->cgroup)) {
			cleanup_free char *holder = bx_sprintf("%s/" BX_SD_HOLDER, dir);
			if (!holder)
				return bx_err(err, ENOMEM, "find the base");
			if (mkdir(holder, 0755) < 0 && errno != EEXIST)
				return bx_err(err, errno, "mkdir %s", holder);
			if (attach_self(bus, err) < 0)
				return -1;
		}
	}
	*base = bx_steal(&dir);
	return 0;
}

int bx_sd_find_base(const char *mount, bool as_root, char **base, bx_error **err)
{
	*base = NULL;
	bool user = !as_root;
	if (sd_open(err) < 0)
		return -1;
	cleanup_bus sd_bus *bus = NULL;
	if (open_manager(as_root, &bus, err) < 0)
		return -1;
	bx_sd_unit u;
	int r = query(bus, user, false, &u, err);
	bool running = r == 0 && running_state(u.active_state);
	if (r == 0 && user && !running) {
		bx_sd_unit_free(&u);
		r = start_transient(bus, err);
		if (r == 0)
			r = wait_active(bus, &u, err);
		running = r == 0;
	}
	if (r == 0 && !running)
		r = bx_err(err, 0,
			   "systemd runs this host and %s is %s (%s): boxcg writes only inside the "
			   "cgroup systemd delegates to that unit; start it (`systemctl enable --now "
			   "boxcg`), or pass --root",
			   BX_SD_UNIT, strcmp(u.load_state, "loaded") ? "not installed" : "not running",
			   strcmp(u.load_state, "loaded") ? u.load_state : u.active_state);
	if (r == 0)
		r = use_unit(bus, mount, &u, base, err);
	bx_sd_unit_free(&u);
	return r;
}

#endif
