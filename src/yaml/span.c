/* span.c - find the byte spans libfyaml does not give: keys' `?`, empty values, block scalars, dashes, document bounds */
#include "ytree_int.h"

#include <libfyaml.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A blank inside a line (line breaks are not). */
static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Last byte before its comment of the line ending at @le that is not a
 * blank, or HD_NOPOS when the line holds only blanks and a comment.
 */
static size_t line_last(const char *s, size_t ls, size_t le)
{
	size_t e, z = le;

	if (memchr(s + ls, '#', le - ls))
		for (e = ls; e < le; e++)
			if (s[e] == '#' && (e == ls || blank(s[e - 1]))) {
				z = e;
				break;
			}
	while (z > ls && blank(s[z - 1]))
		z--;
	return z > ls ? z - 1 : HD_NOPOS;
}

/*
 * The last content byte of the nearest line above @q (a line start) that
 * holds more than blanks and a comment, or HD_NOPOS: where the indicator
 * ('?', '-') of a node on a later line sits.
 */
static size_t last_above(const struct ystream *ys, size_t q)
{
	const char *s = ys->buf;
	size_t ls, le, z;

	while (q > 0 && s[q - 1] == '\n') {
		le = q - 1;
		if (le > 0 && s[le - 1] == '\r')
			le--;
		ls = ys_line_start(ys, le); /* (past a BOM: it is no content) */
		z = line_last(s, ls, le);
		if (z != HD_NOPOS)
			return z;
		q = ls;
	}
	return HD_NOPOS;
}

/* Could @buf hold a '?' indicator?  (Manifests almost never do: keys then
 * skip the look at the lines above them.) */
bool yt_may_have_qmark(const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len;

	while ((p = memchr(p, '?', (size_t)(e - p))) != NULL) {
		if (++p == e || strchr(" \t\r\n,]}", *p))
			return true;
	}
	return false;
}

/*
 * The indicator @c ('?' or '-') of a node starting at @p: before it on its
 * line (blanks between), or ending the nearest line above that holds more
 * than blanks and comments, there first on its line or after a blank or
 * one of @after.  HD_NOPOS if there is none.
 */
static size_t indicator_before(const struct ystream *ys, size_t p, char c, const char *after)
{
	const char *s = ys->buf;
	size_t z;

	while (p > 0 && blank(s[p - 1]))
		p--;
	if (p > 0 && s[p - 1] == c)
		return p - 1;
	z = last_above(ys, p);
	if (z == HD_NOPOS || s[z] != c)
		return HD_NOPOS;
	if (z == ys_line_start(ys, z) || blank(s[z - 1]) || (s[z - 1] && strchr(after, s[z - 1])))
		return z;
	return HD_NOPOS;
}

size_t ys_key_mark(const struct ystream *ys, size_t start)
{
	if (!ys->qmarks)
		return HD_NOPOS;
	/* (a flow `{?` or `, ?` ending a line above) */
	return indicator_before(ys, start, '?', "{,");
}

/* Skip blanks and comments forward from @p, stopping before @limit. */
static size_t skip_trivia(const char *s, size_t p, size_t limit)
{
	while (p < limit) {
		char c = s[p];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			p++;
		} else if (c == '#') {
			while (p < limit && s[p] != '\n')
				p++;
		} else {
			break;
		}
	}
	return p;
}

/* Position for an empty scalar: just after the ':' or '-' that owns it.
 * *colonless: it is a mapping value written with no ':' at all (`? key`
 * alone, or `{key}`); it then sits at the end of its key. */
size_t yt_empty_pos(struct builder *b, struct yn *parent, bool *colonless)
{
	const char *s = b->ys->buf;
	size_t p = b->cursor == HD_NOPOS ? 0 : b->cursor;
	size_t n = b->ys->len;

	if (parent && parent->kind == YN_SEQ && parent->style == YS_BLOCK) {
		size_t q = skip_trivia(s, p, n);

		if (q < n && s[q] == '-')
			return q + 1;
		return p;
	}
	if (parent && parent->kind == YN_MAP && parent->nkids % 2 == 1 &&
	    parent->kids[parent->nkids - 1]->explicit_key) {
		/* the value of `? key`: its ':' starts a later line, if any */
		size_t q = skip_trivia(s, p, n);

		if (q < n && s[q] == ':' &&
		    (q + 1 == n || s[q + 1] == ' ' || s[q + 1] == '\t' || s[q + 1] == '\r' ||
		     s[q + 1] == '\n' ||
		     (parent->style == YS_FLOW && (s[q + 1] == ',' || s[q + 1] == '}'))))
			return q + 1;
		*colonless = true;
		return p;
	}
	if (parent && parent->kind == YN_MAP && parent->nkids % 2 == 0) {
		/* an empty `?` key: just after its '?' (maybe lines below) */
		size_t q = skip_trivia(s, p, n);

		if (parent->style == YS_FLOW && q < n && (s[q] == ',' || s[q] == '{'))
			q = skip_trivia(s, q + 1, n);

		if (q < n && s[q] == '?' &&
		    (q + 1 == n || s[q + 1] == ' ' || s[q + 1] == '\t' || s[q + 1] == '\r' ||
		     s[q + 1] == '\n' ||
		     (parent->style == YS_FLOW && (s[q + 1] == ',' || s[q + 1] == '}'))))
			return q + 1;
		if (q < n && s[q] == ':')
			return q; /* `: v` with no key: at its ':' */
	}
	while (p < n && (s[p] == ' ' || s[p] == '\t'))
		p++;
	if (p < n && s[p] == ':') {
		/* an empty key sits at its ':' (its column is the pair's), an
		 * empty value just after it */
		if (parent && parent->kind == YN_MAP && parent->nkids % 2 == 0)
			return p;
		return p + 1;
	}
	*colonless = parent && parent->kind == YN_MAP && parent->nkids % 2 == 1;
	return b->cursor == HD_NOPOS ? 0 : b->cursor;
}

/*
 * Lines of spaces deeper than a block scalar's indentation are content
 * (" " and more): its end is past the last of them before @te.  The
 * indentation is that of its first content line, less the spaces its
 * value keeps at its start.
 */
static size_t block_content_end(const char *s, size_t len, size_t hle, size_t te,
				const struct yn *n)
{
	size_t p, e, lead = 0, tlead = 0, ind, end = n->end, i = 0, skip = 0;

	for (p = hle + 1; p < te; p = e + 1, skip++) {
		for (e = p; e < te && s[e] == ' '; e++)
			;
		if (e < te && s[e] != '\n' && s[e] != '\r') {
			lead = e - p;
			break;
		}
		while (e < te && s[e] != '\n')
			e++;
	}
	if (p >= te)
		return end;
	if (n->style == YS_FOLD) {
		/* folding joins lines, but not the empty ones before the first
		 * content line: a line feed each */
		for (; i < skip; i++)
			if (i >= n->tlen || n->text[i] != '\n')
				return end;
		skip = 0;
	}
	while (skip > 0 && i < n->tlen) /* the lines before it, one each */
		if (n->text[i++] == '\n')
			skip--;
	while (i < n->tlen && n->text[i] == ' ')
		i++, tlead++;
	if (tlead > lead)
		return end;
	ind = lead - tlead;
	/* (up to the next line with more than spaces: libfyaml's token may
	 * end before the last such line, its value holds it) */
	for (p = end; p < len && s[p] != '\n'; p++)
		;
	for (p++; p < len; p = e + 1) {
		for (e = p; e < len && s[e] == ' '; e++)
			;
		if (e < len && s[e] != '\n' && s[e] != '\r')
			break;
		if (e - p > ind)
			end = e;
		while (e < len && s[e] != '\n')
			e++;
	}
	return end;
}

void yt_block_scalar_spans(struct builder *b, struct yn *n, size_t ts, size_t te)
{
	const char *s = b->ys->buf;
	size_t p = b->cursor == HD_NOPOS ? 0 : b->cursor, q, hle, hdr = HD_NOPOS;
	size_t from = p;

	while (p < ts) {
		char c = s[p];

		/* (a comment right after the previous token: `|-2#c`) */
		if (c == '#' && (p == from || s[p - 1] == ' ' || s[p - 1] == '\t' ||
				 s[p - 1] == '\n' || s[p - 1] == '\r')) {
			while (p < ts && s[p] != '\n')
				p++;
			continue;
		}
		if ((c == '|' || c == '>') &&
		    (p == 0 || (p == 3 && b->ys->bom) || s[p - 1] == ' ' || s[p - 1] == '\t' ||
		     s[p - 1] == '\n' || s[p - 1] == '\r')) {
			hdr = p;
			break;
		}
		p++;
	}
	if (hdr == HD_NOPOS)
		hdr = ts;
	n->vstart = hdr;
	if (hdr < n->start)
		n->start = hdr;
	/* chomping indicator */
	for (q = hdr + 1; q < b->ys->len && q < hdr + 4; q++) {
		if (s[q] == '+' || s[q] == '-') {
			n->chomp = s[q];
			break;
		}
		if (s[q] < '0' || s[q] > '9')
			break;
	}
	/* end of the header's indicators */
	q = hdr + 1;
	while (q < b->ys->len && (s[q] == '+' || s[q] == '-' || (s[q] >= '0' && s[q] <= '9')))
		q++;
	/* end of the header line (a comment may follow the indicators) */
	hle = q;
	while (hle < b->ys->len && s[hle] != '\n')
		hle++;
	if (hle + 1 >= b->ys->len) {
		/* the header ends the file: no content, the value is "" (libfyaml
		 * 0.7.12 gives one NUL byte for `|+` there) */
		n->text = "";
		n->tlen = 0;
	}
	/* content end: last non-blank byte of the content lines */
	p = te;
	while (p > hle &&
	       (s[p - 1] == ' ' || s[p - 1] == '\t' || s[p - 1] == '\r' || s[p - 1] == '\n'))
		p--;
	n->end = p > hle ? p : q;
	if (n->end > b->ys->len) /* (no header found: never past the end) */
		n->end = b->ys->len;
	n->keep_end = n->end;
	if (n->end > hle)
		n->end = n->keep_end = block_content_end(s, b->ys->len, hle, te, n);
	if (n->chomp == 0 && n->tlen && n->text[n->tlen - 1] == '\n') {
		/* clip chomping at the end of a file without a final line break:
		 * no line break to keep (YAML 1.2 [165], libyaml); libfyaml
		 * 0.7.12 adds one */
		size_t len = b->ys->len, ls = len, ind = 0;

		for (p = n->end; p < len && (s[p] == ' ' || s[p] == '\t'); p++)
			;
		if (p == len && p > hle) {
			n->tlen--;
		} else if (len && s[len - 1] == ' ' && q == hdr + 1) {
			/* the file ends in a line of spaces, deeper than the
			 * (auto-detected) indentation: content with no line break */
			while (ls > 0 && s[ls - 1] == ' ')
				ls--;
			for (p = hle + 1; p < len; p++) {
				size_t e = p;

				while (e < len && s[e] == ' ')
					e++;
				if (e < len && s[e] != '\n' && s[e] != '\r') {
					ind = e - p;
					break;
				}
				while (p < len && s[p] != '\n')
					p++;
			}
			for (p = n->end; p < ls && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' ||
						    s[p] == '\n');
			     p++)
				;
			if (p == ls && ls > 0 && s[ls - 1] == '\n' && ind && len - ls > ind) {
				n->tlen--;
				n->end = n->keep_end = len; /* that line is its last */
			}
		}
	}
	if (n->chomp == '+') {
		/* trailing blank lines belong to the value */
		p = te;
		while (p > n->end && (s[p - 1] == ' ' || s[p - 1] == '\t'))
			p--;
		n->keep_end = p > n->end && s[p - 1] == '\n' ? p : te;
		if (n->keep_end < n->end)
			n->keep_end = n->end;
	}
}

/* The '-' of the block sequence item starting at @p: before it on its
 * line, or ending a line above (only blanks and comments between). */
size_t yt_find_dash(const struct ystream *ys, size_t p)
{
	return indicator_before(ys, p, '-', "");
}

/* Start of the next document's slice, from its first event(s). */
size_t yt_next_bound(struct builder *b, struct fy_event *e, struct fy_event *e2)
{
	struct ystream *ys = b->ys;
	size_t pos = HD_NOPOS, bound, lo, scan;
	bool explicit;

	explicit = e->type == FYET_DOCUMENT_START && e->document_start.document_start &&
		   !e->document_start.implicit;
	if (explicit)
		pos = yt_tok_start(e->document_start.document_start);
	if (pos == HD_NOPOS && e2) {
		const struct fy_mark *m = fy_event_start_mark(e2);

		if (e2->type == FYET_SCALAR && e2->scalar.anchor)
			pos = yt_tok_start(e2->scalar.anchor);
		if (m && (pos == HD_NOPOS || m->input_pos < pos))
			pos = m->input_pos;
	}
	if (pos == HD_NOPOS || pos > ys->len)
		pos = b->cursor == HD_NOPOS ? ys->len : b->cursor;
	bound = ys_line_start(ys, pos);
	/* directive lines (%YAML, %TAG) belong to the document they announce,
	 * but never a line the current document used (a root block scalar's
	 * content may start with '%') */
	lo = b->cursor == HD_NOPOS ? 0 : b->cursor;
	if (lo > ys->len)
		lo = ys->len;
	if (ys_line_start(ys, lo) != lo) {
		const char *nl = memchr(ys->buf + lo, '\n', ys->len - lo);

		lo = nl ? (size_t)(nl - ys->buf) + 1 : ys->len;
	}
	for (scan = bound; scan > lo;) {
		size_t prev = ys_line_start(ys, scan - 1), q = prev;
		bool trivia;

		if (prev < lo)
			break;
		while (q < scan && (ys->buf[q] == ' ' || ys->buf[q] == '\t'))
			q++;
		trivia = q == scan || ys->buf[q] == '\n' || ys->buf[q] == '\r' || ys->buf[q] == '#';
		if (explicit) {
			/* directives above "---", blank and comment lines between */
			if (!trivia && ys->buf[q] != '%')
				break;
			if (!trivia)
				bound = prev;
		} else {
			/* before an implicit start (the previous document ended
			 * with "...") any line up to a blank or comment one: a
			 * block scalar header libfyaml marks late */
			if (trivia)
				break;
			bound = prev;
		}
		scan = prev;
	}
	return bound < lo ? lo : bound;
}
