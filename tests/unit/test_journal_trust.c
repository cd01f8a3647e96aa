/* What recover trusts in the state directory (issue 15, reproductions 3
 * and 4): the journal's owner, mode, links and type; the base's identity;
 * exact restores only into interface files and never through a hard link;
 * a lock that is a hard link. Each case fails on a boxcg that trusted
 * these files. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "test_apply_fixture.h"

Suite *suite_journal_trust(void);

/* A valid journal for the fixture's root: one write record of pids.max
 * (old value 77), base identity `id` (NULL: none). */
static char *journal_text(fx *f, const char *base, const char *id, const char *extra)
{
	return bx_sprintf("{\"boxcg_journal\":1,\"base\":\"%s\",\"dirmode\":true,\"fingerprint\":\"\"%s%s%s}\n"
			  "{\"step\":0,\"op\":\"write\",\"cg\":\"boxlite/small\",\"file\":\"pids.max\","
			  "\"old\":{\"pids.max\":\"77\"}%s}\n",
			  base ? base : f->fs->base_path, id ? ",\"base_id\":\"" : "", id ? id : "",
			  id ? "\"" : "", extra ? extra : "");
}

static int recover(fx *f, bx_error **e)
{
	bx_apply_opts o = { .state_dir = f->state, .lock_timeout = -1 };
	bx_recover_result r;
	int rc = bx_recover_with(&o, &r, e);
	bx_recover_result_free(&r);
	return rc;
}

/* Refused, kept, and nothing written. */
static void assert_refused(fx *f, const char *want, const char *when)
{
	bx_error *e = NULL;
	alarm(20); /* a FIFO must not hang us */
	ck_assert_msg(recover(f, &e) == -1, "%s: recovered", when);
	alarm(0);
	ck_assert_msg(strstr(e->msg, want), "%s: %s", when, e->msg);
	ck_assert_msg(fx_journal_exists(f), "%s: the journal is gone", when);
	fx_assert_unchanged(f, when);
	bx_error_free(e);
}

static char *state_path(fx *f, const char *name) { return bx_sprintf("%s/%s", f->state, name); }

START_TEST(recover_checks_the_journal_file)
{
	fx f;
	fx_open(&f, "trust");
	char *id = bx_dir_identity(f.fs->base_fd);
	char *text = journal_text(&f, NULL, id, NULL);
	char *j = state_path(&f, "journal");

	ta_write(f.state, "journal", text); /* 0644 */
	ck_assert_int_eq(chmod(j, 0666), 0);
	assert_refused(&f, "by group or others", "journal mode 0666");

	ck_assert_int_eq(chmod(j, 0600), 0);
	char *outside = bx_sprintf("%s/outside", f.tmp);
	ck_assert_int_eq(link(j, outside), 0);
	assert_refused(&f, "more than one link", "journal with a hard link");
	ck_assert_int_eq(unlink(outside), 0);

	if (geteuid() == 0) {
		ck_assert_int_eq(chown(j, 65534, 65534), 0);
		assert_refused(&f, "belongs to another user", "journal owned by nobody");
	}
	ck_assert_int_eq(unlink(j), 0);
	ck_assert_int_eq(mkfifo(j, 0600), 0);
	assert_refused(&f, "not a regular file", "a FIFO journal");
	ck_assert_int_eq(unlink(j), 0);

	/* The same text, as boxcg writes it: replayed. */
	ta_write_state(f.state, "journal", text);
	bx_error *e = NULL;
	ck_assert_msg(recover(&f, &e) == 0, "%s", e ? e->msg : "");
	FX_ASSERT_READS(&f, FX_SMALL, "pids.max", "77");
	free(outside);
	free(j);
	free(text);
	free(id);
	fx_close(&f);
}
END_TEST

START_TEST(recover_requires_the_same_base_directory)
{
	fx f;
	fx_open(&f, "trust");
	/* No identity (an older boxcg, or forged): refused. */
	char *text = journal_text(&f, NULL, NULL, NULL);
	ta_write_state(f.state, "journal", text);
	free(text);
	assert_refused(&f, "does not record which directory", "no base identity");
	/* Another directory's identity (say /etc): refused. */
	struct stat st;
	ck_assert_int_eq(stat("/etc", &st), 0);
	char *etc = bx_sprintf("%llu:%llu", (unsigned long long)st.st_dev,
			       (unsigned long long)st.st_ino);
	text = journal_text(&f, NULL, etc, NULL);
	ta_write_state(f.state, "journal", text);
	free(text);
	assert_refused(&f, "no longer the directory", "another directory's identity");
	/* A symlink swapped in after the crash: the path now leads elsewhere. */
	char *id = bx_dir_identity(f.fs->base_fd);
	char *link_path = bx_sprintf("%s/base-link", f.tmp);
	char *decoy = bx_sprintf("%s/decoy", f.tmp);
	ck_assert_int_eq(symlink(f.root, link_path), 0);
	ta_mkdir(f.tmp, "decoy");
	ta_mkdir(decoy, "boxlite");
	ta_mkdir(decoy, "boxlite/small");
	ta_write(decoy, "boxlite/small/pids.max", "5\n");
	text = journal_text(&f, link_path, id, NULL);
	ta_write_state(f.state, "journal", text);
	free(text);
	ck_assert_int_eq(unlink(link_path), 0);
	ck_assert_int_eq(symlink(decoy, link_path), 0);
	assert_refused(&f, "no longer the directory", "symlink swapped after the crash");
	char *v = NULL;
	char *p = bx_sprintf("%s/boxlite/small/pids.max", decoy);
	FILE *fp = fopen(p, "r");
	char buf[16] = "";
	ck_assert(fp && fgets(buf, sizeof buf, fp));
	fclose(fp);
	ck_assert_str_eq(buf, "5\n");
	free(v);
	free(p);
	free(etc);
	free(id);
	free(link_path);
	free(decoy);
	fx_close(&f);
}
END_TEST

START_TEST(exact_restores_only_interface_files_never_through_links)
{
	fx f;
	fx_open(&f, "trust");
	char *id = bx_dir_identity(f.fs->base_fd);
	/* An exact restore naming a file that is no interface file: the
	 * journal is corrupt, nothing is replayed. */
	char *text = journal_text(&f, NULL, id, ",\"exact\":{\"pids.max\":\"77\\n\",\"notes\":\"x\"}");
	ta_write_state(f.state, "journal", text);
	free(text);
	assert_refused(&f, "not a cgroup interface file", "exact restore of a non-interface file");
	/* pids.max hard-linked to a file outside: never written through. */
	char *target = bx_sprintf("%s/secret", f.tmp);
	char *pm = bx_sprintf("%s/boxlite/small/pids.max", f.root);
	ta_write(f.tmp, "secret", "do not touch\n");
	(void)unlink(pm); /* directory mode: absent until written */
	ck_assert_int_eq(link(target, pm), 0);
	text = journal_text(&f, NULL, id, ",\"exact\":{\"pids.max\":\"77\\n\"}");
	ta_write_state(f.state, "journal", text);
	free(text);
	bx_error *e = NULL;
	ck_assert_int_eq(recover(&f, &e), -1);
	bx_error_free(e);
	ck_assert(fx_journal_exists(&f));
	FILE *fp = fopen(target, "r");
	char buf[32] = "";
	ck_assert(fp && fgets(buf, sizeof buf, fp));
	fclose(fp);
	ck_assert_str_eq(buf, "do not touch\n");
	free(target);
	free(pm);
	free(id);
	fx_close(&f);
}
END_TEST

START_TEST(a_lock_that_is_a_hard_link_is_refused_untouched)
{
	char *tmp = ta_tmpdir("trust");
	char *state = bx_sprintf("%s/state", tmp);
	ck_assert_int_eq(mkdir(state, 0700), 0);
	ta_write(tmp, "precious", "keep me\n");
	char *target = bx_sprintf("%s/precious", tmp);
	ck_assert_int_eq(chmod(target, 0600), 0);
	char *lock = bx_sprintf("%s/lock", state);
	ck_assert_int_eq(link(target, lock), 0);
	bx_lock *l = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_lock_acquire(state, 0, &l, &e), -1);
	ck_assert_msg(strstr(e->msg, "more than one link"), "%s", e->msg);
	bx_error_free(e);
	e = NULL;
	struct stat st;
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, 8); /* not truncated */
	/* A FIFO as the lock: refused at once, not blocked in open(). */
	ck_assert_int_eq(unlink(lock), 0);
	ck_assert_int_eq(mkfifo(lock, 0600), 0);
	alarm(20);
	ck_assert_int_eq(bx_lock_acquire(state, 0, &l, &e), -1);
	alarm(0);
	ck_assert_msg(strstr(e->msg, "not a regular file"), "%s", e->msg);
	bx_error_free(e);
	ta_rmtree(tmp);
	free(tmp);
	free(state);
	free(target);
	free(lock);
}
END_TEST

Suite *suite_journal_trust(void)
{
	Suite *s = suite_create("journal_trust");
	TCase *tc = tcase_create("journal_trust");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, recover_checks_the_journal_file);
	tcase_add_test(tc, recover_requires_the_same_base_directory);
	tcase_add_test(tc, exact_restores_only_interface_files_never_through_links);
	tcase_add_test(tc, a_lock_that_is_a_hard_link_is_refused_untouched);
	suite_add_tcase(s, tc);
	return s;
}
