/* run_as_non_root.c - runAsNonRoot with a numeric non-root UID/GID */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "exempt.h"
#include "images.h"
#include "tr.h"

#define TR "run-as-non-root"

/*
 * A container that stays root: its privileged: true stays, or its image
 * cannot start as its own user (profile direct: false; drop-capabilities
 * then adds back what its entrypoint needs).
 */
static bool stays_root(const struct hd_ctx *ctx, const struct hd_pod *pod,
		       const struct hd_container *c)
{
	const struct hd_image_profile *p;

	if (hd_ctr_privileged_kept(ctx, pod, c))
		return true;
	p = hd_ctr_image(ctx, c);
	return p && !p->direct && !ctx->opts->unsafe_fixes && !hd_get(ctr_sc(c), "runAsUser") &&
	       !hd_get(pod_sc(pod), "runAsUser");
}

/* "privileged container 'x'" or "container 'x' (image starts as root)" */
static const char *root_who(const struct hd_ctx *ctx, const struct hd_pod *pod,
			    const struct hd_container *c, char *buf, size_t n)
{
	if (hd_ctr_privileged_kept(ctx, pod, c))
		snprintf(buf, n, "privileged container '%s'", c->name);
	else
		snprintf(buf, n, "container '%s' (its image starts as root)", c->name);
	return buf;
}

/* The user @c is to run as: its image's own, else --uid. */
static long want_uid(const struct hd_ctx *ctx, const struct hd_container *c)
{
	const struct hd_image_profile *p = c ? hd_ctr_image(ctx, c) : NULL;

	return p && p->user > 0 ? p->user : ctx->opts->uid;
}

/* Why @c gets @uid: "the user of image 'postgres:16' (profile postgres-17: ...)". */
static const char *why_uid(const struct hd_ctx *ctx, const struct hd_container *c, long uid,
			   char *buf, size_t n)
{
	const struct hd_image_profile *p = c ? hd_ctr_image(ctx, c) : NULL;

	if (!p || p->user != uid)
		return NULL;
	snprintf(buf, n, "the user of image '%s' (profile %s: %s)",
		 hd_str(hd_get(c->node, "image")), p->name, p->note ? p->note : p->source);
	return buf;
}

/*
 * The group for a process of @c running as @uid: the image's group when
 * @uid is the image's user, else --gid beside --uid, else @uid's own.
 */
static long long want_gid(const struct hd_ctx *ctx, const struct hd_container *c, long long uid,
			  char *why, size_t n)
{
	const struct hd_image_profile *p = c ? hd_ctr_image(ctx, c) : NULL;

	if (p && p->user > 0 && p->user == uid && p->group >= 0) {
		snprintf(why, n, "the group of image '%s' (profile %s)%s",
			 hd_str(hd_get(c->node, "image")), p->name,
			 p->group == 0 ? ": its paths are group-0 writable" : "");
		return p->group;
	}
	if (uid == ctx->opts->uid || uid <= 0) {
		snprintf(why, n, "no numeric group in the manifest");
		return ctx->opts->gid;
	}
	snprintf(why, n, "the group of runAsUser %lld", uid);
	return uid;
}

/* The first container without a user of its own (the pod level's), or NULL. */
static const struct hd_container *first_bare(const struct hd_ctx *ctx, const struct hd_pod *pod)
{
	const struct hd_container *first = NULL;
	size_t i;

	for (i = 0; i < pod->nctrs; i++) {
		const struct hd_container *c = &pod->ctrs[i];

		if (stays_root(ctx, pod, c) || hd_get(ctr_sc(c), "runAsUser"))
			continue;
		if (!strcmp(c->list, "containers"))
			return c;
		if (!first)
			first = c;
	}
	return first;
}

/* Make @key of securityContext a non-zero number (@val) where it is 0. */
static void fix_zero(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *owner, const char *key,
		     long val)
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
			       hd_line_ignores(&ctx->job->ys, v->start, TR)
		       ? v
		       : NULL;
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

/*
 * The lowest containerPort below 1024 @c declares, or 0; one that declares
 * none: the lowest its image listens on by default (its profile; *@prof).
 */
static long low_port(const struct hd_ctx *ctx, const struct hd_container *c,
		     const struct hd_image_profile **prof)
{
	const struct yn *ports = hd_get(c->node, "ports");
	const struct hd_image_profile *ip;
	long low = 0;
	size_t i;

	*prof = NULL;
	if (!ports && (ip = hd_ctr_image(ctx, c)) != NULL && ip->nports) {
		for (i = 0; i < ip->nports; i++)
			if (low == 0 || ip->ports[i] < low)
				low = ip->ports[i];
		*prof = ip;
		return low;
	}
	if (!ports || ports->kind != YN_SEQ)
		return 0;
	for (i = 0; i < ports->nkids; i++) {
		long long p;

		if (hd_live(ports->kids[i]) &&
		    hd_int(hd_get(ports->kids[i], "containerPort"), &p) && p > 0 && p < 1024 &&
		    (low == 0 || p < low))
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
	const struct hd_image_profile *prof = NULL;
	char what[300];
	long port = 0;
	size_t i;

	if (pod->windows)
		return;
	for (i = 0; i < pod->nctrs && !who; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct yn *u = hd_get(ctr_sc(c), "runAsUser");

		if (!u)
			u = hd_get(pod_sc(pod), "runAsUser");
		if (u && hd_edited(u) && (port = low_port(ctx, c, &prof)) > 0)
			who = c;
	}
	if (!who)
		return;
	if (prof)
		snprintf(what, sizeof(what),
			 "listens on port %ld (< 1024) by default (image "
			 "profile %s)",
			 port, prof->name);
	else
		snprintf(what, sizeof(what), "declares port %ld (< 1024)", port);
	if (item_named(sysctls, name))
		return; /* the author's own choice */
	if (hd_true(hostnet)) {
		hd_find(ctx, &r, hostnet, HD_SEV_MEDIUM, false, false,
			"container '%s' %s and the pod uses the host network: as a non-root "
			"user it may not be able to bind it",
			who->name, what);
		return;
	}
	sysctls =
		hd_want_seq(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"), "sysctls");
	if (sysctls) {
		hd_append(ctx, sysctls, hd_new_map(ctx, "name", name, "value", "0", NULL));
		hd_find(ctx, &r, pod->spec, HD_SEV_LOW, true, false,
			"sysctl %s=0: container '%s' %s and now runs as a non-root user", name,
			who->name, what);
	}
}

/* The manifest's own non-zero number under @key of @sc (not one harden set). */
static bool own_id(const struct yn *sc, const char *key, long long *v)
{
	const struct yn *n = hd_get(sc, key);

	return n && !hd_edited(n) && hd_int(n, v) && *v != 0;
}

/* The first container that stays root (stays_root()), or NULL. */
static struct hd_container *privileged_kept(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct hd_container *first = NULL;
	size_t i;

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];

		const struct hd_image_profile *p = hd_ctr_image(ctx, c);

		if ((tr_ctr_privileged(ctx, pod, c, TR) || stays_root(ctx, pod, c)) && !first)
			first = c;
		if (!hd_ctr_privileged_kept(ctx, pod, c) && p && !p->direct &&
		    !hd_get(ctr_sc(c), "runAsUser") && !hd_get(pod_sc(pod), "runAsUser")) {
			struct hd_fref r = CTR_REF(TR, "runAsUser", pod, c);
			char msg[600];

			/* root is what this image needs: taking it is the unsafe fix */
			snprintf(msg, sizeof(msg),
				 "image '%s' cannot start as a non-root user "
				 "unchanged (profile %s: %s): left root, drop-capabilities adds "
				 "back "
				 "what its entrypoint needs; a non-root user would be set",
				 hd_str(hd_get(c->node, "image")), p->name,
				 p->note ? p->note : p->source);
			tr_unsafe(ctx, &r, hd_get(c->node, "image"), msg);
		}
	}
	return first;
}

/*
 * runAsNonRoot: true at pod level, or, beside a container that stays root
 * (@priv; the pod level would reach it too), on each other container.
 */
static void non_root(struct hd_ctx *ctx, struct hd_pod *pod, struct hd_container *priv,
		     struct yn *root)
{
	struct hd_fref pr = POD_REF(TR, "runAsNonRoot", pod);
	struct yn *rn = hd_get(pod_sc(pod), "runAsNonRoot");
	char who[200];
	size_t i;

	if (root) {
		/* runAsNonRoot: true next to a kept UID 0: the kubelet refuses */
		hd_find(ctx, &pr, root, HD_SEV_HIGH, false, false,
			"runAsNonRoot: true not set: a '# harden:ignore' comment keeps "
			"runAsUser: 0, and the pod would not start with both");
		return;
	}
	if (priv || hd_true(rn)) {
		/* the pod level stays as the author wrote it */
	} else if (hd_false(rn)) {
		if (!tr_notable(ctx, &pr, rn, "pod sets runAsNonRoot: false; changed to true"))
			return; /* kept by a comment */
		hd_put(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"), "runAsNonRoot",
		       "true", YT_BOOL);
	} else {
		hd_put(ctx, TR, hd_want_map(ctx, TR, pod->spec, "securityContext"), "runAsNonRoot",
		       "true", YT_BOOL);
		hd_find(ctx, &pr, pod->spec, HD_SEV_HIGH, true, false,
			"pod runs as non-root (runAsNonRoot: true)");
	}
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref cr = CTR_REF(TR, "runAsNonRoot", pod, c);
		struct yn *v = hd_get(ctr_sc(c), "runAsNonRoot");

		if (stays_root(ctx, pod, c) || hd_true(v))
			continue;
		if (hd_false(v)) {
			if (tr_notable(ctx, &cr, v,
				       "container sets runAsNonRoot: false; changed to true"))
				hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
				       "runAsNonRoot", "true", YT_BOOL);
		} else if (priv && !hd_true(rn)) {
			hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
			       "runAsNonRoot", "true", YT_BOOL);
			hd_find(ctx, &cr, c->node, HD_SEV_HIGH, true, false,
				"container runs as non-root (runAsNonRoot: true, at container "
				"level: %s of the pod stays root)",
				root_who(ctx, pod, priv, who, sizeof(who)));
		}
	}
}

/*
 * runAsGroup / fsGroup: 0 (root group) is an explicit value: kept and
 * reported, changed (to the group of the user) only with --unsafe-fixes;
 * not reported where the image's profile relies on group 0 (@to is 0).
 */
static void root_group(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *owner,
		       const char *key, long long to)
{
	struct yn *v = hd_get(hd_get(owner, "securityContext"), key);
	long long cur;
	char num[32], msg[200];

	if (!v || !hd_int(v, &cur) || cur != 0 || to == 0)
		return;
	snprintf(num, sizeof(num), "%lld", to);
	snprintf(msg, sizeof(msg), "%s: 0 (the root group) would become %lld", key, to);
	if (tr_unsafe(ctx, r, v, msg))
		hd_put(ctx, TR, hd_want_map(ctx, TR, owner, "securityContext"), key, num, YT_INT);
}

/* Set @key of @owner's securityContext to @val and say why. */
static void put_id(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *owner, const char *key,
		   long long val, const char *why)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", val);
	hd_put(ctx, TR, hd_want_map(ctx, TR, owner, "securityContext"), key, num, YT_INT);
	hd_find(ctx, r, owner, HD_SEV_MEDIUM, true, false, "%s %s set to %lld (%s)",
		r->container ? "container" : "pod", key, val, why);
}

/*
 * runAsUser: root is changed, missing ones get a number: the image's own
 * user where its profile has one, else --uid; at pod level when it can
 * (the first container's), at container level where a container's image
 * wants another.
 */
static void users(struct hd_ctx *ctx, struct hd_pod *pod, struct hd_container *priv)
{
	struct hd_fref r = POD_REF(TR, "runAsUser", pod);
	const struct hd_container *first = first_bare(ctx, pod);
	long pod_want = want_uid(ctx, first);
	long long pu = 0;
	const char *bare = NULL, *own = NULL, *pw;
	size_t i;
	char why[600], who[200], pwbuf[400];

	if (!priv)
		fix_zero(ctx, &r, pod->spec, "runAsUser", pod_want);
	if (!hd_int(hd_get(pod_sc(pod), "runAsUser"), &pu))
		pu = 0;
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref cr = CTR_REF(TR, "runAsUser", pod, c);
		long u = want_uid(ctx, c);

		if (stays_root(ctx, pod, c))
			continue;
		fix_zero(ctx, &cr, c->node, "runAsUser", u);
		if (has_nonzero(ctr_sc(c), "runAsUser")) {
			own = own ? own : c->name;
			continue;
		}
		if (!bare)
			bare = c->name;
		if (priv && pu == 0) {
			snprintf(why, sizeof(why), "%s of the pod stays root, so not at pod level",
				 root_who(ctx, pod, priv, who, sizeof(who)));
			put_id(ctx, &cr, c->node, "runAsUser", u, why);
		} else if (pu == 0 && u != pod_want) {
			put_id(ctx, &cr, c->node, "runAsUser", u,
			       why_uid(ctx, c, u, why, sizeof(why))
				       ? why
				       : "not the user of the pod's image");
		}
	}
	if (priv || hd_get(pod_sc(pod), "runAsUser") || (!bare && pod->nctrs))
		return;
	if ((pw = why_uid(ctx, first, pod_want, pwbuf, sizeof(pwbuf))) != NULL)
		snprintf(why, sizeof(why), "%s", pw);
	else if (own)
		snprintf(why, sizeof(why), "container '%s' sets none", bare);
	else
		snprintf(why, sizeof(why), "no numeric user in the manifest");
	put_id(ctx, &r, pod->spec, "runAsUser", pod_want, why);
}

/* The user @c runs with: its own runAsUser, else the pod's (0: none). */
static long long run_uid(const struct hd_pod *pod, const struct hd_container *c)
{
	long long u;

	if (c && hd_int(hd_get(ctr_sc(c), "runAsUser"), &u))
		return u;
	return hd_int(hd_get(pod_sc(pod), "runAsUser"), &u) ? u : 0;
}

/*
 * runAsGroup follows the user: the image's group when the user is the
 * image's, else a runAsUser number of the manifest's own, else --gid
 * beside the UID harden set.  At pod level (the first container's) where
 * it can.
 */
static void groups(struct hd_ctx *ctx, struct hd_pod *pod, struct hd_container *priv)
{
	struct hd_fref r = POD_REF(TR, "runAsGroup", pod);
	struct yn *psc = pod_sc(pod);
	const struct hd_container *first = first_bare(ctx, pod);
	long long pg, u;
	bool pod_needed = pod->nctrs == 0;
	size_t i;
	char why[300];

	pg = want_gid(ctx, first, run_uid(pod, NULL), why, sizeof(why));
	root_group(ctx, &r, pod->spec, "runAsGroup", pg);
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref cr = CTR_REF(TR, "runAsGroup", pod, c);
		char cwhy[300];
		long long g;

		if (stays_root(ctx, pod, c))
			continue;
		g = want_gid(ctx, c, run_uid(pod, c), cwhy, sizeof(cwhy));
		root_group(ctx, &cr, c->node, "runAsGroup", g);
		if (hd_get(ctr_sc(c), "runAsGroup") || hd_get(psc, "runAsGroup"))
			continue;
		if (own_id(ctr_sc(c), "runAsUser", &u) || priv || g != pg)
			put_id(ctx, &cr, c->node, "runAsGroup", g, cwhy);
		else
			pod_needed = true;
	}
	if (pod_needed && !hd_get(pod_sc(pod), "runAsGroup"))
		put_id(ctx, &r, pod->spec, "runAsGroup", pg, why);
}

/*
 * fsGroup (pod level only): the group owning the first container's image
 * volumes (its profile), else the pod's group, else its user, else the
 * group every container runs with.
 */
static void fs_group(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct hd_fref r = POD_REF(TR, "fsGroup", pod);
	struct yn *psc = pod_sc(pod);
	const struct hd_container *first = first_bare(ctx, pod);
	const struct hd_image_profile *p = first ? hd_ctr_image(ctx, first) : NULL;
	long long g = 0, common = -1, v;
	size_t i;
	char why[300];

	if (p && p->fs_group >= 0 && p->user > 0 && run_uid(pod, first) == p->user) {
		g = p->fs_group;
		snprintf(why, sizeof(why), "the group of image '%s' (profile %s)",
			 hd_str(hd_get(first->node, "image")), p->name);
	} else if (has_nonzero(psc, "runAsGroup") && hd_int(hd_get(psc, "runAsGroup"), &g)) {
		snprintf(why, sizeof(why), "the pod's runAsGroup");
	} else if (own_id(psc, "runAsUser", &g)) {
		snprintf(why, sizeof(why), "the group of runAsUser %lld", g);
	} else {
		/* one group that every container runs with */
		for (i = 0; i < pod->nctrs && common != 0; i++) {
			if (stays_root(ctx, pod, &pod->ctrs[i]))
				continue;
			if (!hd_int(hd_get(ctr_sc(&pod->ctrs[i]), "runAsGroup"), &v) || v == 0 ||
			    (common > 0 && v != common))
				common = 0;
			else
				common = v;
		}
		g = common > 0 ? common : ctx->opts->gid;
		snprintf(why, sizeof(why),
			 common > 0 ? "the containers' runAsGroup"
				    : "no numeric group in the manifest");
	}
	root_group(ctx, &r, pod->spec, "fsGroup", g);
	if (!hd_get(pod_sc(pod), "fsGroup"))
		put_id(ctx, &r, pod->spec, "fsGroup", g, why);
}

/* Is variable @name set in Kubernetes env list / Compose environment @env? */
static bool env_has(const struct yn *env, const char *name)
{
	size_t i, l = strlen(name);

	if (!env)
		return false;
	if (env->kind == YN_MAP)
		return hd_get(env, name) != NULL;
	for (i = 0; env->kind == YN_SEQ && i < env->nkids; i++) {
		const struct yn *it = env->kids[i];
		const char *s = it->kind == YN_MAP ? hd_str(hd_get(it, "name")) : hd_str(it);

		if (s && !strncmp(s, name, l) &&
		    (s[l] == '\0' || (s[l] == '=' && it->kind != YN_MAP)))
			return true;
	}
	return false;
}

/*
 * The environment @p's image needs to start directly as its user (vault:
 * SKIP_CHOWN, SKIP_SETCAP), where the manifest does not set it: Kubernetes
 * container @c, or Compose service @svc.
 */
static void image_env(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *node, bool k8s,
		      const struct hd_image_profile *p)
{
	struct hd_buf names = HD_BUF_INIT;
	const char *key = k8s ? "env" : "environment";
	struct yn *env;
	size_t i;

	for (i = 0; p && i < p->nenv; i++) {
		env = hd_get(node, key);
		if (env_has(env, p->env_keys[i]))
			continue;
		if (k8s || (env && env->kind == YN_SEQ)) {
			struct yn *seq = hd_want_seq(ctx, TR, node, key), *m;

			if (!seq)
				break;
			if (k8s)
				m = hd_new_map(ctx, "name", p->env_keys[i], "value", p->env_vals[i],
					       NULL);
			else
				m = hd_new_str(ctx,
					       hd_arena_printf(&ctx->job->arena, "%s=%s",
							       p->env_keys[i], p->env_vals[i]));
			hd_append(ctx, seq, m);
		} else {
			struct yn *map = hd_want_map(ctx, TR, node, key);

			if (!map)
				break;
			hd_put(ctx, TR, map, p->env_keys[i], p->env_vals[i], YT_STR);
		}
		hd_buf_printf(&names, "%s%s=%s", names.len ? ", " : "", p->env_keys[i],
			      p->env_vals[i]);
	}
	if (names.len)
		hd_find(ctx, r, node, HD_SEV_MEDIUM, true, false,
			"%s set: image '%s' needs it to start directly as its user (profile %s)",
			names.data, hd_str(hd_get(node, "image")), p->name);
	hd_buf_release(&names);
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct hd_container *priv;
	size_t i;

	priv = privileged_kept(ctx, pod);
	non_root(ctx, pod, priv,
		 hd_true(hd_get(pod_sc(pod), "runAsNonRoot")) ? NULL : root_stays(ctx, pod));
	users(ctx, pod, priv);
	groups(ctx, pod, priv);
	fs_group(ctx, pod);
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref cr = CTR_REF(TR, "env", pod, c);

		if (!stays_root(ctx, pod, c) && run_uid(pod, c) != 0)
			image_env(ctx, &cr, c->node, true, hd_ctr_image(ctx, c));
	}
	if (!hd_true(hd_get(pod->spec, "hostNetwork")))
		hd_keep_low_ports(ctx, pod);
}

enum id_kind {
	ID_EMPTY,
	ID_ROOT,
	ID_NUM,
	ID_NAME
};

/*
 * One side of a Compose `user` (@s, @n bytes).  Docker reads decimal
 * digits as a number (leading zeros and all: "0010" is 10) and anything
 * else as a name looked up in the image, but YAML may already have turned
 * `0x0`, `0_0`, `+0` or `-0` into 0, and a blank-padded " 0" is no non-root
 * user either: every spelling of 0 (and the name root) is root here, an
 * empty one is unset.  Leading zeros are skipped before the digits are
 * counted, so no run of them hides a 0.
 */
static enum id_kind id_kind(const char *s, size_t n, long long *num)
{
	char buf[64], *end, *o = buf;
	int base = 10;
	size_t i;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n)
		return ID_EMPTY;
	if (n == 4 && !memcmp(s, "root", 4))
		return ID_ROOT;
	if (*s == '+' || *s == '-')
		*o++ = *s++, n--;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2, n -= 2;
	while (n > 1 && (*s == '0' || *s == '_'))
		s++, n--; /* the last character stays: "000" is "0" */
	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (o == buf + sizeof(buf) - 1)
			return ID_NAME; /* more digits than any ID has */
		*o++ = s[i];
	}
	*o = '\0';
	errno = 0;
	*num = strtoll(buf, &end, base);
	if (end == buf || *end || errno)
		return ID_NAME;
	return *num == 0 ? ID_ROOT : ID_NUM;
}

/* Compose: `user: "UID:GID"` when unset or empty; root only when unsafe. */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "user", svc);
	struct yn *u = hd_get(svc->node, "user");
	const struct hd_image_profile *p = hd_svc_image(ctx, svc);
	const char *s = hd_str(u), *colon;
	enum id_kind uk, gk = ID_EMPTY;
	long long un = 0, gn = 0;
	char val[64], msg[600], prof[400] = "", *fix;
	size_t l;

	if (tr_svc_privileged(ctx, svc, TR))
		return; /* no-privileged reports it */
	if (p && !p->direct &&
	    (!u || (hd_str(u) && !*hd_str(u)) || hd_node_type(yn_deref(u)) == YT_NULL)) {
		/* root is what this image needs: taking it is the unsafe fix */
		snprintf(msg, sizeof(msg),
			 "image '%s' cannot start as a non-root user unchanged "
			 "(profile %s: %s): left root, drop-capabilities adds back what its "
			 "entrypoint needs; a non-root user would be set",
			 hd_str(hd_get(svc->node, "image")), p->name,
			 p->note ? p->note : p->source);
		if (!tr_unsafe(ctx, &r, u ? u : svc->node, msg))
			return;
	}
	if (p && p->user > 0) {
		snprintf(val, sizeof(val), "%ld:%ld", p->user, p->group >= 0 ? p->group : p->user);
		snprintf(prof, sizeof(prof), " (the user of image '%s', profile %s: %s)",
			 hd_str(hd_get(svc->node, "image")), p->name,
			 p->note ? p->note : p->source);
	} else {
		snprintf(val, sizeof(val), "%ld:%ld", ctx->opts->uid, ctx->opts->gid);
	}
	if (!u) {
		hd_put(ctx, TR, svc->node, "user", val, YT_STR);
		hd_find(ctx, &r, svc->node, HD_SEV_HIGH, true, false, "user: \"%s\"%s", val, prof);
		image_env(ctx, &r, svc->node, false, p);
		return;
	}
	if (!s || u->kind != YN_SCALAR || is_interpolated(s))
		return; /* a variable: the environment decides */
	colon = strchr(s, ':');
	l = colon ? (size_t)(colon - s) : strlen(s);
	uk = id_kind(s, l, &un);
	if (colon)
		gk = id_kind(colon + 1, strlen(colon + 1), &gn);
	if (hd_node_type(yn_deref(u)) == YT_NULL)
		uk = ID_EMPTY; /* `user:`, `user: ~`, `user: null` */
	if (uk == ID_EMPTY && !colon) {
		/* `user:`, `user: ~`, `user: ""`: the image's user, often root */
		snprintf(msg, sizeof(msg), "user %s%s%s (unset: the image's user) set to \"%s\"",
			 u->tlen ? "'" : "", u->tlen ? s : "empty", u->tlen ? "'" : "", val);
		if (tr_notable(ctx, &r, u, msg)) {
			hd_put(ctx, TR, svc->node, "user", val, YT_STR);
			image_env(ctx, &r, svc->node, false, p);
		}
		return;
	}
	if (uk == ID_ROOT || uk == ID_EMPTY) {
		snprintf(msg, sizeof(msg), "user \"%s\" (root) would become \"%s\"", s, val);
		if (tr_unsafe(ctx, &r, u, msg))
			hd_put(ctx, TR, svc->node, "user", val, YT_STR);
		return;
	}
	if (uk == ID_NUM || uk == ID_NAME)
		image_env(ctx, &r, svc->node, false, p); /* a non-root user of its own */
	if (gk != ID_ROOT)
		return;
	if (p && p->group == 0 && uk == ID_NUM && un == p->user)
		return; /* the image's own user and group 0, as its profile says */
	/* the group follows the user: its own number, or a name's primary
	 * group; the user is kept whole, however long */
	fix = hd_xmalloc(l + 24);
	if (uk == ID_NUM)
		snprintf(fix, l + 24, "%.*s:%lld", (int)l, s, un);
	else
		snprintf(fix, l + 24, "%.*s", (int)l, s);
	snprintf(msg, sizeof(msg),
		 "group of user \"%s\" is 0 (the root group); would become \"%s\"", s, fix);
	if (tr_unsafe(ctx, &r, u, msg))
		hd_put(ctx, TR, svc->node, "user", fix, YT_STR);
	free(fix);
}

const struct hd_transform hd_tr_run_as_non_root = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.linux_only = true,
	.summary = "non-root: runAsNonRoot + numeric UID/GID; Compose user: \"UID:GID\"",
	.explain = "Why: a container running as UID 0 is root on the node if it escapes,\n"
		   "and Pod Security Standards \"restricted\" requires runAsNonRoot: true.\n"
		   "What: sets pod securityContext.runAsNonRoot: true; when no numeric\n"
		   "runAsUser is set for every container, sets it at pod level (default\n"
		   "10001, --uid). runAsGroup and fsGroup follow the user the manifest\n"
		   "chose: a runAsUser of its own (999) brings runAsGroup 999 beside it\n"
		   "(and fsGroup 999 at pod level); otherwise --gid (10001).\n"
		   "runAsUser: 0 and runAsNonRoot: false are changed and reported. An\n"
		   "explicit runAsGroup: 0 or fsGroup: 0 (the root group) is kept and\n"
		   "reported; --unsafe-fixes changes it to the group of the user.\n"
		   "A container whose privileged: true stays is left as it is (root); the\n"
		   "pod's other containers then get runAsNonRoot and their user at\n"
		   "container level, since the pod level would reach it too.\n"
		   "A container that declares a containerPort below 1024 (or, declaring\n"
		   "none, whose image listens on one: nginx 80) and that harden makes\n"
		   "non-root gets the pod sysctl net.ipv4.ip_unprivileged_port_start=0\n"
		   "(a namespaced, PSS-allowed sysctl) so it can still bind it.\n"
		   "Image profiles (data/images.yaml, .harden.yaml images:): an image\n"
		   "with a user of its own runs as it instead of 10001 (postgres 999:999,\n"
		   "alpine postgres 70:70, nginx 101:101, redis 999), with its group, 0\n"
		   "where it makes its paths group-0 writable (grafana 472:0,\n"
		   "elasticsearch 1000:0, bitnami 1001:0; that runAsGroup/fsGroup 0 or\n"
		   "user \"472:0\" is not reported), fsGroup the group owning its volumes,\n"
		   "and the environment it needs to start directly as its user (vault:\n"
		   "SKIP_CHOWN, SKIP_SETCAP). Containers whose images differ get their\n"
		   "user at container level. An image that cannot start non-root\n"
		   "unchanged (httpd, the root gitea image) stays root, and\n"
		   "drop-capabilities adds back what its entrypoint needs; making it\n"
		   "non-root anyway is an unsafe fix (--unsafe-fixes).\n"
		   "Breaks: images that must run as root (write root-owned paths, bind\n"
		   "undeclared low ports on runtimes that do not allow it).\n"
		   "Compose: sets user: \"10001:10001\" (--uid/--gid; the image's own\n"
		   "user and group where its profile has one) when unset or empty\n"
		   "(user: \"\", ~). A root user (root, 0 and its spellings 00, +0, -0,\n"
		   "0x0, 0_0, \" 0\") or a root group (\"1000:0\") is kept and reported;\n"
		   "--unsafe-fixes changes it (\"1000:0\" becomes \"1000:1000\", \"app:root\"\n"
		   "becomes \"app\"). ${VAR} users and privileged services are left alone.\n"
		   "Opt out: --skip run-as-non-root, or annotate the object\n"
		   "harden.dev/skip: run-as-non-root.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "user",
};
