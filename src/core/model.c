/* model.c - effective reads (merge keys, aliases), overlay writes, findings */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "exempt.h"
#include "scalar.h"

static struct yn *merged_get(const struct yn *map, const char *key, int depth);

/* The merged Compose service the running transform reads (hd_view_enter). */
static _Thread_local const struct hd_view *cur_view;

bool hd_merge_key(const struct yn *k)
{
	return !(k->flags & YF_DELETED) && yn_is_scalar(k, "<<") && k->style == YS_PLAIN;
}

/* Look @key up in the merge sources of @map (`<<: *a` / `<<: [*a, *b]`). */
static struct yn *merge_sources_get(const struct yn *map, const char *key, int depth)
{
	size_t i, j;

	if (depth > 16 || !map->has_merge)
		return NULL;
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct yn *k = map->kids[i], *v;

		if (!hd_merge_key(k))
			continue;
		v = yn_deref(map->kids[i + 1]);
		if (v->kind == YN_MAP) {
			struct yn *r = merged_get(v, key, depth + 1);

			if (r)
				return r;
		} else if (v->kind == YN_SEQ) {
			for (j = 0; j < v->nkids; j++) {
				const struct yn *src = yn_deref(v->kids[j]);
				struct yn *r;

				if (src->kind != YN_MAP)
					continue;
				r = merged_get(src, key, depth + 1);
				if (r)
					return r;
			}
		}
	}
	return NULL;
}

static struct yn *merged_get(const struct yn *map, const char *key, int depth)
{
	struct yn *v = yn_map_get(map, key);

	if (v)
		return v;
	return merge_sources_get(map, key, depth);
}

/* ---- the merged Compose service -------------------------------------- */

void hd_view_enter(const struct hd_view *v)
{
	cur_view = v;
}

const struct hd_view *hd_view_current(void)
{
	return cur_view;
}

void hd_view_leave(struct hd_ctx *ctx, size_t nf0)
{
	size_t i, n = nf0;

	cur_view = NULL;
	if (ctx->no_findings)
		return;
	for (i = nf0; i < ctx->nf; i++)
		if (!ctx->f[i].elsewhere)
			ctx->f[n++] = ctx->f[i];
	ctx->nf = n;
}

/* The keys that lead the current view to mapping @n, or NULL. */
static const struct hd_vpath *vpath(const struct yn *n)
{
	size_t i;

	for (i = 0; cur_view && i < cur_view->nreg; i++)
		if (cur_view->reg[i].node == n)
			return &cur_view->reg[i];
	return NULL;
}

/* Remember that mapping @n is what @p's keys and then @key lead to. */
static void vreg(const struct yn *n, const struct hd_vpath *p, const char *key)
{
	struct hd_view *v = (struct hd_view *)cur_view;
	const char **keys;
	struct hd_vpath *r;

	if (vpath(n) || p->n >= 16)
		return;
	if (v->nreg == v->capreg) {
		r = hd_arena_alloc(v->a, (v->capreg * 2 + 8) * sizeof(*r));
		if (v->nreg) /* (memcpy from NULL is undefined even for 0 bytes) */
			memcpy(r, v->reg, v->nreg * sizeof(*r));
		v->reg = r;
		v->capreg = v->capreg * 2 + 8;
	}
	keys = hd_arena_alloc(v->a, (p->n + 1) * sizeof(*keys));
	if (p->n)
		memcpy(keys, p->keys, p->n * sizeof(*keys));
	keys[p->n] = hd_arena_strdup(v->a, key);
	v->reg[v->nreg++] = (struct hd_vpath){ n, keys, p->n + 1 };
}

/* What the keys of @p and then @key give in layer @top (NULL: nothing). */
static struct yn *layer_at(const struct yn *top, const struct hd_vpath *p, const char *key)
{
	const struct yn *m = top;
	struct yn *v;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		v = merged_get(m, p->keys[i], 0);
		m = v ? yn_deref(v) : NULL;
		if (!m || m->kind != YN_MAP)
			return NULL;
	}
	v = merged_get(m, key, 0);
	return v ? (struct yn *)yn_deref(v) : NULL;
}

/* The value the merged service has there: the highest layer's. */
static struct yn *view_get(const struct hd_vpath *p, const char *key)
{
	size_t i;

	for (i = 0; i < cur_view->nl; i++) {
		struct yn *v = layer_at(cur_view->l[i].node, p, key);

		if (!v)
			continue;
		if (v->kind == YN_MAP)
			vreg(v, p, key);
		return v;
	}
	return NULL;
}

/* The value a layer in [@from, @to) has there, or NULL. */
static struct yn *layers_have(const struct hd_vpath *p, const char *key, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		struct yn *v = layer_at(cur_view->l[i].node, p, key);

		if (v)
			return v;
	}
	return NULL;
}

/*
 * May an edit go to @n while a view is current?  Only into the service's
 * own nodes, or the document's top level (the fragments it merges); a
 * base service or another file is never edited through a user.
 */
static bool view_writable(const struct yn *n)
{
	const struct yn *p;

	if (!cur_view)
		return true;
	for (p = n; p; p = p->parent) {
		if (p == cur_view->svc)
			return true;
		if (p->parent && p->parent == cur_view->services)
			return false; /* another service */
		if (!p->parent)	      /* or a new node not attached yet */
			return p == cur_view->root || (p->flags & YF_NEW);
	}
	return false;
}

/* The layer (another file) that node @n belongs to, or NULL. */
static const struct hd_layer *view_foreign(const struct yn *n)
{
	size_t i;

	if (!cur_view || !n)
		return NULL;
	while (n->parent)
		n = n->parent;
	if (n == cur_view->root)
		return NULL;
	for (i = 0; i < cur_view->nl; i++)
		if (cur_view->l[i].root == n)
			return &cur_view->l[i];
	return NULL;
}

/* @key of @map (an alias is followed), its own or @inherited_only merged. */
static struct yn *get(const struct yn *map, const char *key, bool inherited_only)
{
	struct yn *v;

	map = map ? yn_deref(map) : NULL;
	if (!map || map->kind != YN_MAP)
		return NULL;
	if (cur_view && !inherited_only) {
		const struct hd_vpath *p = vpath(map);

		if (p)
			return view_get(p, key);
	}
	v = inherited_only ? merge_sources_get(map, key, 0) : merged_get(map, key, 0);
	return v ? (struct yn *)yn_deref(v) : NULL;
}

struct yn *hd_get(const struct yn *map, const char *key)
{
	return get(map, key, false);
}

struct yn *hd_get_inherited(const struct yn *map, const char *key)
{
	return get(map, key, true);
}

struct yn *hd_getp(const struct yn *map, ...)
{
	va_list ap;
	const char *k;
	struct yn *cur = (struct yn *)map;

	va_start(ap, map);
	while (cur && (k = va_arg(ap, const char *)) != NULL)
		cur = hd_get(cur, k);
	va_end(ap);
	return cur;
}

struct yn *hd_item(const struct yn *seq, size_t *i)
{
	seq = seq ? yn_deref(seq) : NULL;
	if (!seq || seq->kind != YN_SEQ)
		return NULL;
	for (; *i < seq->nkids; (*i)++)
		if (!(seq->kids[*i]->flags & YF_DELETED))
			return seq->kids[*i];
	return NULL;
}

bool hd_first_visit(struct yn *n)
{
	if (n->flags & YF_NOTED)
		return false;
	n->flags |= YF_NOTED;
	return true;
}

size_t hd_count(const struct yn *coll)
{
	return ye_count(coll);
}

const struct yn *hd_shared_anchor(const struct yn *n)
{
	return ye_shared_anchor(n);
}

/* ---- findings ------------------------------------------------------------ */

static const struct yn *old_node(const struct yn *n)
{
	while (n && ((n->flags & YF_NEW) || n->start == HD_NOPOS)) {
		if (n->replaced)
			return n->replaced;
		n = n->parent;
	}
	return n;
}

void hd_find(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at, enum hd_severity sev,
	     bool applied, bool unsafe, const char *fmt, ...)
{
	struct hd_finding *f;
	va_list ap;
	char buf[600];
	const struct yn *o;
	const struct hd_layer *fl;

	f = hd_ctx_finding(ctx);
	if (!f)
		return;
	o = old_node(at);
	fl = view_foreign(o);
	f->transform = r->tr;
	f->control = r->control;
	/* names may live in the document's tree, which is freed first */
	f->object = r->object ? hd_arena_strdup(&ctx->job->arena, r->object) : NULL;
	f->container = r->container ? hd_arena_strdup(&ctx->job->arena, r->container) : NULL;
	f->severity = sev;
	f->applied = applied;
	f->unsafe = unsafe;
	f->doc = ctx->doc;
	if (fl) /* what another file holds is reported at the service here */
		o = yn_key_of(cur_view->svc) ? yn_key_of(cur_view->svc) : cur_view->svc;
	if (o)
		ys_pos(&ctx->job->ys, o->start, &f->line, &f->col);
	else
		f->line = f->col = 1;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (fl) {
		size_t n = strlen(buf);
		int line, col;

		ys_pos(fl->ys, old_node(at)->start, &line, &col);
		/* an edit there is no edit here: that file's own run makes it */
		snprintf(buf + n, sizeof(buf) - n, " (set in %s:%d%s)", fl->file, line,
			 f->applied ? "; not changed here: harden that file" : "");
		f->applied = false;
		f->elsewhere = fl->in_run;
	}
	f->message = hd_arena_strdup(&ctx->job->arena, buf);
}

/* ---- writing ------------------------------------------------------------- */

bool line_ignored(struct hd_ctx *ctx, const char *tr, const struct yn *at,
		  const struct hd_fref *who)
{
	struct hd_fref r = { tr, "exemption", who ? who->object : NULL,
			     who ? who->container : NULL };
	const struct hd_layer *fl = view_foreign(at);

	if (!at || at->start == HD_NOPOS ||
	    !hd_line_ignores(fl ? fl->ys : &ctx->job->ys, at->start, tr))
		return false;
	hd_find(ctx, &r, at, HD_SEV_LOW, false, false,
		"left alone: exempted by a '# harden:ignore' comment");
	return true;
}

/*
 * Would adding to @coll (an existing mapping or sequence) change what a
 * "# harden:ignore" comment keeps?  The comment may sit on its key's line
 * (`capabilities:  # harden:ignore`), on the line of a flow collection
 * (`drop: [NET_RAW]  # harden:ignore`), or on the first line of a sequence
 * item (`- {name: s, mountPath: /s}  # harden:ignore`).
 */
static bool coll_ignored(struct hd_ctx *ctx, const char *tr, const struct yn *coll)
{
	const struct yn *k;

	if (!coll || (coll->flags & YF_NEW) || coll->start == HD_NOPOS || !ctx->job->ys.ignores)
		return false;
	if ((coll->style == YS_FLOW || (coll->parent && coll->parent->kind == YN_SEQ)) &&
	    line_ignored(ctx, tr, coll, NULL))
		return true;
	/* an empty key has no line of its own (it borrows the end of what
	 * precedes it) */
	k = yn_key_of(coll);
	return k && !(k->flags & YF_NEW) && k->start != HD_NOPOS && !k->null_empty &&
	       line_ignored(ctx, tr, k, NULL);
}

/* Allow edits in the anchored nodes that share @n; report them once. */
static void touch(struct hd_ctx *ctx, const char *tr, struct yn *n)
{
	struct yn *a;

	for (a = n; a; a = a->parent) {
		if (!a->anchor || !a->nrefs || (a->flags & YF_NOTED))
			continue;
		a->flags |= YF_SHARED_OK | YF_NOTED;
		{
			struct hd_fref r = { tr, "anchor", NULL, NULL };
			struct hd_finding *f;

			hd_find(ctx, &r, a, HD_SEV_LOW, true, false,
				"edited anchor '&%s', shared by %u alias(es): every "
				"user gets the change",
				a->anchor, a->nrefs);
			f = &ctx->f[ctx->nf - 1];
			f->notable = true;
		}
	}
}

static bool null_value(const struct yn *v)
{
	return v->kind == YN_SCALAR && !v->anchor && !v->tag && hd_node_type(v) == YT_NULL;
}

static struct yn *want_coll_here(struct hd_ctx *ctx, const char *tr, struct yn *map,
				 const char *key, enum yn_kind kind);

/*
 * Through a view: the collection under @key of the service's own mapping
 * @map (registered at @p).  A key a higher layer sets is left to it
 * (mappings excepted: Compose merges them key by key); a new one is made
 * only where the layers below have nothing else there, and not at all
 * when additions belong to an earlier -f file.
 */
static struct yn *want_coll_view(struct hd_ctx *ctx, const char *tr, struct yn *map,
				 const struct hd_vpath *p, const char *key, enum yn_kind kind)
{
	struct yn *u = layers_have(p, key, 0, cur_view->local), *r;

	if (u && !(u->kind == YN_MAP && kind == YN_MAP))
		return NULL;
	if (!yn_map_get(map, key) && !merge_sources_get(map, key, 0)) {
		struct yn *lo = layers_have(p, key, cur_view->local + 1, cur_view->nl);

		if (cur_view->no_new_keys || (lo && lo->kind != kind))
			return NULL;
	}
	r = want_coll_here(ctx, tr, map, key, kind);
	if (r && kind == YN_MAP)
		vreg(r, p, key);
	return r;
}

static struct yn *want_coll(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key,
			    enum yn_kind kind)
{
	map = map ? (struct yn *)yn_deref(map) : NULL;
	if (cur_view && map) {
		const struct hd_vpath *p = vpath(map);

		if (!view_writable(map))
			return NULL;
		if (p)
			return want_coll_view(ctx, tr, map, p, key, kind);
	}
	return want_coll_here(ctx, tr, map, key, kind);
}

static struct yn *want_coll_here(struct hd_ctx *ctx, const char *tr, struct yn *map,
				 const char *key, enum yn_kind kind)
{
	struct ystream *ys = &ctx->job->ys;
	struct yn *local, *v;

	map = (struct yn *)yn_deref(map);
	if (!map || map->kind != YN_MAP)
		return NULL;
	local = yn_map_get(map, key);
	if (local) {
		v = (struct yn *)yn_deref(local);
		if (v->kind == kind && !(v->flags & YF_DELETED)) {
			if (coll_ignored(ctx, tr, v))
				return NULL;
			touch(ctx, tr, v);
			return v;
		}
		if (coll_ignored(ctx, tr, v) || coll_ignored(ctx, tr, map))
			return NULL;
		if (local->kind != YN_ALIAS &&
		    (null_value(v) || ((v->kind == YN_MAP || v->kind == YN_SEQ) &&
				       v->style == YS_FLOW && ye_count(v) == 0))) {
			touch(ctx, tr, map);
			return ye_map_ensure(ys, map, key, kind);
		}
		{
			struct hd_fref r = { tr, key, NULL, NULL };

			hd_find(ctx, &r, local, HD_SEV_MEDIUM, false, false,
				"'%s' is not a %s; left alone", key,
				kind == YN_MAP ? "mapping" : "sequence");
		}
		return NULL;
	}
	v = merge_sources_get(map, key, 0);
	if (v) {
		v = (struct yn *)yn_deref(v);
		if (v->kind == kind) {
			if (coll_ignored(ctx, tr, v))
				return NULL;
			touch(ctx, tr, v);
			return v;
		}
		if (!null_value(v))
			return NULL;
	}
	if (coll_ignored(ctx, tr, map))
		return NULL;
	touch(ctx, tr, map);
	return ye_map_ensure(ys, map, key, kind);
}

struct yn *hd_want_map(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key)
{
	return want_coll(ctx, tr, map, key, YN_MAP);
}

struct yn *hd_want_seq(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key)
{
	return want_coll(ctx, tr, map, key, YN_SEQ);
}

void hd_put(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key, const char *text,
	    enum yn_type t)
{
	struct ystream *ys = &ctx->job->ys;
	struct yn *v;

	map = (struct yn *)yn_deref(map);
	if (!map || map->kind != YN_MAP)
		return;
	v = yn_map_get(map, key);
	if (cur_view) {
		const struct hd_vpath *p = vpath(map);

		/* another file's or service's value, a key a higher layer
		 * sets, a new key that belongs to an earlier -f file */
		if (!view_writable(map) || (p && layers_have(p, key, 0, cur_view->local)) ||
		    (p && !v && cur_view->no_new_keys))
			return;
	}
	if (v && !(v->flags & YF_NEW) && line_ignored(ctx, tr, v, NULL))
		return;
	if ((!v || v->kind != YN_SCALAR) && coll_ignored(ctx, tr, map))
		return; /* a new key (or a new value) would change a kept line */
	touch(ctx, tr, map);
	if (v && v->kind == YN_SCALAR) {
		if (hd_node_type(v) == t && v->tlen == strlen(text) &&
		    !memcmp(v->text, text, v->tlen))
			return;
		ye_set_scalar(ys, v, text, t);
		return;
	}
	if (v) {
		ye_replace(v, ye_scalar(ys, text, t));
		return;
	}
	ye_map_add(ys, map, key, ye_scalar(ys, text, t));
}

void hd_del(struct hd_ctx *ctx, const char *tr, struct yn *map, const char *key)
{
	struct yn *k;

	map = (struct yn *)yn_deref(map);
	if (!map || !view_writable(map))
		return;
	k = yn_map_key(map, key);
	if (!k || (!(k->flags & YF_NEW) && line_ignored(ctx, tr, k, NULL)))
		return;
	touch(ctx, tr, map);
	ye_remove(k);
}

/* ---- writing items and new nodes ----------------------------------------- */

struct yn *hd_new_str(struct hd_ctx *ctx, const char *text)
{
	return ye_scalar(&ctx->job->ys, text, YT_STR);
}

struct yn *hd_new_map(struct hd_ctx *ctx, ...)
{
	struct ystream *ys = &ctx->job->ys;
	struct yn *m = ye_map(ys);
	const char *k, *v;
	va_list ap;

	va_start(ap, ctx);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		ye_map_add(ys, m, k, ye_scalar(ys, v, YT_STR));
	}
	va_end(ap);
	return m;
}

void hd_append(struct hd_ctx *ctx, struct yn *seq, struct yn *item)
{
	ye_seq_append(&ctx->job->ys, seq, item);
}

void hd_append_str(struct hd_ctx *ctx, struct yn *seq, const char *text)
{
	hd_append(ctx, seq, hd_new_str(ctx, text));
}

void hd_add(struct hd_ctx *ctx, struct yn *map, const char *key, struct yn *v)
{
	ye_map_add(&ctx->job->ys, map, key, v);
}

void hd_set_str(struct hd_ctx *ctx, struct yn *n, const char *text)
{
	ye_set_scalar(&ctx->job->ys, n, text, YT_STR);
}

struct yn *hd_to_seq(struct hd_ctx *ctx, struct yn *n)
{
	struct yn *seq = ye_seq(&ctx->job->ys);

	hd_append_str(ctx, seq, n->text);
	ye_replace(n, seq);
	return seq;
}

void hd_remove_item(struct yn *it)
{
	ye_remove(it);
}
