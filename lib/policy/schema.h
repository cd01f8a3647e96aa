/* The policy language as a JSON Schema (draft 2020-12), generated from
 * the knob registry; `boxcg schema` prints it and
 * schemas/boxcg-policy.schema.json is its checked-in copy. */
#ifndef BX_POLICY_SCHEMA_H
#define BX_POLICY_SCHEMA_H

#include "core/err.h"

/* The schema as indented JSON text (no trailing newline). Caller frees;
 * NULL with *err when out of memory. */
char *bx_policy_schema_json(bx_error **err);

#endif
