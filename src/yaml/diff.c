/* diff.c - unified diff from the splice list (no general diff algorithm) */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

/*
 * The lines of a buffer, found by a cursor instead of a table of every
 * line's start: the diff only visits lines near the splices, in order, so
 * the memory it touches is that of the changes, not of the whole file
 * (two tables of 8 bytes a line were a fifth of the peak of a 10 MB run).
 */
struct lines {
	const char *buf;
	size_t len;
	size_t n;		       /* number of lines (a last line without EOL counts),
			  counted when first needed (SIZE_MAX until then) */
	size_t line;		       /* the cursor: a line index ... */
	size_t off;		       /* ... and its start (len for line n) */
	const struct hd_maskset *mask; /* what is never printed */
	bool old;		       /* lines of the input (the mask's spans apply) */
};

static void lines_init(struct lines *L, const char *buf, size_t len)
{
	L->buf = buf;
	L->len = len;
	L->n = SIZE_MAX;
	L->line = L->off = 0;
	L->mask = NULL;
	L->old = false;
}

/* Start of the line after the cursor's (len past the last line). */
static size_t next_start(const struct lines *L)
{
	const char *nl = memchr(L->buf + L->off, '\n', L->len - L->off);

	return nl ? (size_t)(nl + 1 - L->buf) : L->len;
}

/*
 * The number of lines, counted from the cursor on (which stays): needed
 * only for a splice at the end of the buffer, when the cursor is near it.
 */
static size_t lines_n(struct lines *L)
{
	if (L->n == SIZE_MAX)
		L->n = L->line + (L->off < L->len ? 1 + (size_t)hd_count_lines(L->buf + L->off,
									       L->len - 1 - L->off)
						  : 0);
	return L->n;
}

/* Start offset of line @i (start of line n and past it: len). */
static size_t line_start(struct lines *L, size_t i)
{
	if (i < L->line / 2) { /* nearer the top: walk from there */
		L->line = 0;
		L->off = 0;
	}
	while (L->line < i && L->off < L->len) {
		L->off = next_start(L);
		L->line++;
	}
	while (L->line > i) {
		const char *nl = L->off > 1 ? memrchr(L->buf, '\n', L->off - 1) : NULL;

		L->off = nl ? (size_t)(nl + 1 - L->buf) : 0;
		L->line--;
	}
	return L->off;
}

/* Index of the line holding byte @off (== n for EOF after a final EOL). */
static size_t line_of(struct lines *L, size_t off)
{
	if (off >= L->len)
		return lines_n(L) ? (L->buf[L->len - 1] == '\n' ? L->n : L->n - 1) : 0;
	if (off < L->off / 2)
		line_start(L, 0);
	while (L->off > off)
		line_start(L, L->line - 1);
	for (;;) {
		size_t next = next_start(L);

		if (next > off)
			return L->line;
		L->off = next;
		L->line++;
	}
}

/* The end of line @i (with its EOL): the cursor moves on to line i + 1. */
static size_t line_end(struct lines *L, size_t i)
{
	line_start(L, i);
	L->off = next_start(L);
	L->line++;
	return L->off;
}

static bool line_eq(struct lines *A, size_t i, struct lines *B, size_t j)
{
	size_t sa = line_start(A, i), la = line_end(A, i) - sa;
	size_t sb = line_start(B, j), lb = line_end(B, j) - sb;

	return la == lb && !memcmp(A->buf + sa, B->buf + sb, la);
}

struct region {
	size_t a, b;	   /* old lines [a,b) */
	size_t c, d;	   /* new lines [c,d) */
	size_t aoff, coff; /* starts of lines a and c (HD_NOPOS: unknown) */
};

/* Put @L's cursor on line @line starting at @off, when that is known. */
static void lines_jump(struct lines *L, size_t line, size_t off)
{
	if (off != HD_NOPOS) {
		L->line = line;
		L->off = off;
	}
}

/*
 * One line with its tag.  Masking goes line by line and never takes a line
 * feed: a masked value written over several lines stays as many lines, so
 * the hunk's line counts hold and the diff stays a well-formed patch.
 */
static void put_line(struct hd_buf *out, char tag, struct lines *L, size_t i)
{
	size_t s = line_start(L, i), e = line_end(L, i), ce = e;

	hd_buf_addc(out, tag);
	if (ce > s && L->buf[ce - 1] == '\n')
		ce--;
	hd_mask_append(out, L->mask, L->buf + s, ce - s, L->old ? s : HD_NOPOS);
	hd_buf_add(out, L->buf + ce, e - ce);
	if (e == s || L->buf[e - 1] != '\n')
		hd_buf_adds(out, "\n\\ No newline at end of file\n");
}

/* Starts of lines [first, first + n] of @L (n + 1 of them). */
static size_t *region_starts(struct lines *L, size_t first, size_t n)
{
	size_t *s = hd_xmalloc((n + 1) * sizeof(*s)), k;

	for (k = 0; k <= n; k++)
		s[k] = line_start(L, first + k);
	return s;
}

/*
 * Print one changed region as a minimal line diff (LCS), so lines that
 * merely sit between two edits show as context, not as removed and added.
 */
static void put_region(struct hd_buf *out, struct lines *A, struct lines *B, const struct region *r)
{
	size_t n = r->b - r->a, m = r->d - r->c, i, j;
	size_t *sa, *sb;
	unsigned *t;

	if (!n || !m || n * m > 4000000) {
		for (i = r->a; i < r->b; i++)
			put_line(out, '-', A, i);
		for (j = r->c; j < r->d; j++)
			put_line(out, '+', B, j);
		return;
	}
	/* the region's own line starts: the table below visits them n*m times */
	sa = region_starts(A, r->a, n);
	sb = region_starts(B, r->c, m);
#define EQ(x, y)                                       \
	(sa[(x) + 1] - sa[x] == sb[(y) + 1] - sb[y] && \
	 !memcmp(A->buf + sa[x], B->buf + sb[y], sa[(x) + 1] - sa[x]))
	/* t[i][j] = LCS length of A[a+i..b) and B[c+j..d) */
	t = hd_xmalloc((n + 1) * (m + 1) * sizeof(*t));
#define T(x, y) t[(x) * (m + 1) + (y)]
	for (i = n + 1; i-- > 0;)
		for (j = m + 1; j-- > 0;) {
			if (i == n || j == m)
				T(i, j) = 0;
			else if (EQ(i, j))
				T(i, j) = T(i + 1, j + 1) + 1;
			else
				T(i, j) = T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
		}
	i = j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && EQ(i, j) && T(i, j) == T(i + 1, j + 1) + 1) {
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
#undef EQ
	free(t);
	free(sa);
	free(sb);
}

static void put_num(struct hd_buf *out, size_t v)
{
	char d[24];
	size_t n = sizeof(d);

	do
		d[--n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	hd_buf_add(out, d + n, sizeof(d) - n);
}

/* " -START,COUNT" (printf's cost was most of a hunk header's) */
static void put_range(struct hd_buf *out, char c, size_t start, size_t count)
{
	hd_buf_addc(out, ' ');
	hd_buf_addc(out, c);
	put_num(out, count ? start + 1 : start);
	if (count != 1) {
		hd_buf_addc(out, ',');
		put_num(out, count);
	}
}

void hd_diff(struct hd_buf *out, const char *path, const char *old, size_t oldlen, const char *new,
	     size_t newlen, const struct splices *sp, const struct hd_maskset *mask)
{
	hd_diff_stream(out, path, old, oldlen, new, newlen, sp, mask, NULL, NULL);
}

void hd_diff_stream(struct hd_buf *out, const char *path, const char *old, size_t oldlen,
		    const char *new, size_t newlen, const struct splices *sp,
		    const struct hd_maskset *mask, void (*flush)(void *ud, struct hd_buf *b),
		    void *ud)
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
		r.aoff = s->off < A.len ? A.off : HD_NOPOS;
		r.b = line_of(&A, s->off + s->len) + 1;
		r.c = line_of(&B, noff);
		r.coff = noff < B.len ? B.off : HD_NOPOS;
		r.d = line_of(&B, noff + s->tlen) + 1;
		if (s->off + s->len >= A.len && r.b > lines_n(&A))
			r.b = A.n; /* (only at the end can line_of() be n) */
		if (noff + s->tlen >= B.len && r.d > lines_n(&B))
			r.d = B.n;
		if (r.a > r.b) {
			r.a = r.b;
			r.aoff = HD_NOPOS;
		}
		if (r.c > r.d) {
			r.c = r.d;
			r.coff = HD_NOPOS;
		}
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
	/* trim equal lines at both ends of each region (the cursors start
	 * at its first lines, not from the top again) */
	for (i = 0; i < nr; i++) {
		struct region *r = &rg[i];

		lines_jump(&A, r->a, r->aoff);
		lines_jump(&B, r->c, r->coff);
		while (r->a < r->b && r->c < r->d && line_eq(&A, r->a, &B, r->c))
			r->a++, r->c++;
		r->aoff = line_start(&A, r->a);
		r->coff = line_start(&B, r->c);
		while (r->a < r->b && r->c < r->d && line_eq(&A, r->b - 1, &B, r->d - 1))
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
		for (ob = rg[j].b; ob < rg[j].b + CONTEXT && line_start(&A, ob) < A.len;)
			ob++; /* (lines past the last one start at len) */
		nc = rg[i].c - (rg[i].a - oa);
		{
			size_t ncount = (ob - oa) - (rg[j].b - rg[i].a) + (rg[j].d - rg[i].c);
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
		lines_jump(&A, rg[i].a, rg[i].aoff);
		k = oa;
		for (; i <= j; i++) {
			lines_jump(&B, rg[i].c, rg[i].coff);
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
}
