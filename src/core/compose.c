/* compose.c - find the services of a Compose file */
#include <stdio.h>
#include <stdlib.h>
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

size_t hd_compose_services(struct hd_ctx *ctx, struct yn *root, struct hd_service **out)
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

/* The new pair @key gives @map, when its whole value is new: the value. */
static struct yn *new_value(const struct yn *map, const char *key)
{
	struct yn *k = yn_map_key(map, key);
	struct yn *v = k ? yn_map_get(map, key) : NULL;

	return k && v && (k->flags & YF_NEW) && (v->flags & YF_NEW) ? v : NULL;
}

/* A service's merge of an anchored mapping: `<<: *a` or `<<: [*b, *a]`. */
struct merge_ref {
	struct yn *a;
	size_t svc;
};

static int ref_cmp(const void *x, const void *y)
{
	const struct merge_ref *p = x, *q = y;

	if (p->a != q->a)
		return p->a->start < q->a->start ? -1 : 1;
	return p->svc < q->svc ? -1 : p->svc > q->svc;
}

/* Every alias to an anchored mapping in a merge key of @svc, appended. */
static void merge_refs(const struct yn *svc, size_t si, struct merge_ref **v, size_t *n,
		       size_t *cap)
{
	size_t i, j;

	for (i = 0; svc->has_merge && i + 1 < svc->nkids; i += 2) {
		const struct yn *k = svc->kids[i], *m = svc->kids[i + 1];
		size_t nm = m->kind == YN_SEQ ? m->nkids : 1;

		if (!hd_merge_key(k))
			continue;
		for (j = 0; j < nm; j++) {
			const struct yn *al = m->kind == YN_SEQ ? m->kids[j] : m;
			struct yn *a;

			if (al->kind != YN_ALIAS)
				continue;
			a = (struct yn *)yn_deref(al);
			if (a->kind != YN_MAP || !a->anchor)
				continue;
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 16;
				*v = hd_xrealloc(*v, *cap * sizeof(**v));
			}
			(*v)[(*n)++] = (struct merge_ref){ a, si };
		}
	}
}

/*
 * Anchor @a is merged by the services @u (@nu of them, in file order) and
 * by nothing else: a key that pass @tr just added, with the same value, to
 * every one of them moves into the anchor, once.
 */
static void hoist_into(struct hd_ctx *ctx, const char *tr, struct yn *a, struct yn **u, size_t nu)
{
	struct ystream *ys = &ctx->job->ys;
	unsigned moved = 0;
	char keys[200] = "";
	size_t i, s, kl = 0;

	if (hd_line_ignores(ys, a->start, tr))
		return;
	for (i = 0; i + 1 < u[0]->nkids;) {
		const char *key = u[0]->kids[i]->text;
		struct yn *v = u[0]->kids[i]->kind == YN_SCALAR ? new_value(u[0], key) : NULL;
		bool all = v && !yn_map_key(a, key);

		/* every user has it, and no other merge source would shadow
		 * the anchor's copy (`<<: [*other, *a]`: the first one wins) */
		all = all && !hd_get_inherited(u[0], key);
		for (s = 1; s < nu && all; s++) {
			const struct yn *o = new_value(u[s], key);

			all = o && same_new(v, o) && !hd_get_inherited(u[s], key);
		}
		if (!all) {
			i += 2;
			continue;
		}
		ye_map_add(ys, a, key, ye_clone(ys, v));
		if (kl < sizeof(keys))
			kl += (size_t)snprintf(keys + kl, sizeof(keys) - kl, "%s'%s'",
					       moved ? ", " : "", key);
		for (s = 1; s < nu; s++)
			ye_remove(yn_map_key(u[s], key));
		ye_remove(u[0]->kids[i]); /* the next pair slides into place i */
		moved++;
	}
	if (moved) {
		struct hd_fref r = { tr, "anchor", NULL, NULL };

		a->flags |= YF_SHARED_OK;
		hd_find(ctx, &r, a, HD_SEV_LOW, true, false,
			"%s added once to anchor '&%s', for all %u services that "
			"merge it",
			keys, a->anchor, a->nrefs);
		ctx->f[ctx->nf - 1].notable = true;
	}
}

size_t hd_compose_shared(struct hd_ctx *ctx, const struct hd_service *svcs, size_t ns,
			 struct hd_shared **out)
{
	struct merge_ref *refs = NULL;
	struct hd_shared *g;
	size_t n = 0, cap = 0, ng = 0, i, j, s;

	*out = NULL;
	for (s = 0; s < ns; s++)
		merge_refs(svcs[s].node, s, &refs, &n, &cap);
	if (n < 2) {
		free(refs);
		return 0;
	}
	qsort(refs, n, sizeof(*refs), ref_cmp);
	g = hd_arena_alloc(&ctx->job->arena, n * sizeof(*g));
	for (i = 0; i < n; i = j) {
		struct yn *a = refs[i].a;
		struct yn **u;
		size_t nu = 0, k;

		for (j = i; j < n && refs[j].a == a; j++)
			;
		/*
		 * every alias to it is a services' merge; not a service itself;
		 * a common base, not a one-setting fragment (`x-logging:
		 * &logging {logging: ...}` is about logging, not users)
		 */
		if (j - i != a->nrefs || j - i < 2 || a->parent == svcs[0].key->parent ||
		    a->kind != YN_MAP || ye_count(a) < 2)
			continue;
		u = hd_arena_alloc(&ctx->job->arena, (j - i) * sizeof(*u));
		for (k = i; k < j; k++)
			if (k == i || refs[k].svc != refs[k - 1].svc)
				u[nu++] = svcs[refs[k].svc].node;
		if (nu >= 2)
			g[ng++] = (struct hd_shared){ a, u, nu };
	}
	free(refs);
	*out = g;
	return ng;
}

void hd_compose_hoist(struct hd_ctx *ctx, const char *tr, const struct hd_shared *g, size_t ng)
{
	size_t i;

	for (i = 0; i < ng; i++)
		hoist_into(ctx, tr, g[i].anchor, g[i].users, g[i].nusers);
}
