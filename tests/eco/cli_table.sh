#!/usr/bin/env bash
# The command-line surface as the binary's command table declares it
# (`boxcg help --table`), in the format of cli_surface.sh:
#
#   COMMAND <tab> = <tab> permute       one line per command
#   COMMAND <tab> OPTION <tab> arg|noarg  --long and -x of each option
#
# With --global: the global options, "OPTION <tab> arg|noarg".
# The man page and completion tests read this; test_cli_table.sh checks
# it against the getopt calls of the sources (cli_surface.sh).
# Usage: tests/eco/cli_table.sh BOXCG [--global]
set -euo pipefail
boxcg=${1:?usage: cli_table.sh BOXCG [--global]}
"$boxcg" help --table | awk -F'\t' -v global="${2:-}" '
global != "" { if ($1 == "-") print $2 "\t" ($3 == "" ? "noarg" : "arg"); next }
$1 == "-" || $2 == "?" { next }
$2 == "=" { print $1 "\t=\tpermute"; next }
{ print $1 "\t" $2 "\t" ($3 == "" ? "noarg" : "arg") }'
