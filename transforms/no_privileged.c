/* no_privileged.c - containers are not privileged */
#include "tr.h"

#define TR "no-privileged"

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	size_t i;

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "privileged", pod, c);
		struct yn *v = hd_get(ctr_sc(c), "privileged");

		if (hd_true(v)) {
			if (tr_unsafe(ctx, &r, v,
				      "privileged: true would become false; "
				      "until then its user, capabilities, privilege escalation "
				      "and root filesystem are left alone"))
				hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
				       "privileged", "false", YT_BOOL);
		} else if (!v) {
			hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
			       "privileged", "false", YT_BOOL);
			hd_find(ctx, &r, c->node, HD_SEV_LOW, true, false, "privileged: false");
		}
	}
}

/* Compose: `privileged: true` removed (unsafe). */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "privileged", svc);
	struct yn *v = hd_get(svc->node, "privileged");

	if (hd_true(v) && tr_unsafe(ctx, &r, v,
				    "privileged: true would be removed; until "
				    "then its user, cap_drop, no-new-privileges and "
				    "read_only are left alone"))
		tr_del(ctx, &r, svc->node, "privileged");
}

const struct hd_transform hd_tr_no_privileged = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = true,
	.linux_only = true,
	.summary = "privileged: false; explicit privileged: true changed/removed (unsafe)",
	.explain = "Why: a privileged container has every capability and all host devices;\n"
		   "it is root on the node (PSS baseline \"privileged\").\n"
		   "What: sets securityContext.privileged: false where unset. An explicit\n"
		   "privileged: true is only changed with --unsafe-fixes; until then the\n"
		   "container's user, capabilities, privilege escalation and root\n"
		   "filesystem are left alone too (a privileged node agent made non-root\n"
		   "without capabilities cannot do its job), and other containers of the\n"
		   "pod get runAsNonRoot and their user at container level.\n"
		   "Breaks: CNI plugins, storage drivers, node agents that need the host.\n"
		   "Compose: privileged: true is removed with --unsafe-fixes; until then\n"
		   "the service's user, cap_drop, no-new-privileges and read_only are left\n"
		   "alone.\n"
		   "Opt out: --skip no-privileged or harden.dev/skip: no-privileged.",
	.run_pod = run_pod,
	.run_service = run_service,
};
