/* The transaction driver: lock, journal header, then per step capture →
 * journal → mutate → read back (a write inside a cgroup the transaction
 * created: mutate → read back); commit by removing the journal, or on any
 * failure roll back every journaled step and verify. */
#include "apply/apply.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/capture.h"
#include "apply/created.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "apply/step.h"
#include "apply/undo.h"
#include "core/util.h"
#include "plan/managed.h"
#include "plan/normalize.h"

static const char *state_dir_of(const bx_apply_opts *o)
{
	return o && o->state_dir ? o->state_dir : BX_APPLY_STATE_DIR;
}

double bx_apply_lock_timeout(const bx_apply_opts *o)
{
	if (!o || o->lock_timeout == 0)
		return BX_APPLY_LOCK_TIMEOUT;
	return o->lock_timeout < 0 ? 0 : o->lock_timeout;
}

static bool one_line(const char *s)
{
	const char *nl = s ? strchr(s, '\n') : NULL;
	return !nl || nl[1] == '\0';
}

/* What is shown (the step's new value) is what is written. */
static bool writes_what_it_shows(const bx_step *s)
{
	cleanup_free char *bytes = bx_write_bytes(s->file, s->key, s->new);
	return bytes && strcmp(bytes, s->write) == 0;
}

/* Refuse a plan that could do anything but what boxcg plans do, before
 * touching anything: it may come from a file. */
static int validate_plan(const bx_plan *p, bx_error **err)
{
	for (size_t i = 0; i < p->n; i++) {
		const bx_step *s = &p->v[i];
		const char *why = NULL;
		unsigned plus, minus;
		if (!s->cgroup || (*s->cgroup && !bx_cgpath_valid(s->cgroup)))
			why = "unsafe cgroup path";
		else if ((s->op == BX_OP_MKDIR || s->op == BX_OP_RMDIR) && !*s->cgroup)
			why = "creates or removes the base itself";
		else if (s->op == BX_OP_WRITE &&
			 (!s->file || !bx_cgfile_valid(s->file) || !bx_file_lookup(s->file)))
			why = "writes a file boxcg does not manage";
		else if (s->op == BX_OP_WRITE && (!s->write || !one_line(s->write)))
			why = "writes no value, or more than one line";
		else if (s->op == BX_OP_WRITE && s->key && (!*s->key || strpbrk(s->key, " \t\n")))
			why = "has a malformed key";
		else if (s->op == BX_OP_WRITE && !bx_value_syntax_ok(s->file, s->key, s->new))
			why = "has a value that is not valid for its file";
		else if (s->op == BX_OP_WRITE && !writes_what_it_shows(s))
			why = "writes other bytes than the value it shows";
		else if ((s->op == BX_OP_ENABLE || s->op == BX_OP_DISABLE) &&
			 bx_ctrl_tokens(s->write, &plus, &minus) < 0)
			why = "has a malformed subtree_control value";
		else if (s->op == BX_OP_RECORD && (s->file || s->key || !bx_managed_valid(s->write)))
			why = "records something that is not a list of settings boxcg manages";
		else if ((unsigned)s->op > BX_OP_RECORD)
			why = "has an unknown operation";
		if (why)
			return bx_err(err, EINVAL, "plan step %zu %s", i + 1, why);
	}
	return 0;
}

int bx_apply_pending(const char *state_dir, bool *pending, bx_error **err)
{
	*pending = false;
	if (!state_dir)
		state_dir = BX_APPLY_STATE_DIR;
	cleanup_close int dfd = -1;
	if (bx_state_dir_open_if(state_dir, false, &dfd, err) < 0)
		return -1;
	return dfd < 0 ? 0 : bx_journal_present(dfd, pending, err); /* no directory: none */
}

typedef struct txn {
	bx_cgfs *fs;
	const bx_plan *plan;
	bx_apply_result *res;
	bx_hooks hooks;
	int dirfd;
	bx_journal j;
	bx_undo *v;
	size_t n, cap;
	bx_created created; /* cgroups the steps so far created */
	const bx_state *seen; /* bx_apply_opts.seen */
	bool batch;         /* every record was written with the header */
	bool untouched;     /* the step that failed changed nothing (step.h) */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
} txn;

/* A write (or the record of managed settings, an xattr) inside a cgroup
 * this transaction created needs no record: the
 * MKDIR's undo (an rmdir, after the undo of every record that follows
 * it) removes the value with the cgroup, in a rollback as in recover.
 * subtree_control writes keep theirs: a new cgroup must give a
 * controller up before its parent can, so that undo cannot wait for the
 * rmdir. */
static bool needs_record(const bx_created *made, const bx_step *s)
{
	return (s->op != BX_OP_WRITE && s->op != BX_OP_RECORD) ||
	       !bx_created_covers(made, s->cgroup);
}

/* After a step ran: what it did to the set of created cgroups. */
static int note_created(txn *t, const bx_step *s, bx_error **err)
{
	if (s->op == BX_OP_MKDIR && bx_created_add(&t->created, s->cgroup) < 0)
		return bx_err(err, ENOMEM, "apply");
	if (s->op == BX_OP_RMDIR)
		bx_created_forget(&t->created, s->cgroup);
	return 0;
}

/* No step before step i writes the file (or the record) step i does. */
static bool first_touch(const bx_plan *p, size_t i)
{
	const bx_step *s = &p->v[i];
	for (size_t j = 0; j < i; j++) {
		const bx_step *o = &p->v[j];
		if (o->op == s->op && bx_streq(o->cgroup, s->cgroup) &&
		    (s->op != BX_OP_WRITE || bx_streq(o->file, s->file)))
			return false;
	}
	return true;
}

/* Every undo record up front, when the observation holds each capture
 * (apply/capture.h): 1 and t->v filled, in step order; 0 when one must be
 * read live (nothing kept: records are then captured step by step); -1 on
 * error. Which steps need a record follows run_steps (needs_record). */
static int precapture(txn *t, bx_error **err)
{
	bx_created made = {0};
	int r = 1;
	for (size_t i = 0; i < t->plan->n && r == 1; i++) {
		const bx_step *s = &t->plan->v[i];
		bool need = needs_record(&made, s);
		if (s->op == BX_OP_MKDIR && bx_created_add(&made, s->cgroup) < 0)
			r = bx_err(err, ENOMEM, "apply");
		if (s->op == BX_OP_RMDIR)
			bx_created_forget(&made, s->cgroup);
		if (r < 0 || !need)
			continue;
		bx_undo u;
		r = bx_capture_seen(t->fs, s, (long)i, t->seen, first_touch(t->plan, i), &u, err);
		if (r == 1 && bx_grow(&t->v, &t->cap, t->n + 1, sizeof *t->v) < 0) {
			bx_undo_free(&u);
			r = bx_err(err, ENOMEM, "apply");
		}
		if (r == 1)
			t->v[t->n++] = u;
	}
	bx_created_free(&made);
	if (r != 1) {
		bx_undov_free(t->v, t->n);
		t->v = NULL;
		t->n = t->cap = 0;
	}
	return r;
}

static int run_steps(txn *t, bx_error **err)
{
	for (size_t i = 0; i < t->plan->n; i++) {
		const bx_step *s = &t->plan->v[i];
		t->res->phase = BX_PHASE_STEP;
		t->res->failed_step = i;
		if (t->batch || !needs_record(&t->created, s)) { /* journaled already, or needs none */
			if (bx_step_run(t->fs, &t->hooks, s, &t->untouched, err) < 0 ||
			    note_created(t, s, err) < 0)
				goto step_failed;
			t->res->steps_done++;
			if (t->progress)
				t->progress(t->progress_ctx, i + 1, t->plan->n);
			continue;
		}
		bx_undo u;
		bool first = t->seen && first_touch(t->plan, i);
		if (bx_capture(t->fs, s, (long)i, t->seen, first, &u, err) < 0)
			goto step_failed;
		if (bx_grow(&t->v, &t->cap, t->n + 1, sizeof *t->v) < 0) {
			bx_undo_free(&u);
			bx_err(err, ENOMEM, "apply");
			goto step_failed;
		}
		if (bx_journal_append(&t->j, &u, err) < 0) {
			/* The step never ran: its record is not ours to undo. */
			bx_undo_free(&u);
			t->res->journal_failed = true;
			goto step_failed;
		}
		t->v[t->n++] = u;
		if (bx_step_run(t->fs, &t->hooks, s, &t->untouched, err) < 0 ||
		    note_created(t, s, err) < 0)
			goto step_failed;
		t->res->steps_done++;
		if (t->progress)
			t->progress(t->progress_ctx, i + 1, t->plan->n);
		continue;
	step_failed:
		bx_err_wrap(err, "step %zu of %zu", i + 1, t->plan->n);
		return -1;
	}
	t->res->phase = BX_PHASE_COMMIT;
	if (bx_journal_remove(t->dirfd, &t->hooks, err) < 0) {
		t->res->journal_failed = true;
		return bx_err_wrap(err, "commit");
	}
	return 0;
}

/* After a failure: undo what the journal holds, verify, drop the journal. */
static void roll_back(txn *t, bx_error **err)
{
	bx_rollback rb = { .fs = t->fs, .hooks = &t->hooks, .exact = t->fs->dirmode };
	bx_error *e = NULL;
	/* batched: the records of steps that never started are left out
	 * (undoing them would change nothing) */
	size_t n = t->n;
	if (t->batch && t->res->phase != BX_PHASE_COMMIT) {
		long last = t->res->phase == BX_PHASE_STEP ? (long)t->res->failed_step : -1;
		while (n && t->v[n - 1].step > last)
			n--;
	}
	/* a failed step that changed nothing (a mkdir refused with EEXIST:
	 * what is there is not ours) is not undone */
	if (t->untouched && t->res->phase == BX_PHASE_STEP && n &&
	    t->v[n - 1].step == (long)t->res->failed_step)
		n--;
	if (bx_rollback_run(&rb, t->v, n, &e) == 0 && bx_journal_remove(t->dirfd, &t->hooks, &e) == 0) {
		t->res->rolled_back = true;
	} else {
		t->res->rollback_failed = true;
		bx_err_wrap(&e, "rollback failed (the journal is kept: run `boxcg recover`)");
		bx_err_also(err, e);
		e = NULL;
	}
	bx_error_free(e);
	t->res->unrestored = bx_rollback_take(&rb, &t->res->nunrestored);
}

int bx_apply(bx_cgfs *fs, const bx_plan *plan, const bx_apply_opts *o, bx_apply_result *res,
	     bx_error **err)
{
	memset(res, 0, sizeof *res);
	if (validate_plan(plan, err) < 0)
		return -1;
	if (plan->dirmode != fs->dirmode ||
	    (plan->base_path && fs->base_path && strcmp(plan->base_path, fs->base_path) != 0))
		return bx_err(err, EINVAL, "the plan was made for %s%s, not for %s%s",
			      plan->base_path ? plan->base_path : "another base",
			      plan->dirmode ? " (directory mode)" : "", fs->base_path,
			      fs->dirmode ? " (directory mode)" : "");
	if (plan->n == 0)
		return 0;

	const char *dir = state_dir_of(o);
	bx_lock *lock = NULL;
	txn t = { .fs = fs, .plan = plan, .res = res, .dirfd = -1, .j = { .fd = -1 } };
	if (o) {
		t.progress = o->progress;
		t.seen = o->seen;
		t.progress_ctx = o->progress_ctx;
		t.hooks.fault_at = o->fault_at;
		t.hooks.fault_errno = o->fault_errno;
		t.hooks.fault_count = o->fault_count;
		t.hooks.kill_at = o->kill_at;
	}
	bool checked = false; /* no journal pending: bx_apply_guard saw to it */
	if (o && o->held) {
		t.dirfd = o->held->dirfd; /* the holder's: not closed here */
		checked = true;
	} else if (o && o->locked) {
		if (bx_state_dir_open(dir, &t.dirfd, err) < 0)
			return -1;
	} else {
		if (bx_lock_acquire_kept(o ? o->keep : NULL, dir, bx_apply_lock_timeout(o), &lock, err) < 0)
			return -1;
		t.dirfd = dup(lock->dirfd);
		if (t.dirfd < 0) {
			bx_lock_release(lock);
			return bx_err(err, errno, "state directory %s", dir);
		}
	}

	int r = 0;
	bool pending = false;
	const char *boot_id = NULL, *base_id = NULL;
	/* Under the lock nobody else changes the tree: keep the cgroups'
	 * directory fds for the whole transaction (without, if out of
	 * memory: slower, not wrong). */
	bool cached = bx_cgfs_cache_begin(fs) == 0;
	if (!checked && bx_journal_present(t.dirfd, &pending, err) < 0) {
		r = -1;
		goto out;
	}
	if (pending) {
		r = bx_err(err, EEXIST,
			   "%s/" BX_JOURNAL_NAME " holds the journal of an interrupted transaction: "
			   "run `boxcg recover` first",
			   dir);
		goto out;
	}
	/* Both fixed for the life of the process and of the base's fd:
	 * read once per bx_cgfs. */
	if (!fs->boot_id)
		fs->boot_id = bx_boot_id();
	if (!fs->base_id && !(fs->base_id = bx_dir_identity(fs->base_fd))) {
		r = bx_err(err, errno ? errno : ENOMEM, "stat the base");
		goto out;
	}
	boot_id = fs->boot_id;
	base_id = fs->base_id;
	bx_journal_header hdr = {
		.base = fs->base_path,
		.dirmode = fs->dirmode,
		.fingerprint = plan->fingerprint,
		.pid = bx_pid(),
		.nsteps = (long)plan->n,
		.boot_id = (char *)boot_id, /* not freed: the header is only written */
		.base_id = (char *)base_id,
	};
	/* A step outside one box may change what frames remember of the
	 * cgroups above boxes (lib/frame): advance the generation first. */
	if (!(o && o->box_local)) {
		const bx_lock *l = lock ? lock : o ? o->held : NULL;
		if ((l ? bx_lock_advance(l, err) : bx_state_advance(t.dirfd, dir, err)) < 0) {
			res->failed = true;
			res->rolled_back = true; /* nothing ran */
			r = -1;
			goto out;
		}
	}
	/* Records are fsynced only where the tree outlives a power loss
	 * (journal.h says why). */
	/* All records known now (taken from the observation): written with
	 * the header, one write and one fsync for the whole transaction. */
	int pre = t.seen ? precapture(&t, err) : 0;
	if (pre < 0) {
		res->failed = true;
		res->rolled_back = true; /* nothing ran */
		r = -1;
		goto out;
	}
	t.batch = pre == 1;
	if (bx_journal_begin(&t.j, t.dirfd, &t.hooks, &hdr, fs->dirmode, t.v, t.n, err) < 0) {
		res->failed = true;
		res->journal_failed = true;
		r = -1;
		if (t.j.fd >= 0) /* created: nothing ran, take it away */
			roll_back(&t, err);
		else
			res->rolled_back = true;
		goto out;
	}
	if (run_steps(&t, err) < 0) {
		res->failed = true;
		r = -1;
		roll_back(&t, err);
	}
out:
	res->mutations = t.hooks.count;
	bx_journal_close(&t.j);
	bx_undov_free(t.v, t.n);
	bx_created_free(&t.created);
	if (cached)
		bx_cgfs_cache_end(fs);
	if (t.dirfd >= 0 && !(o && o->held))
		close(t.dirfd);
	bx_lock_release(lock);
	return r;
}

void bx_apply_result_free(bx_apply_result *r)
{
	if (!r)
		return;
	bx_strv_free(r->unrestored, r->nunrestored);
	r->unrestored = NULL;
	r->nunrestored = 0;
}
