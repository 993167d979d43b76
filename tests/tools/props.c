/* props.c - random edits over the shared corpus: verify, minimal, idempotent (tests/t24-i21-05-edit-props.sh) */
#include <dirent.h>

#include "helpers.h"
#include "util.h"

static unsigned long long rng;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Path text of @n (NULL if a key cannot be written as a path). */
static char *path_of(struct hd_arena *a, const struct yn *n)
{
	const struct yn *p = n->parent;
	char *up;
	size_t i, idx = 0;

	if (!p)
		return hd_arena_strdup(a, "");
	up = path_of(a, p);
	if (!up)
		return NULL;
	if (p->kind == YN_SEQ) {
		for (i = 0; i < p->nkids && p->kids[i] != n; i++)
			idx++;
		return hd_arena_printf(a, "%s[%zu]", up, idx);
	}
	{
		const struct yn *k = yn_key_of(n);

		if (!k || k->kind != YN_SCALAR || memchr(k->text, '"', k->tlen) ||
		    memchr(k->text, '\n', k->tlen) || !k->tlen || k->tag)
			return NULL;
		/* a plain "1" key would be an int; the path layer compares text */
		return hd_arena_printf(a, "%s.\"%.*s\"", up, (int)k->tlen, k->text);
	}
}

struct cand {
	const struct yn **v;
	size_t n, cap;
};

static void add(struct cand *c, const struct yn *n)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = n;
}

static void collect(const struct yn *n, struct cand *maps, struct cand *seqs,
		    struct cand *scalars)
{
	size_t i;

	if (n->anchor && n->nrefs)
		return; /* edits inside shared anchors are refused by design */
	if (n->kind == YN_MAP) {
		for (i = 0; i + 1 < n->nkids; i += 2)
			if (n->kids[i]->kind == YN_SCALAR && !strncmp(n->kids[i]->text, "<<", 2))
				return; /* merge keys: local keys would shadow, skip */
		add(maps, n);
	}
	if (n->kind == YN_SEQ && n->nkids)
		add(seqs, n);
	if (n->kind == YN_SCALAR && n->parent && n->parent->kind == YN_MAP &&
	    yn_key_of(n) && n->style != YS_LIT && n->style != YS_FOLD && !n->anchor)
		add(scalars, n);
	for (i = 0; i < n->nkids; i++)
		collect(n->kids[i], maps, seqs, scalars);
}

/* Every line of @a appears in order in @b, and @b has @extra more lines. */
static bool lines_subsequence(const char *a, const char *b, size_t *extra)
{
	const char *pa = a, *pb = b;
	size_t na = 0, nb = 0;

	while (*pa) {
		const char *ea = strchr(pa, '\n');
		size_t la = ea ? (size_t)(ea - pa) : strlen(pa); /* without EOL */
		bool found = false;

		while (*pb) {
			const char *eb = strchr(pb, '\n');
			size_t lb = eb ? (size_t)(eb - pb) : strlen(pb);

			nb++;
			pb += lb + (eb ? 1 : 0);
			if (lb == la && !memcmp(pa, pb - lb - (eb ? 1 : 0), la)) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
		na++;
		pa += la + (ea ? 1 : 0);
	}
	while (*pb) {
		const char *eb = strchr(pb, '\n');

		nb++;
		pb = eb ? eb + 1 : pb + strlen(pb);
	}
	*extra = nb - na;
	return true;
}

static const char *const values[] = { "true", "10001", "\"1000:1000\"",
				      "{a: 1, b: [x, y]}", "[ALL]", "zz-v" };

static unsigned nfiles, nops, ninserts;

static void run_file(const char *path)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	char *buf, eb[600];
	size_t len, d, t;

	assert_int_equal(hd_read_file(path, &buf, &len), 0);
	hd_arena_init(&a);
	if (ys_parse(&ys, path, buf, len, &a, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	nfiles++;
	for (t = 0; t < 12; t++) {
		struct cand maps = { 0 }, seqs = { 0 }, scalars = { 0 };
		const char *op = NULL;
		char *got, *again, *p;
		bool insert_only = false;
		size_t extra;
		unsigned kind = rnd(4);

		d = rnd((unsigned)ys.ndocs ? (unsigned)ys.ndocs : 1);
		if (!ys.ndocs || !ys.docs[d].root)
			continue;
		collect(ys.docs[d].root, &maps, &seqs, &scalars);
		if (kind == 0 && maps.n) {
			const struct yn *m = maps.v[rnd((unsigned)maps.n)];

			p = path_of(&a, m);
			if (p)
				op = hd_arena_printf(&a, "@%zu set %s.zz_harden_%zu=%s", d, p, t,
						     values[rnd(6)]);
			/* block collections gain lines; flow ones change a line */
			insert_only = m->style == YS_BLOCK;
		} else if (kind == 1 && seqs.n) {
			const struct yn *s = seqs.v[rnd((unsigned)seqs.n)];

			p = path_of(&a, s);
			if (p)
				op = hd_arena_printf(&a, "@%zu set %s[%zu]=%s", d, p, ye_count(s),
						     values[rnd(6)]);
			insert_only = s->style == YS_BLOCK;
		} else if (kind == 2 && scalars.n) {
			p = path_of(&a, scalars.v[rnd((unsigned)scalars.n)]);
			if (p)
				op = hd_arena_printf(&a, "@%zu set %s=\"zz changed\"", d, p);
		} else if (kind == 3 && scalars.n) {
			p = path_of(&a, scalars.v[rnd((unsigned)scalars.n)]);
			if (p)
				op = hd_arena_printf(&a, "@%zu del %s", d, p);
		}
		free(maps.v);
		free(seqs.v);
		free(scalars.v);
		if (!op)
			continue;
		/* a doc-scoped edit: other docs may lack the path; fine (no-op) */
		got = edit_ops(buf, eb, sizeof(eb), op, NULL);
		if (!got) {
			/* only refusals by design are acceptable */
			if (!strstr(eb, "refusing") && !strstr(eb, "cannot set") &&
			    !strstr(eb, "only key on its line") && !strstr(eb, "alias"))
				fail_msg("%s: '%s' failed: %s", path, op, eb);
			continue;
		}
		nops++;
		if (insert_only) {
			if (!lines_subsequence(buf, got, &extra))
				fail_msg("%s: '%s' changed existing lines:\n%s", path, op, got);
			ninserts++;
		}
		again = edit_ops(got, eb, sizeof(eb), op, NULL);
		if (!again)
			fail_msg("%s: second '%s' failed: %s", path, op, eb);
		if (strcmp(again, got))
			fail_msg("%s: second '%s' not a no-op", path, op);
		free(again);
		free(got);
	}
	hd_arena_free(&a);
	free(buf);
}

static void test_corpus_random_edits(void **state)
{
	const char *shared = getenv("SHARED");
	static const char *const sub[] = { "corpus/k8s", "corpus/compose" };
	size_t s;
	char dir[4096];

	(void)state;
	if (!shared)
		shared = "../shared";
	for (s = 0; s < 2; s++) {
		DIR *dp;
		struct dirent *de;

		snprintf(dir, sizeof(dir), "%s/%s", shared, sub[s]);
		dp = opendir(dir);
		if (!dp)
			fail_msg("SHARED corpus missing: %s (set SHARED=)", dir);
		while ((de = readdir(dp)) != NULL) {
			char path[8192];

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			rng = 0x9E3779B97F4A7C15ull ^ (unsigned long long)strlen(de->d_name) *
						       2654435761u ^ (unsigned char)de->d_name[0];
			run_file(path);
		}
		closedir(dp);
	}
	print_message("corpus files %u, random edits verified %u (%u insert-only "
		      "with zero changed lines)\n", nfiles, nops, ninserts);
	assert_true(nfiles >= 100);
	assert_true(nops >= 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_random_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
