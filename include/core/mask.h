/* mask.h - detected credentials: found in every document, masked in every output */
#ifndef HD_MASK_H
#define HD_MASK_H

#include <stdbool.h>
#include <stddef.h>

#include "harden.h"
#include "maskset.h"
#include "util.h"
#include "ytree.h"

/*
 * hd_mask_scan() - register hd_ctx_mask() for every literal credential of
 * the document @root: the env of every container of its pod specs, the
 * environment of every Compose service (map and list forms, merge keys and
 * aliases followed).  Runs whatever the options and exemptions say, so a
 * credential harden leaves in place is masked like one it moves.
 */
void hd_mask_scan(struct hd_ctx *ctx, struct yn *root);

/*
 * A registered credential: its cooked value and its bytes in @in (a span,
 * and the needles of the value as written there: escapes, folded lines).
 */
void hd_maskset_add(struct hd_maskset *m, const struct hd_mask *mk, const char *in, size_t inlen);

#endif
