/* run_as_non_root.c - runAsNonRoot with a numeric non-root UID/GID */
#include <stdio.h>

#include "exempt.h"
#include "tr.h"

#define TR "run-as-non-root"

/* Make @key of securityContext a non-zero number (@val) where it is 0. */
static void fix_zero(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *owner,
		     const char *key, long val)
{
	struct yn *sc = hd_get(owner, "securityContext");
	struct yn *v = hd_get(sc, key);
	long long cur;
	char num[32], msg[160];

	if (!v || !hd_int(v, &cur) || cur != 0)
		return;
	snprintf(num, sizeof(num), "%ld", val);
	snprintf(msg, sizeof(msg), "%s: 0 (root) changed to %ld", key, val);
	if (!tr_notable(ctx, r, v, msg))
		return;
	hd_put(ctx, TR, hd_want_map(ctx, TR, owner, "securityContext"), key, num, YT_INT);
}

static bool has_nonzero(const struct yn *sc, const char *key)
{
	long long v;

	return hd_int(hd_get(sc, key), &v) && v != 0;
}

/* A `runAsUser: 0` in @sc that a "# harden:ignore" comment keeps. */
static struct yn *kept_root(struct hd_ctx *ctx, struct yn *sc)
{
	struct yn *v = hd_get(sc, "runAsUser");
	long long cur;

	return v && hd_int(v, &cur) && cur == 0 && v->start != HD_NOPOS &&
	       hd_line_ignores(&ctx->job->ys, v->start, TR) ? v : NULL;
}

/* The kept root UID some container will run with (see kept_root()). */
static struct yn *root_stays(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct yn *psc = pod_sc(pod), *v;
	size_t i;

	if (pod->nctrs == 0)
		return kept_root(ctx, psc);
	for (i = 0; i < pod->nctrs; i++) {
		struct yn *sc = ctr_sc(&pod->ctrs[i]);

		v = hd_get(sc, "runAsUser") ? kept_root(ctx, sc) : kept_root(ctx, psc);
		if (v)
			return v;
	}
	return NULL;
}

/* The lowest containerPort below 1024 @ctr declares, or 0. */
static long low_port(const struct yn *ctr)
{
	const struct yn *ports = hd_get(ctr, "ports");
	long low = 0;
	size_t i;

	if (!ports || ports->kind != YN_SEQ)
		return 0;
	for (i = 0; i < ports->nkids; i++) {
		long long p;

		if (!(ports->kids[i]->flags & YF_DELETED) &&
		    hd_int(hd_get(ports->kids[i], "containerPort"), &p) && p > 0 &&
		    p < 1024 && (low == 0 || p < low))
			low = (long)p;
	}
	return low;
}

/*
 * A container that declares a port below 1024 and that harden has just made
 * non-root could bind it as root; as UID 10001 with every capability dropped
 * it can only where the runtime lets unprivileged users bind low ports.  The
 * namespaced sysctl net.ipv4.ip_unprivileged_port_start (a "safe" sysctl,
 * allowed by Pod Security Standards restricted) makes sure it still can.
 * A pod on the host network cannot take it: host-namespaces calls this again
 * once it has removed hostNetwork, or to report the port when it stays.
 */
void hd_keep_low_ports(struct hd_ctx *ctx, struct hd_pod *pod)
{
	static const char *const name = "net.ipv4.ip_unprivileged_port_start";
	struct hd_fref r = POD_REF(TR, "sysctls", pod);
	struct yn *hostnet = hd_get(pod->spec, "hostNetwork");
	struct yn *sysctls = hd_getp(pod->spec, "securityContext", "sysctls", NULL);
	struct hd_container *who = NULL;
	long port = 0;
	size_t i;

	if (pod->windows)
		return;
	for (i = 0; i < pod->nctrs && !who; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct yn *u = hd_get(ctr_sc(c), "runAsUser");

		if (!u)
			u = hd_get(pod_sc(pod), "runAsUser");
		if (u && (u->flags & (YF_NEW | YF_SET)) && (port = low_port(c->node)) > 0)
			who = c;
	}
	if (!who)
		return;
	if (item_named(sysctls, name))
		return; /* the author's own choice */
	if (hd_true(hostnet)) {
		hd_find(ctx, &r, hostnet, HD_SEV_MEDIUM, false, false,
			"container '%s' declares port %ld (< 1024) and the pod uses the host "
			"network: as UID %ld it may not be able to bind it", who->name, port,
			ctx->opts->uid);
		return;
	}
	sysctls = hd_want_seq(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"),
			      "sysctls");
	if (sysctls) {
		struct ystream *ys = &ctx->job->ys;
		struct yn *m = ye_map(ys);

		ye_map_add(ys, m, "name", ye_scalar(ys, name, YT_STR));
		ye_map_add(ys, m, "value", ye_scalar(ys, "0", YT_STR));
		ye_seq_append(ys, sysctls, m);
		hd_find(ctx, &r, pod->spec, HD_SEV_LOW, true, false,
			"sysctl %s=0: container '%s' declares port %ld (< 1024) and now runs "
			"as a non-root user", name, who->name, port);
	}
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct hd_fref pr = POD_REF(TR, "runAsNonRoot", pod);
	struct yn *psc = pod_sc(pod), *root = NULL, *rn;
	static const char *const ids[] = { "runAsUser", "runAsGroup" };
	size_t i, k;
	char num[32];

	if (pod->windows)
		return;
	rn = hd_get(psc, "runAsNonRoot");
	if (!hd_true(rn) && (root = root_stays(ctx, pod)) != NULL) {
		/* runAsNonRoot: true next to a kept UID 0: the kubelet refuses */
		hd_find(ctx, &pr, root, HD_SEV_HIGH, false, false,
			"runAsNonRoot: true not set: a '# harden:ignore' comment keeps "
			"runAsUser: 0, and the pod would not start with both");
	} else if (hd_false(rn) && !tr_notable(ctx, &pr, rn,
					       "pod sets runAsNonRoot: false; changed to true")) {
		/* kept by a comment */
	} else if (!hd_true(rn)) {
		hd_put(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"),
		       "runAsNonRoot", "true", YT_BOOL);
		hd_find(ctx, &pr, pod->spec, HD_SEV_HIGH, true, false,
			"pod runs as non-root (runAsNonRoot: true)");
	}
	for (i = 0; i < pod->nctrs && !root; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref cr = CTR_REF(TR, "runAsNonRoot", pod, c);
		struct yn *v = hd_get(ctr_sc(c), "runAsNonRoot");

		if (hd_false(v) &&
		    tr_notable(ctx, &cr, v, "container sets runAsNonRoot: false; changed to true"))
			hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
			       "runAsNonRoot", "true", YT_BOOL);
	}
	/* runAsUser / runAsGroup: root is changed, missing ones get a number */
	for (k = 0; k < 2; k++) {
		struct hd_fref r = POD_REF(TR, ids[k], pod);
		long val = k == 0 ? ctx->opts->uid : ctx->opts->gid;
		bool need = false;

		fix_zero(ctx, &r, pod->spec, ids[k], val);
		for (i = 0; i < pod->nctrs; i++) {
			struct hd_fref cr = CTR_REF(TR, ids[k], pod, &pod->ctrs[i]);

			fix_zero(ctx, &cr, pod->ctrs[i].node, ids[k], val);
			if (!has_nonzero(ctr_sc(&pod->ctrs[i]), ids[k]))
				need = true;
		}
		if (!hd_get(pod_sc(pod), ids[k]) && (need || pod->nctrs == 0)) {
			snprintf(num, sizeof(num), "%ld", val);
			hd_put(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"),
			       ids[k], num, YT_INT);
			hd_find(ctx, &r, pod->spec, HD_SEV_MEDIUM, true, false,
				"pod %s set to %ld (no numeric user in the manifest)",
				ids[k], val);
		}
	}
	/* fsGroup: pod level only */
	{
		struct hd_fref r = POD_REF(TR, "fsGroup", pod);
		struct yn *fs = hd_get(pod_sc(pod), "fsGroup");
		long long cur;

		if (fs && hd_int(fs, &cur) && cur == 0) {
			fix_zero(ctx, &r, pod->spec, "fsGroup", ctx->opts->gid);
		} else if (!fs) {
			snprintf(num, sizeof(num), "%ld", ctx->opts->gid);
			hd_put(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"),
			       "fsGroup", num, YT_INT);
			hd_find(ctx, &r, pod->spec, HD_SEV_LOW, true, false,
				"pod fsGroup set to %ld", ctx->opts->gid);
		}
	}
	if (!hd_true(hd_get(pod->spec, "hostNetwork")))
		hd_keep_low_ports(ctx, pod);
}

/* Compose: `user: "UID:GID"` when unset; root is changed only when unsafe. */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "user", svc);
	struct yn *u = hd_get(svc->node, "user");
	const char *s = hd_str(u);
	char val[64], uid[64];
	size_t l;

	snprintf(val, sizeof(val), "%ld:%ld", ctx->opts->uid, ctx->opts->gid);
	if (!u) {
		hd_put(ctx, TR, svc->node, "user", val, YT_STR);
		hd_find(ctx, &r, svc->node, HD_SEV_HIGH, true, false, "user: \"%s\"", val);
		return;
	}
	if (!s || is_interpolated(s))
		return; /* a variable: the environment decides */
	l = strcspn(s, ":");
	if (l >= sizeof(uid))
		l = sizeof(uid) - 1;
	memcpy(uid, s, l);
	uid[l] = '\0';
	if (strcmp(uid, "0") && strcmp(uid, "root"))
		return;
	{
		char msg[160];

		snprintf(msg, sizeof(msg), "user %s (root) would become \"%s\"", s, val);
		if (tr_unsafe(ctx, &r, u, msg))
			hd_put(ctx, TR, svc->node, "user", val, YT_STR);
	}
}

const struct hd_transform hd_tr_run_as_non_root = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.summary = "non-root: runAsNonRoot + numeric UID/GID; Compose user: \"UID:GID\"",
	.explain =
		"Why: a container running as UID 0 is root on the node if it escapes,\n"
		"and Pod Security Standards \"restricted\" requires runAsNonRoot: true.\n"
		"What: sets pod securityContext.runAsNonRoot: true; when no numeric\n"
		"runAsUser/runAsGroup is set for every container, sets them at pod level\n"
		"(default 10001, --uid/--gid), and fsGroup likewise. runAsUser: 0 and\n"
		"runAsNonRoot: false are changed and reported.\n"
		"A container that declares a containerPort below 1024 and that harden\n"
		"makes non-root gets the pod sysctl net.ipv4.ip_unprivileged_port_start=0\n"
		"(a namespaced, PSS-allowed sysctl) so it can still bind it.\n"
		"Breaks: images that must run as root (write root-owned paths, bind\n"
		"undeclared low ports on runtimes that do not allow it).\n"
		"Compose: sets user: \"10001:10001\" (--uid/--gid) when unset; user root/0\n"
		"is changed only with --unsafe-fixes; ${VAR} users are left alone.\n"
		"Opt out: --skip run-as-non-root, or annotate the object\n"
		"harden.dev/skip: run-as-non-root.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "user",
};
