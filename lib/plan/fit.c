/* Does the policy fit the host (plan/fit.h): controllers the policy
 * needs that the base lacks, and the planner's explanation of each. */
#include "plan/fit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "knobs.h"
#include "plan/observe_src.h"
#include "plan/plan_int.h"
#include "systemd/sd.h"

static bool loc_before(const bx_loc *a, const bx_loc *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c < 0;
	return a->line != b->line ? a->line < b->line : a->col < b->col;
}

const bx_setting *bx_fit_first_needing(const bx_settings *s, unsigned bit)
{
	const bx_setting *best = NULL;
	for (size_t i = 0; s && i < s->n; i++)
		if (s->v[i].file_info && (s->v[i].file_info->ctrl & bit) &&
		    (!best || loc_before(&s->v[i].loc, &best->loc)))
			best = &s->v[i];
	return best;
}

char *bx_fit_explain(const bx_state *st, unsigned bit, const bx_setting *why, bool with_loc)
{
	const char *name = bx_ctrl_name(bit);
	const char *reason =
		st->v1_bound & bit
			? "it is bound to a cgroup v1 hierarchy on this host; move it to cgroup v2 "
			  "(cgroup_no_v1= or systemd.unified_cgroup_hierarchy=1) or drop the setting"
			: "it is missing from the base's cgroup.controllers: the cgroup above the base "
			  "has not enabled or delegated it";
	/* Under a systemd user manager: the drop-in that delegates it. */
	cleanup_free char *hint = st->v1_bound & bit ? NULL : bx_sd_delegate_hint(st->base_path, name);
	if (!with_loc)
		return bx_sprintf("controller %s is not available at %s (needed by %s): %s%s", name,
				  st->base_path, why ? why->file : "?", reason, hint ? hint : "");
	return bx_sprintf("controller %s is not available at %s (needed by %s, %s:%u:%u [%s]): %s%s", name,
			  st->base_path, why ? why->file : "?", why && why->loc.file ? why->loc.file : "?",
			  why ? why->loc.line : 0, why ? why->loc.col : 0, why && why->ypath ? why->ypath : "",
			  reason, hint ? hint : "");
}

bool bx_fit_lacks(const bx_state *st, unsigned bit)
{
	const bx_cg_state *base = bx_state_find(st, "");
	if (!base)
		return false; /* nothing observed: nothing to say */
	unsigned enabled = base->exists ? base->subtree_control : 0;
	return !(enabled & bit) && !(base->controllers & bit);
}

static int gaps_of(const bx_state *st, const bx_settings *s, unsigned *seen, bx_fit_gap **out,
		   size_t *n, size_t *cap)
{
	unsigned need = bx_settings_ctrls(s);
	for (unsigned i = 0; i < BX_NCTRL; i++) {
		unsigned bit = 1u << i;
		if (!(need & bit) || (*seen & bit) || !bx_fit_lacks(st, bit))
			continue;
		if (bx_grow(out, cap, *n + 1, sizeof **out) < 0)
			return -1;
		*seen |= bit;
		(*out)[(*n)++] = (bx_fit_gap){ bit, bx_fit_first_needing(s, bit) };
	}
	return 0;
}

int bx_fit_gaps(const bx_policy *p, const bx_state *st, bx_fit_gap **out, size_t *n, bx_error **err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	unsigned seen = 0;
	const bx_class **classes = NULL;
	const bx_static_box **boxes = NULL;
	if (bx_policy_sorted(p, &classes, &boxes, err) < 0)
		return -1;
	int r = 0;
	/* the planner's walk: each class slice (its own settings, then what
	 * its boxes need), classes by name */
	for (size_t i = 0; i < p->nclasses && r == 0; i++)
		if (gaps_of(st, &classes[i]->slice, &seen, out, n, &cap) < 0 ||
		    gaps_of(st, &classes[i]->box, &seen, out, n, &cap) < 0)
			r = bx_err(err, ENOMEM, "check the host");
	free(classes);
	free(boxes);
	if (r < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r;
}
