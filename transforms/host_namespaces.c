/* host_namespaces.c - no host network/PID/IPC namespaces, no host ports */
#include <stdio.h>
#include <stdlib.h>

#include "tr.h"

#define TR "host-namespaces"

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	static const char *const keys[] = { "hostNetwork", "hostPID", "hostIPC", NULL };
	size_t i, j;
	char msg[200];

	for (i = 0; keys[i]; i++) {
		struct hd_fref r = POD_REF(TR, "hostNamespaces", pod);
		struct yn *v = hd_get(pod->spec, keys[i]);

		if (!hd_true(v))
			continue;
		snprintf(msg, sizeof(msg), "%s: true would be removed", keys[i]);
		if (tr_unsafe(ctx, &r, v, msg))
			tr_del(ctx, &r, pod->spec, keys[i]);
		if (i == 0)
			hd_keep_low_ports(ctx, pod); /* now or never on its own netns */
	}
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct yn *ports = hd_get(c->node, "ports");

		if (!ports || ports->kind != YN_SEQ)
			continue;
		for (j = 0; j < ports->nkids; j++) {
			struct yn *p = (struct yn *)yn_deref(ports->kids[j]);
			struct yn *hp = hd_get(p, "hostPort");
			struct hd_fref r = CTR_REF(TR, "hostPorts", pod, c);
			long long v;

			if (!hp || (hd_int(hp, &v) && v == 0))
				continue;
			snprintf(msg, sizeof(msg), "hostPort %s would be removed", hp->text);
			if (tr_unsafe(ctx, &r, hp, msg))
				tr_del(ctx, &r, p, "hostPort");
		}
	}
}

/* A Compose port spec's container side ("8080:80/tcp", "80-81", 80), or 0. */
static long container_port(const struct yn *it)
{
	const struct yn *t = it && it->kind == YN_MAP ? hd_get(it, "target") : it;
	const char *s = hd_str(t), *c;
	char *end;
	long v;

	if (!s)
		return 0;
	c = strrchr(s, ':');
	c = c ? c + 1 : s;
	v = strtol(c, &end, 10);
	if (end == c || (*end && *end != '/' && *end != '-'))
		return 0; /* ${VAR}, or not a number */
	return v;
}

/* The lowest port below 1024 a service declares (ports, expose), or 0. */
static long low_port(const struct yn *svc)
{
	static const char *const keys[] = { "ports", "expose", NULL };
	long low = 0;
	size_t k, i;

	for (k = 0; keys[k]; k++) {
		const struct yn *seq = hd_get(svc, keys[k]);

		for (i = 0; seq && seq->kind == YN_SEQ && i < seq->nkids; i++) {
			long p =
				!hd_live(seq->kids[i]) ? 0 : container_port(yn_deref(seq->kids[i]));

			if (p > 0 && p < 1024 && (low == 0 || p < low))
				low = p;
		}
	}
	return low;
}

/* Compose: host namespaces removed (unsafe); the service keeps a network. */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	static const char *const keys[] = {
		"network_mode", "pid", "ipc", "uts", "userns_mode", NULL
	};
	size_t i;
	char msg[160];

	for (i = 0; keys[i]; i++) {
		struct hd_fref r = SVC_REF(TR, keys[i], svc);
		struct yn *v = hd_get(svc->node, keys[i]);
		const char *s = hd_str(v);

		if (!s || strcasecmp(s, "host"))
			continue;
		snprintf(msg, sizeof(msg), "%s: host would be removed", keys[i]);
		if (!tr_unsafe(ctx, &r, v, msg))
			continue;
		tr_del(ctx, &r, svc->node, keys[i]);
		if (i == 0 && !hd_get(svc->node, "networks")) {
			/* join the file's first user-defined network, else the
			 * project's default one (also user-defined) */
			struct yn *nets = hd_get(svc->top, "networks");

			if (nets && nets->kind == YN_MAP && nets->nkids >= 2 &&
			    nets->kids[0]->kind == YN_SCALAR) {
				struct yn *seq = hd_want_seq(ctx, TR, svc->node, "networks");

				if (seq)
					hd_append_str(ctx, seq, nets->kids[0]->text);
			}
			hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, true, true,
				"left the host network: the service now runs on a "
				"user-defined network; publish the ports it serves");
			ctx->f[ctx->nf - 1].notable = true;
		}
	}
	/*
	 * Still on the host network, as the user harden just set: the host's
	 * low ports need privileges the service no longer has (its own network
	 * would let any user bind them: Docker's default).
	 */
	{
		struct yn *nm = hd_get(svc->node, "network_mode");
		struct yn *u = hd_get(svc->node, "user");
		const char *m = hd_str(nm);
		long port;

		if (m && !strcasecmp(m, "host") && u && hd_edited(u) &&
		    (port = low_port(svc->node)) > 0) {
			struct hd_fref r = SVC_REF(TR, "network_mode", svc);

			hd_find(ctx, &r, nm, HD_SEV_MEDIUM, false, false,
				"declares port %ld (< 1024) and uses the host network: as "
				"user %s it may not be able to bind it",
				port, hd_str(u));
		}
	}
}

const struct hd_transform hd_tr_host_namespaces = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = true,
	.summary = "no host network/PID/IPC namespaces or host ports (unsafe)",
	.explain = "Why: sharing the node's network, process or IPC namespace lets a\n"
		   "container sniff traffic, signal host processes and read their memory;\n"
		   "hostPort exposes the pod on the node's address (PSS baseline).\n"
		   "What: with --unsafe-fixes removes hostNetwork/hostPID/hostIPC: true\n"
		   "and hostPort entries; without it they are reported. A pod taken off\n"
		   "the host network whose user harden set keeps a declared port below\n"
		   "1024 bindable (the sysctl of run-as-non-root).\n"
		   "Breaks: node agents, CNI, monitoring that needs the host's view; use a\n"
		   "Service instead of hostPort.\n"
		   "Compose: network_mode/pid/ipc/uts/userns_mode: host are removed with\n"
		   "--unsafe-fixes; a service leaving the host network joins the file's\n"
		   "first network (or the project's default one). A service that stays on\n"
		   "the host network as the user harden set is reported when it declares a\n"
		   "port below 1024 (the host's low ports need privileges).\n"
		   "Opt out: --skip host-namespaces.",
	.run_pod = run_pod,
	.run_service = run_service,
};
