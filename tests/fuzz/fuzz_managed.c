/* libFuzzer target: the record of managed settings (the xattr
 * user.boxcg.managed boxcg reads back from every cgroup it manages).
 * Besides no crash, leak or undefined behaviour: the canonical text of
 * any record is valid and a fixed point, and a record is valid exactly
 * when it is its own canonical text (bx_managed_valid decides that
 * without building it). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/managed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > BX_MANAGED_MAX)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	static const bx_host_facts facts = { .page_size = 4096, .mem_total = 8ull << 30, .ncpus = 8,
					     .hugepage_sizes = { 2ull << 20, 1ull << 30, 0 } };
	bx_managed m;
	if (bx_managed_parse(text, &facts, &m) == 0)
		bx_managed_free(&m);
	char *c = bx_managed_canonical(text, NULL);
	if (c) {
		char *c2 = bx_managed_canonical(c, NULL);
		if (!c2 || strcmp(c, c2) != 0 || !bx_managed_valid(c))
			abort();
		bool whole = strlen(text) == size;
		if (whole && bx_managed_valid(text) != (strcmp(text, c) == 0))
			abort();
		/* a record that lists the canonical text's files, by this test */
		if (bx_managed_same_files(text, c) && whole && strcmp(text, c) != 0 &&
		    !strchr(text, '='))
			abort(); /* without own values, the same files are the same text */
		free(c2);
		free(c);
	}
	free(text);
	return 0;
}
