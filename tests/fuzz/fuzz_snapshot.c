/* libFuzzer target: snapshots (bx_state_from_json), what `plan --state`
 * reads. Besides no crash, leak or undefined behaviour: a snapshot that
 * loads is written again (bx_state_to_json) and that text is a fixed
 * point (loading and writing it gives the same bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	bx_state *st = NULL;
	bx_error *err = NULL;
	if (bx_state_from_json(text, &st, &err) < 0) {
		bx_error_free(err);
		free(text);
		return 0;
	}
	char *a = bx_state_to_json(st, &err);
	if (!a)
		abort();
	bx_state *st2 = NULL;
	if (bx_state_from_json(a, &st2, &err) < 0)
		abort();
	char *b = bx_state_to_json(st2, &err);
	if (!b || strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	bx_state_free(st);
	bx_state_free(st2);
	free(text);
	return 0;
}
