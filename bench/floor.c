/* floor.c - the benchmark floor: a bare libfyaml event parse of each file */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util.h"

int main(int argc, char **argv)
{
	int i, rc = 0;
	unsigned long events = 0;

	for (i = 1; i < argc; i++) {
		struct fy_parse_cfg cfg = { 0 };
		struct fy_parser *fyp;
		struct fy_event *e;
		char *buf;
		size_t len, maplen;
		struct stat st;

		/* read as harden reads its input (huge pages for a big file) */
		if (hd_read_file_big(argv[i], &buf, &len, &st, &maplen) < 0) {
			perror(argv[i]);
			return 2;
		}
		cfg.flags = FYPCF_QUIET | FYPCF_SLOPPY_FLOW_INDENTATION;
		fyp = fy_parser_create(&cfg);
		fy_parser_set_string(fyp, buf, len);
		while ((e = fy_parser_parse(fyp)) != NULL) {
			events++;
			fy_parser_event_free(fyp, e);
		}
		if (fy_parser_get_stream_error(fyp))
			rc = 1;
		fy_parser_destroy(fyp);
		hd_big_free(buf, maplen);
	}
	fprintf(stderr, "%lu events\n", events);
	return rc;
}
