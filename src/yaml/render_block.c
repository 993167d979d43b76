/* render_block.c - edits of block collections: new entries as whole lines, removals line-wise, replaced values */
#include "edit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalar.h"

/* Entry @i of @n, a new one, in layout @fl at column @col. */
void ed_put_entry(struct rctx *r, struct hd_buf *b, const struct yn *n, size_t i, size_t col,
		  const struct flay *fl, const char *eol)
{
	if (n->kind == YN_MAP) {
		ed_put_key(r, b, n->kids[i]);
		hd_buf_adds(b, fl->colon);
		ed_put_flow_pretty(r, b, n->kids[i + 1], col, fl, eol);
	} else {
		ed_put_flow_pretty(r, b, n->kids[i], col, fl, eol);
	}
}

/* After "key:" has been written at column @col. */
static void put_after_key(struct rctx *r, struct hd_buf *b, const struct yn *v, size_t col,
			  const char *eol)
{
	const struct ystyle *st = &r->ys->style;
	size_t i;

	if (v->kind == YN_SCALAR || v->nkids == 0) {
		hd_buf_addc(b, ' ');
		ed_put_flow(r, b, v);
		hd_buf_adds(b, eol);
		return;
	}
	hd_buf_adds(b, eol);
	if (v->kind == YN_MAP) {
		for (i = 0; i + 1 < v->nkids; i += 2) {
			hd_buf_addspaces(b, col + (size_t)st->indent);
			ed_put_key(r, b, v->kids[i]);
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
		ed_put_block_item(r, b, v->kids[i], dc + 1 + (size_t)st->seq_gap, eol);
	}
}

/* The item's first line starts at column @col, already positioned. */
void ed_put_block_item(struct rctx *r, struct hd_buf *b, const struct yn *n, size_t col,
		       const char *eol)
{
	const struct ystyle *st = &r->ys->style;
	size_t i;

	if (n->kind == YN_SCALAR || n->nkids == 0) {
		ed_put_flow(r, b, n);
		hd_buf_adds(b, eol);
		return;
	}
	if (n->kind == YN_MAP) {
		for (i = 0; i + 1 < n->nkids; i += 2) {
			if (i)
				hd_buf_addspaces(b, col);
			ed_put_key(r, b, n->kids[i]);
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
		ed_put_block_item(r, b, n->kids[i], col + 1 + (size_t)st->seq_gap, eol);
	}
}

/* Delete whole lines [from line of @s, past the line of @n's end). */
static void line_delete(struct rctx *r, size_t s, const struct yn *last)
{
	const struct ystream *ys = r->ys;
	size_t ls = ys_line_start(ys, s), ip = ed_insert_point(ys, last);

	if (ip == HD_NOPOS && ls > 0 &&
	    ed_block_scalar_holds(r, ys->docs[r->doc].root, ls - 1, false)) {
		/* the line break before is part of a block scalar's value:
		 * keep it (the file now ends with one) */
		ed_emit(r, ls, ys->len - ls, "", 0);
		return;
	}
	if (ip == HD_NOPOS) {
		/* last line of a file without final newline: eat the EOL before */
		size_t a = ls;

		if (a > 0 && ys->buf[a - 1] == '\n')
			a--;
		if (a > 0 && ys->buf[a - 1] == '\r')
			a--;
		ed_emit(r, a, ys->len - a, "", 0);
		return;
	}
	if (ls > 0 && ed_block_scalar_holds(r, ys->docs[r->doc].root, ls - 1, true)) {
		/* blank and comment lines after the removed ones would join the
		 * block scalar above: they go too */
		for (;;) {
			size_t q = ip, nl;

			while (q < ys->len && (ys->buf[q] == ' ' || ys->buf[q] == '\t'))
				q++;
			if (q < ys->len && ys->buf[q] != '#' && ys->buf[q] != '\n' &&
			    ys->buf[q] != '\r')
				break;
			nl = ed_next_line(ys, q);
			if (nl == HD_NOPOS) {
				ip = ys->len; /* the last line, without a line break */
				break;
			}
			ip = nl;
		}
	}
	ed_emit(r, ls, ip - ls, "", 0);
}

int ed_delete_pair(struct rctx *r, struct yn *map, size_t i)
{
	struct yn *k = map->kids[i], *v = map->kids[i + 1];
	size_t j;

	if (v->nrefs || k->nrefs)
		return ed_rerr(r, k->start,
			       "refusing to remove '%.*s': its anchor is "
			       "used by aliases",
			       (int)k->tlen, k->text);
	if (ed_first_on_line(r->ys, ed_key_start(r->ys, k))) {
		line_delete(r, ed_key_start(r->ys, k), v->end >= k->end ? v : k);
		return 0;
	}
	/* first key of a "- k: v" item: pull the next key up */
	for (j = i + 2; j + 1 < map->nkids; j += 2)
		if (!(map->kids[j]->flags & (YF_DELETED | YF_NEW)))
			break;
	if (j + 1 >= map->nkids || !ed_first_on_line(r->ys, ed_key_start(r->ys, map->kids[j])))
		return ed_rerr(r, k->start,
			       "cannot remove '%.*s', the only key on "
			       "its line",
			       (int)k->tlen, k->text);
	ed_emit(r, ed_key_start(r->ys, k),
		ed_key_start(r->ys, map->kids[j]) - ed_key_start(r->ys, k), "", 0);
	return 0;
}

int ed_delete_item(struct rctx *r, struct yn *it)
{
	if (it->nrefs)
		return ed_rerr(r, it->start,
			       "refusing to remove an item whose anchor "
			       "'&%s' is used by aliases",
			       it->anchor);
	if (it->dash == HD_NOPOS || !ed_first_on_line(r->ys, it->dash))
		return ed_rerr(r, it->start,
			       "cannot remove this sequence item: its "
			       "'-' does not start a line");
	line_delete(r, it->dash, it);
	return 0;
}

/* Render new block children of @v (map pairs or seq items) at @col. */
void ed_put_children(struct rctx *r, struct hd_buf *b, const struct yn *v, size_t col,
		     const char *eol)
{
	size_t i;

	if (v->kind == YN_MAP) {
		for (i = 0; i + 1 < v->nkids; i += 2) {
			hd_buf_addspaces(b, col);
			ed_put_key(r, b, v->kids[i]);
			hd_buf_addc(b, ':');
			put_after_key(r, b, v->kids[i + 1], col, eol);
		}
		return;
	}
	for (i = 0; i < v->nkids; i++) {
		hd_buf_addspaces(b, col);
		hd_buf_addc(b, '-');
		hd_buf_addspaces(b, (size_t)r->ys->style.seq_gap);
		ed_put_block_item(r, b, v->kids[i], col + 1 + (size_t)r->ys->style.seq_gap, eol);
	}
}

/* A new node @nw replaces old node @old, which is parent->kids[i]. */
int ed_render_replace(struct rctx *r, struct yn *parent, size_t i, struct yn *nw)
{
	const struct ystream *ys = r->ys;
	struct yn *old = nw->replaced;
	struct hd_buf b = HD_BUF_INIT;
	bool block = nw->kind != YN_SCALAR && nw->nkids > 0;

	if (old->nrefs || (old->anchor && ye_shared_anchor(old)))
		return ed_rerr(r, old->start,
			       "refusing to replace a node whose anchor "
			       "'&%s' is used by aliases",
			       old->anchor);
	if (old->colonless) {
		ed_emit_colonless(r, parent->kids[i - 1], old, nw, NULL);
		goto out;
	}
	if (parent->style == YS_FLOW || ed_in_flow(parent)) {
		struct flay fl = ed_flow_layout(ys, parent);

		ed_put_flow_pretty(r, &b, nw, ed_line_indent(ys, old->start, fl.ic), &fl,
				   ed_eol_at(ys, old->start));
		ed_emit_value(r, old, old->start, &b);
		goto out;
	}
	if (parent->kind == YN_MAP) {
		struct yn *k = parent->kids[i - 1];
		const char *eol = ed_eol_at(ys, k->start);

		if (!block) {
			hd_buf_addc(&b, ' ');
			ed_put_flow(r, &b, nw);
			if (old->null_empty) {
				ed_emit(r, old->start, 0, b.data, b.len);
			} else {
				size_t a = ed_ws_before(ys, old->start);

				if (a < k->end)
					a = old->start;
				ed_emit(r, a, old->end - a, b.data, b.len);
			}
			goto out;
		}
		ed_put_children(r, &b, nw, ed_child_col(r, k, nw), eol);
		if (old->null_empty) {
			ed_emit_lines(r, ed_next_line(ys, old->start), &b, eol);
		} else if (ys_line_start(ys, old->start) == ys_line_start(ys, k->start)) {
			size_t a = ed_ws_before(ys, old->start);

			ed_emit(r, a, old->end - a, "", 0);
			ed_emit_lines(r, ed_next_line(ys, old->end), &b, eol);
		} else {
			size_t ls = ys_line_start(ys, old->start);
			size_t ip = ed_insert_point(ys, old);

			if (ip == HD_NOPOS) {
				ed_emit(r, ls, ys->len - ls, b.data, b.len - strlen(eol));
			} else {
				ed_emit(r, ls, ip - ls, b.data, b.len);
			}
		}
		goto out;
	}
	if (parent->kind == YN_SEQ) {
		const char *eol = ed_eol_at(ys, old->start);
		size_t col;

		if (old->null_empty) {
			col = ys_col(ys, old->start) + (size_t)ys->style.seq_gap;
			hd_buf_addspaces(&b, (size_t)ys->style.seq_gap);
		} else {
			col = ys_col(ys, old->start);
		}
		ed_put_block_item(r, &b, nw, col, eol);
		b.len -= strlen(eol); /* the old line keeps its own ending */
		if (old->null_empty)
			ed_emit(r, old->start, 0, b.data, b.len);
		else
			ed_emit(r, old->start, old->end - old->start, b.data, b.len);
		goto out;
	}
	hd_buf_release(&b);
	return ed_rerr(r, old->start, "cannot replace this node");
out:
	hd_buf_release(&b);
	return 0;
}

struct yn *ed_last_old(const struct yn *n)
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
static size_t before_last_pair(struct rctx *r, struct yn *n, size_t first_new, bool any_value)
{
	const struct ystream *ys = r->ys;
	struct yn *k, *v, **kids = n->kids;
	size_t i, j;

	if (first_new < 4 || (kids[first_new - 2]->flags & (YF_NEW | YF_DELETED)) ||
	    kids[first_new - 1]->replaced || (kids[first_new - 1]->flags & YF_NEW))
		return HD_NOPOS;
	k = kids[first_new - 2];
	v = kids[first_new - 1];
	if (!ed_first_on_line(ys, ed_key_start(ys, k)) ||
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
	return ys_line_start(ys, ed_key_start(ys, k));
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

int ed_render_insert_block(struct rctx *r, struct yn *n, size_t first_new)
{
	const struct ystream *ys = r->ys;
	struct yn *last = ed_last_old(n);
	struct hd_buf b = HD_BUF_INIT;
	const struct yn *lf, *sc;
	const char *eol;
	size_t i, col, ip;
	bool moved = false;

	if (!last)
		return ed_rerr(r, n->start, "cannot insert into an empty block collection");
	lf = last_leaf(n);
	if (eof_keep_scalar(ys, lf))
		return ed_rerr(r, lf->start,
			       "cannot add after "
			       "this block scalar: YAML parsers disagree on its value (it "
			       "ends the file on a blank line without a line break)");
	sc = eof_clip_scalar(ys, lf);
	ip = ed_insert_point(ys, last);
	if (ip != HD_NOPOS && lf) {
		/* a `? key` with no value ends where its key does (`|+` lines) */
		size_t ip2 = ed_insert_point(ys, lf);

		if (ip2 == HD_NOPOS || ip2 > ip)
			ip = ip2;
	}
	eol = ed_eol_at(ys, last->end);
	if (n->kind == YN_MAP &&
	    (ip == HD_NOPOS || (empty_block_scalar(lf) && ed_key_col(ys, n) > 0))) {
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
			ed_emit(r, ys->buf[h] == '+' ? h : sc->vstart + 1, 1, "-", 1);
		else
			ed_emit(r, sc->vstart + 1, 0, "-", 1);
		r->chomped = sc;
	}
	if (n->kind == YN_MAP) {
		col = ed_key_col(ys, n);
		for (i = first_new; i + 1 < n->nkids; i += 2) {
			if (!(n->kids[i]->flags & YF_NEW) || n->kids[i + 1]->replaced)
				continue;
			hd_buf_addspaces(&b, col);
			ed_put_key(r, &b, n->kids[i]);
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
			return ed_rerr(r, n->start, "cannot find the '-' of this sequence");
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
			ed_put_block_item(r, &b, n->kids[i], col + 1 + gap, eol);
		}
	}
	if (!moved && col > 0 && empty_block_scalar(lf)) {
		hd_buf_release(&b);
		return ed_rerr(r, lf->start,
			       "cannot add after this empty block "
			       "scalar: libfyaml would read the indented lines after it as "
			       "its content");
	}
	ed_emit_lines(r, ip, &b, eol);
	hd_buf_release(&b);
	return 0;
}

/* A block collection lost all its entries: it becomes `{}` or `[]`. */
int ed_render_emptied(struct rctx *r, struct yn *n)
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
		p = ed_ws_before(ys, p);
		if (p <= n->start || ys_line_start(ys, p) != ys_line_start(ys, n->start))
			return ed_rerr(r, n->start, "refusing to leave an empty block collection");
		ed_emit(r, p, n->end - p, txt, 3);
		return 0;
	}
	if (!k && n->parent && n->parent->kind == YN_SEQ && n->dash != HD_NOPOS) {
		/* an item `- a: 1` becomes `- {}` */
		if (ys_line_start(ys, n->start) == ys_line_start(ys, n->dash)) {
			ed_emit(r, n->start, n->end - n->start, txt + 1, 2);
			return 0;
		}
		ed_emit(r, n->dash + 1, 0, txt, 3);
		line_delete(r, n->start, n);
		return 0;
	}
	if (!k)
		return ed_rerr(r, n->start, "refusing to leave an empty block collection");
	for (p = k->end; p < n->start && ys->buf[p] != ':'; p++)
		if (ys->buf[p] == '#') /* `? key # a: comment` */
			while (p + 1 < n->start && ys->buf[p + 1] != '\n')
				p++;
	if (p >= n->start)
		return ed_rerr(r, n->start, "refusing to leave an empty block collection");
	if (ys_line_start(ys, n->start) == ys_line_start(ys, p)) {
		/* on the line of its ':' (of its key, or of a `? key`'s ':') */
		p++;
		ed_emit(r, p, n->end - p, txt, 3);
		return 0;
	}
	p++;
	/* keep a comment on the key line: replace only the collection lines */
	ed_emit(r, p, 0, txt, 3);
	line_delete(r, n->start, n);
	return 0;
}
