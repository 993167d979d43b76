/* dump_scalars.c - print every scalar value harden's tree holds, one per
 * line in document order, escaped as the YAML test suite's test.event files
 * write them (\\ \n \r \t \b; other control bytes as \xNN).  Used by
 * tests/suite_values.py to check the cooked values against the suite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ytree.h"

static void put_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		case '\b': fputs("\\b", stdout); break;
		default:
			if (c < 0x20 || c == 0x7f)
				printf("\\x%02x", c);
			else
				putchar(c);
		}
	}
}

static void dump(const struct yn *n)
{
	size_t i;

	if (n->kind == YN_SCALAR) {
		put_text(n->text, n->tlen);
		putchar('\n');
	}
	for (i = 0; i < n->nkids; i++)
		dump(n->kids[i]);
}

int main(int argc, char **argv)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	char *buf;
	size_t n = 0, cap = 1 << 16, d;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: dump_scalars FILE\n");
		return 2;
	}
	buf = malloc(cap);
	while (buf && (d = fread(buf + n, 1, cap - n, f)) > 0)
		if ((n += d) == cap)
			buf = realloc(buf, cap *= 2);
	fclose(f);
	if (!buf)
		return 2;
	hd_arena_init(&a);
	if (ys_parse(&ys, argv[1], buf, n, &a, &err) < 0) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", argv[1], err.line, err.col, err.msg);
		hd_arena_free(&a);
		free(buf);
		return 1;
	}
	for (d = 0; d < ys.ndocs; d++)
		if (ys.docs[d].root)
			dump(ys.docs[d].root);
	hd_arena_free(&a);
	free(buf);
	return 0;
}
