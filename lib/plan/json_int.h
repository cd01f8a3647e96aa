/* States and plans as JSON, for the documents that embed them (plan
 * files). Internal to lib/plan. */
#ifndef BX_PLAN_JSON_INT_H
#define BX_PLAN_JSON_INT_H

#include <jansson.h>

#include "plan/json_write.h"
#include "plan/plan.h"
#include "plan/state.h"

/* Writing: the state as one JSON object value; the plan's members into an
 * object the caller opened (a plan file adds "observed"). */
void bx_state_write_json(bx_jw *w, const bx_state *st);
void bx_plan_write_members(bx_jw *w, const bx_plan *plan);
/* Reading (jansson). */
int bx_state_from_jsonv(json_t *o, bx_state **out, bx_error **err);
int bx_plan_from_jsonv(json_t *o, bx_plan **out, bx_error **err);

#endif
