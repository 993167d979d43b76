/* verify.h - check edited output against the intended tree before writing */
#ifndef HD_VERIFY_H
#define HD_VERIFY_H

#include <stdbool.h>

#include "edit.h"
#include "ytree.h"

/*
 * hd_verify() - re-parse @out and compare it with @in's tree plus overlay.
 * The output must parse with libfyaml into the same number of documents,
 * each equal as typed data (scalar types, keys, order, anchors, aliases,
 * tags) to the intended tree; new and changed plain scalars must mean the
 * same under YAML 1.1 and 1.2.  When libyaml accepts the input it must
 * accept the output and read the same events.  Returns 0, or -1 with @err
 * (position in the output) set.
 */
int hd_verify(const struct ystream *in, const char *out, size_t outlen, const struct splices *sp,
	      struct hd_err *err);

/*
 * hd_verify_doc() - verify one document: @out (the edited slice, @outlen
 * bytes, starting at output line @line_base + 1) must parse as exactly one
 * document equal to the intended @root, for libfyaml and libyaml (unless
 * libyaml rejects @in_slice, the original bytes).  Thread-safe: reads
 * @root only.  Returns 0 or -1 with @err.
 */
int hd_verify_doc(const char *name, const struct yn *root, const char *out, size_t outlen,
		  int line_base, const char *in_slice, size_t in_len, size_t docno,
		  struct hd_err *err);

/*
 * hd_verify_doc_split() - the same; when @split and the document is big,
 * libyaml reads it in a thread of its own while libfyaml reads it here (the
 * two parsers are independent; the result is that of hd_verify_doc()).
 * When libyaml reads the output differently because it cannot read
 * @in_slice either, @err says so, at the place in the input (@in_slice
 * starts at its line @in_line_base + 1).
 */
int hd_verify_doc_split(const char *name, const struct yn *root, const char *out, size_t outlen,
			int line_base, const char *in_slice, size_t in_len, size_t docno,
			bool split, int in_line_base, struct hd_err *err);

/* Does libyaml, the second parser, read every document of @buf? */
bool hd_libyaml_accepts(const char *buf, size_t len);

#endif
