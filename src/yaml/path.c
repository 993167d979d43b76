/* path.c - path expressions and set/delete on the overlay */
#include "path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "scalar.h"

static int perr(struct hd_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int perr(struct hd_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int hd_path_parse(struct hd_arena *a, const char *text, struct hd_path *p, struct hd_err *err)
{
	const char *s = text;
	size_t cap = 8;

	p->text = text;
	p->n = 0;
	p->segs = hd_arena_alloc(a, cap * sizeof(*p->segs));
	if (!strcmp(s, ".") || !*s)
		return 0;
	while (*s) {
		struct hd_seg seg;

		memset(&seg, 0, sizeof(seg));
		if (*s == '.' && s[1] == '[') {
			s++;
			continue;
		}
		if (*s == '.') {
			s++;
			if (*s == '"' || *s == '\'') {
				char q = *s++;
				const char *e = strchr(s, q);

				if (!e)
					return perr(err, "unterminated quote in path '%s'", text);
				seg.kind = SEG_KEY;
				seg.key = hd_arena_strndup(a, s, (size_t)(e - s));
				s = e + 1;
			} else {
				size_t l = strcspn(s, ".[");

				if (!l)
					return perr(err, "empty key in path '%s'", text);
				seg.kind = SEG_KEY;
				seg.key = hd_arena_strndup(a, s, l);
				s += l;
			}
		} else if (*s == '[') {
			s++;
			if (s[0] == '*' && s[1] == ']') {
				seg.kind = SEG_ALL;
				s += 2;
			} else if (s[0] == ']') {
				seg.kind = SEG_ALL;
				s += 1;
			} else if (*s == '"' || *s == '\'') {
				char q = *s++;
				const char *e = strchr(s, q);

				if (!e || e[1] != ']')
					return perr(err, "bad quoted key in path '%s'", text);
				seg.kind = SEG_KEY;
				seg.key = hd_arena_strndup(a, s, (size_t)(e - s));
				s = e + 2;
			} else {
				char *end;
				unsigned long v = strtoul(s, &end, 10);

				if (end == s || *end != ']')
					return perr(err, "bad index in path '%s'", text);
				seg.kind = SEG_INDEX;
				seg.index = v;
				s = end + 1;
			}
		} else {
			return perr(err, "path '%s' must start with '.' or '['", text);
		}
		if (p->n == cap) {
			struct hd_seg *ns = hd_arena_alloc(a, 2 * cap * sizeof(*ns));

			memcpy(ns, p->segs, cap * sizeof(*ns));
			p->segs = ns;
			cap *= 2;
		}
		p->segs[p->n++] = seg;
	}
	return 0;
}

static struct yn *nth_live(const struct yn *seq, size_t idx)
{
	size_t i, c = 0;

	for (i = 0; i < seq->nkids; i++) {
		if (seq->kids[i]->flags & YF_DELETED)
			continue;
		if (c++ == idx)
			return seq->kids[i];
	}
	return NULL;
}

/* [*]: the next live value of a mapping or item of a sequence after *pos
 * (a count of members, from 0), or NULL at the end or for a scalar. */
static struct yn *next_member(const struct yn *n, size_t *pos)
{
	bool map = n->kind == YN_MAP;

	if (!map && n->kind != YN_SEQ)
		return NULL;
	for (;;) {
		size_t idx = map ? 2 * *pos + 1 : *pos;

		if (idx >= n->nkids)
			return NULL;
		(*pos)++;
		if (!(n->kids[idx]->flags & YF_DELETED))
			return n->kids[idx];
	}
}

static bool exists_at(const struct yn *n, const struct hd_path *p, size_t si)
{
	const struct yn *k;
	size_t i = 0;

	if (!n)
		return false;
	if (si == p->n)
		return true;
	n = yn_deref(n);
	switch (p->segs[si].kind) {
	case SEG_KEY:
		return exists_at(yn_map_get(n, p->segs[si].key), p, si + 1);
	case SEG_INDEX:
		return n->kind == YN_SEQ && exists_at(nth_live(n, p->segs[si].index), p, si + 1);
	case SEG_ALL:
		while ((k = next_member(n, &i)))
			if (exists_at(k, p, si + 1))
				return true;
		return false;
	}
	return false;
}

bool hd_path_exists(const struct yn *root, const struct hd_path *p)
{
	return exists_at(root, p, 0);
}

bool hd_node_equal(const struct yn *a, const struct yn *b)
{
	size_t i = 0, j = 0;

	a = yn_deref(a);
	b = yn_deref(b);
	if (a->kind != b->kind)
		return false;
	if (a->kind == YN_SCALAR)
		return hd_node_type(a) == hd_node_type(b) && a->tlen == b->tlen &&
		       !memcmp(a->text, b->text, a->tlen);
	for (;;) {
		while (i < a->nkids && (a->kids[i]->flags & YF_DELETED))
			i++;
		while (j < b->nkids && (b->kids[j]->flags & YF_DELETED))
			j++;
		if (i == a->nkids || j == b->nkids)
			return i == a->nkids && j == b->nkids;
		if (!hd_node_equal(a->kids[i], b->kids[j]))
			return false;
		i++, j++;
	}
}

static int through_alias(const struct ystream *ys, const struct yn *n, struct hd_err *err)
{
	ys_pos(ys, n->start, &err->line, &err->col);
	return perr(err, "path goes through alias '*%s'; edit its anchor instead", n->text);
}

int hd_merge_into(struct ystream *ys, struct yn *dst, const struct yn *src, struct hd_err *err)
{
	size_t i;

	if (dst->kind == YN_ALIAS)
		return through_alias(ys, dst, err);
	if (hd_node_equal(dst, src))
		return 0;
	if (dst->kind == YN_SCALAR && src->kind == YN_SCALAR) {
		ye_set_scalar(ys, dst, src->text, hd_node_type(src));
		return 0;
	}
	if (dst->kind == YN_MAP && src->kind == YN_MAP && (ye_count(dst) || ye_count(src))) {
		/* drop keys src lacks, merge the shared ones, add the rest */
		for (i = 0; i + 1 < dst->nkids; i += 2) {
			struct yn *k = dst->kids[i];

			if (k->flags & YF_DELETED)
				continue;
			if (k->kind == YN_SCALAR && !yn_map_get(src, k->text))
				ye_remove(k);
		}
		for (i = 0; i + 1 < src->nkids; i += 2) {
			const struct yn *k = src->kids[i];
			struct yn *cur = yn_map_get(dst, k->text);

			if (cur) {
				if (hd_merge_into(ys, cur, src->kids[i + 1], err) < 0)
					return -1;
			} else {
				ye_map_add(ys, dst, k->text, ye_clone(ys, src->kids[i + 1]));
			}
		}
		return 0;
	}
	if (dst->kind == YN_SEQ && src->kind == YN_SEQ && ye_count(dst)) {
		size_t nd = ye_count(dst), ns = ye_count(src), pre = 0;

		while (pre < nd && pre < ns &&
		       hd_node_equal(nth_live(dst, pre), nth_live(src, pre)))
			pre++;
		if (pre == nd) { /* src extends dst: append */
			for (i = pre; i < ns; i++)
				ye_seq_append(ys, dst, ye_clone(ys, nth_live(src, i)));
			return 0;
		}
		if (nd == ns) { /* same length: edit items in place */
			for (i = pre; i < nd; i++)
				if (hd_merge_into(ys, nth_live(dst, i), nth_live(src, i), err) < 0)
					return -1;
			return 0;
		}
		if (ns < nd) { /* src is dst minus some items? */
			struct yn **drop = hd_xmalloc(nd * sizeof(*drop));
			size_t si = 0, nd2 = 0, di;

			for (di = 0; di < nd; di++) {
				struct yn *it = nth_live(dst, di);

				if (si < ns && hd_node_equal(it, nth_live(src, si)))
					si++;
				else
					drop[nd2++] = it;
			}
			if (si == ns && ns > 0) {
				for (di = 0; di < nd2; di++)
					ye_remove(drop[di]);
				free(drop);
				return 0;
			}
			free(drop);
		}
	}
	if (!dst->parent) {
		ys_pos(ys, dst->start, &err->line, &err->col);
		return perr(err, "cannot replace a document's root node");
	}
	ye_replace(dst, ye_clone(ys, src));
	return 0;
}

static int set_at(struct ystream *ys, struct yn *n, const struct hd_path *p, size_t si,
		  const struct yn *val, struct hd_err *err)
{
	const struct hd_seg *sg = &p->segs[si];
	bool last = si + 1 == p->n;
	struct yn *c;
	size_t i = 0;
	struct yn *k;

	if (n->kind == YN_ALIAS)
		return through_alias(ys, n, err);
	switch (sg->kind) {
	case SEG_KEY:
		if (n->kind != YN_MAP) {
			if (n->kind == YN_SCALAR && hd_node_type(n) == YT_NULL && n->parent) {
				struct yn *m = ye_map(ys);

				ye_replace(n, m);
				n = m;
			} else {
				if (n->start != HD_NOPOS)
					ys_pos(ys, n->start, &err->line, &err->col);
				return perr(err, "cannot set '%s': not a mapping at '%s'", p->text,
					    sg->key);
			}
		}
		c = yn_map_get(n, sg->key);
		if (!c) {
			if (last) {
				ye_map_add(ys, n, sg->key, ye_clone(ys, val));
				return 0;
			}
			c = p->segs[si + 1].kind == SEG_KEY ? ye_map(ys) : ye_seq(ys);
			ye_map_add(ys, n, sg->key, c);
		}
		break;
	case SEG_INDEX:
		if (n->kind != YN_SEQ) {
			if (n->start != HD_NOPOS)
				ys_pos(ys, n->start, &err->line, &err->col);
			return perr(err, "cannot set '%s': not a sequence", p->text);
		}
		c = nth_live(n, sg->index);
		if (!c) {
			if (sg->index != ye_count(n))
				return perr(err, "cannot set '%s': index %zu out of range", p->text,
					    sg->index);
			if (last) {
				ye_seq_append(ys, n, ye_clone(ys, val));
				return 0;
			}
			c = p->segs[si + 1].kind == SEG_KEY ? ye_map(ys) : ye_seq(ys);
			ye_seq_append(ys, n, c);
		}
		break;
	case SEG_ALL:
	default:
		while ((k = next_member(n, &i))) {
			if (last) {
				if (hd_merge_into(ys, k, val, err) < 0)
					return -1;
			} else if (set_at(ys, k, p, si + 1, val, err) < 0) {
				return -1;
			}
		}
		return 0;
	}
	if (last)
		return hd_merge_into(ys, c, val, err);
	return set_at(ys, c, p, si + 1, val, err);
}

int hd_path_set(struct ystream *ys, struct yn *root, const struct hd_path *p, const struct yn *val,
		struct hd_err *err)
{
	if (!root)
		return perr(err, "document is empty");
	if (p->n == 0)
		return hd_merge_into(ys, root, val, err);
	return set_at(ys, root, p, 0, val, err);
}

static int del_at(struct ystream *ys, struct yn *n, const struct hd_path *p, size_t si,
		  struct hd_err *err)
{
	const struct hd_seg *sg = &p->segs[si];
	bool last = si + 1 == p->n;
	struct yn *c = NULL;
	size_t i = 0;
	struct yn *k;

	if (n->kind == YN_ALIAS)
		return through_alias(ys, n, err);
	switch (sg->kind) {
	case SEG_KEY:
		c = yn_map_get(n, sg->key);
		break;
	case SEG_INDEX:
		c = n->kind == YN_SEQ ? nth_live(n, sg->index) : NULL;
		break;
	case SEG_ALL:
		while ((k = next_member(n, &i))) {
			size_t before = n->nkids;

			if (last)
				ye_remove(k);
			else if (del_at(ys, k, p, si + 1, err) < 0)
				return -1;
			if (n->nkids < before)
				i--; /* a new member was dropped, not marked */
		}
		return 0;
	}
	if (!c)
		return 0;
	if (last) {
		ye_remove(c);
		return 0;
	}
	return del_at(ys, c, p, si + 1, err);
}

int hd_path_delete(struct ystream *ys, struct yn *root, const struct hd_path *p, struct hd_err *err)
{
	if (!root || p->n == 0)
		return 0;
	return del_at(ys, root, p, 0, err);
}
