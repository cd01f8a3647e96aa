/* boxcg metrics --listen: /metrics over HTTP with libmicrohttpd, which
 * the CLI opens with dlopen() only when --listen is given (libboxcg never
 * listens on anything). Linking it would make every boxcg process, box
 * exec included, load and relocate it and its TLS stack (gnutls, nettle,
 * gmp, p11-kit, ...): ten libraries no other command uses (ARCHITECTURE.md,
 * "Optional libraries are opened when used"). Built with BX_NO_HTTP
 * (the fully static binary of the kernel tests: Debian's static
 * libmicrohttpd needs a static p11-kit it does not ship) it refuses
 * --listen and says why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_cmd.h"

#ifdef BX_NO_HTTP
int metrics_serve(cli *c, box_ctx *bc, const char *listen_arg)
{
	(void)bc;
	(void)listen_arg;
	bx_error *err = NULL;
	bx_err(&err, ENOTSUP, "metrics --listen: this boxcg was built without libmicrohttpd");
	return cli_fail(c, err);
}
#else
#include <arpa/inet.h>
#include <dlfcn.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>

/* The soname of the ABI the header above describes (Debian's
 * libmicrohttpd12). */
#define MHD_SONAME "libmicrohttpd.so.12"

/* The seven functions boxcg calls, resolved from MHD_SONAME. */
static struct {
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_stop_daemon) *stop_daemon;
} mhd;

static int mhd_open(bx_error **err)
{
	void *h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return bx_err(err, ENOENT,
			      "metrics --listen needs %s (Debian: apt-get install libmicrohttpd12): %s",
			      MHD_SONAME, dlerror());
	struct {
		void **slot;
		const char *name;
	} sym[] = {
		{ (void **)&mhd.create_response_from_buffer, "MHD_create_response_from_buffer" },
		{ (void **)&mhd.add_response_header, "MHD_add_response_header" },
		{ (void **)&mhd.queue_response, "MHD_queue_response" },
		{ (void **)&mhd.destroy_response, "MHD_destroy_response" },
		{ (void **)&mhd.start_daemon, "MHD_start_daemon" },
		{ (void **)&mhd.get_daemon_info, "MHD_get_daemon_info" },
		{ (void **)&mhd.stop_daemon, "MHD_stop_daemon" },
	};
	for (size_t i = 0; i < sizeof sym / sizeof sym[0]; i++) {
		*sym[i].slot = dlsym(h, sym[i].name);
		if (!*sym[i].slot) {
			bx_err(err, ENOSYS, "metrics --listen: %s has no %s", MHD_SONAME, sym[i].name);
			dlclose(h);
			return -1;
		}
	}
	return 0; /* kept open until exit: the server runs until then */
}

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "127.0.0.1:9100", "[::1]:9100", ":9100" (every IPv4 address). */
static int parse_listen(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(arg, ':');
	if (!colon || !colon[1])
		return -1;
	char *end;
	errno = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port > 65535 || colon[1] < '0' || colon[1] > '9')
		return -1;
	char host[64];
	size_t hl = (size_t)(colon - arg);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, arg, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof *ss);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	if (hl == 0)
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -1;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof *s4;
	return 0;
}

typedef struct server {
	box_ctx *bc;
	pthread_mutex_t lock; /* one scrape at a time reads the tree */
} server;

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned code, char *body, size_t len,
			     bool must_free)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(
		len, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				code == MHD_HTTP_OK ? CONTENT_TYPE : "text/plain; charset=utf-8");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = mhd.queue_response(conn, code, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	server *s = cls;
	static char not_found[] = "Not found: boxcg serves /metrics\n";
	static char not_allowed[] = "Method not allowed\n";
	static char failed[] = "Reading the statistics failed; see the server's log\n";
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed, sizeof not_allowed - 1,
			     false);
	if (strcmp(url, "/metrics") != 0)
		return reply(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof not_found - 1, false);
	if (*upload_size)
		return MHD_NO;
	bx_error *err = NULL;
	size_t len = 0;
	pthread_mutex_lock(&s->lock);
	char *text = metrics_render(s->bc, &len, &err);
	pthread_mutex_unlock(&s->lock);
	if (!text) {
		fprintf(stderr, "boxcg: error: scrape: %s\n", err ? err->msg : "out of memory");
		bx_error_free(err);
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, failed, sizeof failed - 1, false);
	}
	return reply(conn, MHD_HTTP_OK, text, len, true);
}

int metrics_serve(cli *c, box_ctx *bc, const char *listen_arg)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (parse_listen(listen_arg, &ss, &sl) < 0)
		return cli_usage(c, "metrics", "--listen %s: want ADDR:PORT (127.0.0.1:9100, [::1]:9100, :9100)",
				 listen_arg);
	bx_error *err = NULL;
	if (mhd_open(&err) < 0)
		return cli_fail(c, err);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* blocked before MHD's thread starts, so it inherits the mask and
	 * only sigwait below takes them */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	server s = { .bc = bc };
	pthread_mutex_init(&s.lock, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
			 (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = mhd.start_daemon(
		flags, 0, NULL, NULL, handle, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)10, MHD_OPTION_END);
	if (!d) {
		int e = errno;
		pthread_mutex_destroy(&s.lock);
		bx_err(&err, e, "listen on %s", listen_arg);
		return cli_fail(c, err);
	}
	const union MHD_DaemonInfo *bi = mhd.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = bi ? bi->port : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	char host[INET6_ADDRSTRLEN] = "";
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
	printf("Serving http://%s%s%s:%u/metrics\n", ss.ss_family == AF_INET6 ? "[" : "", host,
	       ss.ss_family == AF_INET6 ? "]" : "", port);
	fflush(stdout);
	int sig;
	while (sigwait(&set, &sig) != 0)
		;
	mhd.stop_daemon(d);
	pthread_mutex_destroy(&s.lock);
	return BX_EXIT_OK;
}

#endif
