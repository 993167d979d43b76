/* exempt.h - exemptions: harden's own and other tools' that mean the same */
#ifndef HD_EXEMPT_H
#define HD_EXEMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "ytree.h"

/*
 * The annotation in @annotations (a mapping) that exempts transform @tr,
 * or NULL; *@why names it (e.g. "polaris.fairwinds.com/exempt").
 * Understood: harden.dev/skip, polaris.fairwinds.com/exempt and
 * <check>-exempt, ignore-check.kube-linter.io/<check>,
 * kube-linter.io/ignore-all, kube-score/ignore, checkov.io/skip<N>.
 */
const struct yn *hd_annotation_exempts(const struct yn *annotations, const char *tr,
				       const char **why);

/*
 * Does the line holding byte @off end with a "# harden:ignore" comment
 * (all transforms) or "# harden:ignore=a,b" naming @tr?
 */
bool hd_line_ignores(const struct ystream *ys, size_t off, const char *tr);

/*
 * hd_ignore_comment() - the "# harden:ignore" comment of the line that
 * starts at @ls (copied into @buf): what follows "harden:ignore" ("" or
 * " ..." for all transforms, "=a,b ..." for some), or NULL when none.
 */
const char *hd_ignore_comment(const struct ystream *ys, size_t ls, char *buf, size_t n);

#endif
