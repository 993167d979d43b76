/* ytree.h - span tree: YAML documents parsed into nodes with exact byte spans */
#ifndef HD_YTREE_H
#define HD_YTREE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define HD_MAX_DEPTH 512

enum yn_kind {
	YN_SCALAR,
	YN_ALIAS,
	YN_MAP,
	YN_SEQ
};

enum yn_style {
	YS_PLAIN,
	YS_SQ,	  /* 'single' */
	YS_DQ,	  /* "double" */
	YS_LIT,	  /* | */
	YS_FOLD,  /* > */
	YS_BLOCK, /* block collection */
	YS_FLOW,  /* flow collection */
};

/* Resolved scalar types (YAML 1.2 core schema, with 1.1 checks in scalar.c). */
enum yn_type {
	YT_NULL,
	YT_BOOL,
	YT_INT,
	YT_FLOAT,
	YT_STR
};

/* Overlay flags: what the pending edit does to this node. */
enum {
	YF_NEW = 1 << 0,       /* node was created by an edit, has no bytes */
	YF_DELETED = 1 << 1,   /* node (map pair: key and value) is removed */
	YF_SET = 1 << 2,       /* scalar gets a new value (text/vtype) */
	YF_DIRTY = 1 << 3,     /* this node or a descendant has an edit */
	YF_SHARED_OK = 1 << 4, /* anchored node: every alias user wants the edit */
	YF_NOTED = 1 << 5,     /* anchored node: a finding reported the shared edit */
};

/*
 * A node of the span tree.  Offsets index the original input bytes.
 *
 * start      first byte of the node including properties (&anchor, !tag);
 *            for an empty scalar, the position just after its ':' or '-'
 * vstart     first byte of the value proper (quote, bracket, '|', first key)
 * end        one past the last content byte: closing quote or bracket, last
 *            byte of the last descendant; never trailing comments or blanks
 * keep_end   block scalars with keep chomping: end of their trailing blank
 *            lines (an insertion after the node must land there)
 * dash       for items of a block sequence: offset of their '-'
 *
 * Map children are stored as key, value, key, value, ...
 */
struct yn {
	/* (ordered and packed so that a node takes 144 bytes, not 160: a big
	 * document's tree is most of the memory harden touches) */
	enum yn_kind kind : 8;
	enum yn_style style : 8;
	enum yn_type vtype : 8; /* overlay: type of a new or set scalar */
	bool null_empty;	/* no bytes at all: `k:` */
	bool colonless;		/* null_empty value with no ':' (`? key`, `{key}`) */
	bool has_merge;		/* mapping with a `<<` merge key */
	bool explicit_key;	/* block map key written after a `?` indicator */
	bool pair_only;		/* the one-pair map `[k: v]` in a flow sequence */
	char chomp;		/* block scalars: '+', '-' or 0 */
	bool old_str;		/* overlay: a set scalar was a string before */
	unsigned nrefs;		/* anchored nodes: number of aliases to them */
	unsigned flags;		/* overlay: YF_* */
	/* what a walk or a key lookup reads comes first, within 64 bytes:
	 * a lookup then touches one or two cache lines of a key, not three */
	const char *text; /* cooked scalar text, or alias name */
	size_t tlen;
	struct yn **kids;
	size_t nkids;
	struct yn *parent;
	size_t start, vstart, end, keep_end, dash;
	const char *anchor, *tag;
	struct yn *target; /* aliases: the anchored node */
	size_t capkids;
	struct yn *replaced; /* overlay: new node: the old node it stands in for */
};

struct ydoc {
	struct yn *root;	/* NULL for a document with no content */
	size_t start;		/* '---' or first node or directive */
	size_t bound;		/* first byte of this document's slice of the
				stream (directives and '---' included) */
	size_t end_bound;	/* one past its last byte (= next bound, or EOF) */
	struct hd_arena *nodes; /* where its tree lives (streaming) */
	bool explicit_start;
	bool skimmed;	  /* root not a mapping: read through, no tree */
	unsigned changed; /* set by the renderer */
};

/* Style facts inferred once per file, used when inserting text. */
struct ystyle {
	int indent;	/* indent unit (2, 4, ...) */
	int seq_indent; /* dash column minus parent key column (0 = indentless) */
	int seq_gap;	/* spaces after '-' */
	char quote;	/* '"' or '\'' */
	bool json;	/* every key double-quoted (JSON): so are new strings */
	bool have_seq;	/* seq_indent was seen in the file */
	bool crlf;	/* majority of line ends are CRLF */
};

struct ystream {
	const char *name; /* for messages */
	const char *buf;
	size_t len;
	bool bom;
	bool ignores; /* "harden:ignore" occurs somewhere in @buf */
	bool qmarks;  /* a '?' that may be an indicator (one before a
				   blank, line end, ',', ']' or '}') is in @buf */
	struct ydoc *docs;
	size_t ndocs;
	size_t *lines; /* byte offset of the start of each line */
	size_t nlines;
	struct ystyle style;
	struct hd_arena *arena; /* nodes of the current document */
	struct hd_arena *keep;	/* file-lifetime data: lines, docs */
	struct hd_arena *edits; /* splice texts (keep, or the document's arena) */
	void *rd;		/* the reader while streaming (ys_open) */
	bool skim_non_maps;	/* build no tree for documents whose root is not
				   a mapping (they cannot be manifests) */
};

/*
 * ys_parse() - parse @buf into @ys, allocating from @a.
 * @buf must stay valid and unchanged while @ys is used.  Returns 0, or -1
 * with @err filled (position and message).
 */
int ys_parse(struct ystream *ys, const char *name, const char *buf, size_t len, struct hd_arena *a,
	     struct hd_err *err);
/*
 * Streaming, one document at a time: ys_open(), then ys_next() parses the
 * next document into @nodes (returns 1; it is ys->docs[ys->ndocs - 1],
 * with bound/end_bound set, style facts updated), 0 at the end, -1 on error.
 * File-lifetime data goes to @keep.  ys_close() releases the reader.
 */
int ys_open(struct ystream *ys, const char *name, const char *buf, size_t len,
	    struct hd_arena *keep, bool lean, struct hd_err *err);
int ys_next(struct ystream *ys, struct hd_arena *nodes, struct hd_err *err);
void ys_close(struct ystream *ys);
/* Release the calling thread's parser diagnostics (thread exit). */
void hd_yaml_thread_done(void);

/*
 * ys_parse_lean() - the same tree for reading only (verification): no style
 * inference or document bounds, and scalar text may point into @buf
 * without a terminating NUL (use tlen).
 */
int ys_parse_lean(struct ystream *ys, const char *name, const char *buf, size_t len,
		  struct hd_arena *a, struct hd_err *err);

/* 1-based line and byte column of @off. */
void ys_pos(const struct ystream *ys, size_t off, int *line, int *col);
/* Fill @err with the message and the position of @off in @ys (1:1 without
 * @ys or its lines); returns -1. */
int ys_verr(struct hd_err *err, const struct ystream *ys, size_t off, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* Byte column (0-based) of @off within its line. */
size_t ys_col(const struct ystream *ys, size_t off);
/* Offset of the start of the line holding @off. */
size_t ys_line_start(const struct ystream *ys, size_t off);

/* The '?' of an explicit key starting at @start (on its line, or alone on
 * a line above with only blanks and comments between), or HD_NOPOS. */
size_t ys_key_mark(const struct ystream *ys, size_t start);

/* Append @k to @p's children (arena-grown array). */
void yn_add_kid(struct hd_arena *a, struct yn *p, struct yn *k);

/* Map helpers (skip deleted pairs; see the overlay in edit.h). */
struct yn *yn_map_get(const struct yn *map, const char *key);
struct yn *yn_map_key(const struct yn *map, const char *key);
bool yn_is_scalar(const struct yn *n, const char *text);
/* Follow an alias to its anchored node (one level; aliases of aliases too). */
const struct yn *yn_deref(const struct yn *n);
/* A node's key in its parent map, or NULL. */
const struct yn *yn_key_of(const struct yn *n);

#endif
