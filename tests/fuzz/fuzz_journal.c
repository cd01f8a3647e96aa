/* libFuzzer target: the journal parser (bx_journal_parse), what `boxcg
 * recover` reads back from the state directory. Besides no crash, leak or
 * undefined behaviour: every record that loads names a safe cgroup path,
 * exact restores name interface files only, and each record written again
 * (bx_undo_write_line) parses back to the same line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apply/journal.h"
#include "apply/record.h"
#include "cgroupfs/cgfs.h"
#include "knobs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bx_journal_doc d;
	bx_error *err = NULL;
	if (bx_journal_parse((const char *)data, size, &d, &err) < 0) {
		bx_error_free(err);
		return 0;
	}
	if (d.has_header && d.hdr.base[0] != '/')
		abort();
	for (size_t i = 0; i < d.n; i++) {
		const bx_undo *u = &d.v[i];
		if (!u->cg || (*u->cg && !bx_cgpath_valid(u->cg)))
			abort();
		for (size_t k = 0; k < u->exact.n; k++)
			if (!bx_interface_file_name(u->exact.v[k].name))
				abort();
		bx_buf a = {0}, b = {0};
		if (bx_undo_write_line(&a, u) == 0) {
			bx_journal_doc again;
			bx_buf text = {0};
			bx_journal_header h = { .base = "/x", .fingerprint = "" };
			bx_journal_header_write_line(&text, &h);
			bx_buf_add(&text, a.s, a.len);
			if (text.oom || bx_journal_parse(text.s, text.len, &again, &err) < 0 || again.n != 1)
				abort();
			if (bx_undo_write_line(&b, &again.v[0]) < 0 || a.len != b.len ||
			    memcmp(a.s, b.s, a.len) != 0)
				abort();
			bx_journal_doc_free(&again);
			bx_buf_free(&text);
		}
		bx_buf_free(&a);
		bx_buf_free(&b);
	}
	bx_journal_doc_free(&d);
	return 0;
}
