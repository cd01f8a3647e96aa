/* The cached systemd base (lib/systemd/basecache.c): the strict parser,
 * the path rule, the file checks (owner, mode, symlink, hard link, size),
 * and hostile entries that must never name a directory outside a
 * delegated unit. The check against the live cgroup (same inode, this
 * boot) is proved in the systemd guest (tests/systemd/t_base_cache.sh). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "systemd/basecache.h"
#include "systemd/sd.h"

Suite *suite_sd_cache(void);

#define BOOT "0f2c6d3a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
#define GOOD "boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /system.slice/boxcg.service\nid 4242\n"

static int parses(const char *text)
{
	bx_sd_cache c;
	const char *why = NULL;
	int r = bx_sd_cache_parse(text, &c, &why);
	if (r == 0)
		bx_sd_cache_free(&c);
	else
		ck_assert_ptr_nonnull(why);
	return r;
}

START_TEST(parse_good_and_roundtrip)
{
	bx_sd_cache c;
	const char *why = NULL;
	ck_assert_int_eq(bx_sd_cache_parse(GOOD, &c, &why), 0);
	ck_assert(!c.user);
	ck_assert_str_eq(c.boot, BOOT);
	ck_assert_str_eq(c.cgroup, "/system.slice/boxcg.service");
	ck_assert_uint_eq(c.id, 4242);
	char *text = bx_sd_cache_format(&c);
	ck_assert_str_eq(text, GOOD);
	free(text);
	bx_sd_cache_free(&c);
	const char *user = "boxcg-sd-base 1\nmanager user\nboot " BOOT
			   "\ncgroup /user.slice/user-1000.slice/user@1000.service/app.slice/"
			   "boxcg.service\nid 18446744073709551615\n";
	ck_assert_int_eq(bx_sd_cache_parse(user, &c, &why), 0);
	ck_assert(c.user);
	ck_assert_uint_eq(c.id, 18446744073709551615ULL);
	bx_sd_cache_free(&c);
}
END_TEST

START_TEST(parse_refuses_anything_else)
{
	static const char *const bad[] = {
		"",
		"boxcg-sd-base 2\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\nid 1\n",
		"boxcg-sd-base 1\nmanager root\nboot " BOOT "\ncgroup /a/boxcg.service\nid 1\n",
		"boxcg-sd-base 1\nmanager system\nboot 0F2C6D3A-1B2C-4D5E-8F90-A1B2C3D4E5F6\ncgroup "
		"/a/boxcg.service\nid 1\n",
		"boxcg-sd-base 1\nmanager system\nboot 0f2c6d3a1b2c4d5e8f90a1b2c3d4e5f6\ncgroup "
		"/a/boxcg.service\nid 1\n",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup \nid 1\n",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\nid 01\n",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\nid -1\n",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\nid 1x\n",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\nid "
		"18446744073709551616\n",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\nid 1",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\nid 1\nx\n",
		"boxcg-sd-base 1\nboot " BOOT "\nmanager system\ncgroup /a/boxcg.service\nid 1\n",
		"boxcg-sd-base 1\nmanager system\nboot " BOOT "\ncgroup /a/boxcg.service\n",
		"boxcg-sd-base 1\nmanager  system\nboot " BOOT "\ncgroup /a/boxcg.service\nid 1\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parses(bad[i]) == -1, "accepted bad[%zu]", i);
	ck_assert_int_eq(parses(GOOD), 0);
}
END_TEST

START_TEST(path_rule)
{
	ck_assert(bx_sd_cache_path_ok("/system.slice/boxcg.service", false, 0));
	ck_assert(bx_sd_cache_path_ok("/boxcg.service", false, 0));
	ck_assert(bx_sd_cache_path_ok("/x\\x2dy.slice/boxcg.service", false, 0));
	ck_assert(bx_sd_cache_path_ok(
		"/user.slice/user-1000.slice/user@1000.service/app.slice/boxcg.service", true, 1000));
	static const char *const bad[] = {
		NULL,
		"",
		"/",
		"system.slice/boxcg.service",
		"/system.slice/../boxcg.service",
		"/system.slice/./boxcg.service",
		"/system.slice//boxcg.service",
		"/system.slice/boxcg.service/",
		"/system.slice/boxcg.service/..",
		"/system.slice/boxcg.service/.holder",
		"/system.slice/other.service",
		"/system.slice/boxcg.service.d",
		"/system.slice/xboxcg.service",
		"/..",
		"/init.scope/../../etc/boxcg.service",
		"/system.slice/box cg/boxcg.service",
		"/system.slice/a\nb/boxcg.service",
		"/system.slice/a*/boxcg.service",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!bx_sd_cache_path_ok(bad[i], false, 0), "accepted bad[%zu]", i);
	/* A user's entry: only under that user's own manager. */
	ck_assert(!bx_sd_cache_path_ok("/system.slice/boxcg.service", true, 1000));
	ck_assert(!bx_sd_cache_path_ok(
		"/user.slice/user-1001.slice/user@1001.service/app.slice/boxcg.service", true, 1000));
	ck_assert(!bx_sd_cache_path_ok("/user.slice/user-1000.slice/user@1000.service/../../"
				       "system.slice/boxcg.service",
				       true, 1000));
	char *longp = calloc(1, 1100);
	memset(longp, 'a', 1099);
	longp[0] = '/';
	memcpy(longp + 1099 - strlen("/boxcg.service"), "/boxcg.service", strlen("/boxcg.service"));
	ck_assert(!bx_sd_cache_path_ok(longp, false, 0));
	free(longp);
}
END_TEST

static char *scratch(void)
{
	char tmpl[] = "/tmp/boxcg-sdcache.XXXXXX";
	char *d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

static void put_mode(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *p = bx_sprintf("%s/%s", dir, name);
	unlink(p);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
	free(p);
}

static const char *read_why(const char *dir)
{
	bx_sd_cache c;
	const char *why = NULL;
	int r = bx_sd_cache_read(dir, &c, &why);
	if (r == 0) {
		bx_sd_cache_free(&c);
		return NULL;
	}
	ck_assert_ptr_nonnull(why);
	return why;
}

START_TEST(read_checks_the_file)
{
	char *d = scratch();
	char *p = bx_sprintf("%s/" BX_SD_CACHE_NAME, d);
	ck_assert_str_eq(read_why(d), "none yet");
	put_mode(d, BX_SD_CACHE_NAME, GOOD, 0600);
	ck_assert_ptr_null(read_why(d));
	put_mode(d, BX_SD_CACHE_NAME, GOOD, 0640);
	ck_assert_str_eq(read_why(d), "open to group or others");
	put_mode(d, BX_SD_CACHE_NAME, GOOD, 0604);
	ck_assert_str_eq(read_why(d), "open to group or others");
	/* A symlink to a good file elsewhere. */
	put_mode(d, "real", GOOD, 0600);
	unlink(p);
	char *real = bx_sprintf("%s/real", d);
	ck_assert_int_eq(symlink(real, p), 0);
	ck_assert_str_eq(read_why(d), "a symlink");
	/* A hard link. */
	unlink(p);
	ck_assert_int_eq(link(real, p), 0);
	ck_assert_str_eq(read_why(d), "hard-linked");
	unlink(p);
	/* A directory, a FIFO (never blocks). */
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_str_eq(read_why(d), "not a regular file");
	rmdir(p);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_str_eq(read_why(d), "not a regular file");
	unlink(p);
	/* Too long, a NUL byte, garbage. */
	char *big = calloc(1, 5000);
	memset(big, 'x', 4999);
	put_mode(d, BX_SD_CACHE_NAME, big, 0600);
	ck_assert_str_eq(read_why(d), "too long");
	free(big);
	int fd = open(p, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "boxcg-sd-base 1\n\0x", 18), 18);
	close(fd);
	ck_assert_str_eq(read_why(d), "holds a NUL byte");
	put_mode(d, BX_SD_CACHE_NAME, "garbage\n", 0600);
	ck_assert_ptr_nonnull(read_why(d));
	/* A state directory open to others is not trusted at all. */
	put_mode(d, BX_SD_CACHE_NAME, GOOD, 0600);
	ck_assert_int_eq(chmod(d, 0777), 0);
	ck_assert_str_eq(read_why(d), "no usable state directory");
	ck_assert_int_eq(chmod(d, 0700), 0);
	ck_assert_str_eq(read_why("relative/dir"), "no usable state directory");
	char *cmd = bx_sprintf("rm -rf '%s'", d);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(real);
	free(p);
	free(d);
}
END_TEST

/* Entries that parse but must not be used: each is refused before any
 * directory it names is trusted, and a directory with the recorded inode
 * that is not on cgroup2 is refused too. */
START_TEST(check_refuses_hostile_entries)
{
	char boot[37];
	ck_assert_int_eq(bx_sd_boot_id(boot), 0);
	char *d = scratch();
	char *unit = bx_sprintf("%s/system.slice/boxcg.service", d);
	char *mk = bx_sprintf("mkdir -p '%s/.holder'", unit);
	ck_assert_int_eq(system(mk), 0);
	struct stat st;
	ck_assert_int_eq(stat(unit, &st), 0);
	const char *why = NULL;
	bx_sd_cache c = { .user = false, .cgroup = "/system.slice/boxcg.service",
			  .id = (unsigned long long)st.st_ino };
	memcpy(c.boot, boot, sizeof boot);
	/* Everything matches but the filesystem: not cgroup2. */
	ck_assert_ptr_null(bx_sd_cache_check(&c, d, true, &why));
	ck_assert_str_eq(why, "not on cgroup2");
	/* Made by the other manager. */
	ck_assert_ptr_null(bx_sd_cache_check(&c, d, false, &why));
	ck_assert_str_eq(why, "made for the other manager");
	/* Another boot. */
	c.boot[0] = c.boot[0] == 'a' ? 'b' : 'a';
	ck_assert_ptr_null(bx_sd_cache_check(&c, d, true, &why));
	ck_assert_str_eq(why, "from another boot");
	memcpy(c.boot, boot, sizeof boot);
	/* Paths that climb out, or name something else. */
	static const char *const hostile[] = {
		"/system.slice/boxcg.service/../../..",
		"/../../etc/boxcg.service",
		"/system.slice/boxcg.service/.holder",
		"/system.slice/sshd.service",
		"/system.slice//boxcg.service",
	};
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		c.cgroup = (char *)hostile[i];
		ck_assert_ptr_null(bx_sd_cache_check(&c, d, true, &why));
		ck_assert_str_eq(why, "names no cgroup of boxcg.service");
	}
	/* A missing directory. */
	c.cgroup = "/gone.slice/boxcg.service";
	ck_assert_ptr_null(bx_sd_cache_check(&c, d, true, &why));
	ck_assert_str_eq(why, "the cgroup is gone");
	char *cmd = bx_sprintf("rm -rf '%s'", d);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(mk);
	free(unit);
	free(d);
}
END_TEST

/* store writes a 0600 file that reads back; it never writes one for a
 * directory outside the mount or with a path the rule refuses. */
START_TEST(store_writes_only_good_entries)
{
	char *d = scratch();
	char *state = bx_sprintf("%s/state", d);
	char *unit = bx_sprintf("%s/system.slice/boxcg.service", d);
	char *mk = bx_sprintf("mkdir -p '%s'", unit);
	ck_assert_int_eq(system(mk), 0);
	bx_sd_cache_store(state, d, "/elsewhere/system.slice/boxcg.service", true);
	ck_assert_str_eq(read_why(state), "no usable state directory");
	char *other = bx_sprintf("%s/system.slice", d);
	bx_sd_cache_store(state, d, other, true);
	ck_assert_str_eq(read_why(state), "no usable state directory");
	bx_sd_cache_store(state, d, unit, true);
	struct stat st, ust;
	char *p = bx_sprintf("%s/" BX_SD_CACHE_NAME, state);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(state, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	bx_sd_cache c;
	const char *why = NULL;
	ck_assert_int_eq(bx_sd_cache_read(state, &c, &why), 0);
	ck_assert_str_eq(c.cgroup, "/system.slice/boxcg.service");
	ck_assert_int_eq(stat(unit, &ust), 0);
	ck_assert_uint_eq(c.id, (unsigned long long)ust.st_ino);
	ck_assert(!c.user);
	bx_sd_cache_free(&c);
	/* A hostile file in its place is replaced, not followed. */
	unlink(p);
	char *target = bx_sprintf("%s/target", d);
	ck_assert_int_eq(symlink(target, p), 0);
	bx_sd_cache_store(state, d, unit, true);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(stat(target, &st), -1);
	char *cmd = bx_sprintf("rm -rf '%s'", d);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(target);
	free(p);
	free(other);
	free(mk);
	free(unit);
	free(state);
	free(d);
}
END_TEST

Suite *suite_sd_cache(void)
{
	Suite *s = suite_create("sd_cache");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parse_good_and_roundtrip);
	tcase_add_test(tc, parse_refuses_anything_else);
	tcase_add_test(tc, path_rule);
	tcase_add_test(tc, read_checks_the_file);
	tcase_add_test(tc, check_refuses_hostile_entries);
	tcase_add_test(tc, store_writes_only_good_entries);
	suite_add_tcase(s, tc);
	return s;
}
