/* The one call every command that changes the tree makes first: the
 * transaction lock, and no change while a journal is pending. */
#include <errno.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"

int bx_apply_guard(const bx_apply_opts *o, bx_lock **out, bx_error **err)
{
	*out = NULL;
	const char *dir = o && o->state_dir ? o->state_dir : BX_APPLY_STATE_DIR;
	bx_lock *lock = NULL;
	if (bx_lock_acquire_kept(o ? o->keep : NULL, dir, bx_apply_lock_timeout(o), &lock, err) < 0)
		return -1;
	bool pending = false;
	if (bx_journal_present(lock->dirfd, &pending, err) < 0) {
		bx_lock_release(lock);
		return -1;
	}
	if (pending) {
		bx_lock_release(lock);
		/* The message says what to do; EAGAIN is for callers. */
		return bx_err_said(err, EAGAIN,
				   "%s/" BX_JOURNAL_NAME " holds the journal of an interrupted "
				   "transaction: run `boxcg recover` first",
				   dir);
	}
	*out = lock;
	return 0;
}
