/* helpers.h - shared test helpers: run path edits on a string */
#ifndef HD_TEST_HELPERS_H
#define HD_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff.h"
#include "edit.h"
#include "path.h"
#include "verify.h"
#include "ytree.h"

/*
 * Apply "set PATH=VALUE" / "del PATH" operations (@ops, NULL-terminated) to
 * every document of @in ("@N op": document N only).  Returns a malloc'ed
 * result (== input when unchanged), or NULL on error with the message in
 * @errbuf.  tests/unit/test_data.c runs the cases of tests/data/edit.test
 * through it.
 */
static inline char *edit_opsv(const char *in, size_t inlen, char *errbuf, size_t errlen,
			      const char *const *ops)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	struct splices sp = { 0 };
	struct hd_buf out = HD_BUF_INIT;
	const char *op;
	char *res = NULL;
	size_t d;

	hd_arena_init(&a);
	if (ys_parse(&ys, "t.yaml", in, inlen, &a, &err) < 0)
		goto fail;
	while ((op = *ops++) != NULL) {
		char *dup = hd_arena_strdup(&a, op);
		long only = -1;
		bool set;

		if (dup[0] == '@') { /* "@N op": only document N */
			only = strtol(dup + 1, &dup, 10);
			dup++;
		}
		set = !strncmp(dup, "set ", 4);
		char *p = dup + 4, *eq = set ? strchr(p, '=') : NULL;
		struct hd_path path;

		if (eq)
			*eq = '\0';
		if (hd_path_parse(&a, p, &path, &err) < 0)
			goto fail;
		for (d = 0; d < ys.ndocs; d++) {
			struct yn *root = ys.docs[d].root;
			int rc;

			if (!root || (only >= 0 && (size_t)only != d))
				continue;
			if (set) {
				struct yn *v = ye_value_parse(&ys, eq + 1, &err);

				rc = v ? hd_path_set(&ys, root, &path, v, &err) : -1;
			} else {
				rc = hd_path_delete(&ys, root, &path, &err);
			}
			if (rc < 0)
				goto fail;
		}
	}
	if (ye_render(&ys, &sp, &err) < 0)
		goto fail;
	if (splices_apply(&ys, &sp, &out, &err) < 0)
		goto fail;
	if (sp.n && hd_verify(&ys, out.data, out.len, &sp, &err) < 0)
		goto fail;
	res = strdup(out.data ? out.data : "");
	goto done;
fail:
	snprintf(errbuf, errlen, "%d:%d: %s", err.line, err.col, err.msg);
done:
	splices_release(&sp);
	hd_buf_release(&out);
	hd_arena_free(&a);
	return res;
}

/* The same, operations as arguments (NULL-terminated). */
static inline char *edit_ops(const char *in, char *errbuf, size_t errlen, ...)
{
	const char *ops[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, errlen);
	while (n < 63 && (ops[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	ops[n] = NULL;
	return edit_opsv(in, strlen(in), errbuf, errlen, ops);
}

/* Edit cases are data: tests/data/edit.test (tests/unit/test_data.c runs them). */

#endif
