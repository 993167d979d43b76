/* secret_env.c - literal secrets in env move to secretKeyRef */
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

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
			    val->kind != YN_SCALAR)
				continue;
			token = hd_secret_credential(name, val->text, val->tlen, false);
			if (!token)
				continue;
			/* "# harden:ignore" on its name or value line: all of it
			 * stays (half a move leaves value and valueFrom both) */
			if (line_ignored(ctx, TR, item, &r) || line_ignored(ctx, TR, val, &r))
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
				name, token, store, sec.key,
				ctx->opts->secrets_out ? "" :
				" (create that Secret, or rerun with --secrets-out FILE)");
			ctx->f[ctx->nf - 1].notable = !ctx->opts->secrets_out;
		}
	}
}

/* ---- Compose ------------------------------------------------------------ */

/* Does @image (registry/repo:tag) name one of the VAR_FILE images? */
static bool file_env_image(const char *list, const char *image)
{
	char repo[256];
	const char *slash, *start = image;
	size_t l;

	if (!image)
		return false;
	slash = strrchr(image, '/');
	if (slash)
		start = slash + 1;
	l = strcspn(start, ":@");
	if (l >= sizeof(repo))
		return false;
	memcpy(repo, start, l);
	repo[l] = '\0';
	return hd_csv_has(list, repo);
}

/* Lexical absolute path of @p (no symlink resolution), in @out. */
static void abs_path(const char *p, char *out, size_t n)
{
	char cwd[4096];

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		snprintf(out, n, "%s", p);
	else
		snprintf(out, n, "%s/%s", cwd, p);
}

/* Path of @target relative to directory @from (both absolute), in @out. */
static void rel_path(const char *from, const char *target, char *out, size_t n)
{
	size_t i = 0, common = 0, o = 0;
	const char *p;

	while (from[i] && target[i] && from[i] == target[i]) {
		if (from[i] == '/')
			common = i;
		i++;
	}
	if (!from[i] && (target[i] == '/' || !target[i]))
		common = i;
	for (p = from + common; *p; p++)
		if (*p == '/' && p[1] && o + 4 < n) {
			memcpy(out + o, "../", 3);
			o += 3;
		}
	if (o == 0 && o + 2 < n) {
		memcpy(out, "./", 2);
		o = 2;
	}
	snprintf(out + o, n - o, "%s", target[common] == '/' ? target + common + 1
							   : target + common);
}

/* The file: path for a Compose secret written under --secrets-out. */
static const char *secret_file_path(struct hd_ctx *ctx, const char *name)
{
	char dir[4096], base[4096], tgt[8300], rel[8400];
	const char *file = ctx->job->in.path;
	const char *slash = strrchr(file, '/');

	abs_path(ctx->opts->secrets_out, tgt, sizeof(tgt));
	if (ctx->job->in.is_stdin)
		return hd_arena_printf(&ctx->job->arena, "%s/%s", ctx->opts->secrets_out, name);
	snprintf(base, sizeof(base), "%.*s", slash ? (int)(slash - file) : 1,
		 slash ? file : ".");
	abs_path(base, dir, sizeof(dir));
	rel_path(dir, tgt, rel, sizeof(rel));
	return hd_arena_printf(&ctx->job->arena, "%s/%s", rel, name);
}

static bool seq_has_secret(const struct yn *seq, const char *name)
{
	size_t i;

	for (i = 0; seq && seq->kind == YN_SEQ && i < seq->nkids; i++) {
		const struct yn *it = yn_deref(seq->kids[i]);

		if (hd_str_is(it, name) || hd_str_is(hd_get(it, "source"), name))
			return true;
	}
	return false;
}

/* ${VAR:-default} / ${VAR-default} as the whole value: the default. */
static const char *literal_default(struct hd_arena *a, const char *v)
{
	const char *p;
	size_t l = strlen(v);

	if (l < 4 || v[0] != '$' || v[1] != '{' || v[l - 1] != '}')
		return v;
	for (p = v + 2; *p && *p != '}' && *p != ':' && *p != '-'; p++)
		;
	if (*p == ':' && p[1] == '-')
		p += 2;
	else if (*p == '-')
		p += 1;
	else
		return v;
	return hd_arena_strndup(a, p, (size_t)(v + l - 1 - p));
}

static void compose_one(struct hd_ctx *ctx, struct hd_service *svc, struct yn *env,
			struct yn *keynode, struct yn *valnode, struct yn *item,
			const char *name, const char *value, bool file_env)
{
	struct ystream *ys = &ctx->job->ys;
	struct hd_arena *a = &ctx->job->arena;
	struct hd_fref r = SVC_REF(TR, "environment", svc);
	const char *token = hd_secret_credential(name, value, strlen(value), true);
	const char *store = dns_name(a, hd_arena_printf(a, "%s_%s", svc->name, name), "");
	struct hd_secret sec;
	size_t off, len;

	(void)keynode;
	memset(&sec, 0, sizeof(sec));
	/* the bytes to redact: the value, or what follows '=' in "K=V" */
	if (valnode) {
		off = valnode->start;
		len = valnode->end - valnode->start;
	} else {
		const char *b = ys->buf + item->vstart;
		const char *eq = memchr(b, '=', item->end - item->vstart);

		off = eq ? (size_t)(eq - ys->buf) + 1 : item->vstart;
		len = item->end - off;
		if (item->style != YS_PLAIN && len)
			len--; /* keep the closing quote */
	}
	sec.store = store;
	sec.key = name;
	sec.value = literal_default(a, value);
	sec.off = off;
	sec.len = len;
	sec.compose = true;
	if (file_env) {
		struct yn *ssec = hd_want_seq(ctx, TR, svc->node, "secrets");
		struct yn *top = hd_want_map(ctx, TR, svc->top, "secrets");
		const char *fname = hd_arena_printf(a, "%s_FILE", name);
		const char *path = hd_arena_printf(a, "/run/secrets/%s", store);

		if (!ssec || !top)
			return;
		if (!seq_has_secret(ssec, store))
			ye_seq_append(ys, ssec, ye_scalar(ys, store, YT_STR));
		if (!yn_map_get(top, store)) {
			struct yn *def = ye_map(ys);

			if (ctx->opts->secrets_out)
				ye_map_add(ys, def, "file",
					   ye_scalar(ys, secret_file_path(ctx, store), YT_STR));
			else
				ye_map_add(ys, def, "environment", ye_scalar(ys, name, YT_STR));
			ye_map_add(ys, top, store, def);
		}
		if (valnode) {
			hd_del(ctx, TR, env, name);
			ye_map_add(ys, env, fname, ye_scalar(ys, path, YT_STR));
		} else {
			hd_want_seq(ctx, TR, svc->node, "environment");
			ye_set_scalar(ys, item, hd_arena_printf(a, "%s=%s", fname, path), YT_STR);
		}
		hd_ctx_add_secret(ctx, &sec);
		hd_find(ctx, &r, item, HD_SEV_HIGH, true, false,
			"%s held a literal %s; now the secret '%s' (%s=%s)%s", name,
			token ? token : "secret", store, fname, path,
			ctx->opts->secrets_out ? "" :
			hd_arena_printf(a, " read from the host variable %s at deploy time "
				       "(or rerun with --secrets-out DIR)", name));
	} else {
		const char *ref = hd_arena_printf(a, "${%s:?%s is required}", name, name);

		sec.envfile = true;
		if (valnode) {
			hd_put(ctx, TR, env, name, ref, YT_STR);
		} else {
			hd_want_seq(ctx, TR, svc->node, "environment");
			ye_set_scalar(ys, item, hd_arena_printf(a, "%s=%s", name, ref), YT_STR);
		}
		hd_ctx_add_secret(ctx, &sec);
		hd_find(ctx, &r, item, HD_SEV_HIGH, true, false,
			"%s held a literal %s; now ${%s} from the environment or .env%s",
			name, token ? token : "secret", name,
			ctx->opts->secrets_out ? " (value written to harden.env)" :
			" (provide it, or rerun with --secrets-out DIR)");
	}
	ctx->f[ctx->nf - 1].notable = !ctx->opts->secrets_out;
}

static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct yn *env = hd_get(svc->node, "environment");
	bool file_env = file_env_image(ctx->opts->file_env_images,
				       hd_str(hd_get(svc->node, "image")));
	struct hd_fref r = SVC_REF(TR, "environment", svc);
	size_t i;

	if (!env || yn_map_get(svc->node, "environment") == NULL)
		return; /* absent, or only through a merge key: shared, left alone */
	if (ye_shared_anchor(env))
		return;
	if (env->kind == YN_MAP) {
		for (i = 0; i + 1 < env->nkids; i += 2) {
			struct yn *k = env->kids[i], *v = env->kids[i + 1];
			const char *name = hd_str(k), *val = hd_str(v);

			if ((k->flags & (YF_DELETED | YF_NEW)) || !name || !val || v->kind != YN_SCALAR)
				continue;
			if (hd_node_type(v) != YT_STR && hd_node_type(v) != YT_INT)
				continue;
			if (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, "_FILE"))
				continue;
			if (!hd_secret_credential(name, val, strlen(val), true))
				continue;
			if ((!k->null_empty && line_ignored(ctx, TR, k, &r)) ||
			    line_ignored(ctx, TR, v, &r))
				continue;
			compose_one(ctx, svc, env, k, v, v, name, val, file_env);
		}
	} else if (env->kind == YN_SEQ) {
		for (i = 0; i < env->nkids; i++) {
			struct yn *it = env->kids[i];
			const char *s = hd_str(it), *eq;
			char *name;

			if ((it->flags & YF_DELETED) || !s || !(eq = strchr(s, '=')))
				continue;
			name = hd_arena_strndup(&ctx->job->arena, s, (size_t)(eq - s));
			while (*name == ' ')
				name++;
			if (!eq[1] || (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, "_FILE")))
				continue;
			if (!hd_secret_credential(name, eq + 1, strlen(eq + 1), true))
				continue;
			if (line_ignored(ctx, TR, it, &r))
				continue;
			compose_one(ctx, svc, env, NULL, NULL, it, name, eq + 1, file_env);
		}
	}
}

const struct hd_transform hd_tr_secret_env = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.summary = "literal secrets in env move to Secrets / Compose secrets / ${VAR}",
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
		"Compose: images reading VAR_FILE (postgres, mysql, mariadb) get a\n"
		"secret, VAR_FILE=/run/secrets/NAME and the plain VAR removed; others\n"
		"get ${VAR:?...} interpolation. --secrets-out DIR writes the values\n"
		"(0600 files, harden.env); otherwise the findings say what to provide.\n"
		"Opt out: --skip secret-env.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "secrets",
};
