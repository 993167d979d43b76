/* no_privilege_escalation.c - allowPrivilegeEscalation: false */
#include "tr.h"

#define TR "no-privilege-escalation"

static bool adds_sys_admin(const struct yn *sc)
{
	const struct yn *add = hd_getp(sc, "capabilities", "add", NULL);

	return seq_has(add, "SYS_ADMIN") || seq_has(add, "CAP_SYS_ADMIN");
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	size_t i;

	if (pod->windows)
		return;
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "allowPrivilegeEscalation", pod, c);
		struct yn *sc = ctr_sc(c);
		struct yn *v = hd_get(sc, "allowPrivilegeEscalation");

		if (hd_false(v))
			continue;
		/* the API rejects allowPrivilegeEscalation: false with these */
		if (hd_true(hd_get(sc, "privileged")) || adds_sys_admin(sc)) {
			hd_find(ctx, &r, v ? v : c->node, HD_SEV_HIGH, false, true,
				"allowPrivilegeEscalation left alone: the container is "
				"privileged or adds SYS_ADMIN (fix those first)");
			continue;
		}
		if (hd_true(v)) {
			if (tr_unsafe(ctx, &r, v,
				      "allowPrivilegeEscalation: true would become false"))
				hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
				       "allowPrivilegeEscalation", "false", YT_BOOL);
			continue;
		}
		hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
		       "allowPrivilegeEscalation", "false", YT_BOOL);
		hd_find(ctx, &r, c->node, HD_SEV_HIGH, true, false,
			"allowPrivilegeEscalation: false");
	}
}

const struct hd_transform hd_tr_no_privilege_escalation = {
	.name = TR,
	.applies = HD_APPLIES_K8S,
	.unsafe = true,
	.summary = "allowPrivilegeEscalation: false on every container",
	.explain =
		"Why: without it, setuid binaries and file capabilities can raise a\n"
		"process's privileges (no_new_privs); PSS restricted requires false.\n"
		"What: sets securityContext.allowPrivilegeEscalation: false. An explicit\n"
		"true is changed only with --unsafe-fixes; privileged containers and\n"
		"those adding SYS_ADMIN are reported (the API forbids the combination).\n"
		"Breaks: sudo/su or setuid tools inside the container.\n"
		"Opt out: --skip no-privilege-escalation.",
	.run_pod = run_pod,
};
