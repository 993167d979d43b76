/* edit.c - overlay operations on the span tree: edits flag nodes, rendering is render*.c's */
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

void ye_map_add(struct ystream *ys, struct yn *map, const char *key, struct yn *val)
{
	yn_add_kid(ys->arena, map, ye_scalar(ys, key, YT_STR));
	yn_add_kid(ys->arena, map, val);
	dirty(map);
}

static bool is_null_node(const struct yn *v)
{
	return v->kind == YN_SCALAR && !v->tag && !v->anchor && hd_node_type(v) == YT_NULL;
}

static bool is_empty_flow(const struct yn *v)
{
	return (v->kind == YN_MAP || v->kind == YN_SEQ) && !(v->flags & YF_NEW) &&
	       v->style == YS_FLOW && v->nkids == 0 && !v->anchor && !v->tag;
}

struct yn *ye_map_ensure(struct ystream *ys, struct yn *map, const char *key, enum yn_kind kind)
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

void ye_set_scalar(struct ystream *ys, struct yn *n, const char *text, enum yn_type t)
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

/* Column of block map key @k: that of its '?' when it is written `? key`. */

/* ---- splices of the YAML input (the byte work is splice.c's) --------------- */

int splices_apply_range(const struct ystream *ys, struct splice *v, size_t n, size_t b0, size_t b1,
			struct hd_buf *out, struct hd_err *err)
{
	size_t at = 0;

	if (splices_apply_bytes(ys->buf, v, n, b0, b1, out, err, &at) < 0) {
		ys_pos(ys, at, &err->line, &err->col);
		return -1;
	}
	return 0;
}

int splices_apply(const struct ystream *ys, struct splices *sp, struct hd_buf *out,
		  struct hd_err *err)
{
	hd_buf_reset(out);
	return splices_apply_range(ys, sp->v, sp->n, 0, ys->len, out, err);
}

struct yn *ye_value_parse(struct ystream *ys, const char *text, struct hd_err *err)
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
