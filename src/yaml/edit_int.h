/* edit_int.h - what the files of the overlay renderer share (not for other modules)
 *
 * render.c walks the dirty spines of a document and owns the emitting of
 * splices and the text of new nodes; render_block.c edits block
 * collections; render_flow.c flow collections.  A struct rctx lives for
 * one ye_render_doc(); splice texts go to the stream's edits arena.
 */
#ifndef HD_EDIT_INT_H
#define HD_EDIT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "edit.h"
#include "util.h"
#include "ytree.h"

struct rctx {
	struct ystream *ys;
	struct splices *out;
	struct hd_err *err;
	unsigned seq;
	size_t doc;
	const struct yn *chomped; /* block scalar whose header got a '-' */
};

/*
 * The layout of a flow collection written as JSON is pretty-printed: one
 * entry per line, each indented one step deeper than the line holding the
 * opening bracket, the closing bracket first on its line.  New entries and
 * new collections inside one follow it (the step, the blanks around ':'),
 * as new YAML follows the file's block style; a one-line collection keeps
 * one-line additions.
 */
struct flay {
	bool pretty;
	char ic;	   /* what indents: ' ' or '\t' (`jq --tab`) */
	size_t unit;	   /* the indentation step */
	const char *colon; /* between a key and its value */
	const char *comma; /* between entries on one line */
};

/* render.c */
int ed_rerr(struct rctx *r, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool ed_block_scalar_holds(const struct rctx *r, const struct yn *n, size_t a, bool strip);
void ed_emit(struct rctx *r, size_t off, size_t len, const char *text, size_t tlen);
const char *ed_eol_at(const struct ystream *ys, size_t off);
size_t ed_next_line(const struct ystream *ys, size_t off);
size_t ed_insert_point(const struct ystream *ys, const struct yn *n);
size_t ed_ws_before(const struct ystream *ys, size_t off);
bool ed_first_on_line(const struct ystream *ys, size_t off);
void ed_emit_colonless(struct rctx *r, const struct yn *k, const struct yn *v, const struct yn *nw,
		       const struct hd_buf *val);
void ed_emit_value(struct rctx *r, const struct yn *n, size_t from, const struct hd_buf *b);
void ed_emit_lines(struct rctx *r, size_t ip, const struct hd_buf *t, const char *eol);
void ed_put_scalar(struct rctx *r, struct hd_buf *b, const struct yn *n);
void ed_put_key(struct rctx *r, struct hd_buf *b, const struct yn *k);
size_t ed_line_indent(const struct ystream *ys, size_t off, char ic);
bool ed_first_after(const struct ystream *ys, size_t off, char ic);
void ed_put_indent(struct hd_buf *b, size_t n, char ic);
const struct yn *ed_first_old(const struct yn *n);
bool ed_in_flow(const struct yn *n);
size_t ed_key_start(const struct ystream *ys, const struct yn *k);
size_t ed_key_start_col(const struct ystream *ys, const struct yn *k);
size_t ed_key_col(const struct ystream *ys, const struct yn *map);
size_t ed_child_col(const struct rctx *r, const struct yn *k, const struct yn *v);
int ed_render_node(struct rctx *r, struct yn *n);

/* render_block.c */
void ed_put_entry(struct rctx *r, struct hd_buf *b, const struct yn *n, size_t i, size_t col,
		  const struct flay *fl, const char *eol);
void ed_put_block_item(struct rctx *r, struct hd_buf *b, const struct yn *n, size_t col,
		       const char *eol);
int ed_delete_pair(struct rctx *r, struct yn *map, size_t i);
int ed_delete_item(struct rctx *r, struct yn *it);
void ed_put_children(struct rctx *r, struct hd_buf *b, const struct yn *v, size_t col,
		     const char *eol);
int ed_render_replace(struct rctx *r, struct yn *parent, size_t i, struct yn *nw);
struct yn *ed_last_old(const struct yn *n);
int ed_render_insert_block(struct rctx *r, struct yn *n, size_t first_new);
int ed_render_emptied(struct rctx *r, struct yn *n);

/* render_flow.c */
void ed_put_flow(struct rctx *r, struct hd_buf *b, const struct yn *n);
struct flay ed_flow_layout(const struct ystream *ys, const struct yn *n);
void ed_put_flow_pretty(struct rctx *r, struct hd_buf *b, const struct yn *v, size_t col,
			const struct flay *fl, const char *eol);
size_t ed_comma_after(const struct ystream *ys, const struct yn *n, size_t p);
int ed_render_flow_edits(struct rctx *r, struct yn *n, size_t first_new);
int ed_render_insert_flow(struct rctx *r, struct yn *n, size_t first_new);
int ed_render_flow_to_block(struct rctx *r, struct yn *n);
bool ed_flow_rebuild(struct rctx *r, struct yn *n);

#endif
