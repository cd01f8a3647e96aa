/* Helpers shared by the files of lib/box/. */
#ifndef BX_BOX_INT_H
#define BX_BOX_INT_H

#include "core/err.h"
#include "core/util.h"

/* Hand a caught error `e` to the caller's *err (or free it when the
 * caller did not ask, or already has one). Returns -1. */
static inline int bx_box_pass(bx_error **err, bx_error *e)
{
	if (err && !*err)
		*err = e;
	else
		bx_error_free(e);
	return -1;
}

#endif
