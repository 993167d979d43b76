/* ytree.c - build the span tree from libfyaml parser events */
#include "ytree.h"
#include "ytree_int.h"

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

static int err_at(struct hd_err *err, const struct ystream *ys, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

int ys_verr(struct hd_err *err, const struct ystream *ys, size_t off, const char *fmt, va_list ap)
{
	if (ys && ys->nlines)
		ys_pos(ys, off, &err->line, &err->col);
	else
		err->line = err->col = 1;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

static int err_at(struct hd_err *err, const struct ystream *ys, size_t off, const char *fmt, ...)
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
		    (need == 1 && cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE ||
		    cp == 0xFFFF)
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

	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
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
		return err_at(err, ys, bad,
			      "carriage return without line feed "
			      "(only LF or CRLF line breaks are supported)");
	if (s[bad] < 0x20 || s[bad] == 0x7F)
		return err_at(err, ys, bad,
			      "control character 0x%02x is not "
			      "allowed in YAML",
			      s[bad]);
	if (s[bad] == 0xC2 && bad + 1 < n && s[bad + 1] >= 0x80 && s[bad + 1] <= 0x9F)
		return err_at(err, ys, bad,
			      "control character U+%04X is not "
			      "allowed in YAML",
			      s[bad + 1]);
	if (s[bad] == 0xEF && bad + 2 < n && s[bad + 1] == 0xBF && s[bad + 2] >= 0xBE)
		return err_at(err, ys, bad,
			      "noncharacter U+FFF%c is not allowed "
			      "in YAML",
			      s[bad + 2] == 0xBE ? 'E' : 'F');
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

void yt_bump(struct builder *b, size_t end)
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
		size_t s = yt_tok_start(anchor);

		n->anchor = yt_tok_raw(b, anchor, 0);
		if (s != HD_NOPOS && s > 0 && s - 1 < n->start)
			n->start = s - 1;
		yt_bump(b, yt_tok_end(anchor));
	}
	if (tag) {
		size_t s = yt_tok_start(tag);

		n->tag = yt_tok_raw(b, tag, 0);
		if (s != HD_NOPOS && s < n->start)
			n->start = s;
		yt_bump(b, yt_tok_end(tag));
	}
}

static void register_anchor(struct builder *b, struct yn *n)
{
	unsigned h = hd_hash(n->anchor, strlen(n->anchor)) % ANCHOR_BUCKETS;
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
	e = b->anchors[hd_hash(name, strlen(name)) % ANCHOR_BUCKETS];
	for (; e; e = e->next)
		if (!strcmp(e->name, name))
			return e->node;
	return NULL;
}

/* Block scalar: find the '|'/'>' header and the content's real end. */

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
	return x->kind == YN_SCALAR && y->kind == YN_SCALAR && x->tlen == y->tlen &&
	       !memcmp(x->text, y->text, x->tlen) && !x->tag == !y->tag &&
	       (x->style == YS_PLAIN) == (y->style == YS_PLAIN);
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
		return err_at(b->err, b->ys, map->kids[2 * i]->start, "duplicate key '%.*s'",
			      (int)map->kids[2 * i]->tlen, map->kids[2 * i]->text);
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
				rc = err_at(b->err, b->ys, keys[i]->start, "duplicate key '%.*s'",
					    (int)keys[i]->tlen, keys[i]->text);
				break;
			}
		free(keys);
		return rc;
	}
}

/* The tree of a document is bounded (hd_limits): memory stays so too.
 * (Verification reads harden's own output of a tree that was bounded.) */
static int count_node(struct builder *b, const struct yn *n)
{
	size_t at = n->start != HD_NOPOS ? n->start : b->cursor;

	if (b->lean)
		return 0;
	if (++b->nnodes > hd_limits.max_nodes)
		return err_at(b->err, b->ys, at,
			      "the document has more than %zu nodes, "
			      "the limit (--max-nodes)",
			      hd_limits.max_nodes);
	if (n->kind == YN_ALIAS && ++b->naliases > hd_limits.max_aliases)
		return err_at(b->err, b->ys, at,
			      "the document has more than %zu aliases, "
			      "the limit (--max-aliases)",
			      hd_limits.max_aliases);
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
	if (n->kind == YN_MAP && n->style == YS_FLOW && n->vstart + 1 < b->ys->len &&
	    b->ys->buf[n->vstart] == '{' && b->ys->buf[n->vstart + 1] == '{')
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
		n->dash = yt_find_dash(b->ys, n->start);
		if (n->null_empty && n->start > 0 && b->ys->buf[n->start - 1] == '-')
			n->dash = n->start - 1;
		yt_note_gap(b, n);
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
		return err_at(b->err, b->ys, n->start, "nesting deeper than %d levels",
			      HD_MAX_DEPTH);
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

/* A scalar: its text cooked or borrowed, its spans, style and properties. */
static int scalar_event(struct builder *b, struct fy_event *e, struct ydoc *doc)
{
	struct ystream *ys = b->ys;
	struct yn *n, *top;
	struct fy_token *v = e->scalar.value;
	size_t s = yt_tok_start(v), en = yt_tok_end(v);

	n = new_node(b, YN_SCALAR);
	if (v && s != HD_NOPOS) {
		size_t len;
		const char *txt;
		enum fy_scalar_style st = fy_token_scalar_style(v);

		if (yt_raw_is_cooked(ys->buf + s, en - s, st)) {
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
			n->text = yt_cook_flow(ys->arena, ys->buf + s, en - s,
					       st == FYSS_SINGLE_QUOTED, &n->tlen);
			goto text_done;
		} else if (st == FYSS_DOUBLE_QUOTED) {
			n->text = yt_cook_dq(ys->arena, ys->buf + s, en - s, &n->tlen);
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
			yt_block_scalar_spans(b, n, s, en);
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
			size_t as = yt_tok_start(e->scalar.anchor);
			size_t ts = yt_tok_start(e->scalar.tag);

			n->start = as != HD_NOPOS ? as - 1 : ts;
			if (ts != HD_NOPOS && ts < n->start)
				n->start = ts;
			set_props(b, n, e->scalar.anchor, e->scalar.tag);
			n->vstart = n->end = b->cursor;
		} else {
			top = b->depth ? b->stack[b->depth - 1] : NULL;
			n->null_empty = true;
			n->start = n->vstart = n->end = yt_empty_pos(b, top, &n->colonless);
		}
		n->keep_end = n->end;
	}
props_done:
	yt_bump(b, n->end);
	if (n->anchor)
		register_anchor(b, n);
	return attach(b, n, doc);
}

/* The end of a collection: its end span, duplicate keys, merge keys. */
static int end_event(struct builder *b, struct fy_event *e)
{
	struct yn *top;
	struct fy_token *t;

	if (!b->depth)
		return 0;
	top = b->stack[--b->depth];
	if (top->style == YS_FLOW) {
		t = e->type == FYET_MAPPING_END ? e->mapping_end.mapping_end
						: e->sequence_end.sequence_end;
		top->end = yt_tok_end(t);
		if (top->end == HD_NOPOS) /* implicit one-pair map in a flow seq */
			top->end = top->nkids ? top->kids[top->nkids - 1]->end : top->vstart;
		if (top->kind == YN_MAP &&
		    (top->vstart >= b->ys->len || b->ys->buf[top->vstart] != '{')) {
			/* `[k: v]`: no braces; it starts at its key */
			top->pair_only = true;
			if (top->nkids && top->kids[0]->start < top->start)
				top->start = top->vstart = top->kids[0]->start;
			if (top->nkids && top->kids[top->nkids - 1]->end > top->end)
				top->end = top->kids[top->nkids - 1]->end;
		}
		top->keep_end = top->end;
		yt_bump(b, top->end);
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
}

static int handle_event(struct builder *b, struct fy_event *e, struct ydoc **docp)
{
	struct ystream *ys = b->ys;
	struct yn *n = NULL;
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
			(*docp)->start = yt_tok_start(t);
			yt_bump(b, yt_tok_end(t));
		}
		return 0;
	case FYET_DOCUMENT_END:
		if (!e->document_end.implicit)
			yt_bump_past_end_marker(b); /* "..." */
		if ((*docp)->start == HD_NOPOS)
			(*docp)->start = b->cursor == HD_NOPOS ? 0 : b->cursor;
		*docp = NULL;
		return 0;
	case FYET_SCALAR:
		return scalar_event(b, e, *docp);
	case FYET_ALIAS: {
		t = e->alias.anchor;
		n = new_node(b, YN_ALIAS);
		n->vstart = n->start = yt_tok_start(t) - 1;
		n->end = n->keep_end = yt_tok_end(t);
		n->text = yt_tok_raw(b, t, 0);
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
						      "alias '*%s' is inside the node it refers to "
						      "(a cycle)",
						      n->text);
		}
		n->target->nrefs++;
		yt_bump(b, n->end);
		return attach(b, n, *docp);
	}
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START: {
		bool map = e->type == FYET_MAPPING_START;
		struct fy_token *st =
			map ? e->mapping_start.mapping_start : e->sequence_start.sequence_start;
		const struct fy_mark *m = fy_event_start_mark(e);

		n = new_node(b, map ? YN_MAP : YN_SEQ);
		n->style = fy_event_get_node_style(e) == FYNS_FLOW ? YS_FLOW : YS_BLOCK;
		n->vstart = st ? yt_tok_start(st) : HD_NOPOS;
		if (n->vstart == HD_NOPOS)
			n->vstart = m ? m->input_pos : b->cursor;
		n->start = n->vstart;
		set_props(b, n, map ? e->mapping_start.anchor : e->sequence_start.anchor,
			  map ? e->mapping_start.tag : e->sequence_start.tag);
		if (n->style == YS_FLOW)
			yt_bump(b, n->vstart + 1);
		else
			yt_bump(b, n->vstart); /* what precedes the first entry is consumed */
		if (n->anchor)
			register_anchor(b, n);
		if (attach(b, n, *docp) < 0)
			return -1;
		if (!b->lean)
			yt_note_style(b, n);
		return push(b, n);
	}
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		return end_event(b, e);
	default:
		return 0;
	}
}

/* Skimming: only depth is kept (the nesting limit still holds). */
static int skim_event(struct builder *b, struct fy_event *e)
{
	const struct fy_mark *end = fy_event_end_mark(e);

	if (end)
		yt_bump(b, end->input_pos); /* where the next document may begin */
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
	ys->qmarks = yt_may_have_qmark(buf, len);
	b = hd_xmalloc(sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->ys = ys;
	b->err = err;
	b->lean = lean;
	b->cursor = HD_NOPOS;
	b->crlf = lean ? false : yt_mostly_crlf(ys);
	b->dc = yt_thread_capture();
	b->diag = yt_thread_diag();
	ys->rd = b;
	if (!b->diag)
		return err_at(err, NULL, 0, "cannot create YAML diagnostics");
	fy_diag_ref(b->diag);
	b->fyp = yt_get_parser();
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
	while ((e = yt_get_event(b)) != NULL) {
		enum fy_event_type t = e->type;

		if (t == FYET_STREAM_END) {
			fy_parser_event_free(b->fyp, e);
			b->done = true;
			break;
		}
		if (t == FYET_DOCUMENT_START && doc) {
			yt_hold(b, e); /* belongs to the next call */
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
			struct fy_event *n1 = yt_get_event(b), *n2 = NULL;
			struct ydoc *d = &ys->docs[ys->ndocs - 1];

			if (n1 && n1->type == FYET_DOCUMENT_START &&
			    (n1->document_start.implicit || !n1->document_start.document_start))
				n2 = fy_parser_parse(b->fyp);
			if (!n1 || n1->type == FYET_STREAM_END)
				d->end_bound = ys->len;
			else
				d->end_bound = yt_next_bound(b, n1, n2);
			if (n1)
				yt_hold(b, n1);
			if (n2)
				yt_hold(b, n2);
			b->cur = d;
			rc = 1;
			goto out;
		}
	}
	if (rc == 0 && fy_parser_get_stream_error(b->fyp))
		rc = yt_parse_error(b, b->dc);
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
			yt_infer_style(b);
	}
	return rc;
}

static int parse(struct ystream *ys, const char *name, const char *buf, size_t len,
		 struct hd_arena *a, struct hd_err *err, bool lean)
{
	int rc = ys_open(ys, name, buf, len, a, lean, err);

	while (rc == 0 && (rc = ys_next(ys, a, err)) == 1)
		rc = 0;
	ys_close(ys);
	return rc;
}

int ys_parse(struct ystream *ys, const char *name, const char *buf, size_t len, struct hd_arena *a,
	     struct hd_err *err)
{
	return parse(ys, name, buf, len, a, err, false);
}

int ys_parse_lean(struct ystream *ys, const char *name, const char *buf, size_t len,
		  struct hd_arena *a, struct hd_err *err)
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
