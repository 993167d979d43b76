/* seccomp.c - seccompProfile RuntimeDefault */
#include "tr.h"

#define TR "seccomp"

static bool ok_type(const struct yn *t)
{
	return hd_str_is(t, "RuntimeDefault") || hd_str_is(t, "Localhost");
}

/* Replace a non-compliant profile of @owner; false when a comment keeps it. */
static bool fix_unconfined(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *owner)
{
	struct yn *prof = hd_getp(owner, "securityContext", "seccompProfile", NULL);
	struct yn *t = hd_get(prof, "type");

	if (!prof || ok_type(t))
		return true;
	if (!tr_notable(ctx, r, t ? t : prof, "seccompProfile type changed to RuntimeDefault"))
		return false;
	prof = hd_want_map(ctx, TR, hd_want_map(ctx, TR, owner, "securityContext"),
			   "seccompProfile");
	hd_put(ctx, TR, prof, "type", "RuntimeDefault", YT_STR);
	tr_del(ctx, r, prof, "localhostProfile");
	return true;
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct hd_fref pr = POD_REF(TR, "seccompProfile_restricted", pod);
	size_t i;
	bool all_ok = pod->nctrs > 0;

	if (!fix_unconfined(ctx, &pr, pod->spec))
		return; /* the pod's own profile is exempt: nothing above it */
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_fref cr = CTR_REF(TR, "seccompProfile_restricted", pod, &pod->ctrs[i]);

		fix_unconfined(ctx, &cr, pod->ctrs[i].node);
		if (!ok_type(hd_getp(ctr_sc(&pod->ctrs[i]), "seccompProfile", "type", NULL)))
			all_ok = false;
	}
	if (ok_type(hd_getp(pod_sc(pod), "seccompProfile", "type", NULL)) || all_ok)
		return;
	hd_put(ctx, TR,
	       hd_want_map(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"),
			   "seccompProfile"),
	       "type", "RuntimeDefault", YT_STR);
	hd_find(ctx, &pr, pod->spec, HD_SEV_MEDIUM, true, false,
		"pod seccompProfile: RuntimeDefault");
}

const struct hd_transform hd_tr_seccomp = {
	.name = TR,
	.applies = HD_APPLIES_K8S,
	.unsafe = false,
	.linux_only = true,
	.summary = "pod seccompProfile.type: RuntimeDefault (Unconfined replaced)",
	.explain = "Why: the runtime's default seccomp profile blocks ~50 rarely used,\n"
		   "often exploited syscalls; PSS restricted requires a profile.\n"
		   "What: sets pod securityContext.seccompProfile.type: RuntimeDefault unless\n"
		   "the pod or every container already has RuntimeDefault or Localhost;\n"
		   "Unconfined is replaced and reported.\n"
		   "Breaks: programs using blocked syscalls (some debuggers, old JVMs).\n"
		   "Opt out: --skip seccomp.",
	.run_pod = run_pod,
};
