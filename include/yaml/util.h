/* util.h - arena allocator, growable byte buffer and small helpers */
#ifndef HD_UTIL_H
#define HD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/*
 * Ownership rule: everything allocated from a struct hd_arena lives until
 * hd_arena_free() releases the whole arena at once.  One arena serves one
 * input file.  A struct hd_buf owns its heap memory; hd_buf_release() frees it.
 */

struct hd_arena_chunk;

struct hd_arena {
	struct hd_arena_chunk *head;
	size_t total;
	size_t first; /* the smallest chunk; 0: 64 KiB */
};

void hd_arena_init(struct hd_arena *a);
/* For arenas many of which live at once (one per file's result). */
void hd_arena_init_small(struct hd_arena *a);
void *hd_arena_alloc(struct hd_arena *a, size_t size);	   /* zeroed, never NULL */
void *hd_arena_alloc_raw(struct hd_arena *a, size_t size); /* not zeroed */
char *hd_arena_strndup(struct hd_arena *a, const char *s, size_t n);
char *hd_arena_strdup(struct hd_arena *a, const char *s);
char *hd_arena_printf(struct hd_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hd_arena_free(struct hd_arena *a);
/* Free everything allocated from @a but keep its largest chunk for reuse. */
void hd_arena_reset(struct hd_arena *a);

struct hd_buf {
	char *data; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	size_t map; /* data is a mapping of this length (hd_buf_reserve_big) */
};

#define HD_BUF_INIT           \
	{                     \
		NULL, 0, 0, 0 \
	}

void hd_buf_add(struct hd_buf *b, const void *p, size_t n);
/* hd_hash() - FNV-1a of the @n bytes at @s (hash tables and memos) */
unsigned hd_hash(const char *s, size_t n);

/* hd_count_lines() - number of line feeds in [s, s+n) */
int hd_count_lines(const char *s, size_t n);
void hd_buf_adds(struct hd_buf *b, const char *s);
void hd_buf_addc(struct hd_buf *b, char c);
void hd_buf_addspaces(struct hd_buf *b, size_t n);
void hd_buf_printf(struct hd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hd_buf_vprintf(struct hd_buf *b, const char *fmt, va_list ap);
void hd_buf_reset(struct hd_buf *b);
/* Room for @n more bytes (and the NUL) at once, its pages faulted in. */
void hd_buf_reserve(struct hd_buf *b, size_t n);
/*
 * Room for about @n bytes of a big buffer yet to be written (a file's
 * output): address space in a huge-page mapping, its pages faulted in as
 * written, a few per 2 MiB; it grows past @n by remapping, never copying.
 */
void hd_buf_reserve_big(struct hd_buf *b, size_t n);
/*
 * hd_prefault() - fault in the pages of [p, p+n) with one system call,
 * for a big buffer about to be written whole: one trap per 4 KiB page
 * costs more than the parse of its bytes.
 */
void hd_prefault(void *p, size_t n);
/*
 * hd_buf_add_esc() - append @s with its control characters escaped (\t,
 * \r, \033, ...), so that a name cannot drive a terminal; @quote: like
 * git's core.quotePath, a string that needs escaping is also put in double
 * quotes (and its '"' and '\\' escaped).  Other bytes are kept as they are.
 */
void hd_buf_add_esc(struct hd_buf *b, const char *s, bool quote);
/* Does @s hold a control character that hd_buf_add_esc() would escape? */
bool hd_needs_esc(const char *s);
void hd_buf_release(struct hd_buf *b);

/*
 * hd_edit_distance() - Levenshtein distance of @a (@la bytes) and @b, for
 * "did you mean" hints; names of 63 bytes and more count as far apart.
 */
size_t hd_edit_distance(const char *a, size_t la, const char *b);

/* Abort with a message on allocation failure (the only way malloc fails us). */
void *hd_xmalloc(size_t n);
void *hd_xrealloc(void *p, size_t n);
char *hd_xstrdup(const char *s);

/*
 * Per-file limits, so that memory stays bounded whatever the input:
 * max_size   bytes of one input (file or stdin)
 * max_nodes  nodes of one document's tree (the most held at once)
 * max_aliases aliases in one document
 * Going over one is an error for that file only (the run goes on).
 */
struct hd_limits {
	size_t max_size, max_nodes, max_aliases;
};
extern struct hd_limits hd_limits;
#define HD_MAX_SIZE_DEFAULT    ((size_t)128 << 20)
#define HD_MAX_NODES_DEFAULT   ((size_t)1000000)
#define HD_MAX_ALIASES_DEFAULT ((size_t)100000)
/*
 * hd_limit_option() - set the limit named by the option @opt ("max-size",
 * "max-nodes", "max-aliases") from @val: a positive number, with a K, M or
 * G suffix (binary).  Returns 0, or -1 with @msg filled.
 */
int hd_limit_option(const char *opt, const char *val, char *msg, size_t n);

/* Read a whole file (or stdin for "-").  Returns 0, or -1 with errno set:
 * EFBIG past hd_limits.max_size.  Reading stops at a chunk holding a NUL
 * byte (no text file has one: the parser refuses it, /dev/zero ends). */
int hd_read_file(const char *path, char **data, size_t *len);
struct stat;
/* The same, also returning the file's stat (regular files only). */
int hd_read_file_st(const char *path, char **data, size_t *len, struct stat *st);
/*
 * The same, a regular file of HD_BIG_MIN bytes and more being read into a
 * mapping backed by huge pages (*maplen its length, else 0): free *data
 * with hd_big_free(*data, *maplen).
 */
int hd_read_file_big(const char *path, char **data, size_t *len, struct stat *st, size_t *maplen);
void hd_big_free(void *p, size_t maplen);

#define HD_BIG_MIN (256u << 10)

#define HD_NOPOS ((size_t)-1)

/* An error for the user: a message and where in the input (ytree.h's ys_pos()). */
struct hd_err {
	int line, col; /* 1-based; 0 when unknown */
	char msg[512];
};

#endif
