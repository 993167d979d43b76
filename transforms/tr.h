/* tr.h - shared helpers for transform implementations */
#ifndef HD_TR_H
#define HD_TR_H

#include <string.h>

#include "edit.h"
#include "model.h"
#include "scalar.h"
#include "transform.h"

/* Finding reference for a pod-level or container-level finding. */
#define POD_REF(tr, ctl, pod) { (tr), (ctl), (pod)->label, NULL }
#define CTR_REF(tr, ctl, pod, c) { (tr), (ctl), (pod)->label, (c)->name }

/*
 * Record an unsafe fix.  Returns true when it is to be applied now
 * (--unsafe-fixes); otherwise it is reported as "would ...".
 */
static inline bool tr_unsafe(struct hd_ctx *ctx, const struct hd_fref *r,
			     const struct yn *at, const char *what)
{
	bool apply = ctx->opts->unsafe_fixes;

	hd_find(ctx, r, at, HD_SEV_HIGH, apply, true, "%s%s", what,
		apply ? "" : " (unsafe fix, not applied; use --unsafe-fixes)");
	return apply;
}

/* Record an applied change worth a warning (an explicit value changed). */
static inline void tr_notable(struct hd_ctx *ctx, const struct hd_fref *r,
			      const struct yn *at, const char *what)
{
	hd_find(ctx, r, at, HD_SEV_MEDIUM, true, false, "%s", what);
	ctx->f[ctx->nf - 1].notable = true;
}

static inline struct yn *ctr_sc(const struct hd_container *c)
{
	return hd_get(c->node, "securityContext");
}

static inline struct yn *pod_sc(const struct hd_pod *p)
{
	return hd_get(p->spec, "securityContext");
}

/* Does a sequence of scalars hold @s? */
static inline bool seq_has(const struct yn *seq, const char *s)
{
	size_t i;

	seq = seq ? yn_deref(seq) : NULL;
	if (!seq || seq->kind != YN_SEQ)
		return false;
	for (i = 0; i < seq->nkids; i++)
		if (!(seq->kids[i]->flags & YF_DELETED) && hd_str_is(seq->kids[i], s))
			return true;
	return false;
}

#endif
