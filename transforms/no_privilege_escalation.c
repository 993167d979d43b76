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

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "allowPrivilegeEscalation", pod, c);
		struct yn *sc = ctr_sc(c);
		struct yn *v = hd_get(sc, "allowPrivilegeEscalation");

		if (hd_false(v) || tr_ctr_privileged(ctx, pod, c, TR))
			continue; /* no-privileged reports a kept privileged: true */
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

/* security_opt entry, spaces removed and lower-cased, into @buf. */
static const char *opt_norm(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	for (; s && *s && o + 1 < n; s++)
		if (*s != ' ' && *s != '\t')
			buf[o++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
	buf[o] = '\0';
	return buf;
}

/* Compose: security_opt gains no-new-privileges:true; unconfined removed. */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "security_opt", svc);
	struct yn *opts = as_seq(hd_get(svc->node, "security_opt")), *it;
	bool nnp = false;
	size_t j;
	char buf[128];

	if (tr_svc_privileged(ctx, svc, TR))
		return; /* no-privileged reports it */
	for (j = 0; (it = hd_item(opts, &j)); j++) {
		const char *o = opt_norm(hd_str(it), buf, sizeof(buf));
		char msg[200];

		if (!strcmp(o, "no-new-privileges") || !strcmp(o, "no-new-privileges:true") ||
		    !strcmp(o, "no-new-privileges=true")) {
			nnp = true;
			continue;
		}
		if (!strcmp(o, "no-new-privileges:false") ||
		    !strcmp(o, "no-new-privileges=false")) {
			if (tr_unsafe(ctx, &r, it, "no-new-privileges:false would become true")) {
				hd_want_seq(ctx, TR, svc->node, "security_opt");
				hd_set_str(ctx, it, "no-new-privileges:true");
			}
			nnp = true;
			continue;
		}
		if (strcmp(o, "seccomp:unconfined") && strcmp(o, "seccomp=unconfined") &&
		    strcmp(o, "apparmor:unconfined") && strcmp(o, "apparmor=unconfined") &&
		    strcmp(o, "label:disable") && strcmp(o, "label=disable"))
			continue;
		snprintf(msg, sizeof(msg), "security_opt %s would be removed", hd_str(it));
		if (tr_unsafe(ctx, &r, it, msg)) {
			hd_want_seq(ctx, TR, svc->node, "security_opt");
			tr_remove_item(ctx, &r, it);
		}
	}
	if (!nnp) {
		struct yn *s = hd_want_seq(ctx, TR, svc->node, "security_opt");

		if (s) {
			hd_append_str(ctx, s, "no-new-privileges:true");
			hd_find(ctx, &r, svc->node, HD_SEV_HIGH, true, false,
				"security_opt: no-new-privileges:true");
		}
	}
}

const struct hd_transform hd_tr_no_privilege_escalation = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = true,
	.linux_only = true,
	.summary = "allowPrivilegeEscalation: false; Compose no-new-privileges:true",
	.explain = "Why: without it, setuid binaries and file capabilities can raise a\n"
		   "process's privileges (no_new_privs); PSS restricted requires false.\n"
		   "What: sets securityContext.allowPrivilegeEscalation: false. An explicit\n"
		   "true is changed only with --unsafe-fixes; containers adding SYS_ADMIN\n"
		   "are reported (the API forbids the combination), and a privileged one\n"
		   "that stays is left alone (no-privileged reports it).\n"
		   "Breaks: sudo/su or setuid tools inside the container.\n"
		   "Compose: security_opt gains \"no-new-privileges:true\"; seccomp/apparmor\n"
		   "unconfined and label:disable are removed with --unsafe-fixes; a\n"
		   "privileged service is left alone.\n"
		   "Opt out: --skip no-privilege-escalation.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "no-new-privileges",
};
