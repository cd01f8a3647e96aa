/* What the `box` subcommands share: the base and the policy they act on,
 * option parsing helpers, and how a failed create is reported. */
#ifndef BX_CLI_CMD_BOX_H
#define BX_CLI_CMD_BOX_H

#include <stdbool.h>

#include "box/box.h"
#include "cgroupfs/cgfs.h"
#include "cli.h"
#include "model.h"

typedef struct box_ctx {
	bx_cgfs *fs;
	bx_policy *policy;
} box_ctx;

/* Open the base (--root, or discovery) and load the policy compiled for
 * its host (diagnostics printed). -1 when both worked, else the exit
 * status (the problem printed). */
int box_open(cli *c, char **paths, int npaths, box_ctx *bc);
void box_close(box_ctx *bc);

/* "Directory mode: … is a plain directory …" to `f` when it is one. */
void box_say_dirmode(const box_ctx *bc, FILE *f);

/* --timeout DUR ("10s", "500ms", "2m", "30"), as milliseconds. */
int box_parse_timeout(cli *c, const char *cmd, const char *arg, int *ms);

/* Create (or with exist_ok, make sure of) a box; prints the failure the
 * way `apply` does. -1 on success, else the exit status (1, or 3 when
 * the rollback failed too). */
int box_create(cli *c, box_ctx *bc, const char *class_name, const char *id, bool exist_ok,
	       const char *const *sets, size_t nsets, bx_box_create_result *res);

#endif
