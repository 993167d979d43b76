/* compose.c - find the services of a Compose file */
#include <stdio.h>
#include <string.h>

#include "edit.h"
#include "exempt.h"
#include "model.h"
#include "scalar.h"

bool hd_is_compose(const struct yn *root)
{
	const struct yn *s;

	if (!root || root->kind != YN_MAP || hd_get(root, "kind"))
		return false;
	s = hd_get(root, "services");
	return s && s->kind == YN_MAP;
}

size_t hd_compose_services(struct hd_ctx *ctx, struct yn *root,
			   struct hd_service **out)
{
	struct yn *svcs = hd_get(root, "services");
	struct hd_service *v;
	size_t i, n = 0;

	*out = NULL;
	if (!svcs || svcs->kind != YN_MAP)
		return 0;
	v = hd_arena_alloc(&ctx->job->arena, (svcs->nkids / 2 + 1) * sizeof(*v));
	for (i = 0; i + 1 < svcs->nkids; i += 2) {
		struct yn *k = svcs->kids[i];
		struct yn *s = (struct yn *)yn_deref(svcs->kids[i + 1]);

		if ((k->flags & YF_DELETED) || k->kind != YN_SCALAR || s->kind != YN_MAP)
			continue;
		v[n].node = s;
		v[n].key = k;
		v[n].top = root;
		v[n].name = k->text;
		v[n].label = hd_arena_printf(&ctx->job->arena, "services.%s", k->text);
		n++;
	}
	*out = v;
	return n;
}

/* ---- settings every user of an anchor gains go into the anchor ---------- */

/* Two subtrees created by edits that hold the same data. */
static bool same_new(const struct yn *a, const struct yn *b)
{
	size_t i;

	if (a->kind != b->kind || a->nkids != b->nkids || a->kind == YN_ALIAS)
		return false;
	if (a->kind == YN_SCALAR)
		return a->tlen == b->tlen && !memcmp(a->text, b->text, a->tlen) &&
		       hd_node_type(a) == hd_node_type(b);
	for (i = 0; i < a->nkids; i++)
		if (!same_new(a->kids[i], b->kids[i]))
			return false;
	return true;
}

/* How many times @svc merges @a directly (`<<: *a`, `<<: [*b, *a]`). */
static unsigned merges_of(const struct yn *svc, const struct yn *a)
{
	unsigned c = 0;
	size_t i, j;

	if (!svc->has_merge)
		return 0;
	for (i = 0; i + 1 < svc->nkids; i += 2) {
		const struct yn *k = svc->kids[i], *v = svc->kids[i + 1];

		if ((k->flags & YF_DELETED) || !yn_is_scalar(k, "<<") || k->style != YS_PLAIN)
			continue;
		if (v->kind == YN_ALIAS)
			c += yn_deref(v) == a;
		else if (v->kind == YN_SEQ)
			for (j = 0; j < v->nkids; j++)
				c += v->kids[j]->kind == YN_ALIAS && yn_deref(v->kids[j]) == a;
	}
	return c;
}

/* The new pair @key gives @map, when its whole value is new: the value. */
static struct yn *new_value(const struct yn *map, const char *key)
{
	struct yn *k = yn_map_key(map, key);
	struct yn *v = k ? yn_map_get(map, key) : NULL;

	return k && v && (k->flags & YF_NEW) && (v->flags & YF_NEW) ? v : NULL;
}

/*
 * Anchor @a is merged only by services (every alias to it is a `<<` of a
 * service, and it is not a service itself): a key that pass @tr just added,
 * with the same value, to every one of them moves into the anchor, once.
 */
static void hoist_into(struct hd_ctx *ctx, const char *tr, struct yn *a,
		       struct hd_service *svcs, size_t ns, size_t first)
{
	struct ystream *ys = &ctx->job->ys;
	struct yn *u0 = svcs[first].node;
	unsigned refs = 0, moved = 0;
	char keys[200] = "";
	size_t i, s, kl = 0;

	for (s = 0; s < ns; s++) {
		if (svcs[s].node == a)
			return;
		refs += merges_of(svcs[s].node, a);
	}
	if (refs != a->nrefs || refs < 2 || hd_line_ignores(ys, a->start, tr))
		return;
	for (i = 0; i + 1 < u0->nkids;) {
		const char *key = u0->kids[i]->text;
		struct yn *v = u0->kids[i]->kind == YN_SCALAR ? new_value(u0, key) : NULL;
		bool all = v && !yn_map_key(a, key);

		for (s = first + 1; s < ns && all; s++) {
			const struct yn *o;

			if (!merges_of(svcs[s].node, a))
				continue;
			o = new_value(svcs[s].node, key);
			all = o && same_new(v, o);
		}
		if (!all) {
			i += 2;
			continue;
		}
		ye_map_add(ys, a, key, ye_clone(ys, v));
		for (s = ns; s-- > first + 1;)
			if (merges_of(svcs[s].node, a))
				ye_remove(yn_map_key(svcs[s].node, key));
		if (kl < sizeof(keys))
			kl += (size_t)snprintf(keys + kl, sizeof(keys) - kl, "%s'%s'",
					       moved ? ", " : "", key);
		ye_remove(u0->kids[i]); /* the next pair slides into place i */
		moved++;
	}
	if (moved) {
		struct hd_fref r = { tr, "anchor", NULL, NULL };

		a->flags |= YF_SHARED_OK;
		hd_find(ctx, &r, a, HD_SEV_LOW, true, false,
			"%s added once to anchor '&%s', for all %u services that "
			"merge it", keys, a->anchor, refs);
		ctx->f[ctx->nf - 1].notable = true;
	}
}

void hd_compose_hoist(struct hd_ctx *ctx, const char *tr, struct hd_service *svcs,
		      size_t ns)
{
	size_t s, t, i, j;

	for (s = 0; s < ns; s++) {
		const struct yn *u = svcs[s].node;

		if (!u->has_merge)
			continue;
		for (i = 0; i + 1 < u->nkids; i += 2) {
			const struct yn *k = u->kids[i], *v = u->kids[i + 1];
			size_t n = v->kind == YN_SEQ ? v->nkids : 1;

			if ((k->flags & YF_DELETED) || !yn_is_scalar(k, "<<") || k->style != YS_PLAIN)
				continue;
			for (j = 0; j < n; j++) {
				const struct yn *al = v->kind == YN_SEQ ? v->kids[j] : v;
				struct yn *a;
				bool seen = false;

				if (al->kind != YN_ALIAS)
					continue;
				a = (struct yn *)yn_deref(al);
				for (t = 0; t < s && !seen; t++)
					seen = merges_of(svcs[t].node, a) > 0;
				if (!seen && a->kind == YN_MAP && a->anchor)
					hoist_into(ctx, tr, a, svcs, ns, s);
			}
		}
	}
}
