/* boxcg metrics [--listen ADDR:PORT] [POLICY...]
 *
 * The Prometheus text exposition of every class slice and box of the
 * policy (lib/metrics): printed once, for node_exporter's textfile
 * collector, or served as /metrics over HTTP with libmicrohttpd, fresh at
 * every scrape. The HTTP server is the CLI's: libboxcg builds the text and
 * never listens on anything (a runtime serves it its own way).
 *
 * --listen ADDR:PORT: an IPv4 address or [IPv6] address and a port (0:
 * the kernel picks one); the address actually bound is printed on stdout
 * ("Serving http://127.0.0.1:39213/metrics"). GET or HEAD /metrics only
 * (404 elsewhere, 405 for other methods). SIGINT or SIGTERM stops it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "metrics/metrics.h"
#include "metrics_cmd.h"
#include "stats/stats.h"

/* The exposition text now; NULL with *err. */
char *metrics_render(box_ctx *bc, size_t *len, bx_error **err)
{
	bx_stats_set set;
	if (bx_stats_collect(bc->fs, bc->policy, NULL, 0, &set, err) < 0)
		return NULL;
	bx_buf b = {0};
	bool ok = bx_metrics_render(&set, &b);
	bx_stats_set_free(&set);
	*len = b.len;
	char *s = bx_buf_take(&b);
	if (!ok || !s) {
		free(s);
		bx_err(err, ENOMEM, "render metrics");
		return NULL;
	}
	return s;
}

static int run_metrics(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *listen_arg = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			listen_arg = optarg;
			break;
		case 'h':
			printf("Usage: boxcg metrics [--listen ADDR:PORT] POLICY...\n"
			       "Print the Prometheus text exposition of every class slice and box\n"
			       "(for node_exporter's textfile collector), or serve it at /metrics\n"
			       "over HTTP on ADDR:PORT until SIGINT or SIGTERM.\n");
			return BX_EXIT_OK;
		default:
			return cli_usage(c, "metrics", "unknown option");
		}
	}
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	if (listen_arg) {
		status = metrics_serve(c, &bc, listen_arg);
	} else {
		bx_error *err = NULL;
		size_t len;
		char *text = metrics_render(&bc, &len, &err);
		if (!text) {
			status = cli_fail(c, err);
		} else {
			fwrite(text, 1, len, stdout);
			free(text);
			status = BX_EXIT_OK;
		}
	}
	box_close(&bc);
	return status;
}

static const cli_opt metrics_opts[] = {
	{ "listen", 0, "ADDR:PORT", "serve /metrics over HTTP instead of printing" },
	{ 0 },
};

BX_COMMAND(metrics, "metrics", "[--listen ADDR:PORT] POLICY...",
	   "Prometheus metrics of every box and class slice, printed or served over HTTP",
	   run_metrics, .opts = metrics_opts);
