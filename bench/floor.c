/*
 * floor.c - the benchmark floor: a bare libfyaml event parse of each file.
 * After -y, the files that follow are read by libyaml's event parser
 * instead: `floor IN OUT -y OUT` is what verifying OUT must read at least
 * (the input once, the output by both parsers), one after another.
 */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "util.h"

static int fy_events(const char *buf, size_t len, unsigned long *events)
{
	struct fy_parse_cfg cfg = { 0 };
	struct fy_parser *fyp;
	struct fy_event *e;
	int rc = 0;

	cfg.flags = FYPCF_QUIET | FYPCF_SLOPPY_FLOW_INDENTATION;
	fyp = fy_parser_create(&cfg);
	fy_parser_set_string(fyp, buf, len);
	while ((e = fy_parser_parse(fyp)) != NULL) {
		(*events)++;
		fy_parser_event_free(fyp, e);
	}
	if (fy_parser_get_stream_error(fyp))
		rc = 1;
	fy_parser_destroy(fyp);
	return rc;
}

static int ly_events(const char *buf, size_t len, unsigned long *events)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = 1;
			break;
		}
		(*events)++;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

int main(int argc, char **argv)
{
	int i, rc = 0;
	unsigned long events = 0;
	int (*parse)(const char *, size_t, unsigned long *) = fy_events;

	for (i = 1; i < argc; i++) {
		char *buf;
		size_t len, maplen;
		struct stat st;

		if (!strcmp(argv[i], "-y")) {
			parse = ly_events;
			continue;
		}
		/* read as harden reads its input (huge pages for a big file) */
		if (hd_read_file_big(argv[i], &buf, &len, &st, &maplen) < 0) {
			perror(argv[i]);
			return 2;
		}
		if (parse(buf, len, &events))
			rc = 1;
		hd_big_free(buf, maplen);
	}
	fprintf(stderr, "%lu events\n", events);
	return rc;
}
