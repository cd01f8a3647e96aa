/* box_run: the life of one box through libboxcg.
 *
 *   box_run [--root DIR] [--state-dir DIR] POLICY CLASS ID -- CMD [ARG...]
 *
 * Loads POLICY, creates box ID of class CLASS, runs CMD in it (waiting for
 * it, with signals forwarded), lists the boxes, deletes the box, and exits
 * with CMD's status. Build it against the installed library:
 *
 *   cc $(pkg-config --cflags boxcg) -o box_run box_run.c $(pkg-config --libs boxcg)
 */
#include <boxcg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, boxcg_error *err)
{
	fprintf(stderr, "box_run: %s: %s\n", what, boxcg_error_message(err));
	boxcg_error_free(err);
	return 1;
}

int main(int argc, char **argv)
{
	const char *root = NULL, *state_dir = NULL;
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i += 2) {
		if (strcmp(argv[i], "--root") == 0)
			root = argv[i + 1];
		else if (strcmp(argv[i], "--state-dir") == 0)
			state_dir = argv[i + 1];
		else
			break;
	}
	if (argc - i < 5 || strcmp(argv[i + 3], "--") != 0) {
		fprintf(stderr, "usage: box_run [--root DIR] [--state-dir DIR] POLICY CLASS ID -- CMD [ARG...]\n");
		return 2;
	}
	const char *policy_path = argv[i], *class_name = argv[i + 1], *id = argv[i + 2];
	char **cmd = argv + i + 4;

	boxcg_error *err = NULL;
	boxcg_target *t = NULL;
	if (boxcg_target_open(root, state_dir, &t, &err) < 0)
		return fail("open target", err);

	/* Load and validate: every problem comes back with its location. */
	boxcg_policy *p = NULL;
	boxcg_diagnostics *diags = NULL;
	int rc = boxcg_policy_load(t, &policy_path, 1, &p, &diags, &err);
	for (size_t k = 0; k < boxcg_diagnostics_count(diags); k++)
		fprintf(stderr, "%s\n", boxcg_diagnostic_text(boxcg_diagnostics_at(diags, k)));
	boxcg_diagnostics_free(diags);
	if (rc < 0) {
		boxcg_target_close(t);
		return fail("load policy", err);
	}

	int status = 1;
	if (boxcg_box_create(t, p, class_name, id, 0, &err) < 0) {
		fail("create box", err);
		goto out;
	}
	char path[4096];
	if (boxcg_box_path(t, p, class_name, id, path, sizeof path, &err) == 0)
		printf("created %s\n", path);
	else
		boxcg_error_free(err), err = NULL;

	int exit_status;
	if (boxcg_box_exec(t, p, class_name, id, cmd, NULL, &exit_status, &err) < 0) {
		status = exit_status > 0 ? exit_status : 1;
		fail("run", err);
		err = NULL;
	} else {
		printf("%s exited with status %d\n", cmd[0], exit_status);
		status = exit_status;
	}

	boxcg_box_list *list = NULL;
	if (boxcg_box_list_read(t, p, &list, &err) < 0) {
		status = fail("list boxes", err);
	} else {
		for (size_t k = 0; k < boxcg_box_list_count(list); k++) {
			const boxcg_box *b = boxcg_box_list_at(list, k);
			printf("box %s class %s pids.current %" PRId64 "\n", boxcg_box_id(b),
			       boxcg_box_class(b), boxcg_box_pids_current(b));
		}
		boxcg_box_list_free(list);
	}

	/* The command has ended, so the box is empty: a plain delete works.
	 * BOXCG_DELETE_KILL would kill anything left first. */
	if (boxcg_box_delete(t, p, class_name, id, 0, 10000, &err) < 0)
		status = fail("delete box", err);
	else
		printf("deleted %s\n", id);
out:
	boxcg_policy_free(p);
	boxcg_target_close(t);
	return status;
}
