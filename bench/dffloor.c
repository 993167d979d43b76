/* dffloor.c - the Dockerfile benchmark floor: harden's Dockerfile parser
 * alone over each file (read, parse, free), what any run must pay */
#include <stdio.h>
#include <stdlib.h>

#include "dockerfile.h"

int main(int argc, char **argv)
{
	unsigned long n = 0;
	int i;

	for (i = 1; i < argc; i++) {
		struct hd_arena a;
		struct df_file f;
		struct hd_err err;
		char *buf;
		size_t len;

		if (hd_read_file(argv[i], &buf, &len) < 0) {
			perror(argv[i]);
			return 2;
		}
		hd_arena_init(&a);
		if (df_parse(&f, buf, len, &a, &err) == 0)
			n += f.n;
		free(f.in);
		free(f.st);
		hd_arena_free(&a);
		free(buf);
	}
	printf("%lu instructions\n", n);
	return 0;
}
