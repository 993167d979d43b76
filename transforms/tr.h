/* tr.h - shared helpers for transform implementations */
#ifndef HD_TR_H
#define HD_TR_H

#include <string.h>
#include <strings.h>

#include "model.h"
#include "scalar.h"
#include "transform.h"

/* Finding reference for a pod-level or container-level finding. */
#define POD_REF(tr, ctl, pod)                   \
	{                                       \
		(tr), (ctl), (pod)->label, NULL \
	}
#define CTR_REF(tr, ctl, pod, c)                     \
	{                                            \
		(tr), (ctl), (pod)->label, (c)->name \
	}
#define SVC_REF(tr, ctl, svc)                   \
	{                                       \
		(tr), (ctl), (svc)->label, NULL \
	}

/*
 * Record an unsafe fix.  Returns true when it is to be applied now
 * (--unsafe-fixes); otherwise it is reported as "would ...".
 */
static inline bool tr_unsafe(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at,
			     const char *what)
{
	bool apply = ctx->opts->unsafe_fixes;

	if (line_ignored(ctx, r->tr, at, r))
		return false;
	hd_find(ctx, r, at, HD_SEV_HIGH, apply, true, "%s%s", what,
		apply ? "" : " (unsafe fix, not applied; use --unsafe-fixes)");
	return apply;
}

/*
 * Record an applied change worth a warning (an explicit value @at changed).
 * False, and nothing may change, when a "# harden:ignore" comment keeps @at.
 */
static inline bool tr_notable(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at,
			      const char *what)
{
	if (line_ignored(ctx, r->tr, at, r))
		return false;
	hd_find(ctx, r, at, HD_SEV_MEDIUM, true, false, "%s", what);
	ctx->f[ctx->nf - 1].notable = true;
	return true;
}

/*
 * run-as-non-root: the pod sysctl that keeps a declared port below 1024
 * bindable by the non-root user harden set (reported on the host network).
 */
void hd_keep_low_ports(struct hd_ctx *ctx, struct hd_pod *pod);

/*
 * Is @c (@svc) privileged for good, so that pass @tr leaves it alone?
 * no-privileged reports that once; when it does not run, @tr says so.
 */
static inline bool tr_ctr_privileged(struct hd_ctx *ctx, const struct hd_pod *pod,
				     const struct hd_container *c, const char *tr)
{
	struct hd_fref r = CTR_REF(tr, "privileged", pod, c);

	if (!hd_ctr_privileged_kept(ctx, pod, c))
		return false;
	if (!hd_transform_enabled(ctx->opts, "no-privileged"))
		hd_find(ctx, &r, c->node, HD_SEV_MEDIUM, false, false,
			"left alone: the container is privileged");
	return true;
}

static inline bool tr_svc_privileged(struct hd_ctx *ctx, const struct hd_service *svc,
				     const char *tr)
{
	struct hd_fref r = SVC_REF(tr, "privileged", svc);

	if (!hd_svc_privileged_kept(ctx, svc))
		return false;
	if (!hd_transform_enabled(ctx->opts, "no-privileged"))
		hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, false, false,
			"left alone: the service is privileged");
	return true;
}

/*
 * Removing @n (a block sequence item, or the value of a pair) takes its
 * lines away, and the comments on them too: say so, or a "# CHANGEME" or
 * the reason for a setting goes unseen.  An item of a flow collection
 * leaves its line, and the comment, in place.
 */
static inline void tr_removed_comment(struct hd_ctx *ctx, const struct hd_fref *r,
				      const struct yn *n)
{
	const struct ystream *ys = &ctx->job->ys;
	const struct yn *k = n ? yn_key_of(n) : NULL, *first;
	size_t b, e, i;

	if (!n || hd_added(n) || (n->parent && n->parent->style == YS_FLOW))
		return;
	first = k ? k : n;
	b = first->start;
	if (!k && n->parent && n->parent->kind == YN_SEQ && n->dash && n->dash < b)
		b = n->dash;
	e = n->end > first->end ? n->end : first->end;
	if (b == HD_NOPOS || e == HD_NOPOS || e > ys->len)
		return;
	b = ys_line_start(ys, b);
	while (e < ys->len && ys->buf[e] != '\n')
		e++;
	for (i = b; i < e; i++)
		if (ys->buf[i] == '#' && (i == b || ys->buf[i - 1] == ' ' ||
					  ys->buf[i - 1] == '\t' || ys->buf[i - 1] == '\n'))
			break;
	if (i < e)
		hd_find(ctx, r, first, HD_SEV_LOW, false, false,
			"a comment on the removed line goes with it: copy it back by hand "
			"if it matters");
}

/* hd_del() that says so when a comment goes with the line (above). */
static inline void tr_del(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *map,
			  const char *key)
{
	struct yn *m = map ? (struct yn *)yn_deref(map) : NULL;
	struct yn *v = m && m->kind == YN_MAP ? yn_map_get(m, key) : NULL;

	hd_del(ctx, r->tr, map, key);
	if (v && !hd_live(v))
		tr_removed_comment(ctx, r, v);
}

/* hd_remove_item(), the same. */
static inline void tr_remove_item(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *it)
{
	hd_remove_item(it);
	if (!hd_live(it))
		tr_removed_comment(ctx, r, it);
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
		if (hd_live(seq->kids[i]) && hd_str_is(seq->kids[i], s))
			return true;
	return false;
}

/* The live item of sequence @seq whose `name` is @name (NULL: none). */
static inline struct yn *item_named(const struct yn *seq, const char *name)
{
	size_t i;

	if (!seq || seq->kind != YN_SEQ || !name)
		return NULL;
	for (i = 0; i < seq->nkids; i++)
		if (hd_live(seq->kids[i]) && hd_str_is(hd_get(seq->kids[i], "name"), name))
			return (struct yn *)yn_deref(seq->kids[i]);
	return NULL;
}

/* The pod volume called @name (NULL: none, or no name). */
static inline struct yn *volume_named(const struct yn *spec, const char *name)
{
	return item_named(hd_get(spec, "volumes"), name);
}

/* Compose scalars: "${VAR}" references and friends. */
static inline bool is_interpolated(const char *s)
{
	return s && strchr(s, '$') != NULL;
}

/* Upper-case capability name without a CAP_ prefix, in @buf. */
static inline const char *cap_norm(const char *c, char *buf, size_t n)
{
	size_t i;

	if (!c)
		return "";
	if (!strncasecmp(c, "CAP_", 4))
		c += 4;
	for (i = 0; c[i] && i + 1 < n; i++)
		buf[i] = (char)((c[i] >= 'a' && c[i] <= 'z') ? c[i] - 32 : c[i]);
	buf[i] = '\0';
	return buf;
}

/* Items of a Compose list that may also be written as a single string. */
static inline struct yn *as_seq(struct yn *n)
{
	n = n ? (struct yn *)yn_deref(n) : NULL;
	return n && n->kind == YN_SEQ ? n : NULL;
}

#endif
