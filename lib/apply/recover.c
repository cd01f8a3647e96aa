/* Recovery: roll back the transaction a crash left in the journal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "apply/undo.h"
#include "core/util.h"

int bx_recover(const char *state_dir, bx_recover_result *res, bx_error **err)
{
	bx_apply_opts o = { .state_dir = state_dir };
	return bx_recover_with(&o, res, err);
}

static int replay(bx_lock *lock, bx_journal_doc *doc, bx_hooks *h, bx_recover_result *res,
		  bx_error **err)
{
	bx_cgfs *fs = NULL;
	if (bx_cgfs_open(doc->hdr.base, &fs, err) < 0)
		return bx_err_wrap(err, "open the base the journal names");
	if (fs->dirmode != doc->hdr.dirmode) {
		bool now_dir = fs->dirmode;
		bx_cgfs_close(fs);
		return bx_err(err, EINVAL,
			      "the journal was written for %s as %s, but it is now %s: not touching it",
			      doc->hdr.base, doc->hdr.dirmode ? "a plain directory" : "cgroup2",
			      now_dir ? "a plain directory" : "cgroup2");
	}
	/* The same directory the journal was written for, not whatever the
	 * path leads to now (a symlink swapped in after the crash): every
	 * access below goes through the fd opened here. */
	cleanup_free char *id = bx_dir_identity(fs->base_fd);
	if (!doc->hdr.base_id || !id || strcmp(id, doc->hdr.base_id) != 0) {
		bx_cgfs_close(fs);
		if (!doc->hdr.base_id)
			return bx_err(err, EINVAL,
				      "the journal does not record which directory %s was (written by "
				      "an older boxcg, or by hand): not touching it",
				      doc->hdr.base);
		return bx_err(err, EINVAL,
			      "%s is no longer the directory the journal was written for (device:inode "
			      "%s, now %s): not touching it",
			      doc->hdr.base, doc->hdr.base_id, id ? id : "unknown");
	}
	bx_rollback rb = { .fs = fs, .hooks = h, .exact = fs->dirmode, .skip_vanished = true };
	bool cached = bx_cgfs_cache_begin(fs) == 0; /* under the lock */
	int r = bx_rollback_run(&rb, doc->v, doc->n, err);
	if (cached)
		bx_cgfs_cache_end(fs);
	res->undone = rb.undone;
	res->unrestored = bx_rollback_take(&rb, &res->nunrestored);
	res->vanished = bx_rollback_take_vanished(&rb, &res->nvanished);
	res->skipped = rb.skipped;
	bx_cgfs_close(fs);
	if (r < 0)
		return bx_err_wrap(err, "recover (the journal is kept)");
	return bx_journal_remove(lock->dirfd, h, err);
}

/* A cgroup2 tree lives in kernel memory: a journal written for one before
 * the last reboot describes changes to a tree that no longer exists, and
 * replaying it would "restore" values into whatever this boot built. A
 * directory root survives reboots: its journal is always replayed. */
static bool from_another_boot(const bx_journal_header *hdr)
{
	if (hdr->dirmode || !hdr->boot_id)
		return false;
	cleanup_free char *now = bx_boot_id();
	return now && strcmp(now, hdr->boot_id) != 0;
}

int bx_recover_with(const bx_apply_opts *o, bx_recover_result *res, bx_error **err)
{
	memset(res, 0, sizeof *res);
	const char *dir = o && o->state_dir ? o->state_dir : BX_APPLY_STATE_DIR;
	bx_hooks h = {0};
	if (o) {
		h.fault_at = o->fault_at;
		h.fault_errno = o->fault_errno;
		h.fault_count = o->fault_count;
		h.kill_at = o->kill_at;
	}
	bool pending;
	if (bx_apply_pending(dir, &pending, err) < 0)
		return -1;
	if (!pending)
		return 0;
	bx_lock *lock = NULL;
	if (bx_lock_acquire(dir, bx_apply_lock_timeout(o), &lock, err) < 0)
		return -1;
	bx_journal_doc doc;
	bool found = false;
	int r = bx_journal_load(lock->dirfd, &found, &doc, err);
	if (r < 0) {
		/* Found but unreadable or corrupt: replay nothing, keep it. */
		res->had_journal = true;
		bx_err_wrap(err, "%s/" BX_JOURNAL_NAME, dir);
		bx_lock_release(lock);
		return -1;
	}
	if (found) {
		res->had_journal = true;
		res->records = doc.n;
		res->torn = doc.torn;
		if (doc.has_header) {
			res->base = strdup(doc.hdr.base);
			res->other_boot = from_another_boot(&doc.hdr);
			/* the undo may touch any cgroup: frames read again */
			r = res->other_boot ? bx_journal_remove(lock->dirfd, &h, err)
			    : bx_lock_advance(lock, err) < 0 ? -1
							     : replay(lock, &doc, &h, res, err);
		} else {
			/* The header never made it to disk: nothing was changed. */
			r = bx_journal_remove(lock->dirfd, &h, err);
		}
		bx_journal_doc_free(&doc);
	}
	bx_lock_release(lock);
	return r;
}

void bx_recover_result_free(bx_recover_result *r)
{
	if (!r)
		return;
	bx_strv_free(r->unrestored, r->nunrestored);
	bx_strv_free(r->vanished, r->nvanished);
	free(r->base);
	memset(r, 0, sizeof *r);
}
