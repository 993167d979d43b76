/* ytree.c - build the span tree from libfyaml parser events */
#include "ytree.h"

#include <libfyaml.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- positions ---------------------------------------------------------- */

/* index of the last line start <= off */
static size_t line_index(const struct ystream *ys, size_t off)
{
	size_t lo = 0, hi = ys->nlines;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ys->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

size_t ys_line_start(const struct ystream *ys, size_t off)
{
	size_t lo = line_index(ys, off);

	if (lo == 0 && ys->bom)
		return off >= 3 ? 3 : 0; /* the BOM is not indentation */
	return ys->nlines ? ys->lines[lo] : 0;
}

size_t ys_col(const struct ystream *ys, size_t off)
{
	return off - ys_line_start(ys, off);
}

void ys_pos(const struct ystream *ys, size_t off, int *line, int *col)
{
	size_t li = line_index(ys, off);
	size_t ls = ys->nlines ? ys->lines[li] : 0;
	size_t c = 0, i;

	/* column counts characters (UTF-8 lead bytes), as editors do */
	for (i = ls; i < off && i < ys->len; i++)
		if (((unsigned char)ys->buf[i] & 0xC0) != 0x80)
			c++;
	if (li == 0 && ys->bom && c > 0)
		c--;
	*line = (int)li + 1;
	*col = (int)c + 1;
}

/* ---- input checks -------------------------------------------------------- */

static int err_at(struct hd_err *err, const struct ystream *ys, size_t off,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

int ys_verr(struct hd_err *err, const struct ystream *ys, size_t off,
	    const char *fmt, va_list ap)
{
	if (ys && ys->nlines)
		ys_pos(ys, off, &err->line, &err->col);
	else
		err->line = err->col = 1;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

static int err_at(struct hd_err *err, const struct ystream *ys, size_t off,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ys_verr(err, ys, off, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Returns the offset of the first byte that is not printable YAML text
 * (YAML 1.2 c-printable; also what libyaml accepts), or HD_NOPOS:
 * invalid UTF-8, a C0/C1 control other than TAB, LF, CR and NEL, DEL, or a
 * CR without LF (libfyaml 0.7.12 miscounts byte positions after lone CRs
 * and control characters, so these files are refused, not misedited).
 */
static size_t unprintable(const unsigned char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	while (i < n) {
		unsigned c;
		size_t k, need;
		unsigned cp;

		/* eight bytes of printable ASCII (0x20..0x7E, or LF) at a time */
		while (n - i >= 8) {
			uint64_t w, nl;

			memcpy(&w, s + i, 8);
			nl = w ^ (ones * '\n');
			/* exactly the LF bytes get 0x80 (no carries between bytes) */
			nl = ~(((nl & ~highs) + ~highs) | nl | ~highs);
			w |= nl >> 2; /* LF (0x0A) -> 0x2A, printable */
			if ((w & highs) || ((w - ones * 0x20) & highs) ||
			    (((w ^ (ones * 0x7F)) - ones) & ~(w ^ (ones * 0x7F)) & highs))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F ||
			    (c == '\r' && (i + 1 == n || s[i + 1] != '\n')))
				return i;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (need == 1 && cp >= 0x80 && cp <= 0x9F && cp != 0x85) ||
		    cp == 0xFFFE || cp == 0xFFFF)
			return i;
		i += need + 1;
	}
	return HD_NOPOS;
}

static int check_encoding(struct ystream *ys, struct hd_err *err)
{
	const unsigned char *s = (const unsigned char *)ys->buf;
	size_t n = ys->len, bad;
	const void *nul;

	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
		       (s[0] == 0xFE && s[1] == 0xFF)))
		return err_at(err, NULL, 0,
			      "UTF-16 input is not supported; convert the file to UTF-8");
	if (n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF)
		return err_at(err, NULL, 0,
			      "UTF-32 input is not supported; convert the file to UTF-8");
	ys->bom = n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF;
	nul = memchr(s, '\0', n);
	if (nul)
		return err_at(err, ys, (size_t)((const unsigned char *)nul - s),
			      "NUL byte in input (binary file?)");
	bad = unprintable(s, n);
	if (bad == HD_NOPOS)
		return 0;
	if (s[bad] == '\r')
		return err_at(err, ys, bad, "carriage return without line feed "
			      "(only LF or CRLF line breaks are supported)");
	if (s[bad] < 0x20 || s[bad] == 0x7F)
		return err_at(err, ys, bad, "control character 0x%02x is not "
			      "allowed in YAML", s[bad]);
	if (s[bad] == 0xC2 && bad + 1 < n && s[bad + 1] >= 0x80 && s[bad + 1] <= 0x9F)
		return err_at(err, ys, bad, "control character U+%04X is not "
			      "allowed in YAML", s[bad + 1]);
	if (s[bad] == 0xEF && bad + 2 < n && s[bad + 1] == 0xBF && s[bad + 2] >= 0xBE)
		return err_at(err, ys, bad, "noncharacter U+FFF%c is not allowed "
			      "in YAML", s[bad + 2] == 0xBE ? 'E' : 'F');
	return err_at(err, ys, bad, "invalid UTF-8 byte 0x%02x", s[bad]);
}

/* Line starts, counted first: the table is written once, in place (a
 * growing copy touched about three times its size). */
static void build_lines(struct ystream *ys)
{
	const char *p, *end = ys->buf + ys->len;
	size_t n = 1;

	for (p = ys->buf; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		n++;
	ys->lines = hd_arena_alloc_raw(ys->keep, n * sizeof(*ys->lines));
	ys->lines[0] = 0;
	n = 1;
	for (p = ys->buf; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		ys->lines[n++] = (size_t)(p + 1 - ys->buf);
	ys->nlines = n;
}

/* ---- tree building ------------------------------------------------------- */

/*
 * libfyaml diagnostics arrive formatted as "NAME:LINE:COL: error: MSG\n"
 * (then source excerpts).  Keep the first error.  (Its collect-errors mode
 * leaks the collected records in 0.7.12, hence the callback.)
 */
struct diag_capture {
	bool have;
	int line, col;
	char msg[400];
	char acc[600];  /* text of the first diagnostic, as it arrives */
	size_t nacc;
};

/* Is @s (one diagnostic's first line) "NAME:LINE:COL: error: "?  Then
 * return where the message starts. */
static const char *error_head(const char *s, int *line, int *col)
{
	const char *p = s, *q;

	while (*p && *p != ' ' && *p != '\n')
		p++;
	/* p is at the space after "NAME:LINE:COL:" */
	if (p == s || *p != ' ' || p[-1] != ':' || strncmp(p + 1, "error: ", 7))
		return NULL;
	q = p - 1; /* the ':' after COL */
	*col = 0;
	*line = 0;
	{
		int mul = 1;
		const char *d = q - 1;

		while (d >= s && *d >= '0' && *d <= '9') {
			*col += (*d - '0') * mul;
			mul *= 10;
			d--;
		}
		if (d < s || *d != ':' || d == q - 1)
			return NULL;
		mul = 1;
		d--;
		while (d >= s && *d >= '0' && *d <= '9') {
			*line += (*d - '0') * mul;
			mul *= 10;
			d--;
		}
	}
	return p + 8;
}

/*
 * The first "NAME:LINE:COL: error: MSG" line.  libfyaml hands a diagnostic
 * over in pieces (head, source excerpt, caret) and warnings come the same
 * way: a piece starting with a location opens a diagnostic.
 */
static void diag_out(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	struct diag_capture *c = user;
	size_t take;
	const char *m, *nl;
	int line, col;

	(void)diag;
	if (c->have)
		return;
	if (len && buf[0] == '<') {
		/* a new diagnostic starts: begin again */
		c->nacc = 0;
	} else if (!c->nacc) {
		return; /* an excerpt of something we do not keep */
	}
	take = len < sizeof(c->acc) - 1 - c->nacc ? len : sizeof(c->acc) - 1 - c->nacc;
	memcpy(c->acc + c->nacc, buf, take);
	c->nacc += take;
	c->acc[c->nacc] = '\0';
	m = error_head(c->acc, &line, &col);
	if (!m) {
		if (strchr(c->acc, '\n') || strstr(c->acc, ": warning: "))
			c->nacc = 0; /* not an error head: drop it */
		return;
	}
	nl = strchr(m, '\n');
	if (!nl && c->nacc < sizeof(c->acc) - 1)
		return; /* wait for the rest of the line */
	take = nl ? (size_t)(nl - m) : strlen(m);
	while (take && (m[take - 1] == '\r' || m[take - 1] == ' '))
		take--;
	if (take >= sizeof(c->msg))
		take = sizeof(c->msg) - 1;
	memcpy(c->msg, m, take);
	c->msg[take] = '\0';
	if (!take)
		snprintf(c->msg, sizeof(c->msg), "invalid YAML");
	c->line = line;
	c->col = col;
	c->have = true;
}

struct anchor_ent {
	struct anchor_ent *next;
	const char *name;
	struct yn *node;
};

#define ANCHOR_BUCKETS 1024

struct builder {
	struct ystream *ys;
	bool lean;      /* reading only: no style facts, borrowed text */
	/* reader state (streaming one document at a time) */
	struct fy_parser *fyp;
	struct fy_diag *diag;
	struct diag_capture *dc;
	bool explained; /* libfyaml said why the parse failed */
	struct fy_event *held[2]; /* looked-ahead events, in order */
	int nheld;
	bool done;
	bool crlf;      /* most lines end in CRLF */
	bool broken;    /* libfyaml must not destroy this parser (see quarantine) */
	bool skimming;  /* inside a document that is only read through */
	size_t skim_depth;
	struct ydoc *cur;
	struct hd_err *err;
	struct yn **stack;
	size_t depth, cap;
	size_t cursor; /* end of the last token seen */
	size_t nnodes, naliases;     /* in the current document (hd_limits) */
	struct anchor_ent **anchors; /* ANCHOR_BUCKETS, allocated at the first anchor */
	bool anchors_used;           /* since the document started */
	size_t ndocs, capdocs;
	/* style histograms */
	unsigned indent_hist[9];
	unsigned seqind_hist[9];
	unsigned gap_hist[5];
	unsigned sq, dq;
	unsigned key_dq, key_other; /* mapping keys double-quoted or not */
};

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *tok_raw(struct builder *b, struct fy_token *t, size_t skip)
{
	const struct fy_mark *s = fy_token_start_mark(t);
	const struct fy_mark *e = fy_token_end_mark(t);

	if (!s || !e || e->input_pos < s->input_pos + skip)
		return "";
	return hd_arena_strndup(b->ys->arena, b->ys->buf + s->input_pos + skip,
				e->input_pos - s->input_pos - skip);
}

static size_t tok_start(struct fy_token *t)
{
	const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;

	return m ? m->input_pos : HD_NOPOS;
}

static size_t tok_end(struct fy_token *t)
{
	const struct fy_mark *m = t ? fy_token_end_mark(t) : NULL;

	return m ? m->input_pos : HD_NOPOS;
}

static void bump(struct builder *b, size_t end)
{
	if (end != HD_NOPOS && (b->cursor == HD_NOPOS || end > b->cursor))
		b->cursor = end;
}

void yn_add_kid(struct hd_arena *a, struct yn *p, struct yn *k)
{
	if (p->nkids == p->capkids) {
		size_t ncap = p->capkids ? p->capkids * 2 : 4;
		struct yn **nk = hd_arena_alloc_raw(a, ncap * sizeof(*nk));

		if (p->nkids)
			memcpy(nk, p->kids, p->nkids * sizeof(*nk));
		p->kids = nk;
		p->capkids = ncap;
	}
	p->kids[p->nkids++] = k;
	k->parent = p;
}

/* Apply anchor and tag tokens: the node starts at the earliest property. */
static void set_props(struct builder *b, struct yn *n, struct fy_token *anchor,
		      struct fy_token *tag)
{
	if (anchor) {
		size_t s = tok_start(anchor);

		n->anchor = tok_raw(b, anchor, 0);
		if (s != HD_NOPOS && s > 0 && s - 1 < n->start)
			n->start = s - 1;
		bump(b, tok_end(anchor));
	}
	if (tag) {
		size_t s = tok_start(tag);

		n->tag = tok_raw(b, tag, 0);
		if (s != HD_NOPOS && s < n->start)
			n->start = s;
		bump(b, tok_end(tag));
	}
}

static void register_anchor(struct builder *b, struct yn *n)
{
	unsigned h = hash_str(n->anchor) % ANCHOR_BUCKETS;
	struct anchor_ent *e = hd_arena_alloc_raw(b->ys->arena, sizeof(*e));

	if (!b->anchors) {
		b->anchors = hd_xmalloc(ANCHOR_BUCKETS * sizeof(*b->anchors));
		memset(b->anchors, 0, ANCHOR_BUCKETS * sizeof(*b->anchors));
	}
	b->anchors_used = true;
	e->name = n->anchor;
	e->node = n;
	e->next = b->anchors[h];
	b->anchors[h] = e;
}

static struct yn *find_anchor(struct builder *b, const char *name)
{
	struct anchor_ent *e;

	if (!b->anchors)
		return NULL;
	e = b->anchors[hash_str(name) % ANCHOR_BUCKETS];
	for (; e; e = e->next)
		if (!strcmp(e->name, name))
			return e->node;
	return NULL;
}

/* Skip blanks and comments forward from @p, stopping before @limit. */
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
static bool may_have_qmark(const char *buf, size_t len)
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
static size_t indicator_before(const struct ystream *ys, size_t p, char c,
			       const char *after)
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
	if (z == ys_line_start(ys, z) || blank(s[z - 1]) ||
	    (s[z - 1] && strchr(after, s[z - 1])))
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
static size_t empty_pos(struct builder *b, struct yn *parent, bool *colonless)
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
		     s[q + 1] == '\n' || (parent->style == YS_FLOW &&
					  (s[q + 1] == ',' || s[q + 1] == '}'))))
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
		     s[q + 1] == '\n' || (parent->style == YS_FLOW &&
					  (s[q + 1] == ',' || s[q + 1] == '}'))))
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

/* Block scalar: find the '|'/'>' header and the content's real end. */
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

static void block_scalar_spans(struct builder *b, struct yn *n, size_t ts,
			       size_t te)
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
	while (q < b->ys->len && (s[q] == '+' || s[q] == '-' ||
				  (s[q] >= '0' && s[q] <= '9')))
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
	while (p > hle && (s[p - 1] == ' ' || s[p - 1] == '\t' ||
			   s[p - 1] == '\r' || s[p - 1] == '\n'))
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
			for (p = n->end; p < ls && (s[p] == ' ' || s[p] == '\t' ||
						    s[p] == '\r' || s[p] == '\n'); p++)
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

static int dup_cmp(const void *a, const void *b)
{
	const struct yn *x = *(struct yn *const *)a, *y = *(struct yn *const *)b;
	size_t l = x->tlen < y->tlen ? x->tlen : y->tlen;
	int c = memcmp(x->text, y->text, l);

	if (c)
		return c;
	if (x->tlen != y->tlen)
		return x->tlen < y->tlen ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static bool same_key(const struct yn *x, const struct yn *y)
{
	return x->kind == YN_SCALAR && y->kind == YN_SCALAR &&
	       x->tlen == y->tlen && !memcmp(x->text, y->text, x->tlen) &&
	       !x->tag == !y->tag && (x->style == YS_PLAIN) == (y->style == YS_PLAIN);
}

static int check_duplicates(struct builder *b, struct yn *map)
{
	size_t nk = map->nkids / 2, i, j;

	if (nk < 2)
		return 0;
	if (nk <= 8) {
		for (i = 1; i < nk; i++)
			for (j = 0; j < i; j++)
				if (same_key(map->kids[2 * i], map->kids[2 * j]))
					goto dup_small;
		return 0;
dup_small:
		return err_at(b->err, b->ys, map->kids[2 * i]->start,
			      "duplicate key '%.*s'", (int)map->kids[2 * i]->tlen,
			      map->kids[2 * i]->text);
	}
	{
		struct yn **keys = hd_xmalloc(nk * sizeof(*keys));
		size_t m = 0;
		int rc = 0;

		for (i = 0; i < nk; i++)
			if (map->kids[2 * i]->kind == YN_SCALAR)
				keys[m++] = map->kids[2 * i];
		qsort(keys, m, sizeof(*keys), dup_cmp);
		for (i = 1; i < m; i++)
			if (same_key(keys[i - 1], keys[i])) {
				rc = err_at(b->err, b->ys, keys[i]->start,
					    "duplicate key '%.*s'", (int)keys[i]->tlen,
					    keys[i]->text);
				break;
			}
		free(keys);
		return rc;
	}
}

static void note_style(struct builder *b, struct yn *n)
{
	struct ystream *ys = b->ys;
	struct yn *p = n->parent;
	const struct yn *key;

	if (n->style != YS_BLOCK || !p || p->kind != YN_MAP || p->style != YS_BLOCK ||
	    p->nkids % 2 != 0)
		return; /* only block collections that are values of block maps */
	key = p->kids[p->nkids - 2];
	if (n->kind == YN_MAP) {
		size_t kc = ys_col(ys, key->start), cc = ys_col(ys, n->vstart);

		if (cc > kc && cc - kc <= 8 &&
		    ys_line_start(ys, n->vstart) != ys_line_start(ys, key->start))
			b->indent_hist[cc - kc]++;
	} else if (n->kind == YN_SEQ) {
		size_t kc = ys_col(ys, key->start), dc = ys_col(ys, n->vstart);

		if (dc >= kc && dc - kc <= 8)
			b->seqind_hist[dc - kc]++;
	}
}

static void note_gap(struct builder *b, struct yn *item)
{
	size_t gap;

	if (item->dash == HD_NOPOS || item->kind != YN_MAP)
		return;
	if (ys_line_start(b->ys, item->dash) != ys_line_start(b->ys, item->vstart))
		return;
	gap = item->vstart - item->dash - 1;
	if (gap >= 1 && gap < 5)
		b->gap_hist[gap]++;
}

static unsigned argmax(const unsigned *h, size_t n, unsigned dflt)
{
	unsigned best = dflt;
	size_t i;
	unsigned bc = 0;

	for (i = 0; i < n; i++)
		if (h[i] > bc) {
			bc = h[i];
			best = (unsigned)i;
		}
	return best;
}

/* The '-' of the block sequence item starting at @p: before it on its
 * line, or ending a line above (only blanks and comments between). */
static size_t find_dash(const struct ystream *ys, size_t p)
{
	return indicator_before(ys, p, '-', "");
}

/* The tree of a document is bounded (hd_limits): memory stays so too.
 * (Verification reads harden's own output of a tree that was bounded.) */
static int count_node(struct builder *b, const struct yn *n)
{
	size_t at = n->start != HD_NOPOS ? n->start : b->cursor;

	if (b->lean)
		return 0;
	if (++b->nnodes > hd_limits.max_nodes)
		return err_at(b->err, b->ys, at, "the document has more than %zu nodes, "
			      "the limit (--max-nodes)", hd_limits.max_nodes);
	if (n->kind == YN_ALIAS && ++b->naliases > hd_limits.max_aliases)
		return err_at(b->err, b->ys, at, "the document has more than %zu aliases, "
			      "the limit (--max-aliases)", hd_limits.max_aliases);
	return 0;
}

static int attach(struct builder *b, struct yn *n, struct ydoc *doc)
{
	struct yn *p = b->depth ? b->stack[b->depth - 1] : NULL;

	if (count_node(b, n) < 0)
		return -1;
	if (!p) {
		doc->root = n;
		if (doc->start == HD_NOPOS)
			doc->start = n->null_empty ? n->start : n->start;
		return 0;
	}
	if (n->kind == YN_MAP && n->style == YS_FLOW &&
	    n->vstart + 1 < b->ys->len && b->ys->buf[n->vstart] == '{' &&
	    b->ys->buf[n->vstart + 1] == '{')
		return err_at(b->err, b->ys, n->vstart,
			      "'{{' template syntax is not YAML (Helm/Go template?); "
			      "render the template first");
	yn_add_kid(b->ys->arena, p, n);
	if (p->kind == YN_MAP && p->nkids % 2 == 1) {
		if (n->kind == YN_SCALAR && n->style == YS_DQ)
			b->key_dq++;
		else
			b->key_other++;
	}
	if (p->kind == YN_MAP && p->nkids % 2 == 1 && n->start != HD_NOPOS) {
		/* `? key`: its ':' (if any) may be lines below; siblings align with the '?' */
		size_t q = ys_key_mark(b->ys, n->start);

		/* (a '?' before the previous value's end is that pair's, one
		 * before the map's start an outer map's: `? k: v` keys a map) */
		n->explicit_key = q != HD_NOPOS && (q + 1 < n->start || n->null_empty) &&
				  q >= p->start &&
				  (p->nkids < 3 || q >= p->kids[p->nkids - 2]->end);
	}
	if (p->kind == YN_SEQ && p->style == YS_BLOCK) {
		n->dash = find_dash(b->ys, n->start);
		if (n->null_empty && n->start > 0 && b->ys->buf[n->start - 1] == '-')
			n->dash = n->start - 1;
		note_gap(b, n);
	}
	return 0;
}

static struct yn *new_node(struct builder *b, enum yn_kind kind)
{
	struct yn *n = hd_arena_alloc(b->ys->arena, sizeof(*n));

	n->kind = kind;
	n->dash = HD_NOPOS;
	return n;
}

static int push(struct builder *b, struct yn *n)
{
	if (b->depth >= HD_MAX_DEPTH)
		return err_at(b->err, b->ys, n->start,
			      "nesting deeper than %d levels", HD_MAX_DEPTH);
	if (b->depth == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->stack = hd_xrealloc(b->stack, b->cap * sizeof(*b->stack));
	}
	b->stack[b->depth++] = n;
	return 0;
}

static struct ydoc *new_doc(struct builder *b)
{
	struct ystream *ys = b->ys;

	if (b->ndocs == b->capdocs) {
		size_t ncap = b->capdocs ? b->capdocs * 2 : 4;
		struct ydoc *nd = hd_arena_alloc_raw(ys->keep, ncap * sizeof(*nd));

		if (b->ndocs)
			memcpy(nd, ys->docs, b->ndocs * sizeof(*nd));
		ys->docs = nd;
		b->capdocs = ncap;
	}
	memset(&ys->docs[b->ndocs], 0, sizeof(ys->docs[0]));
	ys->docs[b->ndocs].start = HD_NOPOS;
	ys->ndocs = b->ndocs + 1;
	return &ys->docs[b->ndocs++];
}

/*
 * Line folding of flow scalars at the break p[*i]: white space before it
 * goes (not below @keep, the end of escaped text), one break becomes a
 * space, n breaks n-1 line feeds, the next line's indentation goes.
 * Returns the new length of @out.
 */
static size_t fold_breaks(const char *p, size_t n, size_t *i, char *out, size_t o,
			  size_t keep)
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
static char *cook_flow(struct hd_arena *a, const char *p, size_t n, bool sq,
		       size_t *len)
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
static char *cook_dq(struct hd_arena *a, const char *p, size_t n, size_t *len)
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

/* Is the token's raw text [p, p+n) already its cooked value? */
static bool raw_is_cooked(const char *p, size_t n, enum fy_scalar_style st)
{
	size_t i;

	if (st != FYSS_PLAIN && st != FYSS_SINGLE_QUOTED && st != FYSS_DOUBLE_QUOTED)
		return false;
	for (i = 0; i < n; i++) {
		char c = p[i];

		/* a tab inside one line is content; only breaks fold */
		if (c == '\n' || c == '\r' ||
		    (c == '\\' && st == FYSS_DOUBLE_QUOTED) ||
		    (c == '\'' && st == FYSS_SINGLE_QUOTED))
			return false;
	}
	return true;
}

/*
 * libfyaml 0.7.12 gives an explicit document end ("...") neither a token nor
 * marks: it is the first line after the cursor that starts with "..." (such
 * a line ends a document wherever it appears, even in a scalar).
 */
static void bump_past_end_marker(struct builder *b)
{
	const struct ystream *ys = b->ys;
	const char *s = ys->buf, *e = ys->buf + ys->len, *p;
	size_t from = b->cursor == HD_NOPOS ? 0 : b->cursor;

	p = s + from;
	if (from > ys->len)
		return;
	if (ys_line_start(ys, from) != from) { /* mid-line: from the next one */
		p = memchr(p, '\n', (size_t)(e - p));
		if (p)
			p++;
	}
	while (p && p + 3 <= e) {
		if (!memcmp(p, "...", 3) &&
		    (p + 3 == e || strchr(" \t\r\n", p[3]))) {
			bump(b, (size_t)(p - s) + 3);
			return;
		}
		p = memchr(p, '\n', (size_t)(e - p));
		if (p)
			p++;
	}
}

static int handle_event(struct builder *b, struct fy_event *e, struct ydoc **docp)
{
	struct ystream *ys = b->ys;
	struct yn *n = NULL, *top;
	struct fy_token *t;

	switch (e->type) {
	case FYET_DOCUMENT_START:
		if (b->anchors_used) /* anchors are per document */
			memset(b->anchors, 0, ANCHOR_BUCKETS * sizeof(*b->anchors));
		b->anchors_used = false;
		b->nnodes = b->naliases = 0;
		*docp = new_doc(b);
		t = e->document_start.document_start;
		if (!e->document_start.implicit && t) {
			(*docp)->explicit_start = true;
			(*docp)->start = tok_start(t);
			bump(b, tok_end(t));
		}
		return 0;
	case FYET_DOCUMENT_END:
		if (!e->document_end.implicit)
			bump_past_end_marker(b); /* "..." */
		if ((*docp)->start == HD_NOPOS)
			(*docp)->start = b->cursor == HD_NOPOS ? 0 : b->cursor;
		*docp = NULL;
		return 0;
	case FYET_SCALAR: {
		struct fy_token *v = e->scalar.value;
		size_t s = tok_start(v), en = tok_end(v);

		n = new_node(b, YN_SCALAR);
		if (v && s != HD_NOPOS) {
			size_t len;
			const char *txt;
			enum fy_scalar_style st = fy_token_scalar_style(v);

			if (raw_is_cooked(ys->buf + s, en - s, st)) {
				/* the common case: no escapes, no folding */
				txt = ys->buf + s;
				len = en - s;
				if (b->lean) {
					n->text = txt;
					n->tlen = len;
					goto text_done;
				}
			} else if (st == FYSS_SINGLE_QUOTED || st == FYSS_PLAIN) {
				/* folded here: libfyaml 0.7.12's fy_token_get_text
				 * leaks on some of these and truncates '' runs */
				n->text = cook_flow(ys->arena, ys->buf + s, en - s,
						    st == FYSS_SINGLE_QUOTED, &n->tlen);
				goto text_done;
			} else if (st == FYSS_DOUBLE_QUOTED) {
				n->text = cook_dq(ys->arena, ys->buf + s, en - s, &n->tlen);
				goto text_done;
			} else {
				txt = fy_token_get_text(v, &len);
			}
			n->text = hd_arena_strndup(ys->arena, txt ? txt : "", txt ? len : 0);
			n->tlen = txt ? len : 0;
text_done:
			n->start = s;
			switch (st) {
			case FYSS_SINGLE_QUOTED:
			case FYSS_DOUBLE_QUOTED:
				n->style = st == FYSS_SINGLE_QUOTED ? YS_SQ : YS_DQ;
				if (st == FYSS_SINGLE_QUOTED)
					b->sq++;
				else
					b->dq++;
				n->start = s - 1;
				n->vstart = s - 1;
				n->end = en + 1;
				break;
			case FYSS_LITERAL:
			case FYSS_FOLDED:
				n->style = st == FYSS_LITERAL ? YS_LIT : YS_FOLD;
				set_props(b, n, e->scalar.anchor, e->scalar.tag);
				block_scalar_spans(b, n, s, en);
				goto props_done;
			default:
				n->style = YS_PLAIN;
				n->vstart = s;
				n->end = en;
				break;
			}
			n->keep_end = n->end;
			set_props(b, n, e->scalar.anchor, e->scalar.tag);
		} else {
			/* empty scalar: maybe with properties only */
			n->text = "";
			n->style = YS_PLAIN;
			if (e->scalar.anchor || e->scalar.tag) {
				size_t as = tok_start(e->scalar.anchor);
				size_t ts = tok_start(e->scalar.tag);

				n->start = as != HD_NOPOS ? as - 1 : ts;
				if (ts != HD_NOPOS && ts < n->start)
					n->start = ts;
				set_props(b, n, e->scalar.anchor, e->scalar.tag);
				n->vstart = n->end = b->cursor;
			} else {
				top = b->depth ? b->stack[b->depth - 1] : NULL;
				n->null_empty = true;
				n->start = n->vstart = n->end = empty_pos(b, top, &n->colonless);
			}
			n->keep_end = n->end;
		}
props_done:
		bump(b, n->end);
		if (n->anchor)
			register_anchor(b, n);
		return attach(b, n, *docp);
	}
	case FYET_ALIAS: {
		t = e->alias.anchor;
		n = new_node(b, YN_ALIAS);
		n->vstart = n->start = tok_start(t) - 1;
		n->end = n->keep_end = tok_end(t);
		n->text = tok_raw(b, t, 0);
		n->tlen = strlen(n->text);
		n->target = find_anchor(b, n->text);
		if (!n->target)
			return err_at(b->err, ys, n->start, "unknown alias '*%s'", n->text);
		if (n->target->kind != YN_SCALAR) {
			size_t i;

			/* Kubernetes and Compose (go-yaml) refuse a cycle, and
			 * every walk over the tree would follow it for ever */
			for (i = 0; i < b->depth; i++)
				if (b->stack[i] == n->target)
					return err_at(b->err, ys, n->start,
						      "alias '*%s' is inside the node it refers to (a cycle)",
						      n->text);
		}
		n->target->nrefs++;
		bump(b, n->end);
		return attach(b, n, *docp);
	}
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START: {
		bool map = e->type == FYET_MAPPING_START;
		struct fy_token *st = map ? e->mapping_start.mapping_start
					  : e->sequence_start.sequence_start;
		const struct fy_mark *m = fy_event_start_mark(e);

		n = new_node(b, map ? YN_MAP : YN_SEQ);
		n->style = fy_event_get_node_style(e) == FYNS_FLOW ? YS_FLOW : YS_BLOCK;
		n->vstart = st ? tok_start(st) : HD_NOPOS;
		if (n->vstart == HD_NOPOS)
			n->vstart = m ? m->input_pos : b->cursor;
		n->start = n->vstart;
		set_props(b, n, map ? e->mapping_start.anchor : e->sequence_start.anchor,
			  map ? e->mapping_start.tag : e->sequence_start.tag);
		if (n->style == YS_FLOW)
			bump(b, n->vstart + 1);
		else
			bump(b, n->vstart); /* what precedes the first entry is consumed */
		if (n->anchor)
			register_anchor(b, n);
		if (attach(b, n, *docp) < 0)
			return -1;
		if (!b->lean)
			note_style(b, n);
		return push(b, n);
	}
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		if (!b->depth)
			return 0;
		top = b->stack[--b->depth];
		if (top->style == YS_FLOW) {
			t = e->type == FYET_MAPPING_END ? e->mapping_end.mapping_end
							: e->sequence_end.sequence_end;
			top->end = tok_end(t);
			if (top->end == HD_NOPOS) /* implicit one-pair map in a flow seq */
				top->end = top->nkids ? top->kids[top->nkids - 1]->end
						      : top->vstart;
			if (top->kind == YN_MAP && (top->vstart >= b->ys->len ||
						    b->ys->buf[top->vstart] != '{')) {
				/* `[k: v]`: no braces; it starts at its key */
				top->pair_only = true;
				if (top->nkids && top->kids[0]->start < top->start)
					top->start = top->vstart = top->kids[0]->start;
				if (top->nkids && top->kids[top->nkids - 1]->end > top->end)
					top->end = top->kids[top->nkids - 1]->end;
			}
			top->keep_end = top->end;
			bump(b, top->end);
		} else if (top->nkids) {
			top->end = top->kids[top->nkids - 1]->end;
			top->keep_end = top->kids[top->nkids - 1]->keep_end;
			if (top->end < top->vstart)
				top->end = top->keep_end = top->vstart;
		} else {
			top->end = top->keep_end = top->vstart;
		}
		if (top->kind == YN_MAP && check_duplicates(b, top) < 0)
			return -1;
		if (top->kind == YN_MAP) {
			size_t i;

			for (i = 0; i + 1 < top->nkids; i += 2)
				if (top->kids[i]->style == YS_PLAIN && top->kids[i]->tlen == 2 &&
				    !memcmp(top->kids[i]->text, "<<", 2))
					top->has_merge = true;
		}
		return 0;
	default:
		return 0;
	}
}

static void infer_style(struct builder *b)
{
	struct ystyle *st = &b->ys->style;
	size_t i;
	unsigned any = 0;

	st->indent = (int)argmax(b->indent_hist, 9, 2);
	if (st->indent == 0)
		st->indent = 2;
	for (i = 0; i < 9; i++)
		any += b->seqind_hist[i];
	st->have_seq = any > 0;
	/* no block sequence under a key to copy: indent it like a mapping */
	st->seq_indent = any ? (int)argmax(b->seqind_hist, 9, 0) : st->indent;
	st->seq_gap = (int)argmax(b->gap_hist, 5, 1);
	if (st->seq_gap == 0)
		st->seq_gap = 1;
	st->quote = b->sq > b->dq ? '\'' : '"';
	st->json = b->key_dq > 0 && b->key_other == 0;
	st->crlf = b->crlf;
}

/* Line endings are a fact of the whole file: counted once. */
static bool mostly_crlf(const struct ystream *ys)
{
	size_t i, crlf = 0, lf = 0;

	for (i = 1; i < ys->nlines; i++) {
		size_t nl = ys->lines[i] - 1;

		if (nl > 0 && ys->buf[nl - 1] == '\r')
			crlf++;
		else
			lf++;
	}
	return crlf > lf;
}

static bool collected_error(struct diag_capture *dc);
/* a collected error said "tab for indentation": that parser is poisoned */
static _Thread_local bool t_tab_error;

static int parse_error(struct builder *b, struct diag_capture *dc)
{
	struct hd_err *err = b->err;
	bool tmpl = memmem(b->ys->buf, b->ys->len, "{{", 2) != NULL;

	if (!dc->have)
		collected_error(dc);
	if (dc->have && strstr(dc->msg, "tab for indentation of block entry"))
		b->broken = true;
	if (t_tab_error)
		b->broken = true;
	t_tab_error = false;
	b->explained = dc->have;
	if (!dc->have)
		b->broken = true; /* see ys_close() */
	if (dc->have) {
		err->line = dc->line > 0 ? dc->line : 1;
		err->col = dc->col > 0 ? dc->col : 1;
		snprintf(err->msg, sizeof(err->msg), "%s%s", dc->msg,
			 tmpl ? " (the file contains '{{': Helm/Go template syntax "
				"must be rendered first)" : "");
	} else {
		err->line = err->col = 1;
		snprintf(err->msg, sizeof(err->msg), "invalid YAML");
	}
	return -1;
}

/* Start of the next document's slice, from its first event(s). */
static size_t next_bound(struct builder *b, struct fy_event *e, struct fy_event *e2)
{
	struct ystream *ys = b->ys;
	size_t pos = HD_NOPOS, bound, lo, scan;
	bool explicit;

	explicit = e->type == FYET_DOCUMENT_START && e->document_start.document_start &&
		   !e->document_start.implicit;
	if (explicit)
		pos = tok_start(e->document_start.document_start);
	if (pos == HD_NOPOS && e2) {
		const struct fy_mark *m = fy_event_start_mark(e2);

		if (e2->type == FYET_SCALAR && e2->scalar.anchor)
			pos = tok_start(e2->scalar.anchor);
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
		trivia = q == scan || ys->buf[q] == '\n' || ys->buf[q] == '\r' ||
			 ys->buf[q] == '#';
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

/* Skimming: only depth is kept (the nesting limit still holds). */
static int skim_event(struct builder *b, struct fy_event *e)
{
	const struct fy_mark *end = fy_event_end_mark(e);

	if (end)
		bump(b, end->input_pos); /* where the next document may begin */
	if (e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START) {
		if (++b->skim_depth > HD_MAX_DEPTH) {
			const struct fy_mark *m = fy_event_start_mark(e);

			return err_at(b->err, b->ys, m ? m->input_pos : 0,
				      "nesting deeper than %d levels", HD_MAX_DEPTH);
		}
	} else if (e->type == FYET_MAPPING_END || e->type == FYET_SEQUENCE_END) {
		b->skim_depth--;
	}
	return 0;
}

static struct fy_event *get_event(struct builder *b)
{
	struct fy_event *e;

	if (b->nheld) {
		e = b->held[0];
		b->held[0] = b->held[1];
		b->held[1] = NULL;
		b->nheld--;
		return e;
	}
	return fy_parser_parse(b->fyp);
}

static void hold(struct builder *b, struct fy_event *e)
{
	b->held[b->nheld++] = e;
}

/*
 * One diagnostics object per thread: creating one per parse costs a
 * terminal probe (ioctl) and its setup, which shows on trees of small files.
 */
static _Thread_local struct fy_diag *t_diag;
static _Thread_local struct diag_capture t_capture;

static struct diag_capture *thread_capture(void)
{
	memset(&t_capture, 0, sizeof(t_capture));
	if (t_diag)
		fy_diag_reset_error(t_diag); /* its error flag outlives a parse */
	return &t_capture;
}

static struct fy_diag *thread_diag(void)
{
	struct fy_diag_cfg dcfg;

	if (t_diag)
		return t_diag;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_out;
	dcfg.user = &t_capture;
	dcfg.level = FYET_ERROR;
	dcfg.colorize = false;
	dcfg.show_source = false;
	dcfg.show_position = true;
	dcfg.show_type = true;
	dcfg.show_module = false;
	t_diag = fy_diag_create(&dcfg);
	/* errors are collected, not printed: libfyaml 0.7.12 crashes in
	 * fy_diag_error_atom_display() on some inputs (found by fuzzing) */
	if (t_diag)
		fy_diag_set_collect_errors(t_diag, true);
	return t_diag;
}

/* The first error collected since the last call, if any; the list is
 * emptied, so each call sees only what the last parse reported. */
static bool collected_error(struct diag_capture *dc)
{
	struct fy_diag_error *e;
	void *it = NULL;
	bool got = false;

	if (!t_diag)
		return false;
	while ((e = fy_diag_errors_iterate(t_diag, &it)) != NULL) {
		if (e->type < FYET_ERROR)
			continue;
		if (e->msg && strstr(e->msg, "tab for indentation of block entry"))
			t_tab_error = true;
		if (got)
			continue;
		dc->have = got = true;
		dc->line = e->line;
		dc->col = e->column;
		snprintf(dc->msg, sizeof(dc->msg), "%s", e->msg ? e->msg : "invalid YAML");
	}
	/* switching collection off and on frees the collected errors (and
	 * the token references they hold) */
	fy_diag_set_collect_errors(t_diag, false);
	fy_diag_set_collect_errors(t_diag, true);
	return got;
}

/* Parsers are reset and reused: creating one costs more than parsing a
 * small file.  A stream, its verification and a value parse may be open at
 * once, hence a few. */
#define PARSERS 4
static _Thread_local struct fy_parser *t_parsers[PARSERS];
static _Thread_local int t_nparsers;

static struct fy_parser *get_parser(void)
{
	struct fy_parse_cfg cfg;

	if (t_nparsers) {
		struct fy_parser *p = t_parsers[--t_nparsers];

		fy_parser_reset(p);
		return p;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET |
		    FYPCF_SLOPPY_FLOW_INDENTATION; /* as PyYAML and go-yaml */
	cfg.diag = thread_diag();
	return cfg.diag ? fy_parser_create(&cfg) : NULL;
}

static void put_parser(struct fy_parser *p)
{
	if (t_nparsers < PARSERS)
		t_parsers[t_nparsers++] = p;
	else
		fy_parser_destroy(p);
}

/*
 * libfyaml 0.7.12 crashes in fy_parser_destroy() (and fy_parser_reset())
 * after some "cannot use tab for indentation of block entry" errors, e.g.
 * "? -:<TAB>-" (found by fuzzing; tests/fuzz/regressions).  Such a parser
 * is never released: it is kept here, reachable, one per bad file.
 */
static pthread_mutex_t quarantine_mu = PTHREAD_MUTEX_INITIALIZER;
static struct fy_parser **quarantine;
static size_t nquarantine;

static void quarantine_parser(struct fy_parser *p)
{
	pthread_mutex_lock(&quarantine_mu);
	quarantine = hd_xrealloc(quarantine, (nquarantine + 1) * sizeof(*quarantine));
	quarantine[nquarantine++] = p;
	pthread_mutex_unlock(&quarantine_mu);
}

void hd_yaml_thread_done(void)
{
	while (t_nparsers)
		fy_parser_destroy(t_parsers[--t_nparsers]);
	if (t_diag)
		fy_diag_unref(t_diag);
	t_diag = NULL;
}

int ys_open(struct ystream *ys, const char *name, const char *buf, size_t len,
	    struct hd_arena *keep, bool lean, struct hd_err *err)
{
	struct builder *b;

	memset(ys, 0, sizeof(*ys));
	memset(err, 0, sizeof(*err));
	ys->name = name;
	ys->buf = buf;
	ys->len = len;
	ys->keep = keep;
	ys->arena = keep;
	build_lines(ys);
	if (check_encoding(ys, err) < 0)
		return -1;
	ys->ignores = !lean && memmem(buf, len, "harden:ignore", 13) != NULL;
	ys->qmarks = may_have_qmark(buf, len);
	b = hd_xmalloc(sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->ys = ys;
	b->err = err;
	b->lean = lean;
	b->cursor = HD_NOPOS;
	b->crlf = lean ? false : mostly_crlf(ys);
	b->dc = thread_capture();
	b->diag = thread_diag();
	ys->rd = b;
	if (!b->diag)
		return err_at(err, NULL, 0, "cannot create YAML diagnostics");
	fy_diag_ref(b->diag);
	b->fyp = get_parser();
	if (!b->fyp)
		return err_at(err, NULL, 0, "cannot create YAML parser");
	fy_parser_set_string(b->fyp, buf, len);
	return 0;
}

int ys_next(struct ystream *ys, struct hd_arena *nodes, struct hd_err *err)
{
	struct builder *b = ys->rd;
	struct fy_event *e;
	struct ydoc *doc = NULL;
	int rc = 0;

	if (!b || b->done)
		return 0;
	b->err = err;
	ys->arena = nodes;
	while ((e = get_event(b)) != NULL) {
		enum fy_event_type t = e->type;

		if (t == FYET_STREAM_END) {
			fy_parser_event_free(b->fyp, e);
			b->done = true;
			break;
		}
		if (t == FYET_DOCUMENT_START && doc) {
			hold(b, e); /* belongs to the next call */
			break;
		}
		if (doc && !doc->root && !b->skimming && ys->skim_non_maps &&
		    (t == FYET_SEQUENCE_START || t == FYET_SCALAR || t == FYET_ALIAS)) {
			/* a root that is not a mapping: no manifest, never edited */
			b->skimming = true;
			doc->skimmed = true;
		}
		if (b->skimming && t != FYET_DOCUMENT_END) {
			rc = skim_event(b, e);
			fy_parser_event_free(b->fyp, e);
			if (rc < 0)
				break;
			continue;
		}
		b->skimming = false;
		rc = handle_event(b, e, &doc);
		fy_parser_event_free(b->fyp, e);
		if (rc < 0)
			break;
		if (t != FYET_DOCUMENT_END)
			continue;
		/* look ahead: where does the next document start? */
		{
			struct fy_event *n1 = get_event(b), *n2 = NULL;
			struct ydoc *d = &ys->docs[ys->ndocs - 1];

			if (n1 && n1->type == FYET_DOCUMENT_START &&
			    (n1->document_start.implicit || !n1->document_start.document_start))
				n2 = fy_parser_parse(b->fyp);
			if (!n1 || n1->type == FYET_STREAM_END)
				d->end_bound = ys->len;
			else
				d->end_bound = next_bound(b, n1, n2);
			if (n1)
				hold(b, n1);
			if (n2)
				hold(b, n2);
			b->cur = d;
			rc = 1;
			goto out;
		}
	}
	if (rc == 0 && fy_parser_get_stream_error(b->fyp))
		rc = parse_error(b, b->dc);
	if (rc == 0 && doc) {
		/* a document cut short by the end of the stream */
		ys->docs[ys->ndocs - 1].end_bound = ys->len;
		rc = 1;
	}
out:
	if (rc == 1) {
		struct ydoc *d = &ys->docs[ys->ndocs - 1];

		d->bound = ys->ndocs == 1 ? 0 : ys->docs[ys->ndocs - 2].end_bound;
		/* documents tile the stream in order, whatever marks libfyaml
		 * gave (some events carry none) */
		if (d->end_bound < d->bound)
			d->end_bound = d->bound;
		if (d->end_bound > ys->len)
			d->end_bound = ys->len;
		if (!b->lean)
			infer_style(b);
	}
	return rc;
}

void ys_close(struct ystream *ys)
{
	struct builder *b = ys->rd;
	int i;

	if (!b)
		return;
	for (i = 0; i < b->nheld; i++)
		fy_parser_event_free(b->fyp, b->held[i]);
	{
		/* read (and free) what libfyaml collected, even when harden
		 * stopped first for a reason of its own */
		struct diag_capture scratch = { 0 };
		bool said = collected_error(&scratch);

		/* a failure libfyaml did not explain, or a tab used as block
		 * indentation, may leave a parser its destructor crashes on */
		if (t_tab_error || (b->fyp && fy_parser_get_stream_error(b->fyp) &&
				    !said && !b->explained))
			b->broken = true;
		t_tab_error = false;
	}
	/* only a parser that read its stream to a clean end is reused */
	if (b->fyp && b->done && !b->nheld && !fy_parser_get_stream_error(b->fyp))
		put_parser(b->fyp);
	else if (b->fyp && b->broken)
		quarantine_parser(b->fyp);
	else if (b->fyp)
		fy_parser_destroy(b->fyp);
	if (b->diag)
		fy_diag_unref(b->diag);
	free(b->stack);
	free(b->anchors);
	free(b);
	ys->rd = NULL;
}

static int parse(struct ystream *ys, const char *name, const char *buf,
		 size_t len, struct hd_arena *a, struct hd_err *err, bool lean)
{
	int rc = ys_open(ys, name, buf, len, a, lean, err);

	while (rc == 0 && (rc = ys_next(ys, a, err)) == 1)
		rc = 0;
	ys_close(ys);
	return rc;
}

int ys_parse(struct ystream *ys, const char *name, const char *buf,
	     size_t len, struct hd_arena *a, struct hd_err *err)
{
	return parse(ys, name, buf, len, a, err, false);
}

int ys_parse_lean(struct ystream *ys, const char *name, const char *buf,
		  size_t len, struct hd_arena *a, struct hd_err *err)
{
	return parse(ys, name, buf, len, a, err, true);
}

/* ---- queries ------------------------------------------------------------- */

bool yn_is_scalar(const struct yn *n, const char *text)
{
	size_t l = strlen(text);

	if (!n || n->kind != YN_SCALAR)
		return false;
	if (n->flags & YF_SET)
		return n->tlen == l && !memcmp(n->text, text, l);
	return n->tlen == l && !memcmp(n->text, text, l);
}

/* Index of the live key @key in @map, or SIZE_MAX. */
static size_t key_index(const struct yn *map, const char *key)
{
	size_t i, l;

	if (!map || map->kind != YN_MAP)
		return HD_NOPOS;
	l = strlen(key);
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct yn *k = map->kids[i];

		if (k->tlen == l && k->kind == YN_SCALAR && !(k->flags & YF_DELETED) &&
		    !memcmp(k->text, key, l))
			return i;
	}
	return HD_NOPOS;
}

struct yn *yn_map_key(const struct yn *map, const char *key)
{
	size_t i = key_index(map, key);

	return i == HD_NOPOS ? NULL : map->kids[i];
}

struct yn *yn_map_get(const struct yn *map, const char *key)
{
	size_t i = key_index(map, key);

	return i == HD_NOPOS ? NULL : map->kids[i + 1];
}

const struct yn *yn_deref(const struct yn *n)
{
	int guard = 0;

	while (n && n->kind == YN_ALIAS && n->target && guard++ < 64)
		n = n->target;
	return n;
}

const struct yn *yn_key_of(const struct yn *n)
{
	const struct yn *p = n ? n->parent : NULL;
	size_t i;

	if (!p || p->kind != YN_MAP)
		return NULL;
	for (i = 1; i < p->nkids; i += 2)
		if (p->kids[i] == n)
			return p->kids[i - 1];
	return NULL;
}
