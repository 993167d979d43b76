/* ytree_int.h - what the files of the span tree builder share (not for other modules)
 *
 * ytree.c builds the tree from libfyaml events; fyaml.c wraps libfyaml
 * (parsers, diagnostics, tokens: its workarounds); cook.c cooks flow
 * scalars; span.c finds the spans libfyaml does not mark; style.c infers
 * the file's style.  The builder (struct builder) lives for one ys_open()
 * ... ys_close(); the nodes belong to the arenas ys_next() is given.
 */
#ifndef HD_YTREE_INT_H
#define HD_YTREE_INT_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

#include "ytree.h"

/*
 * libfyaml diagnostics arrive formatted as "NAME:LINE:COL: error: MSG\n"
 * (then source excerpts).  Keep the first error.  (Its collect-errors mode
 * leaks the collected records in 0.7.12, hence the callback.)
 */
struct diag_capture {
	bool have;
	int line, col;
	char msg[400];
	char acc[600]; /* text of the first diagnostic, as it arrives */
	size_t nacc;
};

struct anchor_ent {
	struct anchor_ent *next;
	const char *name;
	struct yn *node;
};

#define ANCHOR_BUCKETS 1024

struct builder {
	struct ystream *ys;
	bool lean; /* reading only: no style facts, borrowed text */
	/* reader state (streaming one document at a time) */
	struct fy_parser *fyp;
	struct fy_diag *diag;
	struct diag_capture *dc;
	bool explained;		  /* libfyaml said why the parse failed */
	struct fy_event *held[2]; /* looked-ahead events, in order */
	int nheld;
	bool done;
	bool crlf;     /* most lines end in CRLF */
	bool broken;   /* libfyaml must not destroy this parser (see quarantine) */
	bool skimming; /* inside a document that is only read through */
	size_t skim_depth;
	struct ydoc *cur;
	struct hd_err *err;
	struct yn **stack;
	size_t depth, cap;
	size_t cursor;		     /* end of the last token seen */
	size_t nnodes, naliases;     /* in the current document (hd_limits) */
	struct anchor_ent **anchors; /* ANCHOR_BUCKETS, allocated at the first anchor */
	bool anchors_used;	     /* since the document started */
	size_t ndocs, capdocs;
	/* style histograms */
	unsigned indent_hist[9];
	unsigned seqind_hist[9];
	unsigned gap_hist[5];
	unsigned sq, dq;
	unsigned key_dq, key_other; /* mapping keys double-quoted or not */
};

/* ytree.c */
void yt_bump(struct builder *b, size_t end);

/* fyaml.c */
const char *yt_tok_raw(struct builder *b, struct fy_token *t, size_t skip);
size_t yt_tok_start(struct fy_token *t);
size_t yt_tok_end(struct fy_token *t);
bool yt_raw_is_cooked(const char *p, size_t n, enum fy_scalar_style st);
void yt_bump_past_end_marker(struct builder *b);
int yt_parse_error(struct builder *b, struct diag_capture *dc);
struct fy_event *yt_get_event(struct builder *b);
void yt_hold(struct builder *b, struct fy_event *e);
struct diag_capture *yt_thread_capture(void);
struct fy_diag *yt_thread_diag(void);
struct fy_parser *yt_get_parser(void);

/* cook.c */
char *yt_cook_flow(struct hd_arena *a, const char *p, size_t n, bool sq, size_t *len);
char *yt_cook_dq(struct hd_arena *a, const char *p, size_t n, size_t *len);

/* span.c */
bool yt_may_have_qmark(const char *buf, size_t len);
size_t yt_empty_pos(struct builder *b, struct yn *parent, bool *colonless);
void yt_block_scalar_spans(struct builder *b, struct yn *n, size_t ts, size_t te);
size_t yt_find_dash(const struct ystream *ys, size_t p);
size_t yt_next_bound(struct builder *b, struct fy_event *e, struct fy_event *e2);

/* style.c */
void yt_note_style(struct builder *b, struct yn *n);
void yt_note_gap(struct builder *b, struct yn *item);
void yt_infer_style(struct builder *b);
bool yt_mostly_crlf(const struct ystream *ys);

#endif
