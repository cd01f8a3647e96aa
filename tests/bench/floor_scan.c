/* floor_scan: the floor for `validate` and `plan` (cases 1, 2, 6). It
 * does the least any YAML-reading tool must do: read each file and pull
 * every libyaml event out of it (scanner + parser), keeping nothing.
 *
 *   floor_scan FILE...
 *
 * Prints the event count (so the work cannot be optimized away); exits 1
 * on a YAML error. */
#include <stdio.h>

#include <yaml.h>

static int scan(const char *path, unsigned long *events)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			fprintf(stderr, "%s:%zu:%zu: %s\n", path, parser.problem_mark.line + 1,
				parser.problem_mark.column + 1, parser.problem ? parser.problem : "error");
			rc = -1;
			break;
		}
		int done = ev.type == YAML_STREAM_END_EVENT;
		(*events)++;
		yaml_event_delete(&ev);
		if (done)
			break;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: floor_scan FILE...\n");
		return 1;
	}
	unsigned long events = 0;
	for (int i = 1; i < argc; i++)
		if (scan(argv[i], &events) < 0)
			return 1;
	printf("%lu events\n", events);
	return 0;
}
