/* render.c - the overlay to splices: the walk over dirty spines, set scalars, the text of new nodes, where lines go */
#include "edit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalar.h"

int ed_rerr(struct rctx *r, size_t off, const char *fmt, ...)
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
bool ed_block_scalar_holds(const struct rctx *r, const struct yn *n, size_t a, bool strip)
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
		if (ed_block_scalar_holds(r, k, a, strip))
			return true;
		return k->kind == YN_SCALAR && k->null_empty && i > 0 &&
		       ed_block_scalar_holds(r, n->kids[i - 1], a, strip);
	}
	return false;
}

void ed_emit(struct rctx *r, size_t off, size_t len, const char *text, size_t tlen)
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
				    !ed_block_scalar_holds(r, ys->docs[r->doc].root, o->off - 1,
							   false)) {
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
const char *ed_eol_at(const struct ystream *ys, size_t off)
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
size_t ed_next_line(const struct ystream *ys, size_t off)
{
	const char *nl;

	if (off >= ys->len)
		return HD_NOPOS;
	nl = memchr(ys->buf + off, '\n', ys->len - off);
	return nl ? (size_t)(nl - ys->buf) + 1 : HD_NOPOS;
}

/* Where whole lines may be inserted after node @n (HD_NOPOS: at EOF). */
size_t ed_insert_point(const struct ystream *ys, const struct yn *n)
{
	if (n->keep_end > n->end && ys->buf[n->keep_end - 1] == '\n')
		return n->keep_end;
	return ed_next_line(ys, n->end);
}

size_t ed_ws_before(const struct ystream *ys, size_t off)
{
	while (off > 0 && (ys->buf[off - 1] == ' ' || ys->buf[off - 1] == '\t'))
		off--;
	return off;
}

bool ed_first_on_line(const struct ystream *ys, size_t off)
{
	size_t ls = ys_line_start(ys, off), i;

	for (i = ls; i < off; i++)
		if (ys->buf[i] != ' ')
			return false;
	return true;
}

/*
 * A value for @v, the null value of key @k written with no ':' (`? key`
 * alone, `{key}`): the ':' comes with it.  The value is the text @val, or
 * the node @nw (@val NULL).  In flow, `: value` after the key; in block, a
 * `: value` line (or a ':' line and the block children of @nw) below the
 * key, at the column of its '?'.
 */
void ed_emit_colonless(struct rctx *r, const struct yn *k, const struct yn *v, const struct yn *nw,
		       const struct hd_buf *val)
{
	const struct ystream *ys = r->ys;
	struct hd_buf x = HD_BUF_INIT;
	bool flow = v->parent->style == YS_FLOW || ed_in_flow(v->parent);
	const char *eol = ed_eol_at(ys, k->start);

	if (!flow)
		hd_buf_addspaces(&x, ed_key_start_col(ys, k));
	hd_buf_addc(&x, ':');
	if (!flow && !val && nw->kind != YN_SCALAR && nw->nkids > 0) {
		hd_buf_adds(&x, eol);
		ed_put_children(r, &x, nw, ed_child_col(r, k, nw), eol);
	} else {
		hd_buf_addc(&x, ' ');
		if (val)
			hd_buf_add(&x, val->data, val->len);
		else
			ed_put_flow(r, &x, nw);
		if (!flow)
			hd_buf_adds(&x, eol);
	}
	if (flow)
		ed_emit(r, v->start, 0, x.data, x.len);
	else
		ed_emit_lines(r, ed_insert_point(ys, k), &x, eol);
	hd_buf_release(&x);
}

/* Write value text b for node n: after the ':' of an empty (null) value,
 * else over [from, n->end). */
void ed_emit_value(struct rctx *r, const struct yn *n, size_t from, const struct hd_buf *b)
{
	if (n->colonless) {
		ed_emit_colonless(r, yn_key_of(n), n, NULL, b);
	} else if (n->null_empty) {
		struct hd_buf x = HD_BUF_INIT;

		hd_buf_addc(&x, ' ');
		hd_buf_add(&x, b->data, b->len);
		ed_emit(r, n->start, 0, x.data, x.len);
		hd_buf_release(&x);
	} else {
		ed_emit(r, from, n->end - from, b->data, b->len);
	}
}

/* Insert whole lines @t (each ending in @eol) after position @ip. */
void ed_emit_lines(struct rctx *r, size_t ip, const struct hd_buf *t, const char *eol)
{
	size_t el = strlen(eol);

	if (!t->len)
		return;
	if (ip != HD_NOPOS) {
		ed_emit(r, ip, 0, t->data, t->len);
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
				ed_emit(r, s->v[i].off, 0, t->data, t->len - el);
				return;
			}

		hd_buf_adds(&x, eol);
		hd_buf_add(&x, t->data, t->len - el);
		ed_emit(r, r->ys->len, 0, x.data, x.len);
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
	return plain > 0 && hd_plain_ok_in_place(n->text, n->tlen, ed_in_flow(n));
}

/* In a JSON-styled file (every key double-quoted) new strings are too. */
void ed_put_scalar(struct rctx *r, struct hd_buf *b, const struct yn *n)
{
	if (r->ys->style.json && n->vtype == YT_STR)
		hd_scalar_write_dq(b, n->text, n->tlen);
	else if ((n->flags & YF_NEW) && plain_like_siblings(n))
		hd_buf_add(b, n->text, n->tlen);
	else
		hd_scalar_write(b, n->text, n->tlen, n->vtype, quote_for(r));
}

void ed_put_key(struct rctx *r, struct hd_buf *b, const struct yn *k)
{
	if (r->ys->style.json)
		hd_scalar_write_dq(b, k->text, k->tlen);
	else
		hd_scalar_write(b, k->text, k->tlen, YT_STR, quote_for(r));
}

/* Number of @ic (' ' or '\t') that start the line holding @off. */
size_t ed_line_indent(const struct ystream *ys, size_t off, char ic)
{
	size_t ls = ys_line_start(ys, off), p = ls;

	while (p < ys->len && ys->buf[p] == ic)
		p++;
	return p - ls;
}

/* Is @off first on its line after @ic only? */
bool ed_first_after(const struct ystream *ys, size_t off, char ic)
{
	return ed_line_indent(ys, off, ic) == off - ys_line_start(ys, off);
}

void ed_put_indent(struct hd_buf *b, size_t n, char ic)
{
	while (n--)
		hd_buf_addc(b, ic);
}

/* The first old entry of flow collection @n (its key for a map; for an
 * item replaced by a new one, the old item), or NULL. */
const struct yn *ed_first_old(const struct yn *n)
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

bool ed_in_flow(const struct yn *n)
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
		return ed_rerr(r, n->start,
			       "refusing to change anchored scalar '&%s' "
			       "used by %u alias(es)",
			       n->anchor, n->nrefs);
	if (n->tag &&
	    (!strcmp(n->tag, "!!str") || !strcmp(n->tag, "!!int") || !strcmp(n->tag, "!!bool") ||
	     !strcmp(n->tag, "!!float") || !strcmp(n->tag, "!!null"))) {
		struct yn probe = *n;

		probe.flags &= ~(unsigned)(YF_NEW | YF_SET);
		if (hd_node_type(&probe) != n->vtype)
			return ed_rerr(r, n->start,
				       "refusing to write a value of another "
				       "type under the tag '%s'",
				       n->tag);
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
	} else if (n->style == YS_PLAIN && !n->null_empty && n->vtype == YT_STR && n->old_str &&
		   hd_plain_ok_in_place(n->text, n->tlen, ed_in_flow(n))) {
		hd_buf_add(&b, n->text, n->tlen); /* the author wrote it plain */
	} else {
		ed_put_scalar(r, &b, n); /* (a JSON file's strings stay quoted) */
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
	ed_emit_value(r, n, n->vstart, &b);
	hd_buf_release(&b);
	return 0;
}

size_t ed_key_start(const struct ystream *ys, const struct yn *k)
{
	size_t q = k->explicit_key ? ys_key_mark(ys, k->start) : HD_NOPOS;

	return q != HD_NOPOS ? q : k->start;
}

size_t ed_key_start_col(const struct ystream *ys, const struct yn *k)
{
	return ys_col(ys, ed_key_start(ys, k));
}

size_t ed_key_col(const struct ystream *ys, const struct yn *map)
{
	size_t i;

	for (i = 0; i + 1 < map->nkids; i += 2)
		if (!(map->kids[i]->flags & YF_NEW))
			return ed_key_start_col(ys, map->kids[i]);
	return 0;
}

/* Column at which the block children of a new @v under key @k go. */
size_t ed_child_col(const struct rctx *r, const struct yn *k, const struct yn *v)
{
	size_t kc = ed_key_start_col(r->ys, k);

	return v->kind == YN_SEQ ? kc + (size_t)r->ys->style.seq_indent
				 : kc + (size_t)r->ys->style.indent;
}

static bool has_new(const struct yn *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		if ((n->kids[i]->flags & YF_NEW) && !n->kids[i]->replaced)
			return true;
	return false;
}

static int render_coll(struct rctx *r, struct yn *n)
{
	size_t i, first_new = HD_NOPOS;
	size_t step = n->kind == YN_MAP ? 2 : 1;
	bool any_del = false;

	if (n->nrefs && !(n->flags & YF_SHARED_OK))
		return ed_rerr(r, n->start,
			       "refusing to edit inside '&%s': %u alias(es) "
			       "share it",
			       n->anchor, n->nrefs);
	if (n->pair_only && (has_new(n) || ye_count(n) != 1))
		return ed_rerr(r, n->start,
			       "cannot add to or remove from the one-pair "
			       "mapping 'key: value' of a flow sequence");
	if (n->style == YS_BLOCK && ye_count(n) == 0 && !has_new(n))
		return ed_render_emptied(r, n);
	if (n->style == YS_FLOW && ed_flow_rebuild(r, n))
		return 0;
	for (i = 0; i < n->nkids; i += step) {
		struct yn *k = n->kids[i];
		struct yn *v = n->kind == YN_MAP ? n->kids[i + 1] : k;

		if (k->flags & YF_DELETED) {
			int rc;

			if (n->style == YS_FLOW) {
				/* removed with the new entries, below */
				if (k->nrefs || v->nrefs)
					return ed_rerr(r, k->start,
						       "refusing to remove an "
						       "entry whose anchor is used by aliases");
				any_del = true;
				continue;
			}
			rc = n->kind == YN_MAP ? ed_delete_pair(r, n, i) : ed_delete_item(r, k);
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
			if (ed_render_replace(r, n, n->kind == YN_MAP ? i + 1 : i, v) < 0)
				return -1;
			continue;
		}
		if (ed_render_node(r, v) < 0)
			return -1;
	}
	if (any_del && first_new == HD_NOPOS)
		return ed_render_flow_edits(r, n, first_new);
	if (first_new == HD_NOPOS)
		return 0;
	if (n->style == YS_FLOW) {
		bool empty_in_block = !ed_last_old(n) && n->parent && n->parent->kind == YN_MAP &&
				      n->parent->style == YS_BLOCK && !n->anchor && !n->tag &&
				      first_new == 0;
		if (empty_in_block)
			return ed_render_flow_to_block(r, n);
		return ed_render_insert_flow(r, n, first_new);
	}
	return ed_render_insert_block(r, n, first_new);
}

int ed_render_node(struct rctx *r, struct yn *n)
{
	if (!(n->flags & YF_DIRTY))
		return 0;
	if (n->kind == YN_SCALAR)
		return (n->flags & YF_SET) ? render_set(r, n) : 0;
	if (n->kind == YN_MAP || n->kind == YN_SEQ)
		return render_coll(r, n);
	return 0;
}

int ye_render_doc(struct ystream *ys, size_t d, struct splices *out, struct hd_err *err)
{
	struct rctx r = { ys, out, err, 0, d, NULL };
	struct yn *root = ys->docs[d].root;
	size_t before = out->n;

	r.seq = (unsigned)out->n;
	if (!root || !(root->flags & YF_DIRTY))
		return 0;
	if (ed_render_node(&r, root) < 0)
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
