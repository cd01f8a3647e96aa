/* lib/stats: the parsers of cpu.stat, PSI, io.stat and scalar files
 * (hostile text never yields a wrong number), reading a directory root,
 * and boxcg_box_stats. */
#include "test_box_fixture.h"

#include <errno.h>
#include <poll.h>

#include "boxcg.h"
#include "metrics/metrics.h"
#include "stats/stats.h"

Suite *suite_stats(void);

START_TEST(scalars)
{
	ck_assert_int_eq(bx_stats_parse_scalar("0\n", false), 0);
	ck_assert_int_eq(bx_stats_parse_scalar("9223372036854775807", false), INT64_MAX);
	ck_assert_int_eq(bx_stats_parse_scalar("9223372036854775808", false), BX_STAT_ABSENT);
	ck_assert_int_eq(bx_stats_parse_scalar("max\n", true), BX_STAT_MAX);
	ck_assert_int_eq(bx_stats_parse_scalar("max\n", false), BX_STAT_ABSENT);
	ck_assert_int_eq(bx_stats_parse_scalar("-1", false), BX_STAT_ABSENT);
	ck_assert_int_eq(bx_stats_parse_scalar("", false), BX_STAT_ABSENT);
	ck_assert_int_eq(bx_stats_parse_scalar("1\n2\n", false), BX_STAT_ABSENT);
	ck_assert_int_eq(bx_stats_parse_scalar(" 1", false), BX_STAT_ABSENT);
	ck_assert_int_eq(bx_stats_parse_scalar(NULL, false), BX_STAT_ABSENT);
}
END_TEST

START_TEST(cpu_and_psi)
{
	bx_stats s;
	memset(&s, 0xff, sizeof s);
	bx_stats_parse_cpu("usage_usec 10\nuser_usec 7\nsystem_usec 3\nnr_periods 5\n"
			   "nr_throttled 2\nthrottled_usec 99\nnr_bursts 0\n",
			   &s);
	ck_assert_int_eq(s.cpu_usage_usec, 10);
	ck_assert_int_eq(s.cpu_user_usec, 7);
	ck_assert_int_eq(s.cpu_system_usec, 3);
	ck_assert_int_eq(s.cpu_nr_periods, 5);
	ck_assert_int_eq(s.cpu_nr_throttled, 2);
	ck_assert_int_eq(s.cpu_throttled_usec, 99);
	/* a key that is the prefix of another is not confused with it */
	bx_stats_parse_cpu("usage_usecs 5\nusage_usec x\n", &s);
	ck_assert_int_eq(s.cpu_usage_usec, BX_STAT_ABSENT);

	bx_psi p;
	memset(&p, 0, sizeof p);
	bx_stats_parse_psi("some avg10=12.34 avg60=0.05 avg300=100.00 total=123456\n"
			   "full avg10=0.00 avg60=0.00 avg300=0.00 total=7\n",
			   &p);
	ck_assert_int_eq(p.some.avg10, 1234);
	ck_assert_int_eq(p.some.avg60, 5);
	ck_assert_int_eq(p.some.avg300, 10000);
	ck_assert_int_eq(p.some.total_usec, 123456);
	ck_assert_int_eq(p.full.total_usec, 7);
	bx_stats_parse_psi("some avg10=1.5 avg60=101.00 avg300=.50 total=-3\nfull avg10=x\n", &p);
	ck_assert_int_eq(p.some.avg10, BX_STAT_ABSENT);
	ck_assert_int_eq(p.some.avg60, BX_STAT_ABSENT);
	ck_assert_int_eq(p.some.avg300, BX_STAT_ABSENT);
	ck_assert_int_eq(p.some.total_usec, BX_STAT_ABSENT);
	ck_assert_int_eq(p.full.avg10, BX_STAT_ABSENT);
	ck_assert_int_eq(p.full.total_usec, BX_STAT_ABSENT);
}
END_TEST

START_TEST(io_lines)
{
	bx_io_dev *v;
	size_t n;
	ck_assert_int_eq(bx_stats_parse_io("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n"
					   "junk line\n"
					   "253:1 rbytes=10 wbytes=20 rios=30 wios=40\n"
					   "4096:0 rbytes=1\n",
					   &v, &n),
			 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(v[0].major, 8);
	ck_assert_int_eq(v[0].dios, 6);
	ck_assert_uint_eq(v[1].major, 253);
	ck_assert_uint_eq(v[1].minor, 1);
	ck_assert_int_eq(v[1].wios, 40);
	ck_assert_int_eq(v[1].dbytes, BX_STAT_ABSENT);
	free(v);
	ck_assert_int_eq(bx_stats_parse_io("", &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(v);
}
END_TEST

START_TEST(read_directory_root_and_api)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	bxf_put(&f, "boxlite/small/b1/memory.current", "4096\n");
	bxf_put(&f, "boxlite/small/b1/memory.events", "low 0\nhigh 2\nmax 1\noom 1\noom_kill 1\n");
	bxf_put(&f, "boxlite/small/b1/pids.events", "max 3\n");
	bxf_put(&f, "boxlite/small/b1/io.stat", "8:0 rbytes=1 wbytes=2 rios=3 wios=4\n"
						"8:16 rbytes=10 wbytes=20 rios=30 wios=40\n");
	bxf_put(&f, "boxlite/small/b1/memory.pressure",
		"some avg10=1.00 avg60=0.00 avg300=0.00 total=5\n");
	bx_stats s;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_stats_read(f.fs, "boxlite/small/b1", &s, &e), 0);
	ck_assert_int_eq(s.mem_current, 4096);
	ck_assert_int_eq(s.mem_max, BX_STAT_MAX); /* directory mode: the kernel default */
	ck_assert_int_eq(s.mem_events[BX_MEV_OOM_KILL], 1);
	ck_assert_int_eq(s.mem_events[BX_MEV_OOM_GROUP_KILL], BX_STAT_ABSENT);
	ck_assert_int_eq(s.cpu_usage_usec, BX_STAT_ABSENT);
	ck_assert_uint_eq(s.nio, 2);
	bx_stats_free(&s);
	ck_assert_int_eq(bx_stats_read(f.fs, "boxlite/small/nope", &s, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e);

	boxcg_target *t;
	boxcg_policy *p;
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_target_open(f.root, f.state, &t, &err), 0);
	ck_assert_int_eq(boxcg_policy_load_buffer(t, "p.yaml", BXF_POLICY, strlen(BXF_POLICY), &p,
						  NULL, &err),
			 0);
	boxcg_stats st;
	ck_assert_int_eq(boxcg_box_stats(t, p, NULL, "b1", &st, &err), 0);
	ck_assert_int_eq(st.memory_current, 4096);
	ck_assert_int_eq(st.memory_max, BOXCG_STAT_MAX);
	ck_assert_int_eq(st.memory_events_oom_kill, 1);
	ck_assert_int_eq(st.memory_events_high, 2);
	ck_assert_int_eq(st.pids_events_max, 3);
	ck_assert_int_eq(st.io_rbytes, 11);
	ck_assert_int_eq(st.io_wios, 44);
	ck_assert_int_eq(st.memory_some.avg10, 100);
	ck_assert_int_eq(st.memory_some.total_usec, 5);
	ck_assert_int_eq(st.cpu_some.avg10, BOXCG_STAT_ABSENT);
	/* the class slice */
	ck_assert_int_eq(boxcg_box_stats(t, p, "small", NULL, &st, &err), 0);
	ck_assert_int_eq(st.memory_current, BOXCG_STAT_ABSENT);
	/* errors as values */
	ck_assert_int_eq(boxcg_box_stats(t, p, NULL, "nope", &st, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	boxcg_error_free(err), err = NULL;
	ck_assert_int_eq(boxcg_box_stats(t, p, "nosuch", NULL, &st, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), ENOENT);
	boxcg_error_free(err), err = NULL;
	ck_assert_int_eq(boxcg_box_stats(t, p, NULL, "b1", NULL, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EINVAL);
	boxcg_error_free(err), err = NULL;
	ck_assert_int_eq(boxcg_box_stats(NULL, p, NULL, "b1", &st, &err), -1);
	boxcg_error_free(err), err = NULL;
	boxcg_policy_free(p);
	boxcg_target_close(t);
	bxf_close(&f);
}
END_TEST

START_TEST(metrics_exposition)
{
	bx_buf b = {0};
	bx_metrics_escape(&b, "a\"b\\c\nd");
	char *t = bx_buf_take(&b);
	ck_assert_str_eq(t, "a\\\"b\\\\c\\nd");
	free(t);

	bx_stats_entry e[2] = { { .class_name = "we\"ird", .box = "b\n1", .cgroup = "x" },
				{ .class_name = "small", .cgroup = "y" } };
	memset(&e[0].st, 0xff, sizeof e[0].st); /* every figure ABSENT (-1) */
	memset(&e[1].st, 0xff, sizeof e[1].st);
	e[0].st.io = NULL, e[0].st.nio = 0, e[1].st.io = NULL, e[1].st.nio = 0;
	e[0].st.mem_max = BX_STAT_MAX;
	e[0].st.cpu_usage_usec = 1000001;
	e[1].st.mem_current = 42;
	bx_stats_set set = { .v = e, .n = 2 };
	ck_assert(bx_metrics_render(&set, &b));
	t = bx_buf_take(&b);
	ck_assert_msg(strstr(t, "boxcg_boxes 1\n"), "%s", t);
	ck_assert_msg(strstr(t, "boxcg_box_cpu_usage_seconds_total{class=\"we\\\"ird\",box=\"b\\n1\"} 1.000001\n"), "%s", t);
	ck_assert_msg(strstr(t, "boxcg_box_memory_max_bytes{class=\"we\\\"ird\",box=\"b\\n1\"} +Inf\n"), "%s", t);
	ck_assert_msg(strstr(t, "# TYPE boxcg_slice_memory_current_bytes gauge\nboxcg_slice_memory_current_bytes{class=\"small\"} 42\n"), "%s", t);
	/* absent figures leave their family out, HELP and TYPE included */
	ck_assert_ptr_null(strstr(t, "pids_current"));
	free(t);
}
END_TEST

/* The event fd of the API on a directory root: quiet when nothing
 * happens, readable after a write to a box's memory.events, then the
 * oom_kill event with its counter; a created and a deleted box. */
START_TEST(events_through_the_api)
{
	bxf f;
	bxf_open(&f, BXF_POLICY);
	bxf_put(&f, "boxlite/small/b1/memory.events", "oom 0\noom_kill 0\n");
	bxf_put(&f, "boxlite/small/b1/memory.peak", "8192\n");
	boxcg_target *t;
	boxcg_policy *p;
	boxcg_error *err = NULL;
	ck_assert_int_eq(boxcg_target_open(f.root, f.state, &t, &err), 0);
	ck_assert_int_eq(boxcg_policy_load_buffer(t, "p.yaml", BXF_POLICY, strlen(BXF_POLICY), &p,
						  NULL, &err),
			 0);
	boxcg_events *ev;
	ck_assert_int_eq(boxcg_events_open(t, p, &ev, &err), 0);
	struct pollfd pf = { boxcg_events_fd(ev), POLLIN, 0 };
	ck_assert_int_eq(poll(&pf, 1, 0), 0); /* nothing yet */
	const boxcg_event *v;
	size_t n;
	ck_assert_int_eq(boxcg_events_read(ev, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 0);

	bxf_put(&f, "boxlite/small/b1/memory.events", "oom 1\noom_kill 1\n");
	ck_assert_int_eq(poll(&pf, 1, 5000), 1);
	ck_assert_int_eq(boxcg_events_read(ev, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].kind, "oom");
	ck_assert_str_eq(v[1].kind, "oom_kill");
	ck_assert_str_eq(v[1].box, "b1");
	ck_assert_str_eq(v[1].class_name, "small");
	ck_assert_int_eq(v[1].count, 1);
	ck_assert_int_eq(v[1].delta, 1);
	ck_assert_int_eq(v[1].oom_kill, 1);
	ck_assert_int_eq(v[1].memory_peak, 8192);
	ck_assert_int_gt(v[1].time_ns, 0);
	ck_assert_int_eq(poll(&pf, 1, 0), 0); /* drained */

	/* deleted keeps the last counters */
	char *dir = bx_sprintf("%s/boxlite/small/b1", f.root);
	char *cmd = bx_sprintf("rm -r '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(poll(&pf, 1, 5000), 1);
	ck_assert_int_eq(boxcg_events_read(ev, &v, &n, &err), 0);
	ck_assert_uint_ge(n, 1);
	ck_assert_str_eq(v[n - 1].kind, "deleted");
	ck_assert_int_eq(v[n - 1].oom_kill, 1);
	ck_assert_int_eq(v[n - 1].memory_peak, 8192);
	free(cmd);
	free(dir);

	ck_assert_int_eq(boxcg_events_read(NULL, &v, &n, &err), -1);
	ck_assert_int_eq(boxcg_error_errno(err), EINVAL);
	boxcg_error_free(err), err = NULL;
	boxcg_events_close(ev);
	boxcg_events_close(NULL);
	ck_assert_int_eq(boxcg_events_open(t, p, NULL, &err), -1);
	boxcg_error_free(err), err = NULL;
	boxcg_policy_free(p);
	boxcg_target_close(t);
	bxf_close(&f);
}
END_TEST

Suite *suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");
	tcase_add_test(tc, scalars);
	tcase_add_test(tc, cpu_and_psi);
	tcase_add_test(tc, io_lines);
	tcase_add_test(tc, read_directory_root_and_api);
	tcase_add_test(tc, metrics_exposition);
	tcase_add_test(tc, events_through_the_api);
	suite_add_tcase(s, tc);
	return s;
}
