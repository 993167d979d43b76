/* scalar.h - resolve plain scalars (YAML 1.1 and 1.2) and write new ones */
#ifndef HD_SCALAR_H
#define HD_SCALAR_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "ytree.h"

/* Type of a plain scalar under the YAML 1.2 core schema. */
enum yn_type hd_resolve12(const char *s, size_t n);
/*
 * Type of a plain scalar under YAML 1.1 as Kubernetes (go-yaml v2, which
 * also reads y/n as bools) and PyYAML read it.  Timestamps count as
 * YT_FLOAT ("not a string"), which is all the callers need to know.
 */
enum yn_type hd_resolve11(const char *s, size_t n);

/* A string that may be written plain: same meaning in 1.1 and 1.2, any context. */
bool hd_plain_safe(const char *s, size_t n);

/*
 * May @s replace an existing *plain* scalar and stay plain?  Looser than
 * hd_plain_safe() (':' and '=' inside are fine, as the author's own value
 * shows), but the text must still be one plain token meaning the same
 * string under YAML 1.1 and 1.2; in flow context no ",[]{}".
 */
bool hd_plain_ok_in_place(const char *s, size_t n, bool flow);

/*
 * hd_scalar_write() - append the text for a scalar of type @t.
 * Strings are written plain when hd_plain_safe(), else quoted with @quote
 * ('"' or '\''; single quotes fall back to double for control characters).
 */
void hd_scalar_write(struct hd_buf *b, const char *s, size_t n, enum yn_type t, char quote);
/* @s double-quoted and escaped, whatever it holds. */
void hd_scalar_write_dq(struct hd_buf *b, const char *s, size_t n);

/* Type of an existing node's scalar as a loader sees it (tag, style, text). */
enum yn_type hd_node_type(const struct yn *n);

/* A node's value, aliases followed (exemptions read them below the model). */
bool hd_true(const struct yn *n); /* bool true (YAML 1.1/1.2 spelling) */
bool hd_false(const struct yn *n);
bool hd_int(const struct yn *n, long long *v);
bool hd_str_is(const struct yn *n, const char *s);
const char *hd_str(const struct yn *n); /* scalar text or NULL */

#endif
