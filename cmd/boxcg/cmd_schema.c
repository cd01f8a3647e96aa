/* boxcg schema: print the policy language's JSON Schema (2020-12),
 * generated from the knob registry. Point an editor's YAML language server
 * at it, or validate policies in CI with any JSON Schema tool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "policy/schema.h"

static int run_schema(cli *c, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage(c, "schema", "takes no arguments");
	bx_error *err = NULL;
	char *text = bx_policy_schema_json(&err);
	if (!text)
		return cli_fail(c, err);
	printf("%s\n", text);
	free(text);
	return BX_EXIT_OK;
}

BX_COMMAND(schema, "schema", "",
	   "print the JSON Schema of the policy language (generated from the knob registry)",
	   run_schema, .no_options = true,
	   .details = "Print the JSON Schema (draft 2020-12) of the policy language.");
