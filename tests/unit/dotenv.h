/* dotenv.h - Compose's env-file reader (compose-go dotenv/parser.go), for tests */
#ifndef HD_TEST_DOTENV_H
#define HD_TEST_DOTENV_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * The reading rules, as compose-go has them: blanks and '#' lines skipped;
 * an optional "export "; a key up to '=' or ':' (letters, digits, _ . - [ ]);
 * a value either quoted - up to the first quote not after a backslash; a
 * backslash before the quote is dropped, before anything else kept; in
 * double quotes then \a \b \f \n \r \t \v \" \\ \$ (as $$) and \0NNN are
 * expanded and the result interpolated - or unquoted: up to the line end,
 * cut at " #", trailing blanks dropped, interpolated.
 *
 * Interpolation needs an environment, which a test has not: both sides of
 * a comparison go through dotenv_interp(), which turns $$ into $ and keeps
 * every reference (${...}, $NAME) as a marked copy of itself.
 */
static inline void dotenv_interp(struct hd_buf *o, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] != '$' || i + 1 >= n) {
			hd_buf_addc(o, s[i++]);
		} else if (s[i + 1] == '$') {
			hd_buf_addc(o, '$');
			i += 2;
		} else if (s[i + 1] == '{') {
			const char *e = memchr(s + i, '}', n - i);
			size_t l = e ? (size_t)(e - (s + i)) + 1 : n - i;

			hd_buf_addc(o, '\001');
			hd_buf_add(o, s + i, l);
			i += l;
		} else {
			hd_buf_addc(o, s[i++]);
		}
	}
}

static inline bool dotenv_space(char c)
{
	return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}

/* \X expansions of a double-quoted value (compose-go's expandEscapes). */
static inline void dotenv_escapes(struct hd_buf *o, const char *s, size_t n)
{
	static const char from[] = "abfnrtv\"\\", to[] = "\a\b\f\n\r\t\v\"\\";
	size_t i = 0;

	while (i < n) {
		const char *k = i + 1 < n && s[i] == '\\' ? strchr(from, s[i + 1]) : NULL;

		if (k && s[i + 1]) {
			hd_buf_addc(o, to[k - from]);
			i += 2;
		} else if (i + 1 < n && s[i] == '\\' && s[i + 1] == '$') {
			hd_buf_adds(o, "$$");
			i += 2;
		} else {
			hd_buf_addc(o, s[i++]);
		}
	}
}

/*
 * Parse @src: the key and the interpolated value of its only statement
 * (malloc'ed), or false when it is not exactly one well-formed statement.
 */
static inline bool dotenv_one(const char *src, char **key, char **val)
{
	const char *p = src, *ks, *ke;
	struct hd_buf raw = HD_BUF_INIT, esc = HD_BUF_INIT, out = HD_BUF_INIT;
	char q;

	while (*p == ' ' || *p == '\n' || dotenv_space(*p))
		p++;
	for (ks = p; *p && *p != '=' && *p != ':' && *p != '\n'; p++)
		if (!(*p == '_' || *p == '.' || *p == '-' || *p == '[' || *p == ']' ||
		      (*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z')))
			return false;
	if (*p != '=' && *p != ':')
		return false;
	ke = p++;
	while (dotenv_space(*p))
		p++;
	if (*p == '"' || *p == '\'') {
		bool bs = false;

		for (q = *p++; *p && (*p != q || bs); p++) {
			if (*p != q && !bs && *p == '\\') {
				bs = true;
				continue;
			}
			if (bs && *p != q)
				hd_buf_addc(&raw, '\\');
			bs = false;
			hd_buf_addc(&raw, *p);
		}
		if (!*p)
			goto bad;
		p++;
		if (q == '"') {
			dotenv_escapes(&esc, raw.data ? raw.data : "", raw.len);
			dotenv_interp(&out, esc.data ? esc.data : "", esc.len);
		} else {
			hd_buf_add(&out, raw.data ? raw.data : "", raw.len);
		}
	} else {
		const char *e = strchr(p, '\n'), *c;
		size_t l = e ? (size_t)(e - p) : strlen(p);

		c = memmem(p, l, " #", 2);
		if (c)
			l = (size_t)(c - p);
		while (l && (dotenv_space(p[l - 1]) || p[l - 1] == '\n'))
			l--;
		dotenv_interp(&out, p, l);
		p += e ? (size_t)(e - p) : strlen(p);
	}
	while (*p == '\n' || dotenv_space(*p))
		p++;
	if (*p)
		goto bad; /* a second statement */
	*key = strndup(ks, (size_t)(ke - ks));
	*val = strndup(out.data ? out.data : "", out.len);
	hd_buf_release(&raw);
	hd_buf_release(&esc);
	hd_buf_release(&out);
	return true;
bad:
	hd_buf_release(&raw);
	hd_buf_release(&esc);
	hd_buf_release(&out);
	return false;
}

/* Does the env-file line for @value read back as Compose read @value? */
static inline bool dotenv_roundtrip(const char *line, const char *key, const char *value)
{
	struct hd_buf want = HD_BUF_INIT;
	char *k = NULL, *v = NULL;
	bool ok;

	dotenv_interp(&want, value, strlen(value));
	ok = dotenv_one(line, &k, &v) && !strcmp(k, key) &&
	     !strcmp(v, want.data ? want.data : "");
	free(k);
	free(v);
	hd_buf_release(&want);
	return ok;
}

#endif
