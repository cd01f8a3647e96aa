/* A runtime's whole flow through libboxcg: create a box with its own
 * sizes, join a forked process to it, exec a command in it, resize it
 * live, freeze and thaw it, delete it. docs/LIBRARY.md.
 *
 *   box_runtime [--root DIR] [--state-dir DIR] POLICY ID */
#include <boxcg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what, boxcg_error *err)
{
	fprintf(stderr, "%s: %s (errno %d)\n", what, boxcg_error_message(err), boxcg_error_errno(err));
	boxcg_error_free(err);
	return 1;
}

int main(int argc, char **argv)
{
	const char *root = NULL, *state = NULL;
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--root") == 0)
			root = argv[i + 1];
		else if (strcmp(argv[i], "--state-dir") == 0)
			state = argv[i + 1];
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: box_runtime [--root DIR] [--state-dir DIR] POLICY ID\n");
		return 2;
	}
	const char *policy = argv[i], *id = argv[i + 1];
	boxcg_error *err = NULL;
	boxcg_target *t = NULL;
	boxcg_policy *p = NULL;
	if (boxcg_target_open(root, state, &t, &err) < 0)
		return fail("open target", err);
	if (boxcg_policy_load(t, &policy, 1, &p, NULL, &err) < 0)
		return fail("load policy", err);

	/* 1. create, sized for this VM: 2 GiB and 2 CPUs */
	boxcg_set size[] = { { "memory.max", "2GiB" }, { "cpu.max", "2" } };
	if (boxcg_box_create_sized(t, p, "vm", id, size, 2, 0, &err) < 0)
		return fail("create", err);
	boxcg_box *b = NULL;
	if (boxcg_box_query(t, p, NULL, id, &b, &err) < 0)
		return fail("query", err);
	printf("created %s: own %s, memory.max %s, cpu.max %s\n", id, boxcg_box_own(b),
	       boxcg_box_limit(b, "memory.max"), boxcg_box_limit(b, "cpu.max"));
	boxcg_box_free(b);

	/* 2. join: a process the runtime forks itself */
	boxcg_join *j = NULL;
	if (boxcg_join_prepare(t, p, "vm", id, &j, &err) < 0)
		return fail("join prepare", err);
	pid_t vmm = fork();
	if (vmm == 0) {
		if (boxcg_join_child(j) < 0)
			_exit(126);
		execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	boxcg_join_free(j);

	/* 3. exec a command in the box and wait for it */
	char *cmd[] = { "true", NULL };
	int status;
	if (boxcg_box_exec(t, p, "vm", id, cmd, NULL, &status, &err) < 0)
		return fail("exec", err);
	printf("true exited with status %d\n", status);

	/* 4. resize the running box */
	boxcg_set grow[] = { { "memory.max", "4GiB" }, { "cpu.max", "4" } };
	if (boxcg_box_update(t, p, NULL, id, grow, 2, 0, NULL, &err) < 0)
		return fail("update", err);
	printf("updated %s\n", id);

	/* 5. pause and resume it */
	if (boxcg_box_freeze(t, p, NULL, id, 10000, &err) < 0)
		return fail("freeze", err);
	printf("froze %s\n", id);
	if (boxcg_box_thaw(t, p, NULL, id, 10000, &err) < 0)
		return fail("thaw", err);
	printf("thawed %s\n", id);

	/* 6. delete it, killing what still runs */
	kill(vmm, SIGKILL);
	waitpid(vmm, NULL, 0);
	if (boxcg_box_delete(t, p, NULL, id, BOXCG_DELETE_KILL, 10000, &err) < 0)
		return fail("delete", err);
	printf("deleted %s\n", id);
	boxcg_policy_free(p);
	boxcg_target_close(t);
	return 0;
}
