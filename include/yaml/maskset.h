/* maskset.h - what output never shows: byte strings and input ranges, masked line by line
 *
 * Knows bytes and lines only (no YAML): the diff masks with it, and any
 * front end registers what it finds.  The set owns copies of its needles
 * and clears their bytes when released.
 */
#ifndef HD_MASKSET_H
#define HD_MASKSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct hd_span {
	size_t off, len;
};

struct hd_needle {
	char *s;
	size_t len;
	unsigned long long h; /* hd_mask_hash() of it */
};

/*
 * What output never shows: needles (every occurrence on any line is
 * masked) and spans (byte ranges of the input, masked where input lines
 * are printed).  The needles of a value are the value itself and, for one
 * written over several lines, each of its lines (those of 4 bytes or more:
 * a lone "}" of a JSON value is no secret, and masking it everywhere would
 * blank the diff); blanks around them are not part of them.  Needles are
 * found with a rolling hash per distinct length and spans are kept sorted
 * and merged, so a file with thousands of credentials costs a pass per
 * needle length over each printed line, not one per needle.
 */
struct hd_maskset {
	struct hd_needle *nd;
	size_t nnd, capnd;
	size_t *tab;   /* open addressing: needle index + 1, or 0 */
	size_t tabcap; /* a power of two, more than twice nnd */
	size_t *lens;  /* the needles' distinct lengths */
	size_t nlens, caplens;
	struct hd_span *sp; /* sorted, disjoint */
	size_t nsp, capsp;
};

#define HD_MASK		  "********"
#define HD_MASK_MIN_PIECE 4

void hd_maskset_init(struct hd_maskset *m);
/* Clears the needles' bytes too. */
void hd_maskset_release(struct hd_maskset *m);
/* The needles of the value @s (@n bytes): itself, or its lines. */
void hd_maskset_add_value(struct hd_maskset *m, const char *s, size_t n);
/* The input bytes [@off, @off+@len) (merged with the spans they touch). */
void hd_maskset_add_span(struct hd_maskset *m, size_t off, size_t len);
static inline bool hd_maskset_empty(const struct hd_maskset *m)
{
	return !m || (!m->nnd && !m->nsp);
}
/*
 * hd_mask_append() - append the line @s (@n bytes, no line feed) to @out,
 * every masked byte run replaced by HD_MASK; @base is @s's offset in the
 * input when the line is an input line (spans apply), else HD_NOPOS.  Line
 * breaks are never masked, so a masked text keeps its lines.
 */
void hd_mask_append(struct hd_buf *out, const struct hd_maskset *m, const char *s, size_t n,
		    size_t base);
/* Does the line @s (@n bytes) hold a needle? */
bool hd_mask_hits(const struct hd_maskset *m, const char *s, size_t n);
/* @s masked line by line (needles only), in @a; @s itself when clean. */
const char *hd_mask_text(const struct hd_maskset *m, struct hd_arena *a, const char *s);

#endif
