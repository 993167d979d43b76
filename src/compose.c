/* compose.c - find the services of a Compose file */
#include <string.h>

#include "model.h"

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
