/* boxcg doctor [--json]: can boxcg work here, and where? For this host and
 * this user: the cgroup mode, who owns the tree, the unit boxcg works in on
 * a systemd host, where the policy root goes, and each controller:
 * available, delegated to that place, enabled there; for each one not
 * delegated, what to do. Exit 0 when boxcg has a place to work in, 1 when
 * not (the problem is printed). Changes nothing. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doctor/doctor.h"

static const char *yn(bool b) { return b ? "yes" : "no"; }

static void print_text(cli *c, const bx_doctor *d)
{
	if (strcmp(d->mode, "directory") == 0)
		printf("cgroup mode:   directory (--root is a plain directory, not cgroup2)\n");
	else if (d->mount)
		printf("cgroup mode:   %s (cgroup2 at %s)\n", d->mode, d->mount);
	else
		printf("cgroup mode:   %s\n", d->mode);
	printf("tree owner:    %s\n", strcmp(d->owner, "systemd") ? "nobody (systemd is not PID 1)"
								  : "systemd (PID 1)");
	printf("user:          %s (uid %u)\n", d->user ? "not root" : "root", d->uid);
	if (d->unit)
		printf("unit:          %s of the %s manager: %s, %s, Delegate=%s\n", d->unit, d->manager,
		       d->unit_load ? d->unit_load : "?", d->unit_active ? d->unit_active : "?",
		       yn(d->unit_delegate));
	if (d->base)
		printf("policy root:   %s/<root>\n", d->base);
	else if (d->base_pending)
		printf("policy root:   in %s of the user manager, which boxcg starts on first use "
		       "(Delegate=yes)\n",
		       d->unit);
	else
		printf("policy root:   none (see the problem below)\n");
	printf("controllers:   %-10s %-10s %-10s %s\n", "", "available", "delegated", "enabled");
	for (size_t i = 0; i < d->n_ctrls; i++) {
		const bx_doctor_ctrl *k = &d->ctrls[i];
		printf("               %-10s %-10s %-10s %s\n", k->name, yn(k->available),
		       yn(k->delegated), yn(k->enabled));
	}
	for (size_t i = 0; i < d->n_ctrls; i++)
		if (d->ctrls[i].fix)
			printf("missing %s: %s\n", d->ctrls[i].name, d->ctrls[i].fix);
	if (d->problem)
		fprintf(stderr, "%sboxcg: problem:%s %s\n", cli_color(c->color_err, CLI_RED),
			cli_color(c->color_err, CLI_RESET), d->problem);
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static int print_json(const bx_doctor *d)
{
	json_t *ctrls = json_array();
	for (size_t i = 0; ctrls && i < d->n_ctrls; i++) {
		const bx_doctor_ctrl *k = &d->ctrls[i];
		json_t *o = json_pack("{s:s, s:b, s:b, s:b, s:o}", "name", k->name, "available",
				      k->available, "delegated", k->delegated, "enabled", k->enabled,
				      "fix", str_or_null(k->fix));
		if (!o || json_array_append_new(ctrls, o) < 0) {
			json_decref(ctrls);
			ctrls = NULL;
		}
	}
	json_t *unit = d->unit ? json_pack("{s:s, s:s, s:o, s:o, s:b}", "name", d->unit, "manager",
					   d->manager, "load_state", str_or_null(d->unit_load),
					   "active_state", str_or_null(d->unit_active), "delegate",
					   d->unit_delegate)
			       : json_null();
	json_t *doc = ctrls && unit ? json_pack("{s:i, s:s, s:o, s:s, s:b, s:i, s:o, s:o, s:b, s:o, s:o}",
						"format_version", 1, "mode", d->mode, "mount",
						str_or_null(d->mount), "owner", d->owner, "user",
						d->user, "uid", (json_int_t)d->uid, "unit", unit,
						"base", str_or_null(d->base), "base_pending",
						d->base_pending, "problem", str_or_null(d->problem),
						"controllers", ctrls)
				    : NULL;
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (!text)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}

static int run_doctor(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	bool json = false;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'j')
			return cli_usage(c, "doctor", "unknown option");
		json = true;
	}
	if (optind < argc)
		return cli_usage(c, "doctor", "unexpected argument '%s'", argv[optind]);
	bx_doctor d;
	bx_error *err = NULL;
	if (bx_doctor_run(c->root, &d, &err) < 0) {
		bx_doctor_free(&d);
		return cli_fail(c, err);
	}
	int rc = d.problem ? BX_EXIT_ERROR : BX_EXIT_OK;
	if (json) {
		if (print_json(&d) < 0)
			rc = cli_fail(c, NULL);
	} else {
		print_text(c, &d);
	}
	bx_doctor_free(&d);
	return rc;
}

static const cli_opt doctor_opts[] = {
	{ "json", 0, NULL, "one JSON document" },
	{ 0 },
};

BX_COMMAND(doctor, "doctor", "[--json]",
	   "tell whether and where boxcg can work here: cgroup mode, owner, delegated controllers",
	   run_doctor, .opts = doctor_opts,
	   .details = "Tells, for this host and this user: the cgroup mode, who owns the tree,\n"
		      "where the policy root goes, and which controllers are available, delegated\n"
		      "and enabled there, with what to do about each missing one. Exit 0 when\n"
		      "boxcg has a place to work in, 1 when not. Changes nothing.");
