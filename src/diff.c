/* diff.c - unified diff from the splice list (no general diff algorithm) */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

struct lines {
	const char *buf;
	size_t len;
	size_t *start; /* start offsets; start[n] == len sentinel */
	size_t n;      /* number of lines (a last line without EOL counts) */
	const struct hd_maskset *mask; /* what is never printed */
	bool old;      /* lines of the input (the mask's spans apply) */
};

static void lines_init(struct lines *L, const char *buf, size_t len)
{
	size_t cap = 256, i = 0;
	const char *p = buf, *end = buf + len;

	L->buf = buf;
	L->len = len;
	L->start = hd_xmalloc(cap * sizeof(size_t));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (i + 2 >= cap) {
			cap *= 2;
			L->start = hd_xrealloc(L->start, cap * sizeof(size_t));
		}
		L->start[i++] = (size_t)(p - buf);
		p = nl ? nl + 1 : end;
	}
	L->n = i;
	L->start[i] = len;
	L->mask = NULL;
	L->old = false;
}

/* Index of the line holding byte @off (== n for EOF after a final EOL). */
static size_t line_of(const struct lines *L, size_t off)
{
	size_t lo = 0, hi = L->n;

	if (off >= L->len)
		return L->n ? (L->buf[L->len - 1] == '\n' ? L->n : L->n - 1) : 0;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (L->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static bool line_eq(const struct lines *A, size_t i, const struct lines *B,
		    size_t j)
{
	size_t la = A->start[i + 1] - A->start[i];
	size_t lb = B->start[j + 1] - B->start[j];

	return la == lb && !memcmp(A->buf + A->start[i], B->buf + B->start[j], la);
}

struct region {
	size_t a, b; /* old lines [a,b) */
	size_t c, d; /* new lines [c,d) */
};

/*
 * One line with its tag.  Masking goes line by line and never takes a line
 * feed: a masked value written over several lines stays as many lines, so
 * the hunk's line counts hold and the diff stays a well-formed patch.
 */
static void put_line(struct hd_buf *out, char tag, const struct lines *L,
		     size_t i)
{
	size_t s = L->start[i], e = L->start[i + 1], ce = e;

	hd_buf_addc(out, tag);
	if (ce > s && L->buf[ce - 1] == '\n')
		ce--;
	hd_mask_append(out, L->mask, L->buf + s, ce - s, L->old ? s : HD_NOPOS);
	hd_buf_add(out, L->buf + ce, e - ce);
	if (e == s || L->buf[e - 1] != '\n')
		hd_buf_adds(out, "\n\\ No newline at end of file\n");
}

/*
 * Print one changed region as a minimal line diff (LCS), so lines that
 * merely sit between two edits show as context, not as removed and added.
 */
static void put_region(struct hd_buf *out, const struct lines *A,
		       const struct lines *B, const struct region *r)
{
	size_t n = r->b - r->a, m = r->d - r->c, i, j;
	unsigned *t;

	if (!n || !m || n * m > 4000000) {
		for (i = r->a; i < r->b; i++)
			put_line(out, '-', A, i);
		for (j = r->c; j < r->d; j++)
			put_line(out, '+', B, j);
		return;
	}
	/* t[i][j] = LCS length of A[a+i..b) and B[c+j..d) */
	t = hd_xmalloc((n + 1) * (m + 1) * sizeof(*t));
#define T(x, y) t[(x) * (m + 1) + (y)]
	for (i = n + 1; i-- > 0;)
		for (j = m + 1; j-- > 0;) {
			if (i == n || j == m)
				T(i, j) = 0;
			else if (line_eq(A, r->a + i, B, r->c + j))
				T(i, j) = T(i + 1, j + 1) + 1;
			else
				T(i, j) = T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
		}
	i = j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && line_eq(A, r->a + i, B, r->c + j) &&
		    T(i, j) == T(i + 1, j + 1) + 1) {
			put_line(out, ' ', A, r->a + i);
			i++, j++;
		} else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) {
			put_line(out, '-', A, r->a + i);
			i++;
		} else {
			put_line(out, '+', B, r->c + j);
			j++;
		}
	}
#undef T
	free(t);
}

static void put_range(struct hd_buf *out, char c, size_t start, size_t count)
{
	if (count == 1)
		hd_buf_printf(out, " %c%zu", c, start + 1);
	else
		hd_buf_printf(out, " %c%zu,%zu", c, count ? start + 1 : start, count);
}

void hd_diff(struct hd_buf *out, const char *path, const char *old,
	     size_t oldlen, const char *new, size_t newlen,
	     const struct splices *sp, const struct hd_maskset *mask)
{
	hd_diff_stream(out, path, old, oldlen, new, newlen, sp, mask, NULL, NULL);
}

void hd_diff_stream(struct hd_buf *out, const char *path, const char *old,
		    size_t oldlen, const char *new, size_t newlen,
		    const struct splices *sp, const struct hd_maskset *mask,
		    void (*flush)(void *ud, struct hd_buf *b), void *ud)
{
	struct lines A, B;
	struct region *rg;
	size_t nr = 0, i, delta_sign_pos = 0, delta_sign_neg = 0;

	if (oldlen == newlen && !memcmp(old, new, oldlen))
		return;
	lines_init(&A, old, oldlen);
	lines_init(&B, new, newlen);
	A.mask = B.mask = mask;
	A.old = true;
	rg = hd_xmalloc((sp->n + 1) * sizeof(*rg));
	/* splice -> line regions, merged when they share lines */
	for (i = 0; i < sp->n; i++) {
		const struct splice *s = &sp->v[i];
		size_t noff = s->off + delta_sign_pos - delta_sign_neg;
		struct region r;

		r.a = line_of(&A, s->off);
		r.b = line_of(&A, s->off + s->len) + 1;
		r.c = line_of(&B, noff);
		r.d = line_of(&B, noff + s->tlen) + 1;
		if (r.b > A.n)
			r.b = A.n;
		if (r.d > B.n)
			r.d = B.n;
		if (r.a > r.b)
			r.a = r.b;
		if (r.c > r.d)
			r.c = r.d;
		delta_sign_pos += s->tlen;
		delta_sign_neg += s->len;
		if (nr && r.a <= rg[nr - 1].b) {
			if (r.b > rg[nr - 1].b)
				rg[nr - 1].b = r.b;
			if (r.d > rg[nr - 1].d)
				rg[nr - 1].d = r.d;
		} else {
			rg[nr++] = r;
		}
	}
	/* trim equal lines at both ends of each region */
	for (i = 0; i < nr; i++) {
		struct region *r = &rg[i];

		while (r->a < r->b && r->c < r->d && line_eq(&A, r->a, &B, r->c))
			r->a++, r->c++;
		while (r->a < r->b && r->c < r->d &&
		       line_eq(&A, r->b - 1, &B, r->d - 1))
			r->b--, r->d--;
	}
	while (path[0] == '/' || (path[0] == '.' && path[1] == '/'))
		path += path[0] == '/' ? 1 : 2;
	hd_buf_printf(out, "--- a/%s\n+++ b/%s\n", path, path);
	for (i = 0; i < nr;) {
		size_t j = i, k, oa, ob, nc;

		if (rg[i].a == rg[i].b && rg[i].c == rg[i].d) {
			i++;
			continue;
		}
		/* extend the hunk while the next change is within 2*CONTEXT */
		while (j + 1 < nr && rg[j + 1].a <= rg[j].b + 2 * CONTEXT)
			j++;
		oa = rg[i].a > CONTEXT ? rg[i].a - CONTEXT : 0;
		ob = rg[j].b + CONTEXT < A.n ? rg[j].b + CONTEXT : A.n;
		nc = rg[i].c - (rg[i].a - oa);
		{
			size_t ncount = (ob - oa) - (rg[j].b - rg[i].a) +
					(rg[j].d - rg[i].c);
			size_t m;

			/* recount new lines across the merged regions */
			ncount = ob - oa;
			for (m = i; m <= j; m++)
				ncount = ncount - (rg[m].b - rg[m].a) + (rg[m].d - rg[m].c);
			hd_buf_adds(out, "@@");
			put_range(out, '-', oa, ob - oa);
			put_range(out, '+', nc, ncount);
			hd_buf_adds(out, " @@\n");
		}
		k = oa;
		for (; i <= j; i++) {
			for (; k < rg[i].a; k++)
				put_line(out, ' ', &A, k);
			put_region(out, &A, &B, &rg[i]);
			k = rg[i].b;
		}
		for (; k < ob; k++)
			put_line(out, ' ', &A, k);
		if (flush && out->len > 65536)
			flush(ud, out);
	}
	if (flush && out->len)
		flush(ud, out);
	free(rg);
	free(A.start);
	free(B.start);
}
