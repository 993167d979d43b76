/* pss_controls.c - the remaining Pod Security Standards controls (unsafe) */
#include <stdio.h>

#include "tr.h"

#define TR "pss-controls"

static const char *const safe_sysctls[] = {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	NULL,
};
static const char *const selinux_types[] = { "container_t", "container_init_t", "container_kvm_t",
					     "container_engine_t", NULL };

static bool in(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* SELinux, AppArmor and hostProcess of one securityContext owner. */
static void sc_controls(struct hd_ctx *ctx, struct hd_pod *pod, struct yn *owner,
			const struct hd_fref *r0)
{
	struct yn *sc = hd_get(owner, "securityContext");
	struct yn *se = hd_get(sc, "seLinuxOptions");
	struct yn *aa = hd_get(sc, "appArmorProfile");
	struct yn *hp = hd_getp(sc, "windowsOptions", "hostProcess", NULL);
	struct hd_fref r = *r0;
	static const char *const sekeys[] = { "type", "user", "role", NULL };
	size_t i;
	char msg[200];

	for (i = 0; se && sekeys[i]; i++) {
		struct yn *v = hd_get(se, sekeys[i]);
		const char *s = hd_str(v);

		if (!v || !s || !*s || (i == 0 && in(s, selinux_types)))
			continue;
		r.control = "seLinuxOptions";
		snprintf(msg, sizeof(msg), "seLinuxOptions.%s: %s would be removed", sekeys[i], s);
		if (tr_unsafe(ctx, &r, v, msg))
			tr_del(ctx, &r,
			       hd_want_map(ctx, TR, hd_want_map(ctx, TR, owner, "securityContext"),
					   "seLinuxOptions"),
			       sekeys[i]);
	}
	if (aa) {
		struct yn *t = hd_get(aa, "type");

		if (!hd_str_is(t, "RuntimeDefault") && !hd_str_is(t, "Localhost")) {
			r.control = "appArmorProfile";
			snprintf(msg, sizeof(msg),
				 "appArmorProfile.type %s would become "
				 "RuntimeDefault",
				 hd_str(t) ? hd_str(t) : "?");
			if (tr_unsafe(ctx, &r, t ? t : aa, msg))
				hd_put(ctx, TR,
				       hd_want_map(ctx, TR,
						   hd_want_map(ctx, TR, owner, "securityContext"),
						   "appArmorProfile"),
				       "type", "RuntimeDefault", YT_STR);
		}
	}
	if (hd_true(hp)) {
		r.control = "windowsHostProcess";
		if (tr_unsafe(ctx, &r, hp, "windowsOptions.hostProcess: true would be removed"))
			tr_del(ctx, &r, hd_get(hd_get(owner, "securityContext"), "windowsOptions"),
			       "hostProcess");
	}
	(void)pod;
}

static void probe_hosts(struct hd_ctx *ctx, struct hd_pod *pod, struct hd_container *c)
{
	static const char *const probes[] = { "livenessProbe", "readinessProbe", "startupProbe",
					      NULL };
	static const char *const hooks[] = { "postStart", "preStop", NULL };
	static const char *const kinds[] = { "httpGet", "tcpSocket", NULL };
	struct yn *handlers[5];
	size_t n = 0, i, k;
	struct hd_fref r = CTR_REF(TR, "hostProbesAndHostLifecycle", pod, c);

	for (i = 0; probes[i]; i++)
		handlers[n++] = hd_get(c->node, probes[i]);
	for (i = 0; hooks[i]; i++)
		handlers[n++] = hd_getp(c->node, "lifecycle", hooks[i], NULL);
	for (i = 0; i < n; i++) {
		for (k = 0; handlers[i] && kinds[k]; k++) {
			struct yn *h = hd_get(handlers[i], kinds[k]);
			struct yn *host = hd_get(h, "host");
			char msg[200];

			if (!host || !hd_str(host) || !*hd_str(host))
				continue;
			snprintf(msg, sizeof(msg),
				 "%s.host: %s would be removed (probes "
				 "use the pod IP)",
				 kinds[k], hd_str(host));
			if (tr_unsafe(ctx, &r, host, msg))
				tr_del(ctx, &r, h, "host");
		}
	}
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct hd_fref pr = POD_REF(TR, "sysctls", pod);
	struct yn *sysctls = hd_getp(pod->spec, "securityContext", "sysctls", NULL);
	struct yn *ann = hd_get(pod->tmeta, "annotations"), *it;
	size_t i, kept = 0, total = 0;

	if (sysctls && sysctls->kind == YN_SEQ) {
		for (i = 0; (it = hd_item(sysctls, &i)); i++) {
			const char *name = hd_str(hd_get(it, "name"));
			char msg[200];

			total++;
			if (in(name, safe_sysctls)) {
				kept++;
				continue;
			}
			snprintf(msg, sizeof(msg), "unsafe sysctl %s would be removed",
				 name ? name : "?");
			if (tr_unsafe(ctx, &pr, it, msg)) {
				hd_want_seq(ctx, TR, hd_get(pod->spec, "securityContext"),
					    "sysctls");
				tr_remove_item(ctx, &pr, it);
			} else {
				kept++;
			}
		}
		if (total && !kept)
			tr_del(ctx, &pr, hd_get(pod->spec, "securityContext"), "sysctls");
	}
	sc_controls(ctx, pod, pod->spec, &pr);
	/* AppArmor annotations on the pod template */
	if (ann && ann->kind == YN_MAP) {
		for (i = 0; i + 1 < ann->nkids; i += 2) {
			struct yn *k = ann->kids[i], *v = ann->kids[i + 1];
			const char *val = hd_str(v);
			struct hd_fref r = POD_REF(TR, "appArmorProfile", pod);

			if (!hd_live(k) || k->kind != YN_SCALAR ||
			    strncmp(k->text, "container.apparmor.security.beta.kubernetes.io/", 47))
				continue;
			if (!val || !*val || !strcmp(val, "runtime/default") ||
			    !strncmp(val, "localhost/", 10))
				continue;
			if (tr_unsafe(ctx, &r, v,
				      "AppArmor annotation would become runtime/default"))
				hd_put(ctx, TR, ann, k->text, "runtime/default", YT_STR);
		}
	}
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "procMount", pod, c);
		struct yn *pm = hd_getp(c->node, "securityContext", "procMount", NULL);

		if (pm && !hd_str_is(pm, "Default") &&
		    tr_unsafe(ctx, &r, pm, "procMount would be removed (Default)"))
			tr_del(ctx, &r, hd_get(c->node, "securityContext"), "procMount");
		sc_controls(ctx, pod, c->node, &r);
		probe_hosts(ctx, pod, c);
	}
}

const struct hd_transform hd_tr_pss_controls = {
	.name = TR,
	.applies = HD_APPLIES_K8S,
	.unsafe = true,
	.summary = "procMount, sysctls, SELinux, AppArmor, hostProcess, probe hosts (unsafe)",
	.explain = "Why: the remaining Pod Security Standards baseline controls: unmasked\n"
		   "/proc, node-wide sysctls, custom SELinux users/roles/types, unconfined\n"
		   "AppArmor, Windows host processes and probes aimed at other hosts all\n"
		   "weaken isolation.\n"
		   "What: with --unsafe-fixes removes procMount, unsafe sysctls, the\n"
		   "offending seLinuxOptions fields, windowsOptions.hostProcess and probe /\n"
		   "lifecycle host fields, and sets AppArmor to RuntimeDefault; without it\n"
		   "each is reported.\n"
		   "Breaks: workloads tuned for the node (databases with sysctls, nested\n"
		   "containers).\n"
		   "Opt out: --skip pss-controls.",
	.run_pod = run_pod,
};
