/* style.c - infer a file's style (indent, sequence indent, dash gap, quotes, CRLF) from what the builder saw */
#include "ytree_int.h"

#include <libfyaml.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void yt_note_style(struct builder *b, struct yn *n)
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

void yt_note_gap(struct builder *b, struct yn *item)
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

void yt_infer_style(struct builder *b)
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
bool yt_mostly_crlf(const struct ystream *ys)
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
