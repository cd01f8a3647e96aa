/* The one call every command that changes the tree makes first: the
 * transaction lock, and no change while a journal is pending. */
#include <errno.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"

static const char *state_dir_of(const bx_apply_opts *o)
{
	return o && o->state_dir ? o->state_dir : BX_APPLY_STATE_DIR;
}

int bx_apply_guard_late(const bx_apply_opts *o, const bx_lock *lock, bx_error **err)
{
	bool pending = false;
	if (bx_journal_present(lock->dirfd, &pending, err) < 0)
		return -1;
	if (!pending)
		return 0;
	/* The message says what to do; EAGAIN is for callers. */
	return bx_err_said(err, EAGAIN,
			   "%s/" BX_JOURNAL_NAME " holds the journal of an interrupted "
			   "transaction: run `boxcg recover` first",
			   state_dir_of(o));
}

int bx_apply_guard_lock(const bx_apply_opts *o, bx_lock **out, bx_error **err)
{
	*out = NULL;
	return bx_lock_acquire_kept(o ? o->keep : NULL, state_dir_of(o), bx_apply_lock_timeout(o), out,
				    err);
}

int bx_apply_guard(const bx_apply_opts *o, bx_lock **out, bx_error **err)
{
	bx_lock *lock = NULL;
	if (bx_apply_guard_lock(o, &lock, err) < 0)
		return -1;
	if (bx_apply_guard_late(o, lock, err) < 0) {
		bx_lock_release(lock);
		return -1;
	}
	*out = lock;
	return 0;
}
