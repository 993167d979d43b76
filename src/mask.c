/* mask.c - find every literal credential of a document; mask it in every output */
#include "mask.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "scalar.h"
#include "secrets.h"

/* ---- the scanner ---------------------------------------------------------- */

/* NAME_FILE holds the path of a file with the secret, not the secret. */
static bool file_var(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 5 && !strcmp(name + n - 5, "_FILE");
}

/* The scalar @v (alias followed) of the variable @name. */
static void mask_scalar(struct hd_ctx *ctx, const char *name, const struct yn *v,
			bool compose)
{
	v = v ? yn_deref(v) : NULL;
	if (!v || v->kind != YN_SCALAR || v->null_empty || (v->flags & YF_NEW) || !v->text)
		return;
	if (compose) {
		enum yn_type t = hd_node_type(v);

		/* Compose reads only strings and numbers as values (what
		 * secret-env moves); a boolean is a setting, not a secret */
		if ((t != YT_STR && t != YT_INT) || file_var(name))
			return;
	}
	if (!hd_secret_credential(name, v->text, v->tlen, compose))
		return;
	hd_ctx_mask(ctx, v->text, v->vstart, v->end - v->vstart);
}

/* A Compose list item "NAME=value" (alias followed). */
static void mask_item(struct hd_ctx *ctx, const struct yn *it)
{
	const char *buf = ctx->job->ys.buf, *eq, *raw;
	const char *name;
	size_t off, len;

	it = it ? yn_deref(it) : NULL;
	if (!it || it->kind != YN_SCALAR || (it->flags & YF_NEW) || !it->text ||
	    !(eq = memchr(it->text, '=', it->tlen)))
		return;
	name = it->text;
	while (*name == ' ')
		name++;
	name = hd_arena_strndup(&ctx->job->arena, name, (size_t)(eq - name));
	if (file_var(name) ||
	    !hd_secret_credential(name, eq + 1, it->tlen - (size_t)(eq + 1 - it->text), true))
		return;
	/* its bytes: what follows the '=' as written, else the whole item */
	off = it->vstart;
	len = it->end - it->vstart;
	raw = memchr(buf + off, '=', len);
	if (raw) {
		off = (size_t)(raw - buf) + 1;
		len = it->end - off;
		if (it->style != YS_PLAIN && len)
			len--; /* the closing quote */
	}
	hd_ctx_mask(ctx, eq + 1, off, len);
}

/* A Compose environment mapping, with what its merge keys bring. */
static void mask_env_map(struct hd_ctx *ctx, const struct yn *map, int depth)
{
	size_t i, j;

	map = map ? yn_deref(map) : NULL;
	if (!map || map->kind != YN_MAP || depth > 16)
		return;
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct yn *k = map->kids[i], *v = map->kids[i + 1];

		if (k->flags & YF_DELETED)
			continue;
		if (hd_merge_key(k)) {
			const struct yn *src = yn_deref(v);

			if (src->kind == YN_SEQ)
				for (j = 0; j < src->nkids; j++)
					mask_env_map(ctx, src->kids[j], depth + 1);
			else
				mask_env_map(ctx, src, depth + 1);
			continue;
		}
		mask_scalar(ctx, hd_str(k), v, true);
	}
}

static void mask_compose(struct hd_ctx *ctx, struct yn *root)
{
	struct hd_service *svcs;
	size_t ns = hd_compose_services(ctx, root, &svcs), s, i;

	for (s = 0; s < ns; s++) {
		const struct yn *env = hd_get(svcs[s].node, "environment");

		if (env && env->kind == YN_MAP)
			mask_env_map(ctx, env, 0);
		else if (env && env->kind == YN_SEQ)
			for (i = 0; i < env->nkids; i++)
				if (!(env->kids[i]->flags & YF_DELETED))
					mask_item(ctx, env->kids[i]);
	}
}

static void mask_k8s(struct hd_ctx *ctx, struct yn *root)
{
	struct hd_pod *pods;
	size_t np = hd_k8s_pods(ctx, root, &pods), p, c, i;

	for (p = 0; p < np; p++) {
		for (c = 0; c < pods[p].nctrs; c++) {
			const struct yn *env = hd_get(pods[p].ctrs[c].node, "env");

			for (i = 0; env && env->kind == YN_SEQ && i < env->nkids; i++) {
				const struct yn *it = yn_deref(env->kids[i]);

				if ((env->kids[i]->flags & YF_DELETED) || it->kind != YN_MAP)
					continue;
				mask_scalar(ctx, hd_str(hd_get(it, "name")), hd_get(it, "value"),
					    false);
			}
		}
	}
	free(pods);
}

void hd_mask_scan(struct hd_ctx *ctx, struct yn *root)
{
	if (hd_is_k8s(root))
		mask_k8s(ctx, root);
	else if (hd_is_compose(root))
		mask_compose(ctx, root);
}

/* ---- the mask set ------------------------------------------------------- */

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
static size_t *slot(const struct hd_maskset *m, const char *s, size_t n,
		    unsigned long long h)
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
static void add_span(struct hd_maskset *m, size_t off, size_t len)
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

void hd_maskset_add(struct hd_maskset *m, const struct hd_mask *mk, const char *in,
		    size_t inlen)
{
	const char *p, *e;

	if (mk->value)
		hd_maskset_add_value(m, mk->value, strlen(mk->value));
	if (!in || mk->off > inlen || mk->len > inlen - mk->off || !mk->len)
		return;
	add_span(m, mk->off, mk->len);
	/* the value as written: without its properties, block header, quotes */
	p = in + mk->off;
	e = p + mk->len;
	while (p < e && (*p == '&' || *p == '!')) {
		while (p < e && !blank(*p))
			p++;
		while (p < e && blank(*p))
			p++;
	}
	if (p < e && (*p == '|' || *p == '>')) {
		p = memchr(p, '\n', (size_t)(e - p));
		if (!p)
			return;
	} else if (p < e && (*p == '"' || *p == '\'')) {
		char q = *p++;

		if (e > p && e[-1] == q)
			e--;
	}
	hd_maskset_add_value(m, p, (size_t)(e - p));
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

void hd_mask_append(struct hd_buf *out, const struct hd_maskset *m, const char *s,
		    size_t n, size_t base)
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
