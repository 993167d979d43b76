/* fuzz_parse.c - parser + span tree: spans in bounds, identity, no crash */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "ytree.h"

static void check_spans(const struct ystream *ys, const struct yn *n, int depth)
{
	size_t i;

	if (depth > HD_MAX_DEPTH + 2)
		abort();
	if (n->start != HD_NOPOS && (n->start > ys->len || n->end > ys->len ||
				     (!n->null_empty && n->end < n->start)))
		abort();
	if (n->kind == YN_ALIAS && !n->target)
		abort();
	for (i = 0; i < n->nkids; i++) {
		if (n->kids[i]->parent != n)
			abort();
		check_spans(ys, n->kids[i], depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	struct splices sp = { 0 };
	struct hd_buf out = HD_BUF_INIT;
	char *buf = malloc(size + 1);
	size_t d;

	memcpy(buf, data, size);
	buf[size] = '\0';
	hd_arena_init(&a);
	if (ys_parse(&ys, "fuzz", buf, size, &a, &err) == 0) {
		for (d = 0; d < ys.ndocs; d++) {
			if (ys.docs[d].bound > ys.docs[d].end_bound || ys.docs[d].end_bound > size)
				abort();
			if (ys.docs[d].root)
				check_spans(&ys, ys.docs[d].root, 0);
		}
		/* no edit: nothing to render, bytes come back identical */
		if (ye_render(&ys, &sp, &err) != 0 || sp.n != 0)
			abort();
		if (splices_apply(&ys, &sp, &out, &err) != 0 || out.len != size ||
		    memcmp(out.data ? out.data : "", buf, size))
			abort();
	} else if (err.line < 0 || err.col < 0 || !err.msg[0]) {
		abort(); /* errors always say something */
	}
	splices_release(&sp);
	hd_buf_release(&out);
	hd_arena_free(&a);
	free(buf);
	hd_yaml_thread_done();
	return 0;
}
