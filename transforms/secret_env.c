/* secret_env.c - literal secrets in env move to secretKeyRef */
#include <ctype.h>
#include <stdio.h>

#include "secrets.h"
#include "tr.h"

#define TR "secret-env"

/* Lower-case DNS-1123 name from @s (arena). */
static const char *dns_name(struct hd_arena *a, const char *s, const char *suffix)
{
	size_t n = strlen(s), i, o = 0;
	char *out = hd_arena_alloc(a, n + strlen(suffix) + 2);

	for (i = 0; i < n && o < 200; i++) {
		char c = (char)tolower((unsigned char)s[i]);

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')
			out[o++] = c;
		else if (o && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o && (out[o - 1] == '-' || out[o - 1] == '.'))
		o--;
	if (!o)
		out[o++] = 'w';
	strcpy(out + o, suffix);
	return out;
}

/* A Secret data key from an env var name: [-._a-zA-Z0-9]+. */
static const char *data_key(struct hd_arena *a, const char *s)
{
	char *k = hd_arena_strdup(a, s);
	char *p;

	for (p = k; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			*p = '_';
	return *k ? k : "value";
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct ystream *ys = &ctx->job->ys;
	struct hd_arena *a = &ctx->job->arena;
	const char *store = dns_name(a, pod->name, "-secrets");
	const char *ns = hd_str(hd_getp(pod->obj, "metadata", "namespace", NULL));
	size_t i, j;

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct yn *env = hd_get(c->node, "env");

		if (!env || env->kind != YN_SEQ)
			continue;
		for (j = 0; j < env->nkids; j++) {
			struct yn *item = (struct yn *)yn_deref(env->kids[j]);
			const char *name = hd_str(hd_get(item, "name"));
			struct yn *val = item->kind == YN_MAP ? yn_map_get(item, "value") : NULL;
			struct hd_fref r = CTR_REF(TR, "env", pod, c);
			const char *token;
			struct yn *vf, *ref;
			struct hd_secret sec;

			if ((env->kids[j]->flags & YF_DELETED) || !name || !val ||
			    val->kind != YN_SCALAR || !hd_secret_literal(val->text, val->tlen, false))
				continue;
			token = hd_secret_token(val->text, val->tlen);
			if (!token && !hd_secret_name(name))
				continue;
			if (ye_shared_anchor(val)) {
				hd_find(ctx, &r, val, HD_SEV_HIGH, false, false,
					"env %s holds a literal secret inside a shared anchor; "
					"move it to a Secret by hand", name);
				continue;
			}
			memset(&sec, 0, sizeof(sec));
			sec.store = store;
			sec.ns = ns;
			sec.key = data_key(a, name);
			sec.value = val->text;
			sec.off = val->start;
			sec.len = val->end - val->start;
			hd_ctx_add_secret(ctx, &sec);
			hd_del(ctx, TR, item, "value");
			vf = ye_map(ys);
			ref = ye_map(ys);
			ye_map_add(ys, ref, "name", ye_scalar(ys, store, YT_STR));
			ye_map_add(ys, ref, "key", ye_scalar(ys, sec.key, YT_STR));
			ye_map_add(ys, vf, "secretKeyRef", ref);
			ye_map_add(ys, item, "valueFrom", vf);
			hd_find(ctx, &r, item, HD_SEV_HIGH, true, false,
				"env %s held a literal %s; now read from Secret '%s' key '%s'%s",
				name, token ? token : "secret", store, sec.key,
				ctx->opts->secrets_out ? "" :
				" (create that Secret, or rerun with --secrets-out FILE)");
			ctx->f[ctx->nf - 1].notable = !ctx->opts->secrets_out;
		}
	}
}

const struct hd_transform hd_tr_secret_env = {
	.name = TR,
	.applies = HD_APPLIES_K8S,
	.unsafe = false,
	.summary = "literal secrets in env become valueFrom.secretKeyRef",
	.explain =
		"Why: a password in a manifest is in git history, in every clone and\n"
		"in `kubectl get -o yaml` for anyone who can read the object.\n"
		"What: an env[].value literal whose name looks secret (PASSWORD, TOKEN,\n"
		"API_KEY, ...) or whose value has a token format (AWS, GitHub, Slack,\n"
		"private keys, JWTs, ...) becomes valueFrom.secretKeyRef to the Secret\n"
		"<workload>-secrets, key = the variable name. The value is never printed\n"
		"(diffs redact it); --secrets-out FILE writes the Secret manifest\n"
		"(mode 0600), otherwise the findings list what to create.\n"
		"Breaks: nothing once the Secret exists; the pod waits for it.\n"
		"Opt out: --skip secret-env.",
	.run_pod = run_pod,
};
