/* pin.c - image tags to digests: --digests FILE or the registry (pin.h) */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "common.h"
#include "imageref.h"
#include "pin.h"

#define MAX_BODY   (4u << 20) /* a manifest or a token answer */
#define DIGEST_MAX 80	      /* "sha256:" + 64 hex, or another algorithm */

/* ---- sha256 (FIPS 180-4), for a body a GET returned without a digest ---- */

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char b[64];
	size_t nb;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) + w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
	s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void sha_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memset(s, 0, sizeof(*s));
	memcpy(s->h, h0, sizeof(h0));
}

static void sha_add(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->len += n;
	while (n) {
		size_t k = 64 - s->nb < n ? 64 - s->nb : n;

		memcpy(s->b + s->nb, p, k);
		s->nb += k, p += k, n -= k;
		if (s->nb == 64) {
			sha_block(s, s->b);
			s->nb = 0;
		}
	}
}

/* "sha256:<hex>" of the bytes added, in @out (at least 72 bytes) */
static void sha_hex(struct sha256 *s, char *out)
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, z = 0, l[8];
	int i;

	sha_add(s, &pad, 1);
	while (s->nb != 56)
		sha_add(s, &z, 1);
	for (i = 0; i < 8; i++)
		l[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_add(s, l, 8);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x",
			 (unsigned)(s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* ---- the --digests list ---- */

struct entry {
	char *key;    /* "docker.io/library/nginx:1.25" */
	char *digest; /* or the error message when @err */
	bool err;
};

static struct entry *list;
static size_t nlist;
static bool have_list;

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* "docker.io/library/nginx:TAG" for reference @r of @s (latest if none) */
static void key_of(const struct hd_imageref *r, const char *s, char *key, size_t n)
{
	if (r->tag_len)
		snprintf(key, n, "%s:%.*s", r->full, (int)r->tag_len, s + r->tag_off);
	else
		snprintf(key, n, "%s:latest", r->full);
}

static int digests_error(struct hd_err *err, int line, int col, const char *what, const char *arg)
{
	err->line = line;
	err->col = col;
	snprintf(err->msg, sizeof(err->msg), "%s%.300s", what, arg);
	return -1;
}

static int read_digests(const char *path, struct hd_err *err)
{
	char *data = NULL, *p, *eol;
	size_t len = 0, cap = 0;
	int line = 0;

	memset(err, 0, sizeof(*err));
	if (hd_read_file(path, &data, &len) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(errno));
		return -1;
	}
	have_list = true;
	for (p = data; p < data + len; p = eol + 1) {
		char *a, *ae, *b, *be, key[700], why[200], ref[600];
		struct hd_imageref r;
		struct entry *e;

		line++;
		eol = memchr(p, '\n', (size_t)(data + len - p));
		if (!eol)
			eol = data + len;
		for (a = p; a < eol && (*a == ' ' || *a == '\t'); a++)
			;
		if (a == eol || *a == '#' || *a == '\r')
			continue;
		for (ae = a; ae < eol && !isspace((unsigned char)*ae); ae++)
			;
		for (b = ae; b < eol && (*b == ' ' || *b == '\t'); b++)
			;
		for (be = b; be < eol && !isspace((unsigned char)*be); be++)
			;
		if (b == be) {
			free(data);
			return digests_error(err, line, (int)(ae - p) + 1,
					     "expected NAME:TAG DIGEST, got no digest", "");
		}
		snprintf(ref, sizeof(ref), "%.*s", (int)(ae - a), a);
		if (hd_imageref_parse(a, (size_t)(ae - a), &r, why, sizeof(why)) < 0 ||
		    r.digest_len) {
			free(data);
			return digests_error(err, line, (int)(a - p) + 1,
					     "not an image NAME:TAG: ", r.digest_len ? ref : why);
		}
		{
			struct hd_imageref d;
			char dref[DIGEST_MAX + 8];

			snprintf(dref, sizeof(dref), "x@%.*s", (int)(be - b), b);
			if ((size_t)(be - b) >= DIGEST_MAX ||
			    hd_imageref_parse(dref, strlen(dref), &d, why, sizeof(why)) < 0) {
				free(data);
				return digests_error(err, line, (int)(b - p) + 1,
						     "not a digest (sha256:<64 hex>): ", why);
			}
		}
		key_of(&r, a, key, sizeof(key));
		if (nlist == cap) {
			cap = cap ? cap * 2 : 32;
			list = hd_xrealloc(list, cap * sizeof(*list));
		}
		e = &list[nlist++];
		e->key = hd_xstrdup(key);
		e->digest = hd_xmalloc((size_t)(be - b) + 1);
		memcpy(e->digest, b, (size_t)(be - b));
		e->digest[be - b] = '\0';
		e->err = false;
	}
	free(data);
	qsort(list, nlist, sizeof(*list), cmp_entry);
	return 0;
}

/* ---- the cache of what registries said (any thread) ---- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *cache;
static size_t ncache, capcache;

static bool cache_get(const char *key, char *out, size_t n, bool *err)
{
	size_t i;
	bool hit = false;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < ncache && !hit; i++)
		if (!strcmp(cache[i].key, key)) {
			snprintf(out, n, "%s", cache[i].digest);
			*err = cache[i].err;
			hit = true;
		}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_put(const char *key, const char *val, bool err)
{
	pthread_mutex_lock(&cache_lock);
	if (ncache == capcache) {
		capcache = capcache ? capcache * 2 : 16;
		cache = hd_xrealloc(cache, capcache * sizeof(*cache));
	}
	cache[ncache].key = hd_xstrdup(key);
	cache[ncache].digest = hd_xstrdup(val);
	cache[ncache].err = err;
	ncache++;
	pthread_mutex_unlock(&cache_lock);
}

/* ---- the registry (OCI distribution API) ---- */

/*
 * libcurl, loaded when a registry is first asked (dlopen): linked in, it
 * and the 30 libraries it needs (TLS, Kerberos, LDAP, ...) would be
 * loaded and relocated by every run, a few MB of RSS and some 450 page
 * faults before the first byte of YAML (tests/t34-i23-footprint.sh).
 */
static struct {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} cu;
static pthread_once_t cu_once = PTHREAD_ONCE_INIT;
static bool cu_ok;
static char cu_why[300];

static void cu_load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	const char *e;

	if (!h) {
		e = dlerror();
		snprintf(cu_why, sizeof(cu_why),
			 "libcurl cannot be loaded (%.200s): install libcurl4, or pin from a "
			 "list with --digests",
			 e ? e : "libcurl.so.4");
		return;
	}
#define SYM(f, name)                                                             \
	if (!(*(void **)&cu.f = dlsym(h, name))) {                               \
		snprintf(cu_why, sizeof(cu_why), "libcurl.so.4 lacks %s", name); \
		return;                                                          \
	}
	SYM(global_init, "curl_global_init")
	SYM(global_cleanup, "curl_global_cleanup")
	SYM(easy_init, "curl_easy_init")
	SYM(easy_setopt, "curl_easy_setopt")
	SYM(easy_perform, "curl_easy_perform")
	SYM(easy_getinfo, "curl_easy_getinfo")
	SYM(easy_cleanup, "curl_easy_cleanup")
	SYM(easy_strerror, "curl_easy_strerror")
	SYM(easy_escape, "curl_easy_escape")
	SYM(free, "curl_free")
	SYM(slist_append, "curl_slist_append")
	SYM(slist_free_all, "curl_slist_free_all")
#undef SYM
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(cu_why, sizeof(cu_why), "cannot initialise libcurl");
		return;
	}
	cu_ok = true;
}

struct resp {
	long status;
	char digest[DIGEST_MAX];
	char auth[1024]; /* WWW-Authenticate */
	struct hd_buf body;
	bool too_big;
};

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct resp *r = ud;
	size_t n = size * nmemb, k, e;
	const char *v;

	if (n >= 5 && !memcmp(p, "HTTP/", 5)) { /* a new response (redirects) */
		r->digest[0] = r->auth[0] = '\0';
		return n;
	}
	v = memchr(p, ':', n);
	if (!v)
		return n;
	k = (size_t)(v - p);
	for (v++; v < p + n && (*v == ' ' || *v == '\t'); v++)
		;
	for (e = (size_t)(p + n - v);
	     e && (v[e - 1] == '\r' || v[e - 1] == '\n' || v[e - 1] == ' '); e--)
		;
	if (k == 21 && !strncasecmp(p, "Docker-Content-Digest", k) && e < sizeof(r->digest))
		snprintf(r->digest, sizeof(r->digest), "%.*s", (int)e, v);
	else if (k == 16 && !strncasecmp(p, "WWW-Authenticate", k) && e < sizeof(r->auth))
		snprintf(r->auth, sizeof(r->auth), "%.*s", (int)e, v);
	return n;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct resp *r = ud;
	size_t n = size * nmemb;

	if (r->body.len + n > MAX_BODY) {
		r->too_big = true;
		return 0;
	}
	hd_buf_add(&r->body, p, n);
	return n;
}

static bool loopback(const char *reg)
{
	size_t h = strlen(reg);
	const char *c = reg[0] == '[' ? strchr(reg, ']') : strchr(reg, ':');

	if (reg[0] == '[' && c)
		h = (size_t)(c - reg) + 1;
	else if (c)
		h = (size_t)(c - reg);
	return (h == 9 && !strncmp(reg, "localhost", 9)) ||
	       (h == 9 && !strncmp(reg, "127.0.0.1", 9)) || (h == 5 && !strncmp(reg, "[::1]", 5));
}

/* Does comma list @list name registry @reg (host or host:port)? */
static bool listed(const char *csv, const char *reg)
{
	size_t left = csv ? strlen(csv) : 0, l;
	const char *it;

	while (hd_csv_next(&csv, &left, &it, &l))
		if (l && l == strlen(reg) && !strncmp(it, reg, l))
			return true;
	return false;
}

static bool insecure(const struct hd_opts *o, const char *reg)
{
	return loopback(reg) || listed(o->insecure_registries, reg) ||
	       listed(getenv("HARDEN_INSECURE_REGISTRIES"), reg);
}

/* One request: @method "HEAD" or "GET", @bearer NULL or a token. */
static CURLcode request(const char *url, bool head, const char *accept, const char *bearer,
			bool noproxy, struct resp *r)
{
	CURL *c = cu.easy_init();
	struct curl_slist *hdr = NULL;
	char line[4200];
	CURLcode rc;

	hd_buf_release(&r->body);
	memset(r, 0, sizeof(*r));
	if (!c)
		return CURLE_FAILED_INIT;
	if (accept) {
		snprintf(line, sizeof(line), "Accept: %s", accept);
		hdr = cu.slist_append(hdr, line);
	}
	if (bearer) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", bearer);
		hdr = cu.slist_append(hdr, line);
	}
	cu.easy_setopt(c, CURLOPT_URL, url);
	cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	cu.easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	cu.easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	cu.easy_setopt(c, CURLOPT_USERAGENT, "harden (pin-images)");
	if (noproxy)
		cu.easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (head)
		cu.easy_setopt(c, CURLOPT_NOBODY, 1L);
	cu.easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cu.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	cu.easy_setopt(c, CURLOPT_HEADERDATA, r);
	cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	cu.easy_setopt(c, CURLOPT_WRITEDATA, r);
	rc = cu.easy_perform(c);
	if (rc == CURLE_OK)
		cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	cu.slist_free_all(hdr);
	cu.easy_cleanup(c);
	return rc;
}

/* The value of parameter @name in a `Bearer k="v",k2="v2"` challenge. */
static bool challenge_param(const char *ch, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *p = ch;

	while ((p = strcasestr(p, name)) != NULL) {
		const char *q = p + nl, *e;

		if ((p == ch || p[-1] == ' ' || p[-1] == ',') && *q == '=') {
			q++;
			if (*q == '"') {
				e = strchr(++q, '"');
			} else {
				e = q + strcspn(q, ",");
			}
			if (!e || (size_t)(e - q) >= n)
				return false;
			snprintf(out, n, "%.*s", (int)(e - q), q);
			return true;
		}
		p = q;
	}
	return false;
}

/* The string value of "@key" in JSON object text @j (no escapes but \/). */
static bool json_string(const char *j, size_t len, const char *key, char *out, size_t n)
{
	char pat[40];
	const char *p, *end = j + len;
	size_t o = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = memmem(j, len, pat, strlen(pat));
	if (!p)
		return false;
	for (p += strlen(pat); p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t');
	     p++)
		;
	if (p >= end || *p != ':')
		return false;
	for (p++; p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'); p++)
		;
	if (p >= end || *p != '"')
		return false;
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		if (o + 1 >= n)
			return false;
		out[o++] = *p;
	}
	out[o] = '\0';
	return p < end && o > 0;
}

/* An anonymous token for challenge @ch; 0, or -1 with @why. */
static int get_token(const char *ch, const char *path, bool noproxy, char *tok, size_t tn,
		     char *why, size_t wn)
{
	char realm[512], service[256] = "", scope[512], url[1600];
	struct resp r;
	CURL *esc;
	char *es = NULL, *ec = NULL;
	CURLcode rc;

	memset(&r, 0, sizeof(r));
	if (strncasecmp(ch, "Bearer ", 7) || !challenge_param(ch, "realm", realm, sizeof(realm))) {
		snprintf(why, wn, "registry wants authentication other than an anonymous token");
		return -1;
	}
	challenge_param(ch, "service", service, sizeof(service));
	if (!challenge_param(ch, "scope", scope, sizeof(scope)))
		snprintf(scope, sizeof(scope), "repository:%s:pull", path);
	esc = cu.easy_init();
	if (esc) {
		es = cu.easy_escape(esc, service, 0);
		ec = cu.easy_escape(esc, scope, 0);
	}
	if (!es || !ec) {
		snprintf(why, wn, "out of memory");
		cu.free(es);
		cu.free(ec);
		if (esc)
			cu.easy_cleanup(esc);
		return -1;
	}
	snprintf(url, sizeof(url), "%s%sservice=%s&scope=%s", realm, strchr(realm, '?') ? "&" : "?",
		 es, ec);
	cu.free(es);
	cu.free(ec);
	cu.easy_cleanup(esc);
	rc = request(url, false, "application/json", NULL, noproxy, &r);
	if (rc != CURLE_OK || r.status != 200) {
		if (rc != CURLE_OK)
			snprintf(why, wn, "token service %.200s: %s", realm, cu.easy_strerror(rc));
		else
			snprintf(why, wn, "token service %.200s answered HTTP %ld", realm,
				 r.status);
		hd_buf_release(&r.body);
		return -1;
	}
	if (!r.body.data || (!json_string(r.body.data, r.body.len, "token", tok, tn) &&
			     !json_string(r.body.data, r.body.len, "access_token", tok, tn))) {
		snprintf(why, wn, "token service %.200s gave no token", realm);
		hd_buf_release(&r.body);
		return -1;
	}
	hd_buf_release(&r.body);
	return 0;
}

static const char accept_manifests[] = "application/vnd.oci.image.index.v1+json, "
				       "application/vnd.oci.image.manifest.v1+json, "
				       "application/vnd.docker.distribution.manifest.list.v2+json, "
				       "application/vnd.docker.distribution.manifest.v2+json";

static bool digest_valid(const char *d)
{
	struct hd_imageref x;
	char ref[DIGEST_MAX + 4], why[100];

	snprintf(ref, sizeof(ref), "x@%s", d);
	return hd_imageref_parse(ref, strlen(ref), &x, why, sizeof(why)) == 0;
}

/* Ask the registry for @tag of @r; 0 with @out, or -1 with @why. */
static int ask_registry(const struct hd_opts *o, const struct hd_imageref *r, const char *tag,
			char *out, size_t n, char *why, size_t wn)
{
	bool plain = insecure(o, r->registry), lo = loopback(r->registry);
	char url[1200], *tok = NULL;
	struct resp resp;
	CURLcode rc;
	int pass, ret = -1;
	bool head = true;

	memset(&resp, 0, sizeof(resp));
	pthread_once(&cu_once, cu_load);
	if (!cu_ok) {
		snprintf(why, wn, "%s", cu_why);
		return -1;
	}
	snprintf(url, sizeof(url), "%s://%s/v2/%s/manifests/%s", plain ? "http" : "https",
		 r->registry, r->path, tag);
	for (pass = 0; pass < 4; pass++) {
		rc = request(url, head, accept_manifests, tok, lo, &resp);
		if (rc != CURLE_OK) {
			snprintf(why, wn, "registry %.100s: %s", r->registry, cu.easy_strerror(rc));
			break;
		}
		if (resp.status == 401 && !tok) {
			tok = hd_xmalloc(8192);
			if (get_token(resp.auth, r->path, lo, tok, 8192, why, wn) < 0)
				break;
			continue;
		}
		if (resp.status == 200 && resp.digest[0] && digest_valid(resp.digest)) {
			snprintf(out, n, "%s", resp.digest);
			ret = 0;
			break;
		}
		if (resp.status == 200 && !head) {
			struct sha256 s;
			char hex[80];

			sha_init(&s);
			sha_add(&s, resp.body.data, resp.body.len);
			sha_hex(&s, hex);
			snprintf(out, n, "%s", hex);
			ret = 0;
			break;
		}
		if (resp.status == 404) {
			snprintf(why, wn, "no tag '%.128s' in %.100s/%.100s (HTTP 404)", tag,
				 r->registry, r->path);
			break;
		}
		if (resp.status == 401) {
			snprintf(why, wn, "registry %.100s refused the anonymous token (HTTP 401)",
				 r->registry);
			break;
		}
		if (head) { /* no digest, or HEAD not served: the body then */
			head = false;
			continue;
		}
		if (resp.too_big)
			snprintf(why, wn, "registry %.100s: manifest larger than %u bytes",
				 r->registry, MAX_BODY);
		else
			snprintf(why, wn, "registry %.100s answered HTTP %ld", r->registry,
				 resp.status);
		break;
	}
	if (pass == 4)
		snprintf(why, wn, "registry %.100s: no answer with a digest", r->registry);
	if (tok) {
		memset(tok, 0, 8192); /* a credential, however anonymous */
		free(tok);
	}
	hd_buf_release(&resp.body);
	return ret;
}

int hd_pin_resolve(const struct hd_opts *o, const char *ref, size_t len, char *out_digest, size_t n,
		   struct hd_err *err)
{
	struct hd_imageref r;
	char key[700], tag[130], why[400], val[DIGEST_MAX > 400 ? DIGEST_MAX : 400];
	bool bad = false;

	memset(err, 0, sizeof(*err));
	if (hd_imageref_unresolved(ref, len))
		return 0;
	if (hd_imageref_parse(ref, len, &r, why, sizeof(why)) < 0) {
		snprintf(err->msg, sizeof(err->msg), "not an image reference: %.300s", why);
		return -1;
	}
	if (r.digest_len)
		return 0;
	key_of(&r, ref, key, sizeof(key));
	snprintf(tag, sizeof(tag), "%.*s", r.tag_len ? (int)r.tag_len : 6,
		 r.tag_len ? ref + r.tag_off : "latest");
	if (have_list) {
		struct entry k = { key, NULL, false }, *e;

		e = bsearch(&k, list, nlist, sizeof(*list), cmp_entry);
		if (!e) {
			snprintf(err->msg, sizeof(err->msg), "%.250s is not in %.200s", key,
				 o->pin_digests ? o->pin_digests : "the --digests file");
			return -1;
		}
		snprintf(out_digest, n, "%s", e->digest);
		return 1;
	}
	if (!cache_get(key, val, sizeof(val), &bad)) {
		bad = ask_registry(o, &r, tag, val, sizeof(val), why, sizeof(why)) < 0;
		if (bad)
			snprintf(val, sizeof(val), "%s", why);
		cache_put(key, val, bad);
	}
	if (bad) {
		snprintf(err->msg, sizeof(err->msg), "%.400s", val);
		return -1;
	}
	snprintf(out_digest, n, "%s", val);
	return 1;
}

int hd_pin_init(const struct hd_opts *o, struct hd_err *err, const char **errpath)
{
	*errpath = NULL;
	memset(err, 0, sizeof(*err));
	if (o->pin_digests && read_digests(o->pin_digests, err) < 0) {
		*errpath = o->pin_digests;
		return -1;
	}
	if (!o->pin_digests) { /* before the workers: libcurl's global init */
		pthread_once(&cu_once, cu_load);
		if (!cu_ok) {
			snprintf(err->msg, sizeof(err->msg), "--pin-images: %s", cu_why);
			return -1;
		}
	}
	return 0;
}

void hd_pin_done(void)
{
	size_t i;

	for (i = 0; i < nlist; i++) {
		free(list[i].key);
		free(list[i].digest);
	}
	for (i = 0; i < ncache; i++) {
		free(cache[i].key);
		free(cache[i].digest);
	}
	free(list);
	free(cache);
	list = cache = NULL;
	nlist = ncache = capcache = 0;
	have_list = false;
	if (cu_ok) /* (not loaded again: the process ends) */
		cu.global_cleanup();
	cu_ok = false;
	snprintf(cu_why, sizeof(cu_why), "libcurl was released");
}
