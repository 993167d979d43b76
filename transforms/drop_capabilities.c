/* drop_capabilities.c - drop ALL capabilities, add back only allowed ones */
#include <stdio.h>

#include "images.h"
#include "tr.h"

#define TR "drop-capabilities"

static const char *const baseline_caps[] = {
	"AUDIT_WRITE",	    "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",	  "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
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

/* Does @c run as root (no non-zero runAsUser of its own or of the pod)? */
static bool ctr_root(const struct hd_pod *pod, const struct hd_container *c)
{
	long long u;

	if (hd_int(hd_get(ctr_sc(c), "runAsUser"), &u))
		return u == 0;
	return !hd_int(hd_get(pod_sc(pod), "runAsUser"), &u) || u == 0;
}

/* Is @cap (any spelling) an item of @seq? */
static bool seq_has_cap(const struct yn *seq, const char *cap)
{
	size_t i;
	char a[64], b[64];

	for (i = 0; seq && seq->kind == YN_SEQ && i < seq->nkids; i++) {
		const char *it = hd_str(seq->kids[i]);

		if (it && hd_live(seq->kids[i]) &&
		    !strcmp(cap_norm(it, a, sizeof(a)), cap_norm(cap, b, sizeof(b))))
			return true;
	}
	return false;
}

/*
 * Add back what the image's profile @p says it needs and @add (the list
 * now, NULL when none) lacks: its caps always, its entrypoint's root-caps
 * when it runs as root (@root).  @list gives the list to append to.
 */
static void profile_caps(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at,
			 const struct hd_image_profile *p, bool root, const char *img,
			 struct yn *add, struct yn *(*list)(struct hd_ctx *, void *), void *arg)
{
	struct hd_buf names = HD_BUF_INIT;
	struct yn *seq = NULL;
	size_t i, n = p->ncaps + (root ? p->nroot_caps : 0);

	for (i = 0; i < n; i++) {
		const char *cap = i < p->ncaps ? p->caps[i] : p->root_caps[i - p->ncaps];

		if (seq_has_cap(add, cap) || seq_has_cap(seq, cap))
			continue;
		if (!seq && !(seq = list(ctx, arg)))
			break;
		hd_append_str(ctx, seq, cap);
		hd_buf_printf(&names, "%s%s", names.len ? ", " : "", cap);
	}
	if (names.len)
		hd_find(ctx, r, at, HD_SEV_MEDIUM, true, false,
			"%s added back: image '%s' %s (profile %s: %s)", names.data, img,
			root ? "runs as root and its entrypoint needs them" : "needs them", p->name,
			p->note ? p->note : p->source);
	hd_buf_release(&names);
}

static struct yn *ctr_add_list(struct hd_ctx *ctx, void *arg)
{
	struct hd_container *c = arg;
	struct yn *sc = hd_want_map(ctx, TR, c->node, "securityContext");
	struct yn *cm = sc ? hd_want_map(ctx, TR, sc, "capabilities") : NULL;

	return cm ? hd_want_seq(ctx, TR, cm, "add") : NULL;
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	size_t i, j;

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "capabilities_restricted", pod, c);
		struct yn *caps = hd_get(ctr_sc(c), "capabilities");
		struct yn *add = hd_get(caps, "add"), *it;
		const struct hd_image_profile *p = hd_ctr_image(ctx, c);
		bool root = ctr_root(pod, c);
		size_t kept = 0, nadd = 0;

		if (tr_ctr_privileged(ctx, pod, c, TR))
			continue; /* every capability anyway: no-privileged reports it */
		if (!seq_has(hd_get(caps, "drop"), "ALL")) {
			struct yn *sc = hd_want_map(ctx, TR, c->node, "securityContext");
			struct yn *cm = sc ? hd_want_map(ctx, TR, sc, "capabilities") : NULL;
			struct yn *drop = cm ? hd_want_seq(ctx, TR, cm, "drop") : NULL;

			if (drop) {
				hd_append_str(ctx, drop, "ALL");
				hd_find(ctx, &r, c->node, HD_SEV_HIGH, true, false,
					"capabilities: drop ALL");
			}
		}
		if (p)
			profile_caps(ctx, &r, c->node, p, root, hd_str(hd_get(c->node, "image")),
				     add && add->kind == YN_SEQ ? add : NULL, ctr_add_list, c);
		if (!add || add->kind != YN_SEQ)
			continue;
		for (j = 0; (it = hd_item(add, &j)); j++) {
			const char *cap = hd_str(it);
			char msg[200];

			nadd++;
			if (cap && (allowed(ctx, cap) || hd_image_needs_cap(p, cap, root))) {
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

/* Does @svc run as root (no user, or a root one)? */
static bool svc_root(const struct hd_service *svc)
{
	const char *u = hd_str(hd_get(svc->node, "user"));
	size_t l;

	if (!u)
		return true;
	while (*u == ' ')
		u++;
	l = strcspn(u, ":");
	return l == 0 || (l == 4 && !strncmp(u, "root", 4)) || strspn(u, "0") == l;
}

static struct yn *svc_add_list(struct hd_ctx *ctx, void *arg)
{
	struct hd_service *svc = arg;

	return hd_want_seq(ctx, TR, svc->node, "cap_add");
}

/* Compose: cap_drop: [ALL]; cap_add outside the allowlist removed (unsafe). */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "cap_drop", svc);
	struct yn *drop = as_seq(hd_get(svc->node, "cap_drop"));
	struct yn *add = as_seq(hd_get(svc->node, "cap_add")), *it;
	const struct hd_image_profile *p = hd_svc_image(ctx, svc);
	bool root = svc_root(svc);
	size_t j, kept = 0, total = 0;
	bool has_all = false;

	if (tr_svc_privileged(ctx, svc, TR))
		return; /* every capability anyway: no-privileged reports it */
	for (j = 0; drop && j < drop->nkids; j++)
		if (hd_live(drop->kids[j]) && cap_in("ALL", hd_str(drop->kids[j])))
			has_all = true;
	if (!has_all) {
		struct yn *d = hd_want_seq(ctx, TR, svc->node, "cap_drop");

		if (d) {
			hd_append_str(ctx, d, "ALL");
			hd_find(ctx, &r, svc->node, HD_SEV_HIGH, true, false, "cap_drop: ALL");
		}
	}
	r.control = "cap_add";
	if (p)
		profile_caps(ctx, &r, svc->node, p, root, hd_str(hd_get(svc->node, "image")), add,
			     svc_add_list, svc);
	for (j = 0; (it = hd_item(add, &j)); j++) {
		const char *cap = hd_str(it);
		char msg[200];

		total++;
		if (cap &&
		    (cap_in(ctx->opts->cap_allow, cap) || hd_image_needs_cap(p, cap, root))) {
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
	.linux_only = true,
	.summary = "drop ALL capabilities; removing added ones is unsafe",
	.explain = "Why: Linux capabilities split root's power; containers rarely need any\n"
		   "(PSS restricted: drop ALL, add at most NET_BIND_SERVICE).\n"
		   "What: appends ALL to securityContext.capabilities.drop. Entries of\n"
		   "capabilities.add other than NET_BIND_SERVICE (or, with --level baseline,\n"
		   "the baseline set) are removed only with --unsafe-fixes.\n"
		   "Image profiles: what the image needs is added back, with the reason:\n"
		   "caddy's binary carries cap_net_bind_service=+ep and cannot exec\n"
		   "without NET_BIND_SERVICE; a container that runs as root (run-as-non-\n"
		   "root skipped or exempted, or an image that cannot start non-root)\n"
		   "gets what its entrypoint needs (postgres: CHOWN, DAC_OVERRIDE, FOWNER,\n"
		   "SETUID, SETGID; httpd: SETUID, SETGID, NET_BIND_SERVICE). These are\n"
		   "kept with --unsafe-fixes too.\n"
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
