/* edit.h - pending edits over the span tree and their rendering to splices */
#ifndef HD_EDIT_H
#define HD_EDIT_H

#include "splice.h"
#include "util.h"
#include "ytree.h"

/*
 * The overlay: edits are recorded on the span tree itself (new nodes carry
 * YF_NEW, removed pairs/items YF_DELETED, changed scalars YF_SET) so that
 * later readers see them, several edits to one mapping share one insertion,
 * and the tree with its overlay is the intended result that verification
 * compares the re-parsed output against.  Nothing here touches bytes;
 * ye_render() turns the whole overlay into one batch of splices.
 */

/* New detached nodes (YF_NEW).  @text is copied. */
struct yn *ye_scalar(struct ystream *ys, const char *text, enum yn_type t);
struct yn *ye_map(struct ystream *ys);
struct yn *ye_seq(struct ystream *ys);
/* Deep copy of any subtree (old or new) as new nodes. */
struct yn *ye_clone(struct ystream *ys, const struct yn *n);

/* Add a new key/value pair at the end of @map (key must not exist). */
void ye_map_add(struct ystream *ys, struct yn *map, const char *key, struct yn *val);
/*
 * ye_map_ensure() - the value under @key, created as an empty collection of
 * @kind when missing or null (`k:`, `k: ~`, `k: {}`).  Returns NULL when the
 * key holds something else (a scalar, the other collection kind, an alias).
 */
struct yn *ye_map_ensure(struct ystream *ys, struct yn *map, const char *key, enum yn_kind kind);
/* Give an old or new scalar a new value and type. */
void ye_set_scalar(struct ystream *ys, struct yn *n, const char *text, enum yn_type t);
/* Put @nw where @old is (old subtree dropped). */
void ye_replace(struct yn *old, struct yn *nw);
void ye_seq_append(struct ystream *ys, struct yn *seq, struct yn *item);
/* Remove the pair whose key or value is @n, or the sequence item @n. */
void ye_remove(struct yn *n);

/* Number of live (not deleted) pairs or items. */
size_t ye_count(const struct yn *n);
/* An anchored ancestor-or-self of @n that aliases share, or NULL. */
const struct yn *ye_shared_anchor(const struct yn *n);

/*
 * ye_render() - turn the overlay of every document into splices.
 * Returns 0, or -1 with @err set when an edit cannot be written.
 */
int ye_render(struct ystream *ys, struct splices *out, struct hd_err *err);
/* The same for document @d only. */
int ye_render_doc(struct ystream *ys, size_t d, struct splices *out, struct hd_err *err);

/*
 * Sort, check for conflicts and apply to the original bytes into @out
 * (splices_apply_bytes() with the error placed at a line and column).
 */
int splices_apply(const struct ystream *ys, struct splices *sp, struct hd_buf *out,
		  struct hd_err *err);
/* Apply the @n edits in @v (sorted here) to the input bytes [b0,b1). */
int splices_apply_range(const struct ystream *ys, struct splice *v, size_t n, size_t b0, size_t b1,
			struct hd_buf *out, struct hd_err *err);

/* Parse a YAML value given as text (command line) into new nodes. */
struct yn *ye_value_parse(struct ystream *ys, const char *text, struct hd_err *err);

#endif
