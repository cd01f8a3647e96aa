/* apply/ crash safety: SIGKILL at every mutation (forward and during a
 * rollback), failed rollbacks, and `recover` (directory roots). */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "test_apply_fixture.h"

/* A cgroup2 journal from before the last reboot is removed, not replayed:
 * the tree it describes went with that boot. A directory root's journal
 * is replayed whatever boot wrote it. */
START_TEST(recover_discards_a_cgroup2_journal_from_another_boot)
{
	fx f;
	fx_open(&f, "crash");
	const char *rec = "{\"step\":0,\"op\":\"write\",\"cg\":\"boxlite/small\",\"file\":\"pids.max\","
			  "\"old\":{\"pids.max\":\"77\"}}\n";
	char *other = bx_sprintf("{\"boxcg_journal\":1,\"base\":\"%s\",\"dirmode\":false,"
				 "\"fingerprint\":\"\",\"boot_id\":\"00000000-0000-4000-8000-000000000000\"}\n%s",
				 f.fs->base_path, rec);
	ta_write_state(f.state, "journal", other);
	bx_apply_opts o = { .state_dir = f.state };
	bx_recover_result r;
	bx_error *e = NULL;
	ck_assert_msg(bx_recover_with(&o, &r, &e) == 0, "%s", e ? e->msg : "");
	ck_assert(r.had_journal && r.other_boot);
	ck_assert_uint_eq(r.undone, 0);
	ck_assert(!fx_journal_exists(&f));
	fx_assert_unchanged(&f, "journal from another boot");
	bx_recover_result_free(&r);
	/* This boot's: replayed, which here means refused (the base is no
	 * cgroup2 filesystem), and kept. */
	char *boot = bx_boot_id();
	char *same = bx_sprintf("{\"boxcg_journal\":1,\"base\":\"%s\",\"dirmode\":false,"
				"\"fingerprint\":\"\",\"boot_id\":\"%s\"}\n%s",
				f.fs->base_path, boot, rec);
	ta_write_state(f.state, "journal", same);
	ck_assert_int_eq(bx_recover_with(&o, &r, &e), -1);
	ck_assert(!r.other_boot);
	ck_assert_ptr_nonnull(strstr(e->msg, "not touching it"));
	ck_assert(fx_journal_exists(&f));
	bx_error_free(e);
	e = NULL;
	bx_recover_result_free(&r);
	/* A directory root's journal from another boot: replayed. */
	char *id = bx_dir_identity(f.fs->base_fd);
	char *dir = bx_sprintf("{\"boxcg_journal\":1,\"base\":\"%s\",\"dirmode\":true,"
			       "\"fingerprint\":\"\",\"boot_id\":\"00000000-0000-4000-8000-000000000000\","
			       "\"base_id\":\"%s\"}\n%s",
			       f.fs->base_path, id, rec);
	free(id);
	ta_write_state(f.state, "journal", dir);
	ck_assert_msg(bx_recover_with(&o, &r, &e) == 0, "%s", e ? e->msg : "");
	ck_assert(!r.other_boot);
	ck_assert_uint_eq(r.undone, 1);
	FX_ASSERT_READS(&f, FX_SMALL, "pids.max", "77");
	ck_assert(!fx_journal_exists(&f));
	bx_recover_result_free(&r);
	free(other);
	free(same);
	free(dir);
	free(boot);
	fx_close(&f);
}
END_TEST

Suite *suite_apply_crash(void);

/* Run bx_apply in a child with options `o`; return its wait status. */
static int apply_in_child(fx *f, const bx_apply_opts *o)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bx_apply_result r;
		bx_error *e = NULL;
		int rc = bx_apply(f->fs, &f->b, o, &r, &e);
		_exit(rc == 0 ? 0 : r.rollback_failed ? 3 : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static bool killed(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void recover_ok(fx *f, const char *when)
{
	bx_apply_opts o = { .state_dir = f->state };
	bx_recover_result r;
	bx_error *e = NULL;
	ck_assert_msg(bx_recover_with(&o, &r, &e) == 0, "%s: recover: %s", when, e ? e->msg : "");
	ck_assert_msg(r.had_journal, "%s: no journal to recover", when);
	ck_assert_uint_eq(r.nunrestored, 0);
	bx_recover_result_free(&r);
	ck_assert_msg(!fx_journal_exists(f), "%s: journal left", when);
	fx_assert_unchanged(f, when);
	/* Twice is harmless and says there was nothing. */
	ck_assert_int_eq(bx_recover_with(&o, &r, &e), 0);
	ck_assert(!r.had_journal);
	bx_recover_result_free(&r);
}

/* The journal a killed apply left: its records are those of the steps
 * that get one, in plan order, none of them a write inside a cgroup an
 * earlier step created. Returns how many records it holds. */
static size_t check_journal(fx *f, long k)
{
	int dfd;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_state_dir_open(f->state, &dfd, &e), 0);
	bx_journal_doc d;
	bool found;
	ck_assert_msg(bx_journal_load(dfd, &found, &d, &e) == 0, "k=%ld: %s", k, e ? e->msg : "");
	close(dfd);
	ck_assert(found);
	long last = -1;
	for (size_t i = 0; i < d.n; i++) {
		const bx_undo *u = &d.v[i];
		ck_assert_msg(u->step > last && (size_t)u->step < f->b.n, "k=%ld: record %zu", k, i);
		for (long s = last + 1; s < u->step; s++)
			ck_assert_msg(!ta_journaled(&f->b, (size_t)s), "k=%ld: step %ld has no record", k, s);
		ck_assert_msg(ta_journaled(&f->b, (size_t)u->step), "k=%ld: step %ld has a record", k,
			      u->step);
		last = u->step;
	}
	size_t n = d.n;
	bx_journal_doc_free(&d);
	return n;
}

/* SIGKILL before each mutation in turn, then recover: exactly as before. */
START_TEST(a_kill_at_every_mutation_is_recovered)
{
	fx f;
	fx_open(&f, "crash");
	long k;
	size_t records = 0;
	for (k = 1;; k++) {
		bx_apply_opts o = { .state_dir = f.state, .kill_at = k };
		int st = apply_in_child(&f, &o);
		if (WIFEXITED(st)) {
			ck_assert_int_eq(WEXITSTATUS(st), 0); /* past the last mutation */
			break;
		}
		ck_assert_msg(killed(st), "k=%ld: child neither killed nor exited", k);
		/* The journal is there, and apply refuses to start beside it. */
		ck_assert(fx_journal_exists(&f));
		records = check_journal(&f, k);
		bx_apply_opts plain = { .state_dir = f.state };
		ck_assert_int_eq(WEXITSTATUS(apply_in_child(&f, &plain)), 1);
		char *when = bx_sprintf("kill at mutation %ld", k);
		recover_ok(&f, when);
		free(when);
	}
	/* The last mutation is the commit: once the journal is gone the
	 * transaction stands. */
	ck_assert_int_gt(k, 30);
	ck_assert(!fx_journal_exists(&f));
	/* Killed before the commit, the journal held every record: fewer
	 * than the steps (plan B writes inside the cgroups it creates). */
	size_t want = 0;
	for (size_t i = 0; i < f.b.n; i++)
		want += ta_journaled(&f.b, i);
	ck_assert_uint_eq(records, want);
	/* large/memory.max, b1's cpu.max, memory.max, pids.max, b2's memory.high */
	ck_assert_uint_eq(want, f.b.n - 5);
	fx_close(&f);
}
END_TEST

/* A failure, then SIGKILL in the middle of the rollback: recover finishes
 * the job, whichever undo the kill interrupted. */
START_TEST(a_kill_during_rollback_is_recovered)
{
	fx f;
	fx_open(&f, "crash");
	const long faults[] = { 40, 70, 95 };
	int kills = 0;
	for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
		for (long m = 1;; m++) {
			bx_apply_opts o = { .state_dir = f.state, .fault_at = faults[i],
					    .kill_at = faults[i] + m };
			int st = apply_in_child(&f, &o);
			if (WIFEXITED(st)) {
				/* The rollback completed before the kill point. */
				ck_assert_int_eq(WEXITSTATUS(st), 1);
				ck_assert(!fx_journal_exists(&f));
				fx_assert_unchanged(&f, "rollback finished");
				break;
			}
			ck_assert(killed(st));
			kills++;
			char *when = bx_sprintf("fault at %ld, kill at %ld", faults[i], faults[i] + m);
			recover_ok(&f, when);
			free(when);
		}
	}
	ck_assert_int_gt(kills, 10);
	fx_close(&f);
}
END_TEST

/* When undo writes fail too: the journal stays, the unrestored files are
 * named, and `recover` puts everything back. */
START_TEST(a_failed_rollback_keeps_the_journal_for_recover)
{
	fx f;
	fx_open(&f, "crash");
	int failed_rollbacks = 0;
	for (long k = 4; k < 100; k += 3) {
		/* Mutation k fails, and so do the next two: the first undo writes. */
		bx_apply_opts o = { .state_dir = f.state, .fault_at = k, .fault_count = 3 };
		bx_apply_result r;
		bx_error *e = NULL;
		ck_assert_int_eq(bx_apply(f.fs, &f.b, &o, &r, &e), -1);
		ck_assert(r.failed);
		if (r.rolled_back) {
			fx_assert_unchanged(&f, "rolled back");
		} else {
			ck_assert(r.rollback_failed);
			ck_assert(fx_journal_exists(&f));
			ck_assert_ptr_nonnull(e->also);
			ck_assert_ptr_nonnull(strstr(e->also->msg, "boxcg recover"));
			if (r.nunrestored == 0)
				/* Only removing the journal failed: the tree is right. */
				fx_assert_unchanged(&f, "journal not removed");
			/* What is listed is something plan B changes: under
			 * boxlite, or the base's subtree_control (+rdma). */
			for (size_t i = 0; i < r.nunrestored; i++)
				ck_assert_msg(strncmp(r.unrestored[i], "boxlite", 7) == 0 ||
						      strcmp(r.unrestored[i], "cgroup.subtree_control") == 0,
					      "'%s'", r.unrestored[i]);
			failed_rollbacks++;
			char *when = bx_sprintf("recover after failed rollback (k=%ld)", k);
			recover_ok(&f, when);
			free(when);
		}
		bx_error_free(e);
		bx_apply_result_free(&r);
	}
	ck_assert_int_gt(failed_rollbacks, 10);
	fx_close(&f);
}
END_TEST

START_TEST(recover_without_a_journal_says_so)
{
	fx f;
	fx_open(&f, "crash");
	bx_apply_opts o = { .state_dir = f.state };
	bx_recover_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_recover_with(&o, &r, &e), 0);
	ck_assert(!r.had_journal);
	bx_recover_result_free(&r);
	/* Nor does a missing state directory get created by looking. */
	char *none = bx_sprintf("%s/none", f.tmp);
	ck_assert_int_eq(bx_recover(none, &r, &e), 0);
	ck_assert(!r.had_journal);
	ck_assert_int_ne(access(none, F_OK), 0);
	free(none);
	fx_close(&f);
}
END_TEST

/* An empty journal (killed right after creating it) and a torn header:
 * nothing ran, recover just removes it. */
START_TEST(recover_of_a_journal_without_header)
{
	fx f;
	fx_open(&f, "crash");
	const char *texts[] = { "", "{\"boxcg_journal\":1,\"ba" };
	for (size_t i = 0; i < 2; i++) {
		ta_write_state(f.state, "journal", texts[i]);
		bx_apply_opts o = { .state_dir = f.state };
		bx_recover_result r;
		bx_error *e = NULL;
		ck_assert_int_eq(bx_recover_with(&o, &r, &e), 0);
		ck_assert(r.had_journal);
		ck_assert_uint_eq(r.undone, 0);
		ck_assert(!fx_journal_exists(&f));
		bx_recover_result_free(&r);
	}
	fx_assert_unchanged(&f, "journal without header");
	fx_close(&f);
}
END_TEST

/* A corrupt journal is kept and nothing is replayed from it. */
START_TEST(recover_refuses_a_corrupt_journal)
{
	fx f;
	fx_open(&f, "crash");
	char *hdr = bx_sprintf("{\"boxcg_journal\":1,\"base\":\"%s\",\"dirmode\":true,"
			       "\"fingerprint\":\"\"}\n"
			       "{\"op\":\"mkdir\",\"cg\":\"boxlite/small\"}\n"
			       "not json\n"
			       "{\"op\":\"mkdir\",\"cg\":\"boxlite\"}\n",
			       f.fs->base_path);
	ta_write_state(f.state, "journal", hdr);
	bx_apply_opts o = { .state_dir = f.state };
	bx_recover_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_recover_with(&o, &r, &e), -1);
	ck_assert(r.had_journal);
	ck_assert_ptr_nonnull(strstr(e->msg, "line 3"));
	ck_assert(fx_journal_exists(&f));
	fx_assert_unchanged(&f, "corrupt journal");
	bx_error_free(e);
	bx_recover_result_free(&r);
	free(hdr);
	/* A journal for a cgroup2 base that now is a plain directory. */
	hdr = bx_sprintf("{\"boxcg_journal\":1,\"base\":\"%s\",\"dirmode\":false,"
			 "\"fingerprint\":\"\"}\n{\"op\":\"mkdir\",\"cg\":\"boxlite/small\"}\n",
			 f.fs->base_path);
	ta_write_state(f.state, "journal", hdr);
	e = NULL;
	ck_assert_int_eq(bx_recover_with(&o, &r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e->msg, "not touching it"));
	ck_assert(fx_journal_exists(&f));
	fx_assert_unchanged(&f, "journal for another kind of base");
	bx_error_free(e);
	bx_recover_result_free(&r);
	free(hdr);
	fx_close(&f);
}
END_TEST

Suite *suite_apply_crash(void)
{
	Suite *s = suite_create("apply_crash");
	TCase *tc = tcase_create("crash");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, a_kill_at_every_mutation_is_recovered);
	tcase_add_test(tc, a_kill_during_rollback_is_recovered);
	tcase_add_test(tc, a_failed_rollback_keeps_the_journal_for_recover);
	tcase_add_test(tc, recover_without_a_journal_says_so);
	tcase_add_test(tc, recover_of_a_journal_without_header);
	tcase_add_test(tc, recover_refuses_a_corrupt_journal);
	tcase_add_test(tc, recover_discards_a_cgroup2_journal_from_another_boot);
	suite_add_tcase(s, tc);
	return s;
}
