/* diff.h - unified diff of original and edited bytes, driven by the splices */
#ifndef HD_DIFF_H
#define HD_DIFF_H

#include "maskset.h"
#include "splice.h"
#include "util.h"

/*
 * hd_diff() - append a unified diff (3 lines of context, git-style headers
 * "--- a/PATH" / "+++ b/PATH") of @old -> @new to @out.  @sp must be the
 * sorted splices that turned @old into @new: only lines they touch are
 * compared, so the cost is proportional to the edits, not the file.
 * Appends nothing when the bytes are equal.
 */
/*
 * @mask (or NULL): what is never printed (detected credentials): every
 * occurrence on any printed line, context included, shows as "********",
 * line by line (the patch keeps its shape; it applies only where the
 * masked bytes are the same).
 */
void hd_diff(struct hd_buf *out, const char *path, const char *old, size_t oldlen, const char *new,
	     size_t newlen, const struct splices *sp, const struct hd_maskset *mask);

/*
 * With a @flush callback, @out is handed to it (and emptied) whenever it
 * holds more than 64 KiB of whole hunks, so a big diff never sits in
 * memory at once.
 */
void hd_diff_stream(struct hd_buf *out, const char *path, const char *old, size_t oldlen,
		    const char *new, size_t newlen, const struct splices *sp,
		    const struct hd_maskset *mask, void (*flush)(void *ud, struct hd_buf *b),
		    void *ud);

#endif
