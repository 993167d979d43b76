/* cook.c - cook flow scalars (plain, single- and double-quoted) from their raw bytes */
#include "ytree_int.h"

#include <libfyaml.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Line folding of flow scalars at the break p[*i]: white space before it
 * goes (not below @keep, the end of escaped text), one break becomes a
 * space, n breaks n-1 line feeds, the next line's indentation goes.
 * Returns the new length of @out.
 */
static size_t fold_breaks(const char *p, size_t n, size_t *i, char *out, size_t o, size_t keep)
{
	size_t breaks = 0;

	while (o > keep && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	while (*i < n && (p[*i] == '\n' || p[*i] == '\r')) {
		*i += (p[*i] == '\r' && *i + 1 < n && p[*i + 1] == '\n') ? 2 : 1;
		breaks++;
		while (*i < n && (p[*i] == ' ' || p[*i] == '\t'))
			(*i)++;
	}
	if (breaks == 1) {
		out[o++] = ' ';
	} else {
		while (--breaks)
			out[o++] = '\n';
	}
	return o;
}

/*
 * Cook a multi-line plain or single-quoted (@sq) scalar's content [p, p+n)
 * (between the quotes): in single quotes '' is a quote; a line break with the white space around it folds to one
 * space, and each further empty line to a newline.  (libfyaml 0.7.12's
 * fy_token_get_text() leaks on runs of '' escapes, found by fuzzing.)
 */
char *yt_cook_flow(struct hd_arena *a, const char *p, size_t n, bool sq, size_t *len)
{
	char *out = hd_arena_alloc_raw(a, n + 1);
	size_t i = 0, o = 0;

	while (i < n) {
		char c = p[i];

		if (sq && c == '\'' && i + 1 < n && p[i + 1] == '\'') {
			out[o++] = '\'';
			i += 2;
		} else if (c == '\n' || c == '\r') {
			o = fold_breaks(p, n, &i, out, o, 0);
		} else {
			out[o++] = c;
			i++;
		}
	}
	out[o] = '\0';
	*len = o;
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The value of double-quoted text [p, p+n) (between the quotes): escapes
 * (YAML 1.2 [42]-[62]), an escaped line break joins lines, other breaks
 * fold as in plain scalars.  Done here: libfyaml 0.7.12's
 * fy_token_get_text() leaks on escaped line breaks.  The parser has
 * checked the escapes; an unknown one is kept as written.
 */
char *yt_cook_dq(struct hd_arena *a, const char *p, size_t n, size_t *len)
{
	char *out = hd_arena_alloc_raw(a, n + 1); /* escapes never grow */
	size_t i = 0, o = 0, keep = 0;

	while (i < n) {
		char c = p[i];

		if (c == '\\' && i + 1 < n) {
			char e = p[++i];
			int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;

			i++;
			if (digits) {
				unsigned long cp = 0;
				int k;

				for (k = 0; k < digits && i < n && hexval(p[i]) >= 0; k++)
					cp = cp * 16 + (unsigned long)hexval(p[i++]);
				o += put_utf8(out + o, cp);
			} else if (e == '\n' || e == '\r') {
				/* escaped line break: no space, next line's indent gone */
				if (e == '\r' && i < n && p[i] == '\n')
					i++;
				while (i < n && (p[i] == ' ' || p[i] == '\t'))
					i++;
			} else {
				static const char from[] = "0abt\tnvfre \"/\\";
				static const char to[] = "\0\a\b\t\t\n\v\f\r\033 \"/\\";
				const char *f = memchr(from, e, sizeof(from) - 1);

				if (f) {
					out[o++] = to[f - from];
				} else if (e == 'N') {
					o += put_utf8(out + o, 0x85);
				} else if (e == '_') {
					o += put_utf8(out + o, 0xa0);
				} else if (e == 'L') {
					o += put_utf8(out + o, 0x2028);
				} else if (e == 'P') {
					o += put_utf8(out + o, 0x2029);
				} else {
					out[o++] = '\\';
					out[o++] = e;
				}
			}
			keep = o;
		} else if (c == '\n' || c == '\r') {
			o = keep = fold_breaks(p, n, &i, out, o, keep);
		} else {
			out[o++] = c;
			i++;
		}
	}
	out[o] = '\0';
	*len = o;
	return out;
}
