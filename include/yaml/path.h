/* path.h - yq-like paths (.a.b[0]."c.d"[*]) and the generic edit operations */
#ifndef HD_PATH_H
#define HD_PATH_H

#include "ytree.h"

enum hd_seg_kind {
	SEG_KEY,
	SEG_INDEX,
	SEG_ALL
};

struct hd_seg {
	enum hd_seg_kind kind;
	const char *key;
	size_t index;
};

struct hd_path {
	struct hd_seg *segs;
	size_t n;
	const char *text;
};

/* Parse @text into @p (arena).  Returns 0, or -1 with @err->msg set. */
int hd_path_parse(struct hd_arena *a, const char *text, struct hd_path *p, struct hd_err *err);

/* True if @p matches at least one node of @root. */
bool hd_path_exists(const struct yn *root, const struct hd_path *p);

/*
 * hd_path_set() - make the node(s) at @p equal to @val (new nodes from
 * ye_value_parse()), creating missing mappings on the way and editing only
 * what differs.  Returns 0, or -1 with @err set (position in @ys).
 */
int hd_path_set(struct ystream *ys, struct yn *root, const struct hd_path *p, const struct yn *val,
		struct hd_err *err);
/* Remove the node(s) at @p; a missing path is not an error. */
int hd_path_delete(struct ystream *ys, struct yn *root, const struct hd_path *p,
		   struct hd_err *err);

/* Typed deep equality of two (old or new) nodes, aliases followed. */
bool hd_node_equal(const struct yn *a, const struct yn *b);

/*
 * hd_merge_into() - make old-or-new node @dst equal to @src with the fewest
 * edits: scalars set, map keys added/removed/merged, sequences appended to
 * or trimmed, anything else replaced.
 */
int hd_merge_into(struct ystream *ys, struct yn *dst, const struct yn *src, struct hd_err *err);

#endif
