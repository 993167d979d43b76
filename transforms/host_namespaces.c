/* host_namespaces.c - no host network/PID/IPC namespaces, no host ports */
#include <stdio.h>

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
			hd_del(ctx, TR, pod->spec, keys[i]);
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
				hd_del(ctx, TR, p, "hostPort");
		}
	}
}

const struct hd_transform hd_tr_host_namespaces = {
	.name = TR,
	.applies = HD_APPLIES_K8S,
	.unsafe = true,
	.summary = "remove hostNetwork/hostPID/hostIPC and hostPort (unsafe)",
	.explain =
		"Why: sharing the node's network, process or IPC namespace lets a\n"
		"container sniff traffic, signal host processes and read their memory;\n"
		"hostPort exposes the pod on the node's address (PSS baseline).\n"
		"What: with --unsafe-fixes removes hostNetwork/hostPID/hostIPC: true\n"
		"and hostPort entries; without it they are reported.\n"
		"Breaks: node agents, CNI, monitoring that needs the host's view; use a\n"
		"Service instead of hostPort.\n"
		"Opt out: --skip host-namespaces.",
	.run_pod = run_pod,
};
