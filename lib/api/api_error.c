/* boxcg_error: internal errors as public values; the version. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/util.h"

const char *boxcg_version(void) { return BOXCG_VERSION; }

int bx_api_fail(boxcg_error **err, bx_error *e)
{
	if (!err || *err) {
		bx_error_free(e);
		return -1;
	}
	boxcg_error *pe = calloc(1, sizeof *pe);
	if (!pe) {
		bx_error_free(e);
		return -1;
	}
	pe->errnum = e ? e->errnum : ENOMEM;
	bx_buf b = {0};
	if (!e)
		bx_buf_puts(&b, "out of memory");
	for (bx_error *x = e; x; x = x->also) {
		if (x != e)
			bx_buf_puts(&b, "; also: ");
		bx_buf_puts(&b, x->msg ? x->msg : "unknown error");
	}
	pe->msg = bx_buf_take(&b);
	bx_error_free(e);
	if (!pe->msg) {
		free(pe);
		return -1;
	}
	*err = pe;
	return -1;
}

int bx_api_args(const void *t, const void *p, const char *id, boxcg_error **err)
{
	if (t && p && id)
		return 0;
	bx_error *e = NULL;
	bx_err(&e, EINVAL, "%s is NULL", !t ? "the target" : !p ? "the policy" : "the box id");
	return bx_api_fail(err, e);
}

const char *boxcg_error_message(const boxcg_error *e) { return e ? e->msg : NULL; }

int boxcg_error_errno(const boxcg_error *e) { return e ? e->errnum : 0; }

void boxcg_error_free(boxcg_error *e)
{
	if (!e)
		return;
	free(e->msg);
	free(e);
}
