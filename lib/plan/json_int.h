/* JSON values (jansson) of states and plans, for the documents that embed
 * them (plan files). Internal to lib/plan. */
#ifndef BX_PLAN_JSON_INT_H
#define BX_PLAN_JSON_INT_H

#include <jansson.h>

#include "plan/plan.h"
#include "plan/state.h"

json_t *bx_state_to_jsonv(const bx_state *st);
int bx_state_from_jsonv(json_t *o, bx_state **out, bx_error **err);
json_t *bx_plan_to_jsonv(const bx_plan *plan);
int bx_plan_from_jsonv(json_t *o, bx_plan **out, bx_error **err);

#endif
