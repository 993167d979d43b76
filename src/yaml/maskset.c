/* maskset.c - byte strings and ranges never shown: masked line by line in any output */
#include "maskset.h"

#include <stdlib.h>
#include <string.h>

void hd_maskset_init(struct hd_maskset *m)
{
	memset(m, 0, sizeof(*m));
}

void hd_maskset_release(struct hd_maskset *m)
{
	size_t i;

	for (i = 0; i < m->nnd; i++) {
		memset(m->nd[i].s, 0, m->nd[i].len);
		free(m->nd[i].s);
	}
	free(m->nd);
	free(m->tab);
	free(m->lens);
	free(m->sp);
	memset(m, 0, sizeof(*m));
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Polynomial hash (mod 2^64) of @n bytes: rolls one byte at a time. */
#define HB 1099511628211ULL

static unsigned long long hash(const char *s, size_t n)
{
	unsigned long long h = 0;

	while (n--)
		h = h * HB + (unsigned char)*s++;
	return h;
}

/* The needle @s (@n, hash @h), or its empty slot in the table. */
static size_t *slot(const struct hd_maskset *m, const char *s, size_t n, unsigned long long h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (m->tabcap - 1);

	for (;; i = (i + 1) & (m->tabcap - 1)) {
		const struct hd_needle *nd;

		if (!m->tab[i])
			return &m->tab[i];
		nd = &m->nd[m->tab[i] - 1];
		if (nd->h == h && nd->len == n && !memcmp(nd->s, s, n))
			return &m->tab[i];
	}
}

static void grow_table(struct hd_maskset *m)
{
	size_t i;

	free(m->tab);
	m->tabcap = m->tabcap ? m->tabcap * 2 : 64;
	m->tab = hd_xmalloc(m->tabcap * sizeof(*m->tab));
	memset(m->tab, 0, m->tabcap * sizeof(*m->tab));
	for (i = 0; i < m->nnd; i++)
		*slot(m, m->nd[i].s, m->nd[i].len, m->nd[i].h) = i + 1;
}

static void add_needle(struct hd_maskset *m, const char *s, size_t n)
{
	unsigned long long h;
	struct hd_needle *nd;
	size_t *at, i;

	while (n && blank(*s))
		s++, n--;
	while (n && blank(s[n - 1]))
		n--;
	if (!n)
		return;
	if ((m->nnd + 1) * 2 >= m->tabcap)
		grow_table(m);
	h = hash(s, n);
	at = slot(m, s, n, h);
	if (*at)
		return; /* known */
	if (m->nnd == m->capnd) {
		m->capnd = m->capnd ? m->capnd * 2 : 8;
		m->nd = hd_xrealloc(m->nd, m->capnd * sizeof(*m->nd));
	}
	nd = &m->nd[m->nnd++];
	nd->s = hd_xmalloc(n + 1);
	memcpy(nd->s, s, n);
	nd->s[n] = '\0';
	nd->len = n;
	nd->h = h;
	*at = m->nnd;
	for (i = 0; i < m->nlens && m->lens[i] != n; i++)
		;
	if (i == m->nlens) {
		if (m->nlens == m->caplens) {
			m->caplens = m->caplens ? m->caplens * 2 : 8;
			m->lens = hd_xrealloc(m->lens, m->caplens * sizeof(*m->lens));
		}
		m->lens[m->nlens++] = n;
	}
}

/* Add [off, off+len) to the sorted, disjoint spans (merging what touches). */
void hd_maskset_add_span(struct hd_maskset *m, size_t off, size_t len)
{
	size_t lo = 0, hi = m->nsp, end = off + len, j;

	while (lo < hi) { /* the first span ending at or after @off */
		size_t mid = lo + (hi - lo) / 2;

		if (m->sp[mid].off + m->sp[mid].len < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = lo; j < m->nsp && m->sp[j].off <= end; j++) {
		size_t e = m->sp[j].off + m->sp[j].len;

		if (m->sp[j].off < off)
			off = m->sp[j].off;
		if (e > end)
			end = e;
	}
	if (j == lo) { /* nothing to merge with: a new one at @lo */
		if (m->nsp == m->capsp) {
			m->capsp = m->capsp ? m->capsp * 2 : 8;
			m->sp = hd_xrealloc(m->sp, m->capsp * sizeof(*m->sp));
		}
		memmove(&m->sp[lo + 1], &m->sp[lo], (m->nsp - lo) * sizeof(*m->sp));
		m->nsp++;
	} else if (j > lo + 1) { /* [lo, j) become one */
		memmove(&m->sp[lo + 1], &m->sp[j], (m->nsp - j) * sizeof(*m->sp));
		m->nsp -= j - lo - 1;
	}
	m->sp[lo].off = off;
	m->sp[lo].len = end - off;
}

/* The lines of @s holding more than blanks; with @m, those of @min bytes or
 * more (blanks around them aside) become needles. */
static size_t each_line(struct hd_maskset *m, const char *s, size_t n, size_t min)
{
	const char *p = s, *end = s + n;
	size_t count = 0;

	while (p < end) {
		const char *e = p;
		const char *a, *b;

		while (e < end && *e != '\n' && *e != '\r')
			e++;
		for (a = p; a < e && blank(*a); a++)
			;
		for (b = e; b > a && blank(b[-1]); b--)
			;
		if (b > a) {
			count++;
			if (m && (size_t)(b - a) >= min)
				add_needle(m, a, (size_t)(b - a));
		}
		p = e < end ? e + 1 : end;
	}
	return count;
}

void hd_maskset_add_value(struct hd_maskset *m, const char *s, size_t n)
{
	/* one line (a block scalar's final line feed aside): the value, at
	 * any length; several: each line long enough to mean something */
	if (each_line(NULL, s, n, 0) <= 1)
		each_line(m, s, n, 1);
	else
		each_line(m, s, n, HD_MASK_MIN_PIECE);
}

/* Mark in @cov the bytes of @s (@n) that needles or spans cover; any? */
static bool cover(const struct hd_maskset *m, const char *s, size_t n, size_t base,
		  unsigned char *cov, bool first_only)
{
	size_t k, i;
	bool any = false;

	for (k = 0; k < m->nlens; k++) {
		size_t l = m->lens[k];
		unsigned long long h, top = 1;

		if (l > n)
			continue;
		for (i = 1; i < l; i++)
			top *= HB;
		h = hash(s, l);
		for (i = 0;; i++) {
			if (*slot(m, s + i, l, h)) {
				if (first_only)
					return true;
				memset(cov + i, 1, l);
				any = true;
			}
			if (i + l >= n)
				break;
			h = (h - top * (unsigned char)s[i]) * HB + (unsigned char)s[i + l];
		}
	}
	if (base == HD_NOPOS || !m->nsp)
		return any;
	{
		size_t lo = 0, hi = m->nsp;

		while (lo < hi) { /* the first span ending after @base */
			size_t mid = lo + (hi - lo) / 2;

			if (m->sp[mid].off + m->sp[mid].len <= base)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < m->nsp && m->sp[lo].off < base + n; lo++) {
			size_t a = m->sp[lo].off, b = a + m->sp[lo].len;

			if (a < base)
				a = base;
			if (b > base + n)
				b = base + n;
			memset(cov + (a - base), 1, b - a);
			any = true;
		}
	}
	return any;
}

bool hd_mask_hits(const struct hd_maskset *m, const char *s, size_t n)
{
	return m && m->nnd && n && cover(m, s, n, HD_NOPOS, NULL, true);
}

void hd_mask_append(struct hd_buf *out, const struct hd_maskset *m, const char *s, size_t n,
		    size_t base)
{
	unsigned char local[512], *cov;
	size_t i;
	bool run = false;

	if (hd_maskset_empty(m) || !n) {
		hd_buf_add(out, s, n);
		return;
	}
	cov = n <= sizeof(local) ? local : hd_xmalloc(n);
	memset(cov, 0, n);
	if (!cover(m, s, n, base, cov, false)) {
		hd_buf_add(out, s, n);
	} else {
		size_t ind = 0;

		while (ind < n && (s[ind] == ' ' || s[ind] == '\t'))
			ind++; /* indentation stays: the line keeps its place */
		for (i = 0; i < n; i++) {
			if (cov[i] && i >= ind && s[i] != '\n' && s[i] != '\r') {
				if (!run)
					hd_buf_adds(out, HD_MASK);
				run = true;
			} else {
				hd_buf_addc(out, s[i]);
				run = false;
			}
		}
	}
	if (cov != local)
		free(cov);
}

const char *hd_mask_text(const struct hd_maskset *m, struct hd_arena *a, const char *s)
{
	struct hd_buf b = HD_BUF_INIT;
	const char *p, *r;

	if (!s || !m || !m->nnd)
		return s;
	for (p = s; *p;) {
		size_t l = strcspn(p, "\n");

		if (hd_mask_hits(m, p, l))
			break;
		p += l + (p[l] == '\n');
	}
	if (!*p)
		return s;
	for (p = s; *p;) {
		size_t l = strcspn(p, "\n");

		hd_mask_append(&b, m, p, l, HD_NOPOS);
		if (p[l] == '\n')
			hd_buf_addc(&b, '\n');
		p += l + (p[l] == '\n');
	}
	r = hd_arena_strndup(a, b.data, b.len);
	hd_buf_release(&b);
	return r;
}
