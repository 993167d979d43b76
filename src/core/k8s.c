/* k8s.c - find the pod specs of Kubernetes objects */
#include <stdlib.h>
#include <string.h>

#include "model.h"

static const char *const template_kinds[] = {
	"Deployment", "StatefulSet",	       "DaemonSet", "ReplicaSet",
	"Job",	      "ReplicationController", NULL,
};

static bool in_csv(const char *list, const char *s)
{
	size_t n = strlen(s);

	while (list && *list) {
		const char *e = strchr(list, ',');
		size_t l = e ? (size_t)(e - list) : strlen(list);

		if (l == n && !strncmp(list, s, n))
			return true;
		list = e ? e + 1 : NULL;
	}
	return false;
}

bool hd_is_k8s(const struct yn *root)
{
	return root && root->kind == YN_MAP && hd_str(hd_get(root, "kind")) &&
	       hd_get(root, "apiVersion");
}

struct podvec {
	struct hd_pod *v;
	size_t n, cap;
};

static void add_containers(struct hd_ctx *ctx, struct hd_pod *pod)
{
	static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers",
					     NULL };
	size_t cap = 0, l, i;

	for (l = 0; lists[l]; l++) {
		struct yn *seq = hd_get(pod->spec, lists[l]);

		if (!seq || seq->kind != YN_SEQ)
			continue;
		for (i = 0; i < seq->nkids; i++) {
			struct yn *c = (struct yn *)yn_deref(seq->kids[i]);
			struct hd_container *hc;

			if ((seq->kids[i]->flags & YF_DELETED) || c->kind != YN_MAP)
				continue;
			if (pod->nctrs == cap) {
				struct hd_container *nv;

				cap = cap ? cap * 2 : 4;
				nv = hd_arena_alloc(&ctx->job->arena, cap * sizeof(*nv));
				if (pod->nctrs)
					memcpy(nv, pod->ctrs, pod->nctrs * sizeof(*nv));
				pod->ctrs = nv;
			}
			hc = &pod->ctrs[pod->nctrs++];
			hc->node = c;
			hc->list = lists[l];
			hc->name = hd_str(hd_get(c, "name"));
			if (!hc->name)
				hc->name = "?";
		}
	}
}

static void found(struct hd_ctx *ctx, struct podvec *pv, struct yn *obj, struct yn *tmeta,
		  struct yn *spec, const char *kind)
{
	struct hd_pod *p;
	const char *name;

	if (!spec || spec->kind != YN_MAP)
		return;
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 4;
		pv->v = hd_xrealloc(pv->v, pv->cap * sizeof(*pv->v));
	}
	p = &pv->v[pv->n++];
	memset(p, 0, sizeof(*p));
	p->obj = obj;
	p->meta = hd_get(obj, "metadata");
	p->tmeta = tmeta;
	p->spec = spec;
	p->kind = kind;
	name = hd_str(hd_getp(obj, "metadata", "name", NULL));
	p->name = name ? name : "?";
	p->label = hd_arena_printf(&ctx->job->arena, "%s/%s", kind, p->name);
	p->windows = hd_str_is(hd_getp(spec, "os", "name", NULL), "windows");
	add_containers(ctx, p);
}

static void walk(struct hd_ctx *ctx, struct podvec *pv, struct yn *obj, int depth)
{
	const char *kind;
	size_t i, kl;
	struct yn *tmpl;

	obj = (struct yn *)yn_deref(obj);
	if (!obj || obj->kind != YN_MAP || depth > 8)
		return;
	kind = hd_str(hd_get(obj, "kind"));
	if (!kind)
		return;
	kl = strlen(kind);
	if (kl >= 4 && !strcmp(kind + kl - 4, "List")) {
		struct yn *items = hd_get(obj, "items");

		if (items && items->kind == YN_SEQ)
			for (i = 0; i < items->nkids; i++)
				walk(ctx, pv, items->kids[i], depth + 1);
		return;
	}
	if (!strcmp(kind, "Pod")) {
		found(ctx, pv, obj, hd_get(obj, "metadata"), hd_get(obj, "spec"), kind);
		return;
	}
	if (!strcmp(kind, "CronJob")) {
		tmpl = hd_getp(obj, "spec", "jobTemplate", "spec", "template", NULL);
	} else if (!strcmp(kind, "PodTemplate")) {
		tmpl = hd_get(obj, "template");
	} else {
		for (i = 0; template_kinds[i]; i++)
			if (!strcmp(kind, template_kinds[i]))
				break;
		if (!template_kinds[i] && !in_csv(ctx->opts->kinds, kind))
			return;
		tmpl = hd_getp(obj, "spec", "template", NULL);
	}
	if (tmpl)
		found(ctx, pv, obj, hd_get(tmpl, "metadata"), hd_get(tmpl, "spec"), kind);
}

size_t hd_k8s_pods(struct hd_ctx *ctx, struct yn *root, struct hd_pod **out)
{
	struct podvec pv = { NULL, 0, 0 };

	walk(ctx, &pv, root, 0);
	*out = pv.v;
	return pv.n;
}
