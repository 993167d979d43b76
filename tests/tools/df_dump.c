/* df_dump.c - print the instructions harden's Dockerfile parser reads, one
 * per line ("LINE NAME ARGS", ARGS with \n and \\ escaped), after checking
 * that the instructions' spans and the bytes between them give back the
 * input; exit 2 with file:line:col: error: on a parse error */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockerfile.h"

int main(int argc, char **argv)
{
	struct hd_arena a;
	struct df_file f;
	struct hd_err err;
	char *buf;
	size_t len, i, k, at = 0;

	if (argc != 2 || hd_read_file(argv[1], &buf, &len) < 0) {
		fprintf(stderr, "usage: df_dump FILE\n");
		return 2;
	}
	hd_arena_init(&a);
	if (df_parse(&f, buf, len, &a, &err) < 0) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", argv[1], err.line, err.col, err.msg);
		return 2;
	}
	for (i = 0; i < f.n; i++) {
		const struct df_instr *in = &f.in[i];

		if (in->start < at || in->end > len || in->kw < in->start) {
			fprintf(stderr, "%s:%d: spans overlap or leave the file\n", argv[1],
				in->line);
			return 1;
		}
		/* between instructions only blank lines, comments and directives */
		for (k = at; k < in->start; k++)
			if (buf[k] != ' ' && buf[k] != '\t' && buf[k] != '\r' && buf[k] != '\n') {
				while (k < in->start && buf[k] != '\n')
					k++;
				if (memchr(buf + at, '#', k - at) == NULL && k > at + 3) {
					fprintf(stderr, "%s:%d: text between instructions\n",
						argv[1], in->line);
					return 1;
				}
			}
		printf("%d %s ", in->line, in->name);
		for (k = 0; k < in->nargs; k++)
			if (in->args[k] == '\\' || in->args[k] == '\n')
				printf("\\%c", in->args[k] == '\n' ? 'n' : '\\');
			else
				putchar(in->args[k]);
		putchar('\n');
		at = in->end;
	}
	free(f.in);
	free(f.st);
	hd_arena_free(&a);
	free(buf);
	return 0;
}
