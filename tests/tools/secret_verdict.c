/* secret_verdict.c - print hd_secret_credential()'s verdict for each input
 * line "SYNTAX<TAB>EXTRA<TAB>NAME<TAB>VALUE": SYNTAX k (Kubernetes) or c
 * (Compose), EXTRA the --secret-names pattern or "-", VALUE with \\ \n \r \t
 * escaped.  Output: one line per input line, what the credential is or "-".
 * Never the value: tests/t46-secret-detector.sh prints names only. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets.h"

/* Undo the escapes in place; returns the length. */
static size_t unescape(char *s)
{
	char *o = s, *p;

	for (p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p;
			continue;
		}
		p++;
		*o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
	}
	*o = '\0';
	return (size_t)(o - s);
}

int main(void)
{
	char *line = NULL, *f[4];
	size_t cap = 0, n, i;
	ssize_t got;

	if (hd_secrets_init(NULL) < 0)
		return 2;
	while ((got = getline(&line, &cap, stdin)) > 0) {
		const char *what;

		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		f[0] = line;
		for (i = 1; i < 4; i++) {
			f[i] = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
			if (f[i])
				*f[i]++ = '\0';
		}
		if (!f[3]) {
			fprintf(stderr, "secret_verdict: line without 4 fields\n");
			return 2;
		}
		hd_secrets_set_extra(strcmp(f[1], "-") ? f[1] : NULL);
		n = unescape(f[3]);
		what = hd_secret_credential(f[2], f[3], n, f[0][0] == 'c');
		puts(what ? what : "-");
	}
	free(line);
	hd_secrets_free();
	return 0;
}
