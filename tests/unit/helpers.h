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
 * Apply "set PATH=VALUE" / "del PATH" operations (NULL-terminated) to every
 * document of @in.  Returns a malloc'ed result (== input when unchanged),
 * or NULL on error with the message in @errbuf.
 */
static inline char *edit_ops(const char *in, char *errbuf, size_t errlen, ...)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	struct splices sp = { 0 };
	struct hd_buf out = HD_BUF_INIT;
	va_list ap;
	const char *op;
	char *res = NULL;
	size_t d;

	hd_arena_init(&a);
	if (ys_parse(&ys, "t.yaml", in, strlen(in), &a, &err) < 0)
		goto fail;
	va_start(ap, errlen);
	while ((op = va_arg(ap, const char *)) != NULL) {
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
		if (hd_path_parse(&a, p, &path, &err) < 0) {
			va_end(ap);
			goto fail;
		}
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
			if (rc < 0) {
				va_end(ap);
				goto fail;
			}
		}
	}
	va_end(ap);
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

#define EXPECT_EDIT(in, want, ...)                                        \
	do {                                                              \
		char eb_[600] = "";                                       \
		char *got_ = edit_ops(in, eb_, sizeof(eb_), __VA_ARGS__, NULL); \
		if (!got_)                                                \
			fail_msg("edit failed: %s", eb_);                 \
		if (strcmp(got_, want))                                   \
			fail_msg("got:\n%s\n---- want:\n%s", got_, want); \
		/* idempotent: the same edits on the output change nothing */ \
		{                                                         \
			char *again_ = edit_ops(got_, eb_, sizeof(eb_), __VA_ARGS__, NULL); \
			if (!again_)                                      \
				fail_msg("second run failed: %s", eb_);   \
			if (strcmp(again_, got_))                         \
				fail_msg("second run changed:\n%s", again_); \
			free(again_);                                     \
		}                                                         \
		free(got_);                                               \
	} while (0)

/* for edits that are not idempotent by nature (delete by index) */
#define EXPECT_EDIT_ONCE(in, want, ...)                                   \
	do {                                                              \
		char eb_[600] = "";                                       \
		char *got_ = edit_ops(in, eb_, sizeof(eb_), __VA_ARGS__, NULL); \
		if (!got_)                                                \
			fail_msg("edit failed: %s", eb_);                 \
		if (strcmp(got_, want))                                   \
			fail_msg("got:\n%s\n---- want:\n%s", got_, want); \
		free(got_);                                               \
	} while (0)

#define EXPECT_EDIT_FAILS(in, substr, ...)                                \
	do {                                                              \
		char eb_[600] = "";                                       \
		char *got_ = edit_ops(in, eb_, sizeof(eb_), __VA_ARGS__, NULL); \
		if (got_)                                                 \
			fail_msg("expected failure, got:\n%s", got_);     \
		if (!strstr(eb_, substr))                                 \
			fail_msg("error '%s' lacks '%s'", eb_, substr);   \
	} while (0)

#endif
