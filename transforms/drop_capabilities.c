/* drop_capabilities.c - drop ALL capabilities, add back only allowed ones */
#include <stdio.h>

#include "tr.h"

#define TR "drop-capabilities"

static const char *const baseline_caps[] = {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
	"MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
	"SYS_CHROOT", NULL,
};

static bool allowed(const struct hd_ctx *ctx, const char *cap)
{
	size_t i;

	if (!strcmp(cap, "NET_BIND_SERVICE"))
		return true;
	if (ctx->opts->level != HD_LEVEL_BASELINE)
		return false;
	for (i = 0; baseline_caps[i]; i++)
		if (!strcmp(cap, baseline_caps[i]))
			return true;
	return false;
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	size_t i, j;

	if (pod->windows)
		return;
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "capabilities_restricted", pod, c);
		struct yn *caps = hd_get(ctr_sc(c), "capabilities");
		struct yn *add = hd_get(caps, "add");
		size_t kept = 0, nadd = 0;

		if (tr_ctr_privileged(ctx, pod, c, TR))
			continue; /* every capability anyway: no-privileged reports it */
		if (!seq_has(hd_get(caps, "drop"), "ALL")) {
			struct yn *sc = hd_want_map(ctx, TR, c->node, "securityContext");
			struct yn *cm = sc ? hd_want_map(ctx, TR, sc, "capabilities") : NULL;
			struct yn *drop = cm ? hd_want_seq(ctx, TR, cm, "drop") : NULL;

			if (drop) {
				ye_seq_append(&ctx->job->ys, drop,
					      ye_scalar(&ctx->job->ys, "ALL", YT_STR));
				hd_find(ctx, &r, c->node, HD_SEV_HIGH, true, false,
					"capabilities: drop ALL");
			}
		}
		if (!add || add->kind != YN_SEQ)
			continue;
		for (j = 0; j < add->nkids; j++) {
			struct yn *it = add->kids[j];
			const char *cap = hd_str(it);
			char msg[200];

			if (it->flags & YF_DELETED)
				continue;
			nadd++;
			if (cap && allowed(ctx, cap)) {
				kept++;
				continue;
			}
			snprintf(msg, sizeof(msg), "capability %s added back would be removed",
				 cap ? cap : "?");
			if (tr_unsafe(ctx, &r, it, msg)) {
				hd_want_seq(ctx, TR, hd_get(ctr_sc(c), "capabilities"), "add");
				tr_remove_item(ctx, &r, it);
			} else {
				kept++;
			}
		}
		if (nadd && !kept)
			tr_del(ctx, &r, hd_get(ctr_sc(c), "capabilities"), "add");
	}
}

static bool cap_in(const char *list, const char *cap)
{
	char buf[64];

	return hd_csv_has(list, cap_norm(cap, buf, sizeof(buf)));
}

/* Compose: cap_drop: [ALL]; cap_add outside the allowlist removed (unsafe). */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "cap_drop", svc);
	struct yn *drop = as_seq(hd_get(svc->node, "cap_drop"));
	struct yn *add = as_seq(hd_get(svc->node, "cap_add"));
	size_t j, kept = 0, total = 0;
	bool has_all = false;

	if (tr_svc_privileged(ctx, svc, TR))
		return; /* every capability anyway: no-privileged reports it */
	for (j = 0; drop && j < drop->nkids; j++)
		if (!(drop->kids[j]->flags & YF_DELETED) && cap_in("ALL", hd_str(drop->kids[j])))
			has_all = true;
	if (!has_all) {
		struct yn *d = hd_want_seq(ctx, TR, svc->node, "cap_drop");

		if (d) {
			ye_seq_append(&ctx->job->ys, d, ye_scalar(&ctx->job->ys, "ALL", YT_STR));
			hd_find(ctx, &r, svc->node, HD_SEV_HIGH, true, false, "cap_drop: ALL");
		}
	}
	r.control = "cap_add";
	for (j = 0; add && j < add->nkids; j++) {
		struct yn *it = add->kids[j];
		const char *cap = hd_str(it);
		char msg[200];

		if (it->flags & YF_DELETED)
			continue;
		total++;
		if (cap && cap_in(ctx->opts->cap_allow, cap)) {
			kept++;
			continue;
		}
		snprintf(msg, sizeof(msg), "cap_add %s would be removed", cap ? cap : "?");
		if (tr_unsafe(ctx, &r, it, msg)) {
			hd_want_seq(ctx, TR, svc->node, "cap_add");
			tr_remove_item(ctx, &r, it);
		} else {
			kept++;
		}
	}
	if (total && !kept)
		tr_del(ctx, &r, svc->node, "cap_add");
}

const struct hd_transform hd_tr_drop_capabilities = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = true,
	.summary = "drop ALL capabilities; removing added ones is unsafe",
	.explain =
		"Why: Linux capabilities split root's power; containers rarely need any\n"
		"(PSS restricted: drop ALL, add at most NET_BIND_SERVICE).\n"
		"What: appends ALL to securityContext.capabilities.drop. Entries of\n"
		"capabilities.add other than NET_BIND_SERVICE (or, with --level baseline,\n"
		"the baseline set) are removed only with --unsafe-fixes.\n"
		"Breaks: programs that chown, bind low ports without NET_BIND_SERVICE,\n"
		"or use raw sockets.\n"
		"Compose: cap_drop gains ALL; cap_add entries outside the allowlist\n"
		"(NET_BIND_SERVICE) are removed with --unsafe-fixes. A container or\n"
		"service whose privileged: true stays is left alone.\n"
		"Opt out: --skip drop-capabilities or harden.dev/skip: drop-capabilities.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "cap-drop",
};
