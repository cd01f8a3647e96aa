/* What cmd_metrics.c and metrics_http.c share. */
#ifndef BX_CLI_METRICS_CMD_H
#define BX_CLI_METRICS_CMD_H

#include <stddef.h>

#include "cmd_box.h"

/* The exposition text of every class slice and box now; NULL with *err. */
char *metrics_render(box_ctx *bc, size_t *len, bx_error **err);
/* Serve /metrics on ADDR:PORT until SIGINT/SIGTERM; the exit status. */
int metrics_serve(cli *c, box_ctx *bc, const char *listen_arg);

#endif
