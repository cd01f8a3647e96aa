/* lib/systemd without systemd: the drop-in hint for a controller a user
 * manager does not delegate (from a fake cgroup tree in a scratch
 * directory), the BOXCG_SYSTEMD override of bx_sd_booted, and vacating a
 * unit's cgroup into .holder (plain files standing in for cgroup.procs). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "systemd/sd.h"

Suite *suite_systemd(void);

static char *scratch(void)
{
	char tmpl[] = "/tmp/boxcg-sdtest.XXXXXX";
	char *d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void rm_rf(const char *dir)
{
	char *cmd = bx_sprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(hint_names_the_dropin_and_current_delegation)
{
	char *d = scratch();
	char *unit = bx_sprintf("%s/user.slice/user-1000.slice/user@1000.service", d);
	char *mk = bx_sprintf("mkdir -p '%s/app.slice/boxcg.service'", unit);
	ck_assert_int_eq(system(mk), 0);
	char *ctl = bx_sprintf("%s/cgroup.controllers", unit);
	put(ctl, "cpu memory pids\n");
	char *base = bx_sprintf("%s/app.slice/boxcg.service", unit);
	char *h = bx_sd_delegate_hint(base, "io");
	ck_assert_ptr_nonnull(h);
	ck_assert_msg(h[0] == '\n', "the hint starts on a line of its own");
	ck_assert_ptr_nonnull(strstr(h, "(user@1000.service) is not delegated the io controller"));
	ck_assert_ptr_nonnull(strstr(h, "/etc/systemd/system/user@.service.d/delegate.conf"));
	ck_assert_ptr_nonnull(strstr(h, "\n  Delegate=cpu memory pids io\n"));
	ck_assert_ptr_nonnull(strstr(h, "systemctl restart user@1000.service"));
	free(h);
	/* The unit's cgroup unreadable: the Delegate= line names just the one. */
	unlink(ctl);
	h = bx_sd_delegate_hint(base, "cpuset");
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(strstr(h, "\n  Delegate=cpuset\n"));
	free(h);
	rm_rf(d);
	free(d);
	free(unit);
	free(mk);
	free(ctl);
	free(base);
}
END_TEST

START_TEST(hint_only_under_a_user_manager)
{
	ck_assert_ptr_null(bx_sd_delegate_hint("/sys/fs/cgroup/system.slice/boxcg.service", "io"));
	ck_assert_ptr_null(bx_sd_delegate_hint("/sys/fs/cgroup", "io"));
	ck_assert_ptr_null(bx_sd_delegate_hint("/x/user@1000.servicex/y", "io"));
	ck_assert_ptr_null(bx_sd_delegate_hint("/x/user@1000.slice/y", "io"));
	ck_assert_ptr_null(bx_sd_delegate_hint(NULL, "io"));
	ck_assert_ptr_null(bx_sd_delegate_hint("/x/user@1.service", NULL));
	char *h = bx_sd_delegate_hint("/x/user@1.service", "io");
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(strstr(h, "restart user@1.service"));
	free(h);
}
END_TEST

START_TEST(booted_override)
{
	char *old = getenv("BOXCG_SYSTEMD") ? strdup(getenv("BOXCG_SYSTEMD")) : NULL;
	setenv("BOXCG_SYSTEMD", "0", 1);
	ck_assert(!bx_sd_booted());
	unsetenv("BOXCG_SYSTEMD");
	struct stat st;
	bool want = lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
	ck_assert_int_eq(bx_sd_booted(), want);
	if (old)
		setenv("BOXCG_SYSTEMD", old, 1);
	free(old);
}
END_TEST

START_TEST(vacate_moves_each_pid_into_holder)
{
	char *d = scratch();
	char *procs = bx_sprintf("%s/cgroup.procs", d);
	char *holder = bx_sprintf("%s/.holder", d);
	char *hprocs = bx_sprintf("%s/.holder/cgroup.procs", d);
	/* Nothing to move: no .holder is made. */
	put(procs, "");
	ck_assert_int_eq(bx_sd_vacate(d, NULL), 0);
	struct stat st;
	ck_assert_int_eq(stat(holder, &st), -1);
	/* Two processes: .holder is made and gets one write per PID (on the
	 * kernel each write moves one; here the file keeps the last). */
	put(procs, "41\n42\n");
	ck_assert_int_eq(mkdir(holder, 0755), 0);
	put(hprocs, "");
	ck_assert_int_eq(bx_sd_vacate(d, NULL), 0);
	int fd = open(hprocs, O_RDONLY);
	char buf[32] = {0};
	ck_assert_int_ge(read(fd, buf, sizeof buf - 1), 0);
	close(fd);
	ck_assert_str_eq(buf, "4142");
	/* No cgroup.procs at all: an error naming it. */
	unlink(procs);
	bx_error *e = NULL;
	ck_assert_int_eq(bx_sd_vacate(d, &e), -1);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e->msg, "cgroup.procs"));
	bx_error_free(e);
	rm_rf(d);
	free(d);
	free(procs);
	free(holder);
	free(hprocs);
}
END_TEST

Suite *suite_systemd(void)
{
	Suite *s = suite_create("systemd");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, hint_names_the_dropin_and_current_delegation);
	tcase_add_test(tc, hint_only_under_a_user_manager);
	tcase_add_test(tc, booted_override);
	tcase_add_test(tc, vacate_moves_each_pid_into_holder);
	suite_add_tcase(s, tc);
	return s;
}
