/* splice.h - byte edits of an input: replace [off, off+len) with text, applied in one pass
 *
 * Knows bytes only (no YAML): a front end (the YAML renderer today, a
 * Dockerfile pass tomorrow) pushes splices over its input; splices_apply_bytes()
 * writes the result and hd_diff() (diff.h) prints it.  Ownership: a
 * struct splices owns its array (splices_release()); the texts belong to
 * the arena of whoever pushed them.
 */
#ifndef HD_SPLICE_H
#define HD_SPLICE_H

#include <stddef.h>

#include "util.h"

struct splice {
	size_t off, len;  /* range of the original bytes to replace */
	const char *text; /* replacement (the pusher's arena) */
	size_t tlen;
	unsigned seq; /* creation order: ties at one offset keep it */
	size_t doc;   /* document (or other unit) it belongs to */
};

struct splices {
	struct splice *v;
	size_t n, cap;
};

/* A new zeroed splice at the end of @sp (the array grows; earlier pointers die). */
struct splice *splices_push(struct splices *sp);
void splices_release(struct splices *sp);

/*
 * splices_apply_bytes() - sort the @n splices in @v (at one offset: pure
 * insertions first, then creation order; an insertion inside removed bytes
 * moves to the removal's end), check that none overlap and that all lie in
 * [b0, b1), and append @buf[b0, b1) with them applied to @out.  Returns 0,
 * or -1 with @err->msg set and *@at the offending byte (@err's line and
 * column are the caller's to fill: it knows the input's lines).
 */
int splices_apply_bytes(const char *buf, struct splice *v, size_t n, size_t b0, size_t b1,
			struct hd_buf *out, struct hd_err *err, size_t *at);

#endif
