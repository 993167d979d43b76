/* fuzz_edit.c - random edits on fuzzed documents: verify, keep bytes, idempotent */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "path.h"
#include "verify.h"
#include "ytree.h"

/* The last input byte picks the edit; the rest is the document. */
static const char *const values[] = { "true", "10001", "\"1000:1000\"",
				      "{a: 1, b: [x, y]}", "[ALL]", "zz" };

static struct yn *pick(struct yn *n, unsigned *k)
{
	size_t i;

	if (!*k)
		return n;
	(*k)--;
	for (i = 0; i < n->nkids; i++) {
		struct yn *r = pick(n->kids[i], k);

		if (r)
			return r;
	}
	return NULL;
}

static int edit_once(const char *buf, size_t size, unsigned seed, struct hd_buf *out)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	struct splices sp = { 0 };
	int rc = -1;
	size_t d;

	hd_arena_init(&a);
	if (ys_parse(&ys, "fuzz", buf, size, &a, &err) < 0)
		goto done;
	for (d = 0; d < ys.ndocs; d++) {
		struct yn *root = ys.docs[d].root, *n;
		unsigned k = seed % 97;

		if (!root)
			continue;
		n = pick(root, &k);
		if (!n)
			n = root;
		if (ye_shared_anchor(n))
			continue;
		if (n->kind == YN_MAP && !n->anchor) {
			struct yn *v = ye_value_parse(&ys, values[seed % 6], &err);

			if (v && !yn_map_get(n, "zz_fuzz"))
				ye_map_add(&ys, n, "zz_fuzz", v);
		} else if (n->kind == YN_SEQ && !n->anchor) {
			struct yn *v = ye_value_parse(&ys, values[(seed / 7) % 6], &err);

			if (v)
				ye_seq_append(&ys, n, v);
		} else if (n->kind == YN_SCALAR && n->parent && !n->anchor &&
			   n->parent->kind == YN_MAP && !n->null_empty) {
			ye_set_scalar(&ys, n, "zz changed", YT_STR);
		}
	}
	if (ye_render(&ys, &sp, &err) < 0)
		goto done; /* a refusal is fine */
	if (splices_apply(&ys, &sp, out, &err) < 0)
		abort(); /* conflicting edits are a renderer bug */
	if (sp.n && hd_verify(&ys, out->data, out->len, &sp, &err) < 0)
		goto done; /* caught by verification: never written */
	rc = sp.n ? 1 : 0;
done:
	splices_release(&sp);
	hd_arena_free(&a);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_buf out = HD_BUF_INIT;
	char *buf;
	unsigned seed;

	if (size < 2)
		return 0;
	seed = data[size - 1];
	size--;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (edit_once(buf, size, seed, &out) == 1) {
		/* the output parses (verified); editing it again the same way
		 * must not fail to parse */
		struct hd_arena a;
		struct ystream ys;
		struct hd_err err;

		hd_arena_init(&a);
		if (ys_parse(&ys, "fuzz-out", out.data, out.len, &a, &err) < 0)
			abort();
		hd_arena_free(&a);
	}
	hd_buf_release(&out);
	free(buf);
	hd_yaml_thread_done();
	return 0;
}
