/* ports.c - published ports bound to 127.0.0.1 (Compose, unsafe) */
#include <stdio.h>

#include "tr.h"

#define TR "ports"

/* "8080:80" / "80" / "8080:80/udp" without a host IP? */
static bool needs_ip(const char *s)
{
	size_t colons = 0;
	const char *p;

	if (!s || !*s || s[0] == '[')
		return false;
	for (p = s; *p; p++)
		if (*p == ':')
			colons++;
	return colons <= 1;
}

static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct yn *ports = as_seq(hd_get(svc->node, "ports"));
	size_t i;

	for (i = 0; ports && i < ports->nkids; i++) {
		struct yn *p = (struct yn *)yn_deref(ports->kids[i]);
		struct hd_fref r = SVC_REF(TR, "ports", svc);
		char msg[300];

		if (!hd_live(ports->kids[i]))
			continue;
		if (p->kind == YN_MAP) {
			if (hd_get(p, "host_ip") || !hd_get(p, "published"))
				continue;
			snprintf(msg, sizeof(msg), "port %s would be published on 127.0.0.1 only",
				 hd_str(hd_get(p, "published")) ? hd_str(hd_get(p, "published"))
								: "?");
			if (tr_unsafe(ctx, &r, p, msg))
				hd_put(ctx, TR, p, "host_ip", "127.0.0.1", YT_STR);
			continue;
		}
		{
			const char *s = hd_str(p);
			const char *nv;

			if (!s || !needs_ip(s))
				continue;
			if (s[0] == '$' && !strchr(s, ':')) {
				hd_find(ctx, &r, p, HD_SEV_LOW, false, true,
					"port %s: a variable that may hold a host IP; bind it "
					"to 127.0.0.1 by hand if it should stay local",
					s);
				continue;
			}
			nv = strchr(s, ':') ? hd_arena_printf(&ctx->job->arena, "127.0.0.1:%s", s)
					    : hd_arena_printf(&ctx->job->arena, "127.0.0.1::%s", s);
			snprintf(msg, sizeof(msg),
				 "port %s would be published on 127.0.0.1 only "
				 "(%s)",
				 s, nv);
			if (tr_unsafe(ctx, &r, p, msg)) {
				hd_want_seq(ctx, TR, svc->node, "ports");
				hd_set_str(ctx, p, nv);
			}
		}
	}
}

const struct hd_transform hd_tr_ports = {
	.name = TR,
	.applies = HD_APPLIES_COMPOSE,
	.unsafe = true,
	.summary = "published ports bound to 127.0.0.1 (unsafe: exposure changes)",
	.explain = "Why: \"8080:80\" publishes on every host interface, often bypassing\n"
		   "host firewalls (Docker writes its own iptables rules).\n"
		   "What: with --unsafe-fixes short-syntax ports without an IP become\n"
		   "\"127.0.0.1:8080:80\" (long syntax gains host_ip: 127.0.0.1); without\n"
		   "it each is reported.\n"
		   "Breaks: access from other machines: put a reverse proxy in front, or\n"
		   "keep the port public on purpose with --skip ports.\n"
		   "Opt out: --skip ports, or x-harden: {skip: [ports]} on the service.",
	.run_service = run_service,
};
