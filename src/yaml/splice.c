/* splice.c - apply byte edits to an input in one pass (no YAML here) */
#include "splice.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct splice *splices_push(struct splices *sp)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 16;
		sp->v = hd_xrealloc(sp->v, sp->cap * sizeof(*sp->v));
	}
	memset(&sp->v[sp->n], 0, sizeof(sp->v[sp->n]));
	return &sp->v[sp->n++];
}

void splices_release(struct splices *sp)
{
	free(sp->v);
	sp->v = NULL;
	sp->n = sp->cap = 0;
}

static int splice_cmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	/* at one offset: pure insertions first, then in creation order */
	if ((x->len == 0) != (y->len == 0))
		return x->len == 0 ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort @v and check that no two edits overlap. */
static int sort_check(struct splice *v, size_t n, struct hd_err *err, size_t *at)
{
	size_t i, ds = 0, de = 0;
	bool moved = false;

	if (n)
		qsort(v, n, sizeof(*v), splice_cmp);
	/* text added inside removed bytes (a removal grown over the lines
	 * around it) lands where the removal ends: the same output */
	for (i = 0; i < n; i++) {
		if (v[i].len && !v[i].tlen) {
			if (v[i].off >= de)
				ds = v[i].off;
			if (v[i].off + v[i].len > de)
				de = v[i].off + v[i].len;
		} else if (!v[i].len && v[i].off > ds && v[i].off < de) {
			v[i].off = de;
			moved = true;
		}
	}
	if (moved)
		qsort(v, n, sizeof(*v), splice_cmp);
	for (i = 1; i < n; i++) {
		const struct splice *a = &v[i - 1], *b = &v[i];

		if (a->off + a->len > b->off || (a->off == b->off && a->len && b->len)) {
			*at = b->off;
			snprintf(err->msg, sizeof(err->msg),
				 "internal error: conflicting edits at byte %zu", b->off);
			return -1;
		}
	}
	return 0;
}

int splices_apply_bytes(const char *buf, struct splice *v, size_t n, size_t b0, size_t b1,
			struct hd_buf *out, struct hd_err *err, size_t *at)
{
	size_t i, prev = b0;

	if (sort_check(v, n, err, at) < 0)
		return -1;
	if (!out->cap) { /* the exact size, once: no growing copies */
		size_t need = b1 > b0 ? b1 - b0 : 0;

		for (i = 0; i < n; i++)
			need = need + v[i].tlen - (v[i].len < need ? v[i].len : need);
		hd_buf_reserve_big(out, need);
	}
	for (i = 0; i < n; i++) {
		if (v[i].off < b0 || v[i].off + v[i].len > b1) {
			*at = v[i].off;
			snprintf(err->msg, sizeof(err->msg),
				 "internal error: edit outside its document at byte %zu", v[i].off);
			return -1;
		}
		hd_buf_add(out, buf + prev, v[i].off - prev);
		hd_buf_add(out, v[i].text, v[i].tlen);
		prev = v[i].off + v[i].len;
	}
	hd_buf_add(out, buf + prev, b1 - prev);
	return 0;
}
