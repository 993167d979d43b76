/* edit.c - overlay operations on the span tree and rendering to splices */
#include "edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalar.h"

/* ---- overlay operations -------------------------------------------------- */

static void dirty(struct yn *n)
{
	for (; n && !(n->flags & YF_DIRTY); n = n->parent)
		n->flags |= YF_DIRTY;
}

static struct yn *mk(struct ystream *ys, enum yn_kind kind)
{
	struct yn *n = hd_arena_alloc(ys->arena, sizeof(*n));

	n->kind = kind;
	n->flags = YF_NEW | YF_DIRTY;
	n->style = kind == YN_SCALAR ? YS_PLAIN : YS_BLOCK;
	n->start = n->vstart = n->end = n->keep_end = n->dash = HD_NOPOS;
	return n;
}

struct yn *ye_scalar(struct ystream *ys, const char *text, enum yn_type t)
{
	struct yn *n = mk(ys, YN_SCALAR);

	n->tlen = strlen(text);
	n->text = hd_arena_strndup(ys->arena, text, n->tlen);
	n->vtype = t;
	return n;
}

struct yn *ye_map(struct ystream *ys)
{
	return mk(ys, YN_MAP);
}

struct yn *ye_seq(struct ystream *ys)
{
	return mk(ys, YN_SEQ);
}

struct yn *ye_clone(struct ystream *ys, const struct yn *n)
{
	struct yn *c;
	size_t i;

	n = yn_deref(n);
	if (n->kind == YN_SCALAR) {
		c = mk(ys, YN_SCALAR);
		c->text = hd_arena_strndup(ys->arena, n->text, n->tlen);
		c->tlen = n->tlen;
		c->vtype = hd_node_type(n);
		return c;
	}
	c = mk(ys, n->kind == YN_ALIAS ? YN_SCALAR : n->kind);
	for (i = 0; i < n->nkids; i++) {
		if (n->kids[i]->flags & YF_DELETED)
			continue;
		yn_add_kid(ys->arena, c, ye_clone(ys, n->kids[i]));
	}
	return c;
}

void ye_map_add(struct ystream *ys, struct yn *map, const char *key,
		struct yn *val)
{
	yn_add_kid(ys->arena, map, ye_scalar(ys, key, YT_STR));
	yn_add_kid(ys->arena, map, val);
	dirty(map);
}

static bool is_null_node(const struct yn *v)
{
	return v->kind == YN_SCALAR && !v->tag && !v->anchor &&
	       hd_node_type(v) == YT_NULL;
}

static bool is_empty_flow(const struct yn *v)
{
	return (v->kind == YN_MAP || v->kind == YN_SEQ) && !(v->flags & YF_NEW) &&
	       v->style == YS_FLOW && v->nkids == 0 && !v->anchor && !v->tag;
}

struct yn *ye_map_ensure(struct ystream *ys, struct yn *map, const char *key,
			 enum yn_kind kind)
{
	struct yn *v = yn_map_get(map, key), *nv;

	if (!v) {
		nv = mk(ys, kind);
		ye_map_add(ys, map, key, nv);
		return nv;
	}
	if (v->kind == kind)
		return v;
	if (is_null_node(v) || is_empty_flow(v)) {
		nv = mk(ys, kind);
		ye_replace(v, nv);
		return nv;
	}
	return NULL;
}

void ye_set_scalar(struct ystream *ys, struct yn *n, const char *text,
		   enum yn_type t)
{
	if (!(n->flags & (YF_NEW | YF_SET)))
		n->old_str = hd_node_type(n) == YT_STR; /* before it changes */
	n->tlen = strlen(text);
	n->text = hd_arena_strndup(ys->arena, text, n->tlen);
	n->vtype = t;
	if (!(n->flags & YF_NEW))
		n->flags |= YF_SET;
	dirty(n);
}

/* Index of @n among its parent's children, or HD_NOPOS. */
static size_t kid_index(const struct yn *n)
{
	const struct yn *p = n->parent;
	size_t i;

	for (i = 0; p && i < p->nkids; i++)
		if (p->kids[i] == n)
			return i;
	return HD_NOPOS;
}

void ye_replace(struct yn *old, struct yn *nw)
{
	struct yn *p = old->parent;
	size_t i = kid_index(old);

	if (i == HD_NOPOS)
		return;
	p->kids[i] = nw;
	nw->parent = p;
	nw->replaced = (old->flags & YF_NEW) ? old->replaced : old;
	dirty(p);
	nw->flags |= YF_DIRTY;
}

void ye_seq_append(struct ystream *ys, struct yn *seq, struct yn *item)
{
	yn_add_kid(ys->arena, seq, item);
	dirty(seq);
}

static void drop_kids(struct yn *p, size_t i, size_t n)
{
	memmove(&p->kids[i], &p->kids[i + n], (p->nkids - i - n) * sizeof(*p->kids));
	p->nkids -= n;
}

void ye_remove(struct yn *n)
{
	struct yn *p = n->parent;
	size_t i = kid_index(n);

	if (i == HD_NOPOS)
		return;
	if (p->kind == YN_MAP) {
		i &= ~(size_t)1;
		if (p->kids[i]->flags & YF_NEW) {
			drop_kids(p, i, 2);
		} else {
			p->kids[i]->flags |= YF_DELETED;
			p->kids[i + 1]->flags |= YF_DELETED;
		}
	} else if (n->flags & YF_NEW) {
		drop_kids(p, i, 1);
	} else {
		n->flags |= YF_DELETED;
	}
	dirty(p);
}

size_t ye_count(const struct yn *n)
{
	size_t i, c = 0;

	for (i = 0; i < n->nkids; i++)
		if (!(n->kids[i]->flags & YF_DELETED))
			c++;
	return n->kind == YN_MAP ? c / 2 : c;
}

const struct yn *ye_shared_anchor(const struct yn *n)
{
	for (; n; n = n->parent)
		if (n->anchor && n->nrefs > 0)
			return n;
	return NULL;
}

/* ---- rendering ----------------------------------------------------------- */

struct rctx {
	struct ystream *ys;
	struct splices *out;
	struct hd_err *err;
	unsigned seq;
	size_t doc;
	const struct yn *chomped; /* block scalar whose header got a '-' */
};

static int rerr(struct rctx *r, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rerr(struct rctx *r, size_t off, const char *fmt, ...)
{
	va_list ap;

	ys_pos(r->ys, off, &r->err->line, &r->err->col);
	va_start(ap, fmt);
	vsnprintf(r->err->msg, sizeof(r->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Past the removal already planned that covers @p, or @p. */
static size_t past_removed(const struct rctx *r, size_t p)
{
	const struct splices *s = r->out;
	size_t i;

	for (i = s->n; i-- > 0 && s->v[i].doc == r->doc;)
		if (s->v[i].len && !s->v[i].tlen && s->v[i].off <= p &&
		    p < s->v[i].off + s->v[i].len)
			return s->v[i].off + s->v[i].len;
	return p;
}

/* Does a kept `|`/`|+` (or `>`; with @strip also `|-`) scalar under @n
 * hold the line break before @a (only blank lines or removed bytes between:
 * its content could go on from there)? */
static bool block_scalar_holds(const struct rctx *r, const struct yn *n, size_t a,
			       bool strip)
{
	const char *b = r->ys->buf;
	size_t i, p, q;

	if (!n || (n->flags & YF_DELETED))
		return false;
	if (n->kind == YN_SCALAR) {
		if ((n->style != YS_LIT && n->style != YS_FOLD) || n->vstart >= a ||
		    (n->chomp == '-' && !strip))
			return false;
		p = n->end;
		if (!memchr(b + n->vstart, '\n', n->end - n->vstart))
			while (p < a && b[p] != '\n')
				p++; /* no content yet: a comment after its header */
		while (p < a) {
			if (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')
				p++;
			else if ((q = past_removed(r, p)) > p)
				p = q;
			else
				return false;
		}
		return true;
	}
	/* only the last kept node starting before @a can end right before it
	 * (or the key of a last `? key` with no value) */
	for (i = n->nkids; i-- > 0;) {
		const struct yn *k = n->kids[i];

		if (k->start > a || (k->flags & (YF_DELETED | YF_NEW)))
			continue;
		if (block_scalar_holds(r, k, a, strip))
			return true;
		return k->kind == YN_SCALAR && k->null_empty && i > 0 &&
		       block_scalar_holds(r, n->kids[i - 1], a, strip);
	}
	return false;
}

static void emit(struct rctx *r, size_t off, size_t len, const char *text,
		 size_t tlen)
{
	struct splices *s = r->out;
	struct splice *nw;
	size_t i;

	if (len && !tlen) {
		/* removals that overlap (two pairs' lines sharing the line
		 * break a last line without one takes) remove their union */
		for (i = s->n; i-- > 0 && s->v[i].doc == r->doc;) {
			struct splice *o = &s->v[i];
			size_t e = off + len, oe = o->off + o->len;

			if (o->len && !o->tlen && o->off < e && off < oe) {
				const struct ystream *ys = r->ys;

				o->off = o->off < off ? o->off : off;
				o->len = (oe > e ? oe : e) - o->off;
				if (o->off + o->len == ys->len && ys->buf[ys->len - 1] != '\n' &&
				    o->off > 0 && ys->buf[o->off - 1] == '\n' &&
				    !block_scalar_holds(r, ys->docs[r->doc].root, o->off - 1, false)) {
					/* whole last lines of a file without a final
					 * line break: it still ends without one */
					o->off--;
					if (o->off > 0 && ys->buf[o->off - 1] == '\r')
						o->off--;
					o->len = ys->len - o->off;
				}
				return;
			}
		}
	}

	nw = splices_push(s);
	nw->off = off;
	nw->len = len;
	nw->text = hd_arena_strndup(r->ys->edits ? r->ys->edits : r->ys->keep, text, tlen);
	nw->tlen = tlen;
	nw->seq = r->seq++;
	nw->doc = r->doc;
}

/* The line ending in use where text lands at @off. */
static const char *eol_at(const struct ystream *ys, size_t off)
{
	const char *s = ys->buf;
	const char *nl = off < ys->len ? memchr(s + off, '\n', ys->len - off) : NULL;
	size_t p;

	if (nl) {
		p = (size_t)(nl - s);
		return p > 0 && s[p - 1] == '\r' ? "\r\n" : "\n";
	}
	for (p = off < ys->len ? off : ys->len; p > 0; p--)
		if (s[p - 1] == '\n')
			return p > 1 && s[p - 2] == '\r' ? "\r\n" : "\n";
	return ys->style.crlf ? "\r\n" : "\n";
}

/* Offset just past the line ending after @off, or HD_NOPOS at EOF. */
static size_t next_line(const struct ystream *ys, size_t off)
{
	const char *nl;

	if (off >= ys->len)
		return HD_NOPOS;
	nl = memchr(ys->buf + off, '\n', ys->len - off);
	return nl ? (size_t)(nl - ys->buf) + 1 : HD_NOPOS;
}

/* Where whole lines may be inserted after node @n (HD_NOPOS: at EOF). */
static size_t insert_point(const struct ystream *ys, const struct yn *n)
{
	if (n->keep_end > n->end && ys->buf[n->keep_end - 1] == '\n')
		return n->keep_end;
	return next_line(ys, n->end);
}

static size_t ws_before(const struct ystream *ys, size_t off)
{
	while (off > 0 && (ys->buf[off - 1] == ' ' || ys->buf[off - 1] == '\t'))
		off--;
	return off;
}

static bool first_on_line(const struct ystream *ys, size_t off)
{
	size_t ls = ys_line_start(ys, off), i;

	for (i = ls; i < off; i++)
		if (ys->buf[i] != ' ')
			return false;
	return true;
}

static void put_flow(struct rctx *r, struct hd_buf *b, const struct yn *n);
static void emit_lines(struct rctx *r, size_t ip, const struct hd_buf *t,
		       const char *eol);
static bool in_flow(const struct yn *n);
static size_t key_start_col(const struct ystream *ys, const struct yn *k);
static size_t child_col(const struct rctx *r, const struct yn *k,
			const struct yn *v);
static void put_children(struct rctx *r, struct hd_buf *b, const struct yn *v,
			 size_t col, const char *eol);

/*
 * A value for @v, the null value of key @k written with no ':' (`? key`
 * alone, `{key}`): the ':' comes with it.  The value is the text @val, or
 * the node @nw (@val NULL).  In flow, `: value` after the key; in block, a
 * `: value` line (or a ':' line and the block children of @nw) below the
 * key, at the column of its '?'.
 */
static void emit_colonless(struct rctx *r, const struct yn *k, const struct yn *v,
			   const struct yn *nw, const struct hd_buf *val)
{
	const struct ystream *ys = r->ys;
	struct hd_buf x = HD_BUF_INIT;
	bool flow = v->parent->style == YS_FLOW || in_flow(v->parent);
	const char *eol = eol_at(ys, k->start);

	if (!flow)
		hd_buf_addspaces(&x, key_start_col(ys, k));
	hd_buf_addc(&x, ':');
	if (!flow && !val && nw->kind != YN_SCALAR && nw->nkids > 0) {
		hd_buf_adds(&x, eol);
		put_children(r, &x, nw, child_col(r, k, nw), eol);
	} else {
		hd_buf_addc(&x, ' ');
		if (val)
			hd_buf_add(&x, val->data, val->len);
		else
			put_flow(r, &x, nw);
		if (!flow)
			hd_buf_adds(&x, eol);
	}
	if (flow)
		emit(r, v->start, 0, x.data, x.len);
	else
		emit_lines(r, insert_point(ys, k), &x, eol);
	hd_buf_release(&x);
}

/* Write value text b for node n: after the ':' of an empty (null) value,
 * else over [from, n->end). */
static void emit_value(struct rctx *r, const struct yn *n, size_t from,
		       const struct hd_buf *b)
{
	if (n->colonless) {
		emit_colonless(r, yn_key_of(n), n, NULL, b);
	} else if (n->null_empty) {
		struct hd_buf x = HD_BUF_INIT;

		hd_buf_addc(&x, ' ');
		hd_buf_add(&x, b->data, b->len);
		emit(r, n->start, 0, x.data, x.len);
		hd_buf_release(&x);
	} else {
		emit(r, from, n->end - from, b->data, b->len);
	}
}

/* Insert whole lines @t (each ending in @eol) after position @ip. */
static void emit_lines(struct rctx *r, size_t ip, const struct hd_buf *t,
		       const char *eol)
{
	size_t el = strlen(eol);

	if (!t->len)
		return;
	if (ip != HD_NOPOS) {
		emit(r, ip, 0, t->data, t->len);
		return;
	}
	/* at EOF without a final newline: keep it that way */
	{
		struct hd_buf x = HD_BUF_INIT;
		const struct splices *s = r->out;
		size_t i;

		/* the last lines are removed after a line break: the new
		 * lines take their place */
		for (i = s->n; i-- > 0 && s->v[i].doc == r->doc;)
			if (s->v[i].len && !s->v[i].tlen &&
			    s->v[i].off + s->v[i].len == r->ys->len && s->v[i].off > 0 &&
			    r->ys->buf[s->v[i].off - 1] == '\n') {
				emit(r, s->v[i].off, 0, t->data, t->len - el);
				return;
			}

		hd_buf_adds(&x, eol);
		hd_buf_add(&x, t->data, t->len - el);
		emit(r, r->ys->len, 0, x.data, x.len);
		hd_buf_release(&x);
	}
}

static char quote_for(const struct rctx *r)
{
	return r->ys->style.quote;
}

/*
 * Does @n, a new string item, join a sequence whose items the author wrote
 * plain (and none quoted)?  Then it is written plain too where both YAML
 * readers take it as the same string (`- no-new-privileges:true`, not
 * `- "no-new-privileges:true"`): new items follow the list's own style.
 */
static bool plain_like_siblings(const struct yn *n)
{
	const struct yn *p = n->parent;
	size_t i, plain = 0;

	if (!p || p->kind != YN_SEQ || n->vtype != YT_STR)
		return false;
	for (i = 0; i < p->nkids; i++) {
		const struct yn *k = p->kids[i];

		if (k == n || (k->flags & YF_NEW) || k->kind != YN_SCALAR)
			continue;
		if (k->style != YS_PLAIN || k->null_empty)
			return false;
		plain++;
	}
	return plain > 0 && hd_plain_ok_in_place(n->text, n->tlen, in_flow(n));
}

/* In a JSON-styled file (every key double-quoted) new strings are too. */
static void put_scalar(struct rctx *r, struct hd_buf *b, const struct yn *n)
{
	if (r->ys->style.json && n->vtype == YT_STR)
		hd_scalar_write_dq(b, n->text, n->tlen);
	else if ((n->flags & YF_NEW) && plain_like_siblings(n))
		hd_buf_add(b, n->text, n->tlen);
	else
		hd_scalar_write(b, n->text, n->tlen, n->vtype, quote_for(r));
}

static void put_key(struct rctx *r, struct hd_buf *b, const struct yn *k)
{
	if (r->ys->style.json)
		hd_scalar_write_dq(b, k->text, k->tlen);
	else
		hd_scalar_write(b, k->text, k->tlen, YT_STR, quote_for(r));
}

static void put_flow(struct rctx *r, struct hd_buf *b, const struct yn *n)
{
	size_t i;

	if (n->kind == YN_SCALAR) {
		put_scalar(r, b, n);
		return;
	}
	hd_buf_addc(b, n->kind == YN_MAP ? '{' : '[');
	for (i = 0; i < n->nkids; i++) {
		if (n->kind == YN_MAP) {
			if (i)
				hd_buf_adds(b, ", ");
			put_key(r, b, n->kids[i]);
			hd_buf_adds(b, ": ");
			put_flow(r, b, n->kids[++i]);
		} else {
			if (i)
				hd_buf_adds(b, ", ");
			put_flow(r, b, n->kids[i]);
		}
	}
	hd_buf_addc(b, n->kind == YN_MAP ? '}' : ']');
}

/*
 * The layout of a flow collection written as JSON is pretty-printed: one
 * entry per line, each indented one step deeper than the line holding the
 * opening bracket, the closing bracket first on its line.  New entries and
 * new collections inside one follow it (the step, the blanks around ':'),
 * as new YAML follows the file's block style; a one-line collection keeps
 * one-line additions.
 */
struct flay {
	bool pretty;
	char ic;           /* what indents: ' ' or '\t' (`jq --tab`) */
	size_t unit;       /* the indentation step */
	const char *colon; /* between a key and its value */
	const char *comma; /* between entries on one line */
};

static size_t comma_after(const struct ystream *ys, const struct yn *n, size_t p);

/* Number of @ic (' ' or '\t') that start the line holding @off. */
static size_t line_indent(const struct ystream *ys, size_t off, char ic)
{
	size_t ls = ys_line_start(ys, off), p = ls;

	while (p < ys->len && ys->buf[p] == ic)
		p++;
	return p - ls;
}

/* Is @off first on its line after @ic only? */
static bool first_after(const struct ystream *ys, size_t off, char ic)
{
	return line_indent(ys, off, ic) == off - ys_line_start(ys, off);
}

static void put_indent(struct hd_buf *b, size_t n, char ic)
{
	while (n--)
		hd_buf_addc(b, ic);
}

/* The first old entry of flow collection @n (its key for a map; for an
 * item replaced by a new one, the old item), or NULL. */
static const struct yn *first_old(const struct yn *n)
{
	size_t i, step = n->kind == YN_MAP ? 2 : 1;

	for (i = 0; i < n->nkids; i += step) {
		const struct yn *k = n->kids[i];

		if (!(k->flags & YF_NEW))
			return k;
		if (k->replaced)
			return k->replaced;
	}
	return NULL;
}

/* The blanks around the ':' of a JSON-style pair of @n or an enclosing flow
 * map (`"k": v`, `"k" : v`, `"k":v`), for new pairs written the same way. */
static const char *flow_colon(const struct ystream *ys, const struct yn *n)
{
	static const char *const forms[] = { ": ", " : ", ":", " :", ":  " };
	size_t i, f;

	if (!ys->style.json)
		return ": "; /* `k:v` is one plain scalar: keep the blank */
	for (; n && !(n->flags & YF_NEW) && n->style == YS_FLOW; n = n->parent) {
		if (n->kind != YN_MAP)
			continue;
		for (i = 0; i + 1 < n->nkids; i += 2) {
			const struct yn *k = n->kids[i], *v = n->kids[i + 1];
			size_t l;

			if (((k->flags | v->flags) & YF_NEW) || k->style != YS_DQ ||
			    v->null_empty || v->start <= k->end)
				continue;
			l = v->start - k->end;
			for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
				if (strlen(forms[f]) == l && !memcmp(ys->buf + k->end, forms[f], l))
					return forms[f];
		}
	}
	return ": ";
}

/* The blanks after a ',' between two entries on one line of @n or an
 * enclosing flow collection of a JSON-style file (`a, b` or `a,b`; with
 * no such ',', none when there is none after a ':' either). */
static const char *flow_comma(const struct ystream *ys, const struct yn *n)
{
	const char *colon = flow_colon(ys, n);
	size_t i, c;

	if (!ys->style.json)
		return ", ";
	for (; n && !(n->flags & YF_NEW) && n->style == YS_FLOW; n = n->parent) {
		size_t step = n->kind == YN_MAP ? 2 : 1;

		for (i = 0; i + step < n->nkids; i += step) {
			const struct yn *v = n->kids[i + step - 1];

			if ((v->flags & YF_NEW) || v->end == HD_NOPOS)
				continue;
			c = comma_after(ys, n, v->end);
			if (c == HD_NOPOS || c + 1 >= ys->len || ys->buf[c + 1] == '\n' ||
			    ys->buf[c + 1] == '\r')
				continue;
			return ys->buf[c + 1] == ' ' ? ", " : ",";
		}
	}
	return strcmp(colon, ":") ? ", " : ",";
}

/* The layout of old flow collection @n, which has old entries. */
static struct flay flow_layout(const struct ystream *ys, const struct yn *n)
{
	struct flay fl = { false, ' ', 0, ": ", ", " };
	const struct yn *e = first_old(n);
	size_t close = n->end - 1, ind, ec;

	fl.colon = flow_colon(ys, n);
	fl.comma = flow_comma(ys, n);
	if (!e || (n->flags & YF_NEW) || n->style != YS_FLOW ||
	    !memchr(ys->buf + n->vstart, '\n', close - n->vstart))
		return fl;
	if (e->start > 0 && ys->buf[e->start - 1] == '\t')
		fl.ic = '\t';
	if (e->explicit_key || !first_after(ys, e->start, fl.ic) ||
	    !first_after(ys, close, fl.ic))
		return fl;
	ind = line_indent(ys, n->vstart, fl.ic);
	ec = e->start - ys_line_start(ys, e->start);
	if (ec <= ind || close - ys_line_start(ys, close) != ind)
		return fl;
	fl.pretty = true;
	fl.unit = ec - ind;
	return fl;
}

/* New node @v written in layout @fl (its first line at column @col), or
 * on one line with the file's blanks around ':' and ','. */
static void put_flow_pretty(struct rctx *r, struct hd_buf *b, const struct yn *v,
			    size_t col, const struct flay *fl, const char *eol)
{
	size_t i, step = v->kind == YN_MAP ? 2 : 1;

	if (v->kind == YN_SCALAR || v->kind == YN_ALIAS || !v->nkids) {
		put_flow(r, b, v);
		return;
	}
	hd_buf_addc(b, v->kind == YN_MAP ? '{' : '[');
	for (i = 0; i < v->nkids; i += step) {
		if (!fl->pretty) { /* on one line */
			if (i)
				hd_buf_adds(b, fl->comma);
		} else {
			hd_buf_adds(b, eol);
			put_indent(b, col + fl->unit, fl->ic);
		}
		if (v->kind == YN_MAP) {
			put_key(r, b, v->kids[i]);
			hd_buf_adds(b, fl->colon);
		}
		put_flow_pretty(r, b, v->kids[i + step - 1], col + fl->unit, fl, eol);
		if (fl->pretty && i + step < v->nkids)
			hd_buf_addc(b, ',');
	}
	if (fl->pretty) {
		hd_buf_adds(b, eol);
		put_indent(b, col, fl->ic);
	}
	hd_buf_addc(b, v->kind == YN_MAP ? '}' : ']');
}

/* Entry @i of @n, a new one, in layout @fl at column @col. */
static void put_entry(struct rctx *r, struct hd_buf *b, const struct yn *n,
		      size_t i, size_t col, const struct flay *fl, const char *eol)
{
	if (n->kind == YN_MAP) {
		put_key(r, b, n->kids[i]);
		hd_buf_adds(b, fl->colon);
		put_flow_pretty(r, b, n->kids[i + 1], col, fl, eol);
	} else {
		put_flow_pretty(r, b, n->kids[i], col, fl, eol);
	}
}

static void put_block_item(struct rctx *r, struct hd_buf *b, const struct yn *n,
			   size_t col, const char *eol);

/* After "key:" has been written at column @col. */
static void put_after_key(struct rctx *r, struct hd_buf *b, const struct yn *v,
			  size_t col, const char *eol)
{
	const struct ystyle *st = &r->ys->style;
	size_t i;

	if (v->kind == YN_SCALAR || v->nkids == 0) {
		hd_buf_addc(b, ' ');
		put_flow(r, b, v);
		hd_buf_adds(b, eol);
		return;
	}
	hd_buf_adds(b, eol);
	if (v->kind == YN_MAP) {
		for (i = 0; i + 1 < v->nkids; i += 2) {
			hd_buf_addspaces(b, col + (size_t)st->indent);
			put_key(r, b, v->kids[i]);
			hd_buf_addc(b, ':');
			put_after_key(r, b, v->kids[i + 1], col + (size_t)st->indent, eol);
		}
		return;
	}
	for (i = 0; i < v->nkids; i++) {
		size_t dc = col + (size_t)st->seq_indent;

		hd_buf_addspaces(b, dc);
		hd_buf_addc(b, '-');
		hd_buf_addspaces(b, (size_t)st->seq_gap);
		put_block_item(r, b, v->kids[i], dc + 1 + (size_t)st->seq_gap, eol);
	}
}

/* The item's first line starts at column @col, already positioned. */
static void put_block_item(struct rctx *r, struct hd_buf *b, const struct yn *n,
			   size_t col, const char *eol)
{
	const struct ystyle *st = &r->ys->style;
	size_t i;

	if (n->kind == YN_SCALAR || n->nkids == 0) {
		put_flow(r, b, n);
		hd_buf_adds(b, eol);
		return;
	}
	if (n->kind == YN_MAP) {
		for (i = 0; i + 1 < n->nkids; i += 2) {
			if (i)
				hd_buf_addspaces(b, col);
			put_key(r, b, n->kids[i]);
			hd_buf_addc(b, ':');
			put_after_key(r, b, n->kids[i + 1], col, eol);
		}
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		if (i)
			hd_buf_addspaces(b, col);
		hd_buf_addc(b, '-');
		hd_buf_addspaces(b, (size_t)st->seq_gap);
		put_block_item(r, b, n->kids[i], col + 1 + (size_t)st->seq_gap, eol);
	}
}

static bool in_flow(const struct yn *n)
{
	for (n = n->parent; n; n = n->parent)
		if (!(n->flags & YF_NEW) && n->style == YS_FLOW)
			return true;
	return false;
}

/* Old scalar with a new value. */
static int render_set(struct rctx *r, struct yn *n)
{
	struct hd_buf b = HD_BUF_INIT;

	if (n->nrefs && !(n->flags & YF_SHARED_OK))
		return rerr(r, n->start, "refusing to change anchored scalar '&%s' "
			    "used by %u alias(es)", n->anchor, n->nrefs);
	if (n->tag && (!strcmp(n->tag, "!!str") || !strcmp(n->tag, "!!int") ||
		       !strcmp(n->tag, "!!bool") || !strcmp(n->tag, "!!float") ||
		       !strcmp(n->tag, "!!null"))) {
		struct yn probe = *n;

		probe.flags &= ~(unsigned)(YF_NEW | YF_SET);
		if (hd_node_type(&probe) != n->vtype)
			return rerr(r, n->start, "refusing to write a value of another "
				    "type under the tag '%s'", n->tag);
	}
	if ((n->style == YS_SQ || n->style == YS_DQ) && n->vtype == YT_STR) {
		struct hd_buf tmp = HD_BUF_INIT;
		char q = n->style == YS_SQ ? '\'' : '"';

		/* keep the quotes the author chose */
		hd_scalar_write(&tmp, n->text, n->tlen, YT_STR, q);
		if (tmp.len && tmp.data[0] != q) {
			hd_buf_addc(&b, q);
			hd_buf_add(&b, tmp.data, tmp.len);
			hd_buf_addc(&b, q);
		} else {
			hd_buf_add(&b, tmp.data, tmp.len);
		}
		hd_buf_release(&tmp);
	} else if (n->style == YS_PLAIN && !n->null_empty && n->vtype == YT_STR &&
		   n->old_str && hd_plain_ok_in_place(n->text, n->tlen, in_flow(n))) {
		hd_buf_add(&b, n->text, n->tlen); /* the author wrote it plain */
	} else {
		put_scalar(r, &b, n); /* (a JSON file's strings stay quoted) */
	}
	if (!n->null_empty && n->vstart == n->end && n->vstart > 0 &&
	    !strchr(" \t\r\n", r->ys->buf[n->vstart - 1])) {
		/* `k: !tag` with no text: a blank after the property */
		struct hd_buf x = HD_BUF_INIT;

		hd_buf_addc(&x, ' ');
		hd_buf_add(&x, b.data, b.len);
		hd_buf_release(&b);
		b = x;
	}
	emit_value(r, n, n->vstart, &b);
	hd_buf_release(&b);
	return 0;
}


/* Delete whole lines [from line of @s, past the line of @n's end). */
static void line_delete(struct rctx *r, size_t s, const struct yn *last)
{
	const struct ystream *ys = r->ys;
	size_t ls = ys_line_start(ys, s), ip = insert_point(ys, last);

	if (ip == HD_NOPOS && ls > 0 &&
	    block_scalar_holds(r, ys->docs[r->doc].root, ls - 1, false)) {
		/* the line break before is part of a block scalar's value:
		 * keep it (the file now ends with one) */
		emit(r, ls, ys->len - ls, "", 0);
		return;
	}
	if (ip == HD_NOPOS) {
		/* last line of a file without final newline: eat the EOL before */
		size_t a = ls;

		if (a > 0 && ys->buf[a - 1] == '\n')
			a--;
		if (a > 0 && ys->buf[a - 1] == '\r')
			a--;
		emit(r, a, ys->len - a, "", 0);
		return;
	}
	if (ls > 0 && block_scalar_holds(r, ys->docs[r->doc].root, ls - 1, true)) {
		/* blank and comment lines after the removed ones would join the
		 * block scalar above: they go too */
		for (;;) {
			size_t q = ip, nl;

			while (q < ys->len && (ys->buf[q] == ' ' || ys->buf[q] == '\t'))
				q++;
			if (q < ys->len && ys->buf[q] != '#' && ys->buf[q] != '\n' &&
			    ys->buf[q] != '\r')
				break;
			nl = next_line(ys, q);
			if (nl == HD_NOPOS) {
				ip = ys->len; /* the last line, without a line break */
				break;
			}
			ip = nl;
		}
	}
	emit(r, ls, ip - ls, "", 0);
}

static size_t key_start(const struct ystream *ys, const struct yn *k)
{
	size_t q = k->explicit_key ? ys_key_mark(ys, k->start) : HD_NOPOS;

	return q != HD_NOPOS ? q : k->start;
}

static int delete_pair(struct rctx *r, struct yn *map, size_t i)
{
	struct yn *k = map->kids[i], *v = map->kids[i + 1];
	size_t j;

	if (v->nrefs || k->nrefs)
		return rerr(r, k->start, "refusing to remove '%.*s': its anchor is "
			    "used by aliases", (int)k->tlen, k->text);
	if (first_on_line(r->ys, key_start(r->ys, k))) {
		line_delete(r, key_start(r->ys, k), v->end >= k->end ? v : k);
		return 0;
	}
	/* first key of a "- k: v" item: pull the next key up */
	for (j = i + 2; j + 1 < map->nkids; j += 2)
		if (!(map->kids[j]->flags & (YF_DELETED | YF_NEW)))
			break;
	if (j + 1 >= map->nkids || !first_on_line(r->ys, key_start(r->ys, map->kids[j])))
		return rerr(r, k->start, "cannot remove '%.*s', the only key on "
			    "its line", (int)k->tlen, k->text);
	emit(r, key_start(r->ys, k),
	     key_start(r->ys, map->kids[j]) - key_start(r->ys, k), "", 0);
	return 0;
}

static int delete_item(struct rctx *r, struct yn *it)
{
	if (it->nrefs)
		return rerr(r, it->start, "refusing to remove an item whose anchor "
			    "'&%s' is used by aliases", it->anchor);
	if (it->dash == HD_NOPOS || !first_on_line(r->ys, it->dash))
		return rerr(r, it->start, "cannot remove this sequence item: its "
			    "'-' does not start a line");
	line_delete(r, it->dash, it);
	return 0;
}

/* Column of block map key @k: that of its '?' when it is written `? key`. */

static size_t key_start_col(const struct ystream *ys, const struct yn *k)
{
	return ys_col(ys, key_start(ys, k));
}

static size_t key_col(const struct ystream *ys, const struct yn *map)
{
	size_t i;

	for (i = 0; i + 1 < map->nkids; i += 2)
		if (!(map->kids[i]->flags & YF_NEW))
			return key_start_col(ys, map->kids[i]);
	return 0;
}

/* Column at which the block children of a new @v under key @k go. */
static size_t child_col(const struct rctx *r, const struct yn *k,
			const struct yn *v)
{
	size_t kc = key_start_col(r->ys, k);

	return v->kind == YN_SEQ ? kc + (size_t)r->ys->style.seq_indent
				 : kc + (size_t)r->ys->style.indent;
}

/* Render new block children of @v (map pairs or seq items) at @col. */
static void put_children(struct rctx *r, struct hd_buf *b, const struct yn *v,
			 size_t col, const char *eol)
{
	size_t i;

	if (v->kind == YN_MAP) {
		for (i = 0; i + 1 < v->nkids; i += 2) {
			hd_buf_addspaces(b, col);
			put_key(r, b, v->kids[i]);
			hd_buf_addc(b, ':');
			put_after_key(r, b, v->kids[i + 1], col, eol);
		}
		return;
	}
	for (i = 0; i < v->nkids; i++) {
		hd_buf_addspaces(b, col);
		hd_buf_addc(b, '-');
		hd_buf_addspaces(b, (size_t)r->ys->style.seq_gap);
		put_block_item(r, b, v->kids[i], col + 1 + (size_t)r->ys->style.seq_gap,
			       eol);
	}
}

/* A new node @nw replaces old node @old, which is parent->kids[i]. */
static int render_replace(struct rctx *r, struct yn *parent, size_t i,
			  struct yn *nw)
{
	const struct ystream *ys = r->ys;
	struct yn *old = nw->replaced;
	struct hd_buf b = HD_BUF_INIT;
	bool block = nw->kind != YN_SCALAR && nw->nkids > 0;

	if (old->nrefs || (old->anchor && ye_shared_anchor(old)))
		return rerr(r, old->start, "refusing to replace a node whose anchor "
			    "'&%s' is used by aliases", old->anchor);
	if (old->colonless) {
		emit_colonless(r, parent->kids[i - 1], old, nw, NULL);
		goto out;
	}
	if (parent->style == YS_FLOW || in_flow(parent)) {
		struct flay fl = flow_layout(ys, parent);

		put_flow_pretty(r, &b, nw, line_indent(ys, old->start, fl.ic), &fl,
				eol_at(ys, old->start));
		emit_value(r, old, old->start, &b);
		goto out;
	}
	if (parent->kind == YN_MAP) {
		struct yn *k = parent->kids[i - 1];
		const char *eol = eol_at(ys, k->start);

		if (!block) {
			hd_buf_addc(&b, ' ');
			put_flow(r, &b, nw);
			if (old->null_empty) {
				emit(r, old->start, 0, b.data, b.len);
			} else {
				size_t a = ws_before(ys, old->start);

				if (a < k->end)
					a = old->start;
				emit(r, a, old->end - a, b.data, b.len);
			}
			goto out;
		}
		put_children(r, &b, nw, child_col(r, k, nw), eol);
		if (old->null_empty) {
			emit_lines(r, next_line(ys, old->start), &b, eol);
		} else if (ys_line_start(ys, old->start) == ys_line_start(ys, k->start)) {
			size_t a = ws_before(ys, old->start);

			emit(r, a, old->end - a, "", 0);
			emit_lines(r, next_line(ys, old->end), &b, eol);
		} else {
			size_t ls = ys_line_start(ys, old->start);
			size_t ip = insert_point(ys, old);

			if (ip == HD_NOPOS) {
				emit(r, ls, ys->len - ls, b.data,
				     b.len - strlen(eol));
			} else {
				emit(r, ls, ip - ls, b.data, b.len);
			}
		}
		goto out;
	}
	if (parent->kind == YN_SEQ) {
		const char *eol = eol_at(ys, old->start);
		size_t col;

		if (old->null_empty) {
			col = ys_col(ys, old->start) + (size_t)ys->style.seq_gap;
			hd_buf_addspaces(&b, (size_t)ys->style.seq_gap);
		} else {
			col = ys_col(ys, old->start);
		}
		put_block_item(r, &b, nw, col, eol);
		b.len -= strlen(eol); /* the old line keeps its own ending */
		if (old->null_empty)
			emit(r, old->start, 0, b.data, b.len);
		else
			emit(r, old->start, old->end - old->start, b.data, b.len);
		goto out;
	}
	hd_buf_release(&b);
	return rerr(r, old->start, "cannot replace this node");
out:
	hd_buf_release(&b);
	return 0;
}

static int render_node(struct rctx *r, struct yn *n);

static struct yn *last_old(const struct yn *n)
{
	size_t i = n->nkids;

	while (i > 0) {
		struct yn *k = n->kids[--i];

		if (!(k->flags & YF_NEW) || k->replaced)
			return (k->flags & YF_NEW) ? k->replaced : k;
	}
	return NULL;
}

/*
 * The map ends the file on a line without a final newline.  Appending
 * would rewrite that line ("\ No newline at end of file"); when the last
 * pair sits alone on that line, insert the new pairs before it instead
 * (key order carries no meaning) and reorder the overlay to match.
 * Never when that pair is the map's first: the map's first line names its
 * object (a "# harden:ignore" there exempts it) and must stay first.
 * Returns the insertion offset, or HD_NOPOS to append at EOF.
 */
static size_t before_last_pair(struct rctx *r, struct yn *n, size_t first_new,
			       bool any_value)
{
	const struct ystream *ys = r->ys;
	struct yn *k, *v, **kids = n->kids;
	size_t i, j;

	if (first_new < 4 || (kids[first_new - 2]->flags & (YF_NEW | YF_DELETED)) ||
	    kids[first_new - 1]->replaced || (kids[first_new - 1]->flags & YF_NEW))
		return HD_NOPOS;
	k = kids[first_new - 2];
	v = kids[first_new - 1];
	if (!first_on_line(ys, key_start(ys, k)) ||
	    (!any_value && (ys_line_start(ys, v->end) != ys_line_start(ys, k->start) ||
			    (v->kind != YN_SCALAR && v->style != YS_FLOW))))
		return HD_NOPOS;
	for (i = first_new; i < n->nkids; i++)
		if (!(kids[i]->flags & YF_NEW) || kids[i]->replaced)
			return HD_NOPOS;
	for (i = 0; i < first_new; i++)
		if (kids[i]->flags & YF_DELETED)
			return HD_NOPOS; /* (a removal may pull that pair up) */
	/* move the last old pair behind the new ones */
	for (i = first_new - 2, j = first_new; j < n->nkids; i++, j++)
		kids[i] = kids[j];
	kids[n->nkids - 2] = k;
	kids[n->nkids - 1] = v;
	return ys_line_start(ys, key_start(ys, k));
}

/* The last kept old entry of @n (not new, not removed). */
static const struct yn *last_kept(const struct yn *n)
{
	size_t i = n->nkids;

	while (i > 0) {
		const struct yn *k = n->kids[--i];

		if (k->flags & YF_DELETED)
			continue;
		if (!(k->flags & YF_NEW) || k->replaced)
			return (k->flags & YF_NEW) ? k->replaced : k;
	}
	return NULL;
}

/* The kept node whose bytes end collection @n: its last descendant (or
 * the key of a last `? key` with no value). */
static const struct yn *last_leaf(const struct yn *n)
{
	for (;;) {
		if (n && n->kind == YN_SCALAR && n->null_empty && yn_key_of(n))
			n = yn_key_of(n); /* `? key` with no value: the key ends it */
		else if (n && n->kind != YN_SCALAR && n->kind != YN_ALIAS)
			n = last_kept(n);
		else
			return n;
	}
}

/* A `|` or `>` scalar with no content lines (libfyaml 0.7.12 takes the
 * lines after it as its content when they are indented). */
static bool empty_block_scalar(const struct yn *n)
{
	size_t i;

	if (!n || n->kind != YN_SCALAR || (n->style != YS_LIT && n->style != YS_FOLD))
		return false;
	for (i = 0; i < n->tlen; i++)
		if (n->text[i] != '\n')
			return false;
	return true;
}

/*
 * A block scalar followed only by blank lines, the last without a line
 * break: libyaml and libfyaml read those lines differently (`|+` then " ":
 * "" or "\n"), and no text added after it keeps both readings; likewise a
 * block scalar libfyaml reads as a NUL byte.  Returns @n (a collection's
 * last_leaf()) if it is one.
 */
static const struct yn *eof_keep_scalar(const struct ystream *ys, const struct yn *n)
{
	size_t p;

	if (!n || n->kind != YN_SCALAR || (n->style != YS_LIT && n->style != YS_FOLD))
		return NULL;
	if (memchr(n->text, '\0', n->tlen))
		return n; /* libfyaml 0.7.12 reads some blank ones as a NUL byte */
	if (!ys->len || (ys->buf[ys->len - 1] != ' ' && ys->buf[ys->len - 1] != '\t') ||
	    n->end >= ys->len)
		return NULL;
	for (p = n->end; p < ys->len; p++) {
		if (ys->buf[p] == '#') /* on the header line */
			while (p + 1 < ys->len && ys->buf[p + 1] != '\n')
				p++;
		else if (ys->buf[p] != ' ' && ys->buf[p] != '\t' && ys->buf[p] != '\r' &&
			 ys->buf[p] != '\n')
			return NULL;
	}
	/* (blanks ending its own last line are its content) */
	return memchr(ys->buf + n->end, '\n', ys->len - n->end) ? n : NULL;
}

/*
 * The file ends, without a final line break, in a `|` or `|+` (or `>`)
 * scalar: a line break after it would become part of its value.  Returns
 * @n (a collection's last_leaf()) if it is one.
 */
static const struct yn *eof_clip_scalar(const struct ystream *ys, const struct yn *n)
{
	/* clip or keep: the value ends without a line break only when its
	 * last line ends the file */
	if (!n || n->kind != YN_SCALAR || n->chomp == '-' ||
	    (n->style != YS_LIT && n->style != YS_FOLD) || !ys->len ||
	    ys->buf[ys->len - 1] == '\n' || !n->tlen || n->text[n->tlen - 1] == '\n')
		return NULL;
	return n;
}

static int render_insert_block(struct rctx *r, struct yn *n, size_t first_new)
{
	const struct ystream *ys = r->ys;
	struct yn *last = last_old(n);
	struct hd_buf b = HD_BUF_INIT;
	const struct yn *lf, *sc;
	const char *eol;
	size_t i, col, ip;
	bool moved = false;

	if (!last)
		return rerr(r, n->start, "cannot insert into an empty block collection");
	lf = last_leaf(n);
	if (eof_keep_scalar(ys, lf))
		return rerr(r, lf->start, "cannot add after "
			    "this block scalar: YAML parsers disagree on its value (it "
			    "ends the file on a blank line without a line break)");
	sc = eof_clip_scalar(ys, lf);
	ip = insert_point(ys, last);
	if (ip != HD_NOPOS && lf) {
		/* a `? key` with no value ends where its key does (`|+` lines) */
		size_t ip2 = insert_point(ys, lf);

		if (ip2 == HD_NOPOS || ip2 > ip)
			ip = ip2;
	}
	eol = eol_at(ys, last->end);
	if (n->kind == YN_MAP &&
	    (ip == HD_NOPOS || (empty_block_scalar(lf) && key_col(ys, n) > 0))) {
		/* at EOF without a line break, or after an empty `|` that
		 * libfyaml would extend: before the last pair if it can */
		size_t bp = before_last_pair(r, n, first_new, ip != HD_NOPOS || sc);

		if (bp != HD_NOPOS) {
			ip = bp;
			first_new -= 2;
			moved = true;
		}
	}
	if (ip == HD_NOPOS && sc && r->chomped != sc) {
		/* strip chomping keeps its value once a line break follows it */
		size_t h = sc->vstart + 1;

		while (h < ys->len && ys->buf[h] >= '0' && ys->buf[h] <= '9')
			h++;
		if (sc->chomp == '+')
			emit(r, ys->buf[h] == '+' ? h : sc->vstart + 1, 1, "-", 1);
		else
			emit(r, sc->vstart + 1, 0, "-", 1);
		r->chomped = sc;
	}
	if (n->kind == YN_MAP) {
		col = key_col(ys, n);
		for (i = first_new; i + 1 < n->nkids; i += 2) {
			if (!(n->kids[i]->flags & YF_NEW) || n->kids[i + 1]->replaced)
				continue;
			hd_buf_addspaces(&b, col);
			put_key(r, &b, n->kids[i]);
			hd_buf_addc(&b, ':');
			put_after_key(r, &b, n->kids[i + 1], col, eol);
		}
	} else {
		const struct yn *ref = NULL;
		size_t gap = (size_t)ys->style.seq_gap;

		for (i = 0; i < n->nkids; i++)
			if (!(n->kids[i]->flags & YF_NEW) && n->kids[i]->dash != HD_NOPOS) {
				ref = n->kids[i];
				break;
			}
		if (!ref)
			return rerr(r, n->start, "cannot find the '-' of this sequence");
		col = ys_col(ys, ref->dash);
		if (ys_line_start(ys, ref->dash) == ys_line_start(ys, ref->vstart) &&
		    ref->vstart > ref->dash + 1 && !ref->null_empty)
			gap = ref->vstart - ref->dash - 1;
		for (i = first_new; i < n->nkids; i++) {
			if (!(n->kids[i]->flags & YF_NEW) || n->kids[i]->replaced)
				continue;
			hd_buf_addspaces(&b, col);
			hd_buf_addc(&b, '-');
			hd_buf_addspaces(&b, gap);
			put_block_item(r, &b, n->kids[i], col + 1 + gap, eol);
		}
	}
	if (!moved && col > 0 && empty_block_scalar(lf)) {
		hd_buf_release(&b);
		return rerr(r, lf->start, "cannot add after this empty block "
			    "scalar: libfyaml would read the indented lines after it as "
			    "its content");
	}
	emit_lines(r, ip, &b, eol);
	hd_buf_release(&b);
	return 0;
}

/* ---- flow collections -------------------------------------------------- */

/* An empty scalar written as its properties only (`!tag`, `&a`): a ',' or
 * bracket right after it would join them. */
static bool props_only(const struct yn *n)
{
	return n && n->kind == YN_SCALAR && !n->tlen && !n->null_empty &&
	       (n->tag || n->anchor) && n->style == YS_PLAIN;
}

struct span {
	size_t s, e;
};

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_ws(char c)
{
	return is_sp(c) || c == '\r' || c == '\n';
}

/* First ',' after @p inside flow collection @n (blanks, line breaks and
 * comments skipped), or HD_NOPOS when something else comes first. */
static size_t comma_after(const struct ystream *ys, const struct yn *n, size_t p)
{
	const char *s = ys->buf;
	size_t close = n->end - 1;

	while (p < close) {
		if (s[p] == ',')
			return p;
		if (s[p] == '#') {
			while (p < close && s[p] != '\n')
				p++;
		} else if (!is_ws(s[p])) {
			return HD_NOPOS;
		}
		p++;
	}
	return HD_NOPOS;
}

/* Past "[blanks][# comment]" and the line break at @p, or HD_NOPOS when
 * anything else follows on the line. */
static size_t line_rest(const struct ystream *ys, size_t p, size_t limit)
{
	const char *s = ys->buf;

	while (p < limit && is_sp(s[p]))
		p++;
	if (p < limit && s[p] == '#')
		while (p < limit && s[p] != '\n' && s[p] != '\r')
			p++;
	if (p + 1 < limit && s[p] == '\r' && s[p + 1] == '\n')
		return p + 2;
	if (p < limit && s[p] == '\n')
		return p + 1;
	return HD_NOPOS;
}

/* Bytes of entry [s, e) of flow collection @n to remove with it. */
static struct span entry_region(const struct ystream *ys, const struct yn *n,
				size_t s, size_t e)
{
	const char *b = ys->buf;
	size_t close = n->end - 1, p = e, c, q;
	struct span x;

	while (p < close && is_sp(b[p]))
		p++;
	c = p < close && b[p] == ',' ? p : HD_NOPOS;
	/* (blanks before it may be tabs: JSON indented with them) */
	if ((first_on_line(ys, s) || first_after(ys, s, '\t')) &&
	    (c != HD_NOPOS || comma_after(ys, n, e) == HD_NOPOS)) {
		/* the entry owns its lines: remove them whole */
		q = line_rest(ys, c != HD_NOPOS ? c + 1 : p, close);
		if (q != HD_NOPOS) {
			x.s = ys_line_start(ys, s);
			x.e = q;
			return x;
		}
	}
	c = comma_after(ys, n, e);
	if (c != HD_NOPOS) {
		p = c + 1;
		while (p < close && is_sp(b[p]))
			p++;
		x.s = s;
		x.e = p;
		if (p < close && (b[p] == '\n' || b[p] == '\r' || b[p] == '#')) {
			/* "a, b,<eol>": keep a's comma and the line ending */
			x.s = ws_before(ys, s);
			if (x.s <= n->vstart)
				x.s = n->vstart + 1;
			x.e = c + 1;
		}
		return x;
	}
	/* the last entry: take the comma before it */
	q = s;
	while (q > n->vstart + 1 && is_ws(b[q - 1]))
		q--;
	x.s = q > n->vstart + 1 && b[q - 1] == ',' ? q - 1 : s;
	x.e = e;
	return x;
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

static bool in_spans(const struct span *v, size_t n, size_t off)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (off >= v[i].s && off < v[i].e)
			return true;
	return false;
}

/* The old bytes [*s, *e) of entry @i (a replaced node: those it replaces). */
static void entry_bounds(const struct ystream *ys, const struct yn *n, size_t i,
			 size_t *s, size_t *e)
{
	const struct yn *k = n->kids[i];
	const struct yn *v = n->kind == YN_MAP ? n->kids[i + 1] : k;
	size_t p;

	if ((k->flags & YF_NEW) && k->replaced)
		k = k->replaced;
	if ((v->flags & YF_NEW) && v->replaced)
		v = v->replaced;
	*s = k->start;
	*e = v->end > k->end ? v->end : k->end;
	/* an explicit key: the entry starts at its '?' (maybe a line above) */
	p = n->kind == YN_MAP && k->explicit_key ? ys_key_mark(ys, k->start) : HD_NOPOS;
	if (p != HD_NOPOS && p > n->vstart && p < *s)
		*s = p;
}

/*
 * Deleted entries and new ones of a flow collection that had entries.
 * Deleted entries go with their lines when they own them, else with one
 * adjacent comma; overlapping removals merge.  New entries follow the last
 * kept one (or take the place of the first removed one), one per line in
 * a multi-line collection; a trailing comma stays a trailing comma.
 */
static int render_flow_edits(struct rctx *r, struct yn *n, size_t first_new)
{
	const struct ystream *ys = r->ys;
	const char *s = ys->buf;
	size_t step = n->kind == YN_MAP ? 2 : 1, close = n->end - 1;
	size_t i, nr = 0, nm = 0, es, ee, c, ip, col = 0;
	size_t lk_s = HD_NOPOS, lk_e = HD_NOPOS, first_s = HD_NOPOS, last_e = 0;
	const struct yn *lk_v = NULL;
	struct span *reg, *m;
	struct hd_buf b = HD_BUF_INIT;
	bool multi, trailing, whole_lines = false, gap;
	const char *eol;
	struct flay fl = flow_layout(ys, n);

	reg = hd_xmalloc((n->nkids + 2) * sizeof(*reg));
	for (i = 0; i < n->nkids; i += step) {
		struct yn *k = n->kids[i];

		if ((k->flags & YF_NEW) && !(n->kind == YN_SEQ && k->replaced))
			continue;
		entry_bounds(ys, n, i, &es, &ee);
		if (first_s == HD_NOPOS)
			first_s = es;
		last_e = ee;
		if (n->kids[i]->flags & YF_DELETED) {
			reg[nr++] = entry_region(ys, n, es, ee);
			if (nr == 1 && reg[0].s == ys_line_start(ys, es))
				whole_lines = true;
		} else {
			lk_s = es;
			lk_e = ee;
			lk_v = n->kids[i + step - 1];
			if (lk_v->null_empty)
				lk_v = n->kids[i];
		}
	}
	multi = memchr(s + n->vstart, '\n', close - n->vstart) != NULL;
	trailing = comma_after(ys, n, last_e) != HD_NOPOS;
	c = lk_e != HD_NOPOS ? comma_after(ys, n, lk_e) : HD_NOPOS;
	if (c != HD_NOPOS && in_spans(reg, nr, c))
		c = HD_NOPOS; /* it separated entries now removed */
	if (c != HD_NOPOS && !trailing && first_new == HD_NOPOS) {
		/* it would become a trailing comma: remove it (and the blanks
		 * after it, unless a comment needs one) */
		size_t q = c + 1;

		while (q < close && is_sp(s[q]))
			q++;
		if (q < close && s[q] == '#')
			q = c + 1;
		reg[nr++] = (struct span){ c, q };
	}
	/* merge */
	qsort(reg, nr, sizeof(*reg), span_cmp);
	m = reg;
	for (i = 0; i < nr; i++) {
		if (nm && reg[i].s <= m[nm - 1].e) {
			if (reg[i].e > m[nm - 1].e)
				m[nm - 1].e = reg[i].e;
		} else {
			m[nm++] = reg[i];
		}
	}
	if (lk_s == HD_NOPOS && first_new == HD_NOPOS && fl.pretty &&
	    !memchr(s + n->vstart, '#', close - n->vstart)) {
		/* every entry went: `{}` (as JSON writes an empty one), not
		 * a bracket line left alone */
		emit(r, n->vstart + 1, close - n->vstart - 1, "", 0);
		goto out;
	}
	for (i = 0; i < nm; i++)
		emit(r, m[i].s, m[i].e - m[i].s, "", 0);
	if (first_new == HD_NOPOS)
		goto out;
	eol = eol_at(ys, lk_s != HD_NOPOS ? lk_s : first_s);
	col = ys_col(ys, lk_s != HD_NOPOS ? lk_s : first_s);
	if (lk_s == HD_NOPOS && whole_lines && multi) {
		/* every old entry went with its lines: new lines in their place */
		for (i = first_new; i < n->nkids; i += step) {
			if (!(n->kids[i]->flags & YF_NEW) ||
			    (n->kind == YN_SEQ && n->kids[i]->replaced))
				continue;
			put_indent(&b, col, fl.pretty ? fl.ic : ' ');
			put_entry(r, &b, n, i, col, &fl, eol);
			if (i + step < n->nkids || trailing)
				hd_buf_addc(&b, ',');
			hd_buf_adds(&b, eol);
		}
		emit(r, m[0].s, 0, b.data, b.len);
		goto out;
	}
	for (i = first_new; i < n->nkids; i += step) {
		if (!(n->kids[i]->flags & YF_NEW) ||
		    (n->kind == YN_SEQ && n->kids[i]->replaced))
			continue;
		if (b.len || (lk_s != HD_NOPOS && c == HD_NOPOS))
			hd_buf_addc(&b, ',');
		if (multi && (b.len || lk_s != HD_NOPOS)) {
			hd_buf_adds(&b, eol);
			put_indent(&b, col, fl.pretty ? fl.ic : ' ');
		} else if ((b.len || lk_s != HD_NOPOS) && fl.comma[1] == ' ') {
			hd_buf_addc(&b, ' ');
		}
		put_entry(r, &b, n, i, col, &fl, eol);
	}
	if (lk_s == HD_NOPOS) {
		/* every old entry removed: the new ones where the first was */
		if (trailing)
			hd_buf_addc(&b, ',');
		emit(r, m[0].s, 0, b.data, b.len);
		goto out;
	}
	if (c != HD_NOPOS) {
		if (trailing)
			hd_buf_addc(&b, ',');
		ip = c + 1;
		if (c == lk_e && props_only(lk_v))
			emit(r, c, 0, " ", 1); /* `! ,`: the tag is `!` */
	} else {
		if (trailing)
			hd_buf_addc(&b, ',');
		ip = lk_e;
	}
	/* `k: ,` and `! ,`, not `k:,` and `!,` */
	gap = ip == lk_e && ip > 0 && (s[ip - 1] == ':' || props_only(lk_v));
	if (multi) {
		/* after a comment that ends the line, not in front of it */
		size_t q = ip, t;

		while (q < close && is_sp(s[q]))
			q++;
		if (q < close && s[q] == '#') {
			t = line_rest(ys, q, close);
			if (t != HD_NOPOS) {
				q = t - (s[t - 2] == '\r' ? 2 : 1);
				if (c == HD_NOPOS) {
					emit(r, ip, 0, gap ? " ," : ",", gap ? 2 : 1);
					memmove(b.data, b.data + 1, --b.len);
				}
				ip = q;
				gap = false;
			}
		}
	}
	if (gap && b.len && b.data[0] == ',')
		emit(r, ip, 0, " ", 1);
	emit(r, ip, 0, b.data, b.len);
out:
	hd_buf_release(&b);
	free(reg);
	return 0;
}

/* Is old flow collection @n empty and blank inside (`[]`, `{ }`)? */
static bool blank_inside(const struct ystream *ys, const struct yn *n)
{
	size_t p;

	for (p = n->vstart + 1; p < n->end - 1; p++)
		if (ys->buf[p] != ' ')
			return false;
	return true;
}

static int render_insert_flow(struct rctx *r, struct yn *n, size_t first_new)
{
	const struct ystream *ys = r->ys;
	struct hd_buf b = HD_BUF_INIT;
	size_t i, step = n->kind == YN_MAP ? 2 : 1, ind = 0;
	const char *eol = eol_at(ys, n->vstart);
	struct flay fl = { false, ' ', 0, ": ", ", " };

	if (last_old(n))
		return render_flow_edits(r, n, first_new);
	/* {} or []: pretty-printed as the collection holding it is */
	if (n->parent && n->parent->style == YS_FLOW && !(n->parent->flags & YF_NEW) &&
	    blank_inside(ys, n))
		fl = flow_layout(ys, n->parent);
	fl.colon = flow_colon(ys, n->parent);
	fl.comma = flow_comma(ys, n->parent);
	if (fl.pretty) {
		ind = line_indent(ys, n->vstart, fl.ic);
		for (i = first_new; i < n->nkids; i += step) {
			hd_buf_adds(&b, eol);
			put_indent(&b, ind + fl.unit, fl.ic);
			put_entry(r, &b, n, i, ind + fl.unit, &fl, eol);
			if (i + step < n->nkids)
				hd_buf_addc(&b, ',');
		}
		hd_buf_adds(&b, eol);
		put_indent(&b, ind, fl.ic);
		emit(r, n->vstart + 1, n->end - 1 - (n->vstart + 1), b.data, b.len);
		hd_buf_release(&b);
		return 0;
	}
	for (i = first_new; i < n->nkids; i += step) {
		if (i > first_new)
			hd_buf_adds(&b, fl.comma);
		put_entry(r, &b, n, i, 0, &fl, eol);
	}
	emit(r, n->end - 1, 0, b.data, b.len);
	hd_buf_release(&b);
	return 0;
}

/* An old, now empty flow collection in a block map gains block children. */
static int render_flow_to_block(struct rctx *r, struct yn *n)
{
	const struct ystream *ys = r->ys;
	const struct yn *k = yn_key_of(n);
	struct hd_buf b = HD_BUF_INIT;
	struct yn tmp = *n;
	size_t a, i, j = 0;
	const char *eol;

	if (!k)
		return -1;
	eol = eol_at(ys, k->start);
	/* children: the new ones only (an empty flow collection has no old) */
	tmp.kids = hd_arena_alloc(ys->arena, (n->nkids + 1) * sizeof(*tmp.kids));
	for (i = 0; i < n->nkids; i++)
		tmp.kids[j++] = n->kids[i];
	tmp.nkids = j;
	put_children(r, &b, &tmp, child_col(r, k, n), eol);
	a = ws_before(ys, n->start);
	emit(r, a, n->end - a, "", 0);
	emit_lines(r, next_line(ys, n->end), &b, eol);
	hd_buf_release(&b);
	return 0;
}

static bool has_new(const struct yn *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		if ((n->kids[i]->flags & YF_NEW) && !n->kids[i]->replaced)
			return true;
	return false;
}

/* A block collection lost all its entries: it becomes `{}` or `[]`. */
static int render_emptied(struct rctx *r, struct yn *n)
{
	const struct ystream *ys = r->ys;
	const struct yn *k = yn_key_of(n);
	const char *txt = n->kind == YN_MAP ? " {}" : " []";
	size_t p;

	if (n->anchor || n->tag) {
		/* `k: !tag &a` + lines: keep the properties, `{}` after them */
		p = n->start;
		while (p < n->end && (ys->buf[p] == '!' || ys->buf[p] == '&')) {
			while (p < n->end && ys->buf[p] != ' ' && ys->buf[p] != '\t' &&
			       ys->buf[p] != '\r' && ys->buf[p] != '\n')
				p++;
			while (p < n->end && (ys->buf[p] == ' ' || ys->buf[p] == '\t'))
				p++;
		}
		p = ws_before(ys, p);
		if (p <= n->start || ys_line_start(ys, p) != ys_line_start(ys, n->start))
			return rerr(r, n->start, "refusing to leave an empty block collection");
		emit(r, p, n->end - p, txt, 3);
		return 0;
	}
	if (!k && n->parent && n->parent->kind == YN_SEQ && n->dash != HD_NOPOS) {
		/* an item `- a: 1` becomes `- {}` */
		if (ys_line_start(ys, n->start) == ys_line_start(ys, n->dash)) {
			emit(r, n->start, n->end - n->start, txt + 1, 2);
			return 0;
		}
		emit(r, n->dash + 1, 0, txt, 3);
		line_delete(r, n->start, n);
		return 0;
	}
	if (!k)
		return rerr(r, n->start, "refusing to leave an empty block collection");
	for (p = k->end; p < n->start && ys->buf[p] != ':'; p++)
		if (ys->buf[p] == '#') /* `? key # a: comment` */
			while (p + 1 < n->start && ys->buf[p + 1] != '\n')
				p++;
	if (p >= n->start)
		return rerr(r, n->start, "refusing to leave an empty block collection");
	if (ys_line_start(ys, n->start) == ys_line_start(ys, p)) {
		/* on the line of its ':' (of its key, or of a `? key`'s ':') */
		p++;
		emit(r, p, n->end - p, txt, 3);
		return 0;
	}
	p++;
	/* keep a comment on the key line: replace only the collection lines */
	emit(r, p, 0, txt, 3);
	line_delete(r, n->start, n);
	return 0;
}

/*
 * A one-line flow collection that loses entries: rewrite its inside from
 * the kept entries' own bytes plus the new ones, joined by ", ".  Only when
 * no kept entry has edits of its own (their bytes are final).
 */
static bool flow_rebuild(struct rctx *r, struct yn *n)
{
	const struct ystream *ys = r->ys;
	struct hd_buf b = HD_BUF_INIT;
	size_t i, step = n->kind == YN_MAP ? 2 : 1, close = n->end - 1;
	bool any_del = false, first = true;
	bool pad = n->vstart + 1 < close && ys->buf[n->vstart + 1] == ' ';

	if (memchr(ys->buf + n->vstart, '\n', close - n->vstart))
		return false;
	for (i = 0; i < n->nkids; i += step) {
		struct yn *k = n->kids[i], *v = n->kids[i + step - 1];

		if (k->flags & YF_DELETED) {
			any_del = true;
			continue;
		}
		if (!(k->flags & YF_NEW) && ((v->flags & YF_DIRTY) || (k->flags & YF_DIRTY) ||
					     (v->flags & YF_NEW)))
			return false;
	}
	if (!any_del)
		return false;
	if (pad)
		hd_buf_addc(&b, ' ');
	for (i = 0; i < n->nkids; i += step) {
		struct yn *k = n->kids[i], *v = n->kids[i + step - 1];

		if (k->flags & YF_DELETED)
			continue;
		if (!first)
			hd_buf_adds(&b, ", ");
		first = false;
		if (!(k->flags & YF_NEW)) {
			size_t es, e;

			entry_bounds(ys, n, i, &es, &e);
			hd_buf_add(&b, ys->buf + es, e - es);
			if (e > es && (ys->buf[e - 1] == ':' || ys->buf[e - 1] == '?' ||
				       props_only(v->null_empty ? k : v)))
				hd_buf_addc(&b, ' '); /* `k: ,`, `? ,`, `! ,`: not `k:,` */
		} else if (n->kind == YN_MAP) {
			put_key(r, &b, k);
			hd_buf_adds(&b, ": ");
			put_flow(r, &b, v);
		} else {
			put_flow(r, &b, k);
		}
	}
	if (pad && !first)
		hd_buf_addc(&b, ' ');
	emit(r, n->vstart + 1, close - n->vstart - 1, b.data ? b.data : "", b.len);
	hd_buf_release(&b);
	return true;
}

static int render_coll(struct rctx *r, struct yn *n)
{
	size_t i, first_new = HD_NOPOS;
	size_t step = n->kind == YN_MAP ? 2 : 1;
	bool any_del = false;

	if (n->nrefs && !(n->flags & YF_SHARED_OK))
		return rerr(r, n->start, "refusing to edit inside '&%s': %u alias(es) "
			    "share it", n->anchor, n->nrefs);
	if (n->pair_only && (has_new(n) || ye_count(n) != 1))
		return rerr(r, n->start, "cannot add to or remove from the one-pair "
			    "mapping 'key: value' of a flow sequence");
	if (n->style == YS_BLOCK && ye_count(n) == 0 && !has_new(n))
		return render_emptied(r, n);
	if (n->style == YS_FLOW && flow_rebuild(r, n))
		return 0;
	for (i = 0; i < n->nkids; i += step) {
		struct yn *k = n->kids[i];
		struct yn *v = n->kind == YN_MAP ? n->kids[i + 1] : k;

		if (k->flags & YF_DELETED) {
			int rc;

			if (n->style == YS_FLOW) {
				/* removed with the new entries, below */
				if (k->nrefs || v->nrefs)
					return rerr(r, k->start, "refusing to remove an "
						    "entry whose anchor is used by aliases");
				any_del = true;
				continue;
			}
			rc = n->kind == YN_MAP ? delete_pair(r, n, i) : delete_item(r, k);
			if (rc < 0)
				return rc;
			continue;
		}
		if ((k->flags & YF_NEW) && !(n->kind == YN_SEQ && k->replaced)) {
			if (first_new == HD_NOPOS)
				first_new = i;
			continue;
		}
		if ((v->flags & YF_NEW) && v->replaced) {
			if (render_replace(r, n, n->kind == YN_MAP ? i + 1 : i, v) < 0)
				return -1;
			continue;
		}
		if (render_node(r, v) < 0)
			return -1;
	}
	if (any_del && first_new == HD_NOPOS)
		return render_flow_edits(r, n, first_new);
	if (first_new == HD_NOPOS)
		return 0;
	if (n->style == YS_FLOW) {
		bool empty_in_block = !last_old(n) && n->parent &&
				      n->parent->kind == YN_MAP &&
				      n->parent->style == YS_BLOCK && !n->anchor &&
				      !n->tag && first_new == 0;
		if (empty_in_block)
			return render_flow_to_block(r, n);
		return render_insert_flow(r, n, first_new);
	}
	return render_insert_block(r, n, first_new);
}

static int render_node(struct rctx *r, struct yn *n)
{
	if (!(n->flags & YF_DIRTY))
		return 0;
	if (n->kind == YN_SCALAR)
		return (n->flags & YF_SET) ? render_set(r, n) : 0;
	if (n->kind == YN_MAP || n->kind == YN_SEQ)
		return render_coll(r, n);
	return 0;
}

int ye_render_doc(struct ystream *ys, size_t d, struct splices *out,
		  struct hd_err *err)
{
	struct rctx r = { ys, out, err, 0, d, NULL };
	struct yn *root = ys->docs[d].root;
	size_t before = out->n;

	r.seq = (unsigned)out->n;
	if (!root || !(root->flags & YF_DIRTY))
		return 0;
	if (render_node(&r, root) < 0)
		return -1;
	if (out->n > before)
		ys->docs[d].changed = 1;
	return 0;
}

int ye_render(struct ystream *ys, struct splices *out, struct hd_err *err)
{
	size_t d;

	for (d = 0; d < ys->ndocs; d++)
		if (ye_render_doc(ys, d, out, err) < 0)
			return -1;
	return 0;
}

/* ---- splices of the YAML input (the byte work is splice.c's) --------------- */

int splices_apply_range(const struct ystream *ys, struct splice *v, size_t n,
			size_t b0, size_t b1, struct hd_buf *out, struct hd_err *err)
{
	size_t at = 0;

	if (splices_apply_bytes(ys->buf, v, n, b0, b1, out, err, &at) < 0) {
		ys_pos(ys, at, &err->line, &err->col);
		return -1;
	}
	return 0;
}

int splices_apply(const struct ystream *ys, struct splices *sp,
		  struct hd_buf *out, struct hd_err *err)
{
	hd_buf_reset(out);
	return splices_apply_range(ys, sp->v, sp->n, 0, ys->len, out, err);
}

struct yn *ye_value_parse(struct ystream *ys, const char *text,
			  struct hd_err *err)
{
	struct ystream tmp;

	if (ys_parse(&tmp, "<value>", text, strlen(text), ys->arena, err) < 0)
		return NULL;
	if (tmp.ndocs != 1 || !tmp.docs[0].root) {
		snprintf(err->msg, sizeof(err->msg), "value must be one YAML node");
		return NULL;
	}
	return ye_clone(ys, tmp.docs[0].root);
}
