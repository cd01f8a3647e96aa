/* boxcg_target: the base boxes live in, and the state directory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "apply/apply.h"

int boxcg_target_open(const char *root, const char *state_dir, boxcg_target **out,
		      boxcg_error **err)
{
	bx_error *e = NULL;
	if (!out) {
		bx_err(&e, EINVAL, "open target: out is NULL");
		return bx_api_fail(err, e);
	}
	*out = NULL;
	boxcg_target *t = calloc(1, sizeof *t);
	if (!t || (state_dir && !(t->state_dir = strdup(state_dir)))) {
		free(t);
		bx_err(&e, ENOMEM, "open target");
		return bx_api_fail(err, e);
	}
	if (bx_cgfs_open_state(root, state_dir ? state_dir : BX_APPLY_STATE_DIR, &t->fs, &e) < 0) {
		boxcg_target_close(t);
		return bx_api_fail(err, e);
	}
	*out = t;
	return 0;
}

const char *boxcg_target_base(const boxcg_target *t) { return t ? t->fs->base_path : NULL; }

bool boxcg_target_is_directory(const boxcg_target *t) { return t && t->fs->dirmode; }

void boxcg_target_close(boxcg_target *t)
{
	if (!t)
		return;
	bx_lock_keep_close(&t->keep);
	bx_frame_forget(&t->frame);
	bx_cgfs_close(t->fs);
	free(t->state_dir);
	free(t);
}
