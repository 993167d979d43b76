/* model.h - what transforms see: Kubernetes pod specs and Compose services */
#ifndef HD_MODEL_H
#define HD_MODEL_H

#include <stdarg.h>

#include "harden.h"
#include "scalar.h"
#include "ytree.h"

struct hd_container {
	struct yn *node; /* the container mapping */
	const char *name;
	const char *list; /* "containers", "initContainers", "ephemeralContainers" */
};

struct hd_pod {
	struct yn *obj;	  /* the object (document root or List item) */
	struct yn *meta;  /* object metadata, or NULL */
	struct yn *tmeta; /* pod template metadata (== meta for Pod), or NULL */
	struct yn *spec;  /* the pod spec mapping */
	const char *kind, *name;
	const char *label; /* "Deployment/web" */
	bool windows;	   /* spec.os.name: windows */
	struct hd_container *ctrs;
	size_t nctrs;
};

struct hd_view;

struct hd_service {
	struct yn *node; /* the service mapping (services.NAME) */
	struct yn *key;	 /* its key in `services` */
	struct yn *top;	 /* document root */
	const char *name;
	const char *label;    /* "services.web" */
	struct hd_view *view; /* the merged service (extends, overrides), or NULL */
	/* harden.c: x-harden.skip was looked up and is absent (bit 0: read
	 * alone, bit 1: through the view), so every later pass need not walk
	 * the service's keys again (no pass writes x-harden) */
	unsigned char no_skip;
};

/* Find every pod spec of a Kubernetes document.  Returns the count. */
size_t hd_k8s_pods(struct hd_ctx *ctx, struct yn *root, struct hd_pod **out);
/* Find every service of a Compose document (root has a `services` map). */
size_t hd_compose_services(struct hd_ctx *ctx, struct yn *root, struct hd_service **out);
/* An anchored mapping that only services merge, and those services. */
struct hd_shared {
	struct yn *anchor;
	struct yn **users; /* in file order, at least two */
	size_t nusers;
};

/* The anchors of a Compose document that only its services merge. */
size_t hd_compose_shared(struct hd_ctx *ctx, const struct hd_service *svcs, size_t ns,
			 struct hd_shared **out);
/*
 * After pass @tr ran over the services: a key it added, with the same
 * value, to every user of a shared anchor (hd_compose_shared()) moves into
 * the anchor, once, and a notable finding says so.
 */
void hd_compose_hoist(struct hd_ctx *ctx, const char *tr, const struct hd_shared *g, size_t ng);
bool hd_is_compose(const struct yn *root);
bool hd_is_k8s(const struct yn *root);

/* ---- the merged Compose service (compose_merge.c) ---- */

/* One definition of a service that Compose merges into what runs. */
struct hd_layer {
	struct yn *node;	  /* the service mapping */
	const struct yn *root;	  /* its document's root */
	const struct ystream *ys; /* its file (positions, comments) */
	const char *file;	  /* its file name, for messages */
	bool in_run;		  /* a -f file: hardened in this run too */
};

/* A mapping the view handed out, and the keys that lead to it. */
struct hd_vpath {
	const struct yn *node;
	const char *const *keys;
	unsigned n;
};

/*
 * hd_view - what Compose runs for a service: its `extends` bases, the
 * earlier -f files (or the base an override file completes) below it, the
 * later -f files above it.  While a transform runs on the service
 * (hd_view_enter()), hd_get() reads through the layers, highest first, and
 * mappings merge key by key; writes go to the service's own nodes only, a
 * key set by a higher layer is left to it, and @no_new_keys (the service
 * is first defined in an earlier -f file, where additions go) adds none.
 */
struct hd_view {
	struct hd_layer *l; /* highest priority first */
	size_t nl, local;   /* l[local] is the service itself */
	bool no_new_keys;
	const char *blocked;	  /* why nothing may be added, or NULL */
	unsigned same_file_bases; /* `extends` bases in this document */
	const struct yn *svc, *root, *services;
	struct hd_vpath *reg; /* mappings handed out (arena) */
	size_t nreg, capreg;
	struct hd_arena *a;
};

/*
 * hd_compose_merge() - the views of the @ns services of Compose document
 * @root (svcs[i].view; NULL when a service is all its own), and the order
 * to harden them in: same-file `extends` bases before their users, so
 * that a setting the base gets is not repeated below.  A service whose
 * base cannot be seen gets a `harden-merge` warning saying so.
 */
size_t *hd_compose_merge(struct hd_ctx *ctx, struct yn *root, struct hd_service *svcs, size_t ns);
/* Does transform @name decide on the merged service (not secret-env,
 * which moves literal values of this file, nor image-refs, which pins
 * the image this file names)? */
bool hd_view_applies(const char *name);
/*
 * Read through @v on this thread; hd_view_leave() ends it and drops the
 * findings about another -f file made meanwhile (that file's own run
 * reports them).
 */
void hd_view_enter(const struct hd_view *v);
/* The view this thread reads through, or NULL. */
const struct hd_view *hd_view_current(void);
void hd_view_leave(struct hd_ctx *ctx, size_t nf0);
/* Free the files read for views (at the end of the file). */
void hd_compose_merge_release(struct hd_ctx *ctx);

/* ---- reading (effective values: merge keys and aliases followed) ---- */

/* The value under @key of @map: local key first, then `<<` merge sources. */
struct yn *hd_get(const struct yn *map, const char *key);
/* Is @k a live `<<` merge key (plain, not deleted)? */
bool hd_merge_key(const struct yn *k);
/* The value under @key that @map's `<<` merge sources give it, or NULL. */
struct yn *hd_get_inherited(const struct yn *map, const char *key);
/* Nested lookup: hd_getp(map, "securityContext", "capabilities", NULL). */
struct yn *hd_getp(const struct yn *map, ...);
/* hd_true(), hd_false(), hd_int(), hd_str_is(), hd_str(): scalar.h */

/* Is @n (not NULL) still there, not removed by an earlier pass? */
static inline bool hd_live(const struct yn *n)
{
	return n && !(n->flags & YF_DELETED);
}

/* Did a pass add @n (not NULL)? */
static inline bool hd_added(const struct yn *n)
{
	return n->flags & YF_NEW;
}

/* Did a pass add @n or give it a new value? */
static inline bool hd_edited(const struct yn *n)
{
	return n->flags & (YF_NEW | YF_SET);
}

/*
 * hd_item() - the first live item of sequence @seq at index *@i or after,
 * *@i set to its index (kept for the caller's seq->kids[*i]); NULL when
 * none is left or @seq is no sequence.  The loop over live items:
 *
 *	for (i = 0; (it = hd_item(seq, &i)); i++)
 */
struct yn *hd_item(const struct yn *seq, size_t *i);
/*
 * First visit of value node @n?  An anchor shared by several containers or
 * services is reached once per user: what it holds is reported (or moved)
 * once.  The mark is YF_NOTED, which only anchored collections carry
 * otherwise (hd_want_*() notes their edits once).
 */
bool hd_first_visit(struct yn *n);
/* Live pairs of a mapping, or live items of a sequence. */
size_t hd_count(const struct yn *coll);
/* The anchored ancestor-or-self of @n that aliases share, or NULL. */
const struct yn *hd_shared_anchor(const struct yn *n);

/* ---- writing (through the overlay) ---- */

/*
 * hd_want_map() - the mapping under @key of @map, created when missing or
 * null.  Reached through an alias or a merge key, the anchored source is
 * edited (every user gets the change; a finding says so).  NULL when @key
 * holds something else (a finding says so).
 */
struct yn *hd_want_map(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key);
struct yn *hd_want_seq(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key);
/* Set scalar @key of @map (added, or changed when it differs). */
void hd_put(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key, const char *text,
	    enum yn_type t);
/* Remove @key from @map (local key only). */
void hd_del(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key);

/*
 * ---- writing items and new nodes ----
 *
 * Below hd_want_*() and hd_put(): these edit what the caller hands them as
 * it is.  A sequence or mapping comes from hd_want_seq()/hd_want_map() (which
 * checked "# harden:ignore" comments, views and shared anchors) or is new;
 * an item was read from one and found editable.  Values are strings.
 */

/* A new string scalar, not in the document yet. */
struct yn *hd_new_str(struct hd_ctx *ctx, const char *text);
/* A new mapping of the string pairs that follow (key, value, ..., NULL). */
struct yn *hd_new_map(struct hd_ctx *ctx, ...) __attribute__((sentinel));
/* Append new node @item to sequence @seq. */
void hd_append(struct hd_ctx *ctx, struct yn *seq, struct yn *item);
/* Append string item @text to sequence @seq. */
void hd_append_str(struct hd_ctx *ctx, struct yn *seq, const char *text);
/* Add the new pair @key: @v to mapping @map (@key not in it yet). */
void hd_add(struct hd_ctx *ctx, struct yn *map, const char *key, struct yn *v);
/* Give scalar @n (an item or a value) string value @text. */
void hd_set_str(struct hd_ctx *ctx, struct yn *n, const char *text);
/* Put a sequence holding scalar @n's value where @n is; returns it. */
struct yn *hd_to_seq(struct hd_ctx *ctx, struct yn *n);
/* Remove item @it of its sequence (or the pair whose key or value it is). */
void hd_remove_item(struct yn *it);

/* ---- findings ---- */

struct hd_fref {
	const char *tr;	     /* transform name */
	const char *control; /* PSS check id or Compose key */
	const char *object;
	const char *container;
};

/* Record a finding located at @at (nearest old node is used). */
void hd_find(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at, enum hd_severity sev,
	     bool applied, bool unsafe, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Does @at's line carry "# harden:ignore" for @tr?  Records the exemption. */
bool line_ignored(struct hd_ctx *ctx, const char *tr, const struct yn *at,
		  const struct hd_fref *who);

/* Is this transform exempted for @pod / @svc (annotations, x-harden)? */
bool hd_pod_exempt(struct hd_ctx *ctx, const struct hd_pod *pod, const char *tr);

/*
 * Does an explicit `privileged: true` stay on this container / service
 * (default mode, or no-privileged skipped or exempted)?  Its user,
 * capabilities, privilege escalation and root filesystem are then left
 * alone: no-privileged reports it once.
 */
bool hd_ctr_privileged_kept(const struct hd_ctx *ctx, const struct hd_pod *pod,
			    const struct hd_container *c);
bool hd_svc_privileged_kept(const struct hd_ctx *ctx, const struct hd_service *svc);

#endif
