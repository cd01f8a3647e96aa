/* libFuzzer target: saved plans (bx_planfile_from_json), what `apply
 * --plan` reads. Besides no crash, leak or undefined behaviour: a plan
 * that loads is written again (bx_planfile_to_json) and loads back as the
 * same plan (bx_plan_same), with the same recorded policy. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/planfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	bx_plan *p = NULL;
	bx_state *then = NULL;
	bx_error *err = NULL;
	if (bx_planfile_from_json(text, &p, &then, &err) < 0) {
		bx_error_free(err);
		free(text);
		return 0;
	}
	char *again = bx_planfile_to_json(p, then, &err);
	if (!again)
		abort();
	bx_plan *q = NULL;
	bx_state *then2 = NULL;
	char *what = NULL;
	if (bx_planfile_from_json(again, &q, &then2, &err) < 0 || bx_plan_same(p, q, &what, &err) != 1)
		abort();
	if (p->source.present != q->source.present || p->source.n != q->source.n ||
	    p->source.prune != q->source.prune)
		abort();
	for (size_t i = 0; i < p->source.n; i++)
		if (strcmp(p->source.names[i], q->source.names[i]) ||
		    strcmp(p->source.texts[i], q->source.texts[i]))
			abort();
	free(what);
	free(again);
	bx_plan_free(p);
	bx_plan_free(q);
	bx_state_free(then);
	bx_state_free(then2);
	free(text);
	return 0;
}
