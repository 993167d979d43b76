/* service_account_token.c - no API token mounted unless the pod needs one */
#include "tr.h"

#define TR "service-account-token"

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct hd_fref r = POD_REF(TR, "automountServiceAccountToken", pod);
	const char *sa = hd_str(hd_get(pod->spec, "serviceAccountName"));

	if (!sa)
		sa = hd_str(hd_get(pod->spec, "serviceAccount"));
	if (hd_get(pod->spec, "automountServiceAccountToken"))
		return;
	if (sa && *sa && strcmp(sa, "default")) {
		/* at the key that names it (the deprecated serviceAccount too) */
		struct yn *at = hd_get(pod->spec, "serviceAccountName");

		hd_find(ctx, &r, at ? at : hd_get(pod->spec, "serviceAccount"), HD_SEV_LOW, false,
			false,
			"uses ServiceAccount '%s': its token stays mounted "
			"(set automountServiceAccountToken: false if it never calls the API)",
			sa);
		return;
	}
	hd_put(ctx, TR, pod->spec, "automountServiceAccountToken", "false", YT_BOOL);
	hd_find(ctx, &r, pod->spec, HD_SEV_LOW, true, false, "automountServiceAccountToken: false");
}

const struct hd_transform hd_tr_service_account_token = {
	.name = TR,
	.applies = HD_APPLIES_K8S,
	.unsafe = false,
	.summary = "automountServiceAccountToken: false for pods on the default account",
	.explain = "Why: every pod gets an API token by default; a compromised container\n"
		   "can use it against the API server.\n"
		   "What: sets automountServiceAccountToken: false on pod specs that do not\n"
		   "set it and run as the default ServiceAccount. Pods naming their own\n"
		   "ServiceAccount probably call the API: they are only reported.\n"
		   "Breaks: pods that call the Kubernetes API with the default account.\n"
		   "Opt out: --skip service-account-token.",
	.run_pod = run_pod,
};
