/* libFuzzer target for the policy front end: any bytes, as one policy
 * file, through bx_policy_load_buffer. Built with
 * -fsanitize=fuzzer,address,undefined (make fuzz, make check-fuzz).
 *
 * Besides "no crash, no leak, no undefined behaviour", it checks the
 * loader's contract on every input: a policy comes out exactly when there
 * is no error; every diagnostic formats to one line with a location in
 * the file; every compiled setting names a registry file and has a value
 * in canonical form (no whitespace at either end, no newline). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_settings(const bx_settings *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const bx_setting *x = &s->v[i];
		if (!x->file_info || !x->file || !x->value || !x->ypath || !x->loc.file ||
		    strchr(x->value, '\n') || (x->value[0] == ' ') ||
		    (*x->value && x->value[strlen(x->value) - 1] == ' '))
			abort();
		if ((x->file_info->shape == BX_SHAPE_KEYED) != (x->key != NULL))
			abort();
		if (i && x->file_info->rank < s->v[i - 1].file_info->rank)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fixed facts, so a finding reproduces on any machine */
	static const bx_host_facts facts = {
		.page_size = 4096,
		.mem_total = 8ull << 30,
		.ncpus = 8,
		.hugepage_sizes = { 2ull << 20, 1ull << 30, 0 },
	};
	bx_diags d = {0};
	bx_policy *p = NULL;
	bx_error *err = NULL;
	if (bx_policy_load_buffer("fuzz.yaml", (const char *)data, size, &facts, &p, &d, &err) < 0) {
		bx_error_free(err); /* out of memory: allowed, nothing else */
		bx_diags_free(&d);
		return 0;
	}
	if ((p != NULL) != (d.errors == 0))
		abort();
	bx_diags_sort(&d);
	for (size_t i = 0; i < d.n; i++) {
		char *line = bx_diag_format(&d.v[i]);
		if (!line || strchr(line, '\n') || !d.v[i].file || strcmp(d.v[i].file, "fuzz.yaml") != 0)
			abort();
		free(line);
	}
	for (size_t i = 0; p && i < p->nclasses; i++) {
		check_settings(&p->classes[i].box);
		check_settings(&p->classes[i].slice);
		if (bx_policy_class(p, p->classes[i].name) != &p->classes[i])
			abort();
	}
	bx_policy_free(p);
	bx_diags_free(&d);
	return 0;
}
