/* render_flow.c - edits of flow collections: entries added and removed together, pretty-printed layouts, flow turned into blocks */
#include "edit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalar.h"

void ed_put_flow(struct rctx *r, struct hd_buf *b, const struct yn *n)
{
	size_t i;

	if (n->kind == YN_SCALAR) {
		ed_put_scalar(r, b, n);
		return;
	}
	hd_buf_addc(b, n->kind == YN_MAP ? '{' : '[');
	for (i = 0; i < n->nkids; i++) {
		if (n->kind == YN_MAP) {
			if (i)
				hd_buf_adds(b, ", ");
			ed_put_key(r, b, n->kids[i]);
			hd_buf_adds(b, ": ");
			ed_put_flow(r, b, n->kids[++i]);
		} else {
			if (i)
				hd_buf_adds(b, ", ");
			ed_put_flow(r, b, n->kids[i]);
		}
	}
	hd_buf_addc(b, n->kind == YN_MAP ? '}' : ']');
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
			c = ed_comma_after(ys, n, v->end);
			if (c == HD_NOPOS || c + 1 >= ys->len || ys->buf[c + 1] == '\n' ||
			    ys->buf[c + 1] == '\r')
				continue;
			return ys->buf[c + 1] == ' ' ? ", " : ",";
		}
	}
	return strcmp(colon, ":") ? ", " : ",";
}

/* The layout of old flow collection @n, which has old entries. */
struct flay ed_flow_layout(const struct ystream *ys, const struct yn *n)
{
	struct flay fl = { false, ' ', 0, ": ", ", " };
	const struct yn *e = ed_first_old(n);
	size_t close = n->end - 1, ind, ec;

	fl.colon = flow_colon(ys, n);
	fl.comma = flow_comma(ys, n);
	if (!e || (n->flags & YF_NEW) || n->style != YS_FLOW ||
	    !memchr(ys->buf + n->vstart, '\n', close - n->vstart))
		return fl;
	if (e->start > 0 && ys->buf[e->start - 1] == '\t')
		fl.ic = '\t';
	if (e->explicit_key || !ed_first_after(ys, e->start, fl.ic) ||
	    !ed_first_after(ys, close, fl.ic))
		return fl;
	ind = ed_line_indent(ys, n->vstart, fl.ic);
	ec = e->start - ys_line_start(ys, e->start);
	if (ec <= ind || close - ys_line_start(ys, close) != ind)
		return fl;
	fl.pretty = true;
	fl.unit = ec - ind;
	return fl;
}

/* New node @v written in layout @fl (its first line at column @col), or
 * on one line with the file's blanks around ':' and ','. */
void ed_put_flow_pretty(struct rctx *r, struct hd_buf *b, const struct yn *v, size_t col,
			const struct flay *fl, const char *eol)
{
	size_t i, step = v->kind == YN_MAP ? 2 : 1;

	if (v->kind == YN_SCALAR || v->kind == YN_ALIAS || !v->nkids) {
		ed_put_flow(r, b, v);
		return;
	}
	hd_buf_addc(b, v->kind == YN_MAP ? '{' : '[');
	for (i = 0; i < v->nkids; i += step) {
		if (!fl->pretty) { /* on one line */
			if (i)
				hd_buf_adds(b, fl->comma);
		} else {
			hd_buf_adds(b, eol);
			ed_put_indent(b, col + fl->unit, fl->ic);
		}
		if (v->kind == YN_MAP) {
			ed_put_key(r, b, v->kids[i]);
			hd_buf_adds(b, fl->colon);
		}
		ed_put_flow_pretty(r, b, v->kids[i + step - 1], col + fl->unit, fl, eol);
		if (fl->pretty && i + step < v->nkids)
			hd_buf_addc(b, ',');
	}
	if (fl->pretty) {
		hd_buf_adds(b, eol);
		ed_put_indent(b, col, fl->ic);
	}
	hd_buf_addc(b, v->kind == YN_MAP ? '}' : ']');
}

/* An empty scalar written as its properties only (`!tag`, `&a`): a ',' or
 * bracket right after it would join them. */
static bool props_only(const struct yn *n)
{
	return n && n->kind == YN_SCALAR && !n->tlen && !n->null_empty && (n->tag || n->anchor) &&
	       n->style == YS_PLAIN;
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
size_t ed_comma_after(const struct ystream *ys, const struct yn *n, size_t p)
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
static struct span entry_region(const struct ystream *ys, const struct yn *n, size_t s, size_t e)
{
	const char *b = ys->buf;
	size_t close = n->end - 1, p = e, c, q;
	struct span x;

	while (p < close && is_sp(b[p]))
		p++;
	c = p < close && b[p] == ',' ? p : HD_NOPOS;
	/* (blanks before it may be tabs: JSON indented with them) */
	if ((ed_first_on_line(ys, s) || ed_first_after(ys, s, '\t')) &&
	    (c != HD_NOPOS || ed_comma_after(ys, n, e) == HD_NOPOS)) {
		/* the entry owns its lines: remove them whole */
		q = line_rest(ys, c != HD_NOPOS ? c + 1 : p, close);
		if (q != HD_NOPOS) {
			x.s = ys_line_start(ys, s);
			x.e = q;
			return x;
		}
	}
	c = ed_comma_after(ys, n, e);
	if (c != HD_NOPOS) {
		p = c + 1;
		while (p < close && is_sp(b[p]))
			p++;
		x.s = s;
		x.e = p;
		if (p < close && (b[p] == '\n' || b[p] == '\r' || b[p] == '#')) {
			/* "a, b,<eol>": keep a's comma and the line ending */
			x.s = ed_ws_before(ys, s);
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
static void entry_bounds(const struct ystream *ys, const struct yn *n, size_t i, size_t *s,
			 size_t *e)
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
 * Long (about 160 lines) on purpose: removals and insertions of one flow
 * collection are planned in one pass over its entries, because where a
 * comma or line goes depends on both (an insertion takes the place of the
 * first removed entry; a comma left trailing by a removal goes); split in
 * two, the plan would travel between them in a struct of a dozen cursors.
 *
 * Deleted entries and new ones of a flow collection that had entries.
 * Deleted entries go with their lines when they own them, else with one
 * adjacent comma; overlapping removals merge.  New entries follow the last
 * kept one (or take the place of the first removed one), one per line in
 * a multi-line collection; a trailing comma stays a trailing comma.
 */
int ed_render_flow_edits(struct rctx *r, struct yn *n, size_t first_new)
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
	struct flay fl = ed_flow_layout(ys, n);

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
	trailing = ed_comma_after(ys, n, last_e) != HD_NOPOS;
	c = lk_e != HD_NOPOS ? ed_comma_after(ys, n, lk_e) : HD_NOPOS;
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
		ed_emit(r, n->vstart + 1, close - n->vstart - 1, "", 0);
		goto out;
	}
	for (i = 0; i < nm; i++)
		ed_emit(r, m[i].s, m[i].e - m[i].s, "", 0);
	if (first_new == HD_NOPOS)
		goto out;
	eol = ed_eol_at(ys, lk_s != HD_NOPOS ? lk_s : first_s);
	col = ys_col(ys, lk_s != HD_NOPOS ? lk_s : first_s);
	if (lk_s == HD_NOPOS && whole_lines && multi) {
		/* every old entry went with its lines: new lines in their place */
		for (i = first_new; i < n->nkids; i += step) {
			if (!(n->kids[i]->flags & YF_NEW) ||
			    (n->kind == YN_SEQ && n->kids[i]->replaced))
				continue;
			ed_put_indent(&b, col, fl.pretty ? fl.ic : ' ');
			ed_put_entry(r, &b, n, i, col, &fl, eol);
			if (i + step < n->nkids || trailing)
				hd_buf_addc(&b, ',');
			hd_buf_adds(&b, eol);
		}
		ed_emit(r, m[0].s, 0, b.data, b.len);
		goto out;
	}
	for (i = first_new; i < n->nkids; i += step) {
		if (!(n->kids[i]->flags & YF_NEW) || (n->kind == YN_SEQ && n->kids[i]->replaced))
			continue;
		if (b.len || (lk_s != HD_NOPOS && c == HD_NOPOS))
			hd_buf_addc(&b, ',');
		if (multi && (b.len || lk_s != HD_NOPOS)) {
			hd_buf_adds(&b, eol);
			ed_put_indent(&b, col, fl.pretty ? fl.ic : ' ');
		} else if ((b.len || lk_s != HD_NOPOS) && fl.comma[1] == ' ') {
			hd_buf_addc(&b, ' ');
		}
		ed_put_entry(r, &b, n, i, col, &fl, eol);
	}
	if (lk_s == HD_NOPOS) {
		/* every old entry removed: the new ones where the first was */
		if (trailing)
			hd_buf_addc(&b, ',');
		ed_emit(r, m[0].s, 0, b.data, b.len);
		goto out;
	}
	if (c != HD_NOPOS) {
		if (trailing)
			hd_buf_addc(&b, ',');
		ip = c + 1;
		if (c == lk_e && props_only(lk_v))
			ed_emit(r, c, 0, " ", 1); /* `! ,`: the tag is `!` */
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
					ed_emit(r, ip, 0, gap ? " ," : ",", gap ? 2 : 1);
					memmove(b.data, b.data + 1, --b.len);
				}
				ip = q;
				gap = false;
			}
		}
	}
	if (gap && b.len && b.data[0] == ',')
		ed_emit(r, ip, 0, " ", 1);
	ed_emit(r, ip, 0, b.data, b.len);
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

int ed_render_insert_flow(struct rctx *r, struct yn *n, size_t first_new)
{
	const struct ystream *ys = r->ys;
	struct hd_buf b = HD_BUF_INIT;
	size_t i, step = n->kind == YN_MAP ? 2 : 1, ind = 0;
	const char *eol = ed_eol_at(ys, n->vstart);
	struct flay fl = { false, ' ', 0, ": ", ", " };

	if (ed_last_old(n))
		return ed_render_flow_edits(r, n, first_new);
	/* {} or []: pretty-printed as the collection holding it is */
	if (n->parent && n->parent->style == YS_FLOW && !(n->parent->flags & YF_NEW) &&
	    blank_inside(ys, n))
		fl = ed_flow_layout(ys, n->parent);
	fl.colon = flow_colon(ys, n->parent);
	fl.comma = flow_comma(ys, n->parent);
	if (fl.pretty) {
		ind = ed_line_indent(ys, n->vstart, fl.ic);
		for (i = first_new; i < n->nkids; i += step) {
			hd_buf_adds(&b, eol);
			ed_put_indent(&b, ind + fl.unit, fl.ic);
			ed_put_entry(r, &b, n, i, ind + fl.unit, &fl, eol);
			if (i + step < n->nkids)
				hd_buf_addc(&b, ',');
		}
		hd_buf_adds(&b, eol);
		ed_put_indent(&b, ind, fl.ic);
		ed_emit(r, n->vstart + 1, n->end - 1 - (n->vstart + 1), b.data, b.len);
		hd_buf_release(&b);
		return 0;
	}
	for (i = first_new; i < n->nkids; i += step) {
		if (i > first_new)
			hd_buf_adds(&b, fl.comma);
		ed_put_entry(r, &b, n, i, 0, &fl, eol);
	}
	ed_emit(r, n->end - 1, 0, b.data, b.len);
	hd_buf_release(&b);
	return 0;
}

/* An old, now empty flow collection in a block map gains block children. */
int ed_render_flow_to_block(struct rctx *r, struct yn *n)
{
	const struct ystream *ys = r->ys;
	const struct yn *k = yn_key_of(n);
	struct hd_buf b = HD_BUF_INIT;
	struct yn tmp = *n;
	size_t a, i, j = 0;
	const char *eol;

	if (!k)
		return -1;
	eol = ed_eol_at(ys, k->start);
	/* children: the new ones only (an empty flow collection has no old) */
	tmp.kids = hd_arena_alloc(ys->arena, (n->nkids + 1) * sizeof(*tmp.kids));
	for (i = 0; i < n->nkids; i++)
		tmp.kids[j++] = n->kids[i];
	tmp.nkids = j;
	ed_put_children(r, &b, &tmp, ed_child_col(r, k, n), eol);
	a = ed_ws_before(ys, n->start);
	ed_emit(r, a, n->end - a, "", 0);
	ed_emit_lines(r, ed_next_line(ys, n->end), &b, eol);
	hd_buf_release(&b);
	return 0;
}

/*
 * A one-line flow collection that loses entries: rewrite its inside from
 * the kept entries' own bytes plus the new ones, joined by ", ".  Only when
 * no kept entry has edits of its own (their bytes are final).
 */
bool ed_flow_rebuild(struct rctx *r, struct yn *n)
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
		if (!(k->flags & YF_NEW) &&
		    ((v->flags & YF_DIRTY) || (k->flags & YF_DIRTY) || (v->flags & YF_NEW)))
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
			ed_put_key(r, &b, k);
			hd_buf_adds(&b, ": ");
			ed_put_flow(r, &b, v);
		} else {
			ed_put_flow(r, &b, k);
		}
	}
	if (pad && !first)
		hd_buf_addc(&b, ' ');
	ed_emit(r, n->vstart + 1, close - n->vstart - 1, b.data ? b.data : "", b.len);
	hd_buf_release(&b);
	return true;
}
