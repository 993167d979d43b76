/* secret_env.c - literal secrets in env move to secretKeyRef */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "secrets.h"
#include "secrets_out.h"
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
	memcpy(out + o, suffix, strlen(suffix) + 1);
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

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/*
 * Does @name occur as a whole word anywhere in the input (a Secret's
 * name, a secretKeyRef, a volume, a comment, in any document)?  A store
 * harden creates must be none of them: it would replace the author's.
 */
static bool in_input(const struct hd_ctx *ctx, const char *name)
{
	const char *buf = ctx->job->in.data, *p = buf;
	size_t l = strlen(name);

	while (buf && (p = strstr(p, name))) {
		if ((p == buf || !name_char(p[-1])) && !name_char(p[l]))
			return true;
		p += l;
	}
	return false;
}

/*
 * Does the input use the Compose variable @var (${VAR...} or $VAR) outside
 * the bytes [skip, skip + len) (the value being moved)?  Then it is the
 * author's variable, or one an earlier run named: not ours to fill.
 */
static bool var_in_input(const struct hd_ctx *ctx, const char *var, size_t skip, size_t len)
{
	const char *buf = ctx->job->in.data, *p = buf;
	size_t l = strlen(var);

	while (buf && (p = strchr(p, '$'))) {
		const char *q = p + 1 + (p[1] == '{');
		size_t at = (size_t)(p - buf);

		p++;
		if (at >= skip && at < skip + len)
			continue;
		if (strncmp(q, var, l))
			continue;
		if (q[-1] == '{' ? strchr("}:?-+", q[l]) && q[l]
				 : !(isalnum((unsigned char)q[l]) || q[l] == '_'))
			return true;
	}
	return false;
}

/* A value left in place: masked in every output, never printed. */
static void keep_value(struct hd_ctx *ctx, const char *value, size_t off, size_t len)
{
	hd_ctx_mask(ctx, value, off, len);
}

/* ---- Kubernetes --------------------------------------------------------- */

/* The words of the input that hold "-secrets", found in one pass. */
struct hd_words {
	const char **w;
	size_t n;
};

static const struct hd_words *secret_words(struct hd_ctx *ctx)
{
	struct hd_arena *a = &ctx->job->arena;
	const char *buf = ctx->job->in.data, *end = buf + ctx->job->in.len, *p = buf, *s, *e;
	const char *last = buf;
	struct hd_words *ws = ctx->secret_words;
	size_t cap = 0;

	if (ws)
		return ws;
	ws = hd_arena_alloc(a, sizeof(*ws));
	memset(ws, 0, sizeof(*ws));
	while (buf && (p = memmem(p, (size_t)(end - p), "-secrets", 8))) {
		for (s = p; s > last && name_char(s[-1]); s--)
			;
		for (e = p + 8; e < end && name_char(*e); e++)
			;
		if (ws->n == cap) {
			const char **w = hd_arena_alloc(a, (cap * 2 + 8) * sizeof(*w));

			if (ws->n)
				memcpy(w, ws->w, ws->n * sizeof(*w));
			ws->w = w;
			cap = cap * 2 + 8;
		}
		ws->w[ws->n++] = hd_arena_strndup(a, s, (size_t)(e - s));
		p = last = e;
	}
	ctx->secret_words = ws;
	return ws;
}

/*
 * The Secret harden fills for @pod: <name>-secrets, or -2, -3, ... when
 * that name is already in the file (a Secret the author manages, or one an
 * earlier run created, in any document, by any reference or a comment):
 * never one the pod or anyone else already uses.
 */
static const char *pod_store(struct hd_ctx *ctx, const struct hd_pod *pod)
{
	struct hd_arena *a = &ctx->job->arena;
	const struct hd_words *ws = secret_words(ctx);
	const char *base = dns_name(a, pod->name ? pod->name : "w", "-secrets"), *s = base;
	unsigned n;
	size_t i;

	for (n = 2;; n++) {
		for (i = 0; i < ws->n && strcmp(ws->w[i], s); i++)
			;
		if (i == ws->n)
			return s;
		s = hd_arena_printf(a, "%s-%u", base, n);
	}
}

enum holds {
	KEY_FREE,
	KEY_SAME,
	KEY_OTHER
};

/* What key @key of Secret @store (namespace @ns) holds after earlier moves. */
static enum holds key_holds(const struct hd_ctx *ctx, const char *store, const char *ns,
			    const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < ctx->nsec; i++) {
		const struct hd_secret *s = &ctx->sec[i];

		if (s->compose || strcmp(s->store, store) || strcmp(s->key, key) ||
		    (s->ns ? !ns || strcmp(s->ns, ns) : ns != NULL))
			continue;
		return strcmp(s->value, value) ? KEY_OTHER : KEY_SAME;
	}
	return KEY_FREE;
}

/*
 * Is @key one harden names after variable @base: @base, "<container>.@base"
 * or "@base_<n>"?  (Or with @sep '_', Compose's "<SERVICE>_@base".)
 */
static bool key_of(const char *key, const char *base, char sep)
{
	size_t k = strlen(key), b = strlen(base);
	const char *p;

	if (!strcmp(key, base))
		return true;
	if (k > b && key[k - b - 1] == sep && !strcmp(key + k - b, base))
		return true;
	if (k < b + 2 || strncmp(key, base, b) || key[b] != '_')
		return false;
	for (p = key + b + 1; *p >= '0' && *p <= '9'; p++)
		;
	return !*p;
}

/*
 * The key for @value of variable @name in container @ctr: the key an equal
 * value of that variable got already (in another container, or another
 * object of the same name), else the name, "<container>.<name>" when
 * another value holds the name, then "<name>_2", "<name>_3", ...: each
 * distinct value is stored once, under its own key.
 */
static const char *pick_key(struct hd_ctx *ctx, const char *store, const char *ns, const char *name,
			    const char *ctr, const char *value)
{
	struct hd_arena *a = &ctx->job->arena;
	const char *base = data_key(a, name), *k = base;
	size_t i;
	unsigned n;

	for (i = 0; i < ctx->nsec; i++)
		if (!ctx->sec[i].compose && key_of(ctx->sec[i].key, base, '.') &&
		    key_holds(ctx, store, ns, ctx->sec[i].key, value) == KEY_SAME)
			return ctx->sec[i].key;
	for (n = 1; key_holds(ctx, store, ns, k, value) != KEY_FREE; n++)
		k = n == 1 && ctr ? data_key(a, hd_arena_printf(a, "%s.%s", ctr, base))
				  : hd_arena_printf(a, "%s_%u", base, n);
	return k;
}

/* Move env item @item's literal @val to Secret @store (--secrets-out). */
static void pod_move(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *item, struct yn *val,
		     const char *name, const char *what, const char *store, const char *ns,
		     const char *usual)
{
	bool renamed = strcmp(store, usual) != 0;
	struct yn *vf;
	struct hd_secret sec;

	memset(&sec, 0, sizeof(sec));
	sec.store = store;
	sec.ns = ns;
	sec.value = val->text;
	sec.key = pick_key(ctx, store, ns, name, r->container, val->text);
	sec.off = val->start;
	sec.len = val->end - val->start;
	hd_ctx_add_secret(ctx, &sec);
	hd_del(ctx, TR, item, "value");
	vf = hd_new_map(ctx, NULL);
	hd_add(ctx, vf, "secretKeyRef", hd_new_map(ctx, "name", store, "key", sec.key, NULL));
	hd_add(ctx, item, "valueFrom", vf);
	hd_find(ctx, r, item, HD_SEV_HIGH, true, false,
		"env %s held a literal %s; now read from Secret '%s' key '%s'%s%s", name, what,
		store, sec.key, strcmp(sec.key, name) ? " (another value holds that name)" : "",
		renamed ? hd_arena_printf(&ctx->job->arena,
					  " ('%s' is named in the file "
					  "already: the author's)",
					  usual)
			: "");
	/* a key or a Secret not named as usual is worth a look */
	ctx->f[ctx->nf - 1].notable = renamed || strcmp(sec.key, name) != 0;
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	const char *store = NULL;
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
			const char *what;

			if (!hd_live(env->kids[j]) || !name || !val || val->kind != YN_SCALAR ||
			    hd_added(val))
				continue;
			what = hd_secret_credential(name, val->text, val->tlen, false);
			if (!what)
				continue;
			/* "# harden:ignore" on its name or value line: all of it
			 * stays (half a move leaves value and valueFrom both) */
			if (line_ignored(ctx, TR, item, &r) || line_ignored(ctx, TR, val, &r))
				continue;
			if (!hd_first_visit(val))
				continue;
			if (hd_shared_anchor(val)) {
				keep_value(ctx, val->text, val->start, val->end - val->start);
				hd_find(ctx, &r, val, HD_SEV_HIGH, false, false,
					"env %s holds a literal %s inside a shared anchor; "
					"move it to a Secret by hand",
					name, what);
				continue;
			}
			if (!store)
				store = pod_store(ctx, pod);
			if (!ctx->opts->secrets_out) {
				/* nothing would save the value: it stays */
				keep_value(ctx, val->text, val->start, val->end - val->start);
				hd_find(ctx, &r, val, HD_SEV_HIGH, false, false,
					"env %s holds a literal %s; not moved, as nothing would "
					"save the value: rerun with --secrets-out FILE to move it "
					"to Secret '%s'",
					name, what, store);
				continue;
			}
			pod_move(ctx, &r, item, val, name, what, store, ns,
				 dns_name(&ctx->job->arena, pod->name ? pod->name : "w",
					  "-secrets"));
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

/*
 * Real path of directory @p in @out (PATH_MAX): its last component need not
 * exist yet (--secrets-out DIR is created when the values are written).
 */
static bool real_dir(const char *p, char *out)
{
	char buf[PATH_MAX], *slash;
	const char *base;
	size_t l;

	if (realpath(p, out))
		return true;
	l = strlen(p);
	if (!l || l >= sizeof(buf))
		return false;
	memcpy(buf, p, l + 1);
	while (l > 1 && buf[l - 1] == '/')
		buf[--l] = '\0';
	slash = strrchr(buf, '/');
	base = slash ? slash + 1 : buf;
	if (!strcmp(base, ".") || !strcmp(base, ".."))
		return false;
	if (slash == buf)
		base = buf + 1, p = "/";
	else if (slash)
		*slash = '\0', p = buf;
	else
		p = ".";
	if (!realpath(p, out) || strlen(out) + strlen(base) + 2 > PATH_MAX)
		return false;
	l = strlen(out);
	if (strcmp(out, "/"))
		out[l++] = '/';
	memcpy(out + l, base, strlen(base) + 1);
	return true;
}

/*
 * The file: path of a Compose secret written under --secrets-out: relative
 * to the Compose file's directory ("./DIR/NAME") when DIR lies inside it,
 * else DIR's absolute real path (a "../" path would be resolved from the
 * directory the file is reached through, which a symlink makes another).
 */
static const char *secret_file_path(struct hd_ctx *ctx, const char *name)
{
	struct hd_arena *a = &ctx->job->arena;
	const char *file = ctx->job->in.path, *out;
	const char *slash = strrchr(file, '/');
	char *cdir = hd_secrets_compose_dir(ctx->opts->secrets_out);
	char fdir[PATH_MAX], tdir[PATH_MAX], *dir;
	size_t l;

	out = hd_arena_strdup(a, cdir); /* where hd_secrets_write() puts them */
	free(cdir);

	if (ctx->job->in.is_stdin)
		return hd_arena_printf(a, "%s/%s", out, name);
	dir = slash ? hd_arena_strndup(a, file, slash == file ? 1 : (size_t)(slash - file))
		    : (char *)".";
	if (!real_dir(dir, fdir) || !real_dir(out, tdir))
		return hd_arena_printf(a, "%s/%s", out, name);
	l = strlen(fdir);
	if (!strcmp(tdir, fdir))
		return hd_arena_printf(a, "./%s", name);
	if (!strcmp(fdir, "/"))
		return hd_arena_printf(a, ".%s/%s", tdir, name);
	if (!strncmp(tdir, fdir, l) && tdir[l] == '/')
		return hd_arena_printf(a, ".%s/%s", tdir + l, name);
	return hd_arena_printf(a, "%s/%s", tdir, name);
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

/* One environment entry as a service sees it (merge keys followed). */
struct cenv {
	const char *name, *value; /* the value: after '=' in the list form */
	const char *what;	  /* hd_secret_credential() */
	struct yn *map, *k, *v;	  /* mapping form: the mapping holding it */
	struct yn *item;	  /* list form: the "K=V" item */
	size_t off, len;	  /* the value's bytes (masked, redacted) */
};

/* A moved Compose value is already held by @store / variable @key? */
static enum holds compose_holds(const struct hd_ctx *ctx, bool envfile, const char *id,
				const char *value)
{
	size_t i;

	for (i = 0; i < ctx->nsec; i++) {
		const struct hd_secret *s = &ctx->sec[i];

		if (!s->compose || s->envfile != envfile || strcmp(envfile ? s->key : s->store, id))
			continue;
		return strcmp(s->value, value) ? KEY_OTHER : KEY_SAME;
	}
	return KEY_FREE;
}

/* Upper-case variable-name form of @s (service names hold '-', '.'). */
static const char *var_name(struct hd_arena *a, const char *s)
{
	char *v = hd_arena_strdup(a, s), *p;

	for (p = v; *p; p++)
		*p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
	return v;
}

/*
 * The variable for @e in ${VAR:?}: the one an equal value of that variable
 * got already, else its name, unless another value went to that name or
 * the file already uses it (the author's, or an earlier run's); then
 * <SERVICE>_<NAME>, <NAME>_2, ...  Each distinct value is stored once.
 */
static const char *pick_var(struct hd_ctx *ctx, const struct hd_service *svc, const struct cenv *e,
			    const char *value)
{
	struct hd_arena *a = &ctx->job->arena;
	char *base = hd_arena_strdup(a, e->name), *p;
	const char *v = base;
	size_t i;
	unsigned n;

	for (p = base; *p; p++) /* ${A-B} would read B as A's default */
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	for (i = 0; i < ctx->nsec; i++)
		if (ctx->sec[i].compose && ctx->sec[i].envfile &&
		    key_of(ctx->sec[i].key, base, '_') && !strcmp(ctx->sec[i].value, value))
			return ctx->sec[i].key;
	for (n = 1;
	     compose_holds(ctx, true, v, value) != KEY_FREE || var_in_input(ctx, v, e->off, e->len);
	     n++)
		v = n == 1 ? hd_arena_printf(a, "%s_%s", var_name(a, svc->name), base)
			   : hd_arena_printf(a, "%s_%u", base, n);
	return v;
}

/* The Compose secret for @e: <service>-<name>, one not in the file yet. */
static const char *pick_store(struct hd_ctx *ctx, const struct hd_service *svc,
			      const struct cenv *e, const char *value)
{
	struct hd_arena *a = &ctx->job->arena;
	const char *base = dns_name(a, hd_arena_printf(a, "%s_%s", svc->name, e->name), "");
	const char *s = base;
	unsigned n;

	for (n = 2;; n++) {
		enum holds h = compose_holds(ctx, false, s, value);

		if (h == KEY_SAME || (h == KEY_FREE && !in_input(ctx, s)))
			return s;
		s = hd_arena_printf(a, "%s-%u", base, n);
	}
}

/* @e becomes ${VAR:?...} where it lives: in an anchor shared by several
 * services every user reads the same variable, which harden.env holds. */
static bool compose_interp(struct hd_ctx *ctx, struct hd_service *svc, const struct cenv *e,
			   struct hd_secret *sec)
{
	struct hd_arena *a = &ctx->job->arena;
	struct hd_fref r = SVC_REF(TR, "environment", svc);
	const char *var = pick_var(ctx, svc, e, sec->value);
	const char *ref = hd_arena_printf(a, "${%s:?%s is required}", var, var);

	if (e->map) {
		hd_put(ctx, TR, e->map, e->name, ref, YT_STR);
		if (!hd_edited(e->v))
			return false;
	} else {
		if (!hd_want_seq(ctx, TR, svc->node, "environment"))
			return false;
		hd_set_str(ctx, e->item, hd_arena_printf(a, "%s=%s", e->name, ref));
	}
	sec->key = var;
	sec->envfile = true;
	hd_ctx_add_secret(ctx, sec);
	hd_find(ctx, &r, e->item, HD_SEV_HIGH, true, false,
		"%s held a literal %s; now ${%s} from the environment (value written "
		"to harden.env)%s",
		e->name, e->what, var,
		strcmp(var, e->name) ? "; another value, or the file, uses that name" : "");
	ctx->f[ctx->nf - 1].notable = strcmp(var, e->name) != 0;
	return true;
}

/* @e (in the service's own environment) becomes the secret file NAME and
 * VAR_FILE=/run/secrets/NAME, for images that read VAR_FILE. */
static bool compose_file(struct hd_ctx *ctx, struct hd_service *svc, const struct cenv *e,
			 struct hd_secret *sec)
{
	struct hd_arena *a = &ctx->job->arena;
	struct hd_fref r = SVC_REF(TR, "environment", svc);
	const char *store = pick_store(ctx, svc, e, sec->value);
	const char *fname = hd_arena_printf(a, "%s_FILE", e->name);
	const char *path = hd_arena_printf(a, "/run/secrets/%s", store);
	struct yn *ssec = hd_want_seq(ctx, TR, svc->node, "secrets");
	struct yn *top = ssec ? hd_want_map(ctx, TR, svc->top, "secrets") : NULL;

	if (!ssec || !top)
		return false;
	if (!seq_has_secret(ssec, store))
		hd_append_str(ctx, ssec, store);
	if (!yn_map_get(top, store)) {
		hd_add(ctx, top, store,
		       hd_new_map(ctx, "file", secret_file_path(ctx, store), NULL));
	}
	if (e->map) {
		hd_del(ctx, TR, e->map, e->name);
		hd_add(ctx, e->map, fname, hd_new_str(ctx, path));
	} else {
		hd_want_seq(ctx, TR, svc->node, "environment");
		hd_set_str(ctx, e->item, hd_arena_printf(a, "%s=%s", fname, path));
	}
	sec->store = store;
	hd_ctx_add_secret(ctx, sec);
	hd_find(ctx, &r, e->item, HD_SEV_HIGH, true, false,
		"%s held a literal %s; now the secret '%s' (%s=%s)", e->name, e->what, store, fname,
		path);
	return true;
}

static void compose_one(struct hd_ctx *ctx, struct hd_service *svc, const struct cenv *e,
			bool file_env)
{
	struct hd_arena *a = &ctx->job->arena;
	struct hd_fref r = SVC_REF(TR, "environment", svc);
	const struct yn *node = e->v ? e->v : e->item;
	const struct yn *shared = hd_shared_anchor(node);
	struct hd_secret sec;

	if (!hd_first_visit(e->item))
		return;
	if (!ctx->opts->secrets_out) {
		/* nothing would save the value: it stays */
		keep_value(ctx, e->value, e->off, e->len);
		hd_find(ctx, &r, e->item, HD_SEV_HIGH, false, false,
			"%s holds a literal %s; not moved, as nothing would save the "
			"value: rerun with --secrets-out DIR to move it out",
			e->name, e->what);
		return;
	}
	if (node->anchor && node->nrefs) {
		keep_value(ctx, e->value, e->off, e->len);
		hd_find(ctx, &r, e->item, HD_SEV_HIGH, false, false,
			"%s holds a literal %s whose anchor '&%s' is used elsewhere; "
			"move it by hand",
			e->name, e->what, node->anchor);
		return;
	}
	memset(&sec, 0, sizeof(sec));
	sec.store = dns_name(a, hd_arena_printf(a, "%s_%s", svc->name, e->name), "");
	sec.key = e->name;
	sec.value = literal_default(a, e->value);
	sec.off = e->off;
	sec.len = e->len;
	sec.compose = true;
	/* removing a key that overrides a merged one would bring that back */
	if (shared || !file_env || (e->map && hd_get_inherited(e->map, e->name))
		    ? compose_interp(ctx, svc, e, &sec)
		    : compose_file(ctx, svc, e, &sec))
		return;
	/* the edit was refused (an exemption, a 'secrets' that is no list) */
	keep_value(ctx, e->value, e->off, e->len);
}

struct cenvs {
	struct cenv *v;
	size_t n, cap;
};

static bool cenv_has(const struct cenvs *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return true;
	return false;
}

static struct cenv *cenv_add(struct hd_arena *a, struct cenvs *l)
{
	if (l->n == l->cap) {
		struct cenv *v = hd_arena_alloc(a, (l->cap * 2 + 8) * sizeof(*v));

		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = l->cap * 2 + 8;
	}
	memset(&l->v[l->n], 0, sizeof(*l->v));
	return &l->v[l->n++];
}

/*
 * The pairs of environment mapping @map as the service sees them: its own
 * first, then those of its merge sources (`<<: *a` / `<<: [*a, *b]`, the
 * first source winning), which a local key overrides.
 */
static void walk_map(struct hd_arena *a, const struct yn *map, struct cenvs *l, int depth)
{
	size_t i, j;

	map = map ? yn_deref(map) : NULL;
	if (!map || map->kind != YN_MAP || depth > 16)
		return;
	for (i = 0; i + 1 < map->nkids; i += 2) {
		struct yn *k = map->kids[i];
		const char *name = hd_str(k);
		struct cenv *e;

		if (!hd_live(k) || hd_merge_key(k) || !name || cenv_has(l, name))
			continue;
		e = cenv_add(a, l);
		e->name = name;
		e->map = (struct yn *)map;
		e->k = k;
		e->v = (struct yn *)yn_deref(map->kids[i + 1]);
		e->item = e->v;
	}
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct yn *src = yn_deref(map->kids[i + 1]);

		if (!hd_merge_key(map->kids[i]))
			continue;
		if (src->kind != YN_SEQ)
			walk_map(a, src, l, depth + 1);
		else
			for (j = 0; j < src->nkids; j++)
				walk_map(a, src->kids[j], l, depth + 1);
	}
}

/* Mapping entry @e: a scalar value to look at?  Fills its value and span. */
static bool map_entry(struct cenv *e)
{
	struct yn *v = e->v;

	if (hd_added(e->k) || v->kind != YN_SCALAR || hd_added(v))
		return false;
	if (hd_node_type(v) != YT_STR && hd_node_type(v) != YT_INT)
		return false;
	e->value = hd_str(v);
	e->off = v->start;
	e->len = v->end - v->start;
	return e->value != NULL;
}

/* List item @it: "K=V"?  Fills @e. */
static bool list_entry(struct hd_ctx *ctx, struct yn *it, struct cenv *e)
{
	struct ystream *ys = &ctx->job->ys;
	const char *s = hd_str(it), *eq, *b;
	char *name;

	if (!hd_live(it) || hd_added(it) || !s || !(eq = strchr(s, '=')) || !eq[1])
		return false;
	name = hd_arena_strndup(&ctx->job->arena, s, (size_t)(eq - s));
	while (*name == ' ')
		name++;
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->value = eq + 1;
	e->item = it;
	/* the bytes to redact: what follows '=' */
	b = ys->buf + it->vstart;
	eq = memchr(b, '=', it->end - it->vstart);
	e->off = eq ? (size_t)(eq - ys->buf) + 1 : it->vstart;
	e->len = it->end - e->off;
	if (it->style != YS_PLAIN && e->len)
		e->len--; /* keep the closing quote */
	return true;
}

/* "# harden:ignore" on the entry's key or value line keeps it. */
static bool entry_ignored(struct hd_ctx *ctx, struct hd_service *svc, const struct cenv *e)
{
	struct hd_fref r = SVC_REF(TR, "environment", svc);

	if (!e->k)
		return line_ignored(ctx, TR, e->item, &r);
	return (!e->k->null_empty && line_ignored(ctx, TR, e->k, &r)) ||
	       line_ignored(ctx, TR, e->v, &r);
}

static bool credential(struct cenv *e)
{
	size_t l = strlen(e->name);

	if (l > 5 && !strcmp(e->name + l - 5, "_FILE"))
		return false;
	e->what = hd_secret_credential(e->name, e->value, strlen(e->value), true);
	return e->what != NULL;
}

static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_arena *a = &ctx->job->arena;
	const struct yn *env = hd_get(svc->node, "environment");
	bool file_env =
		file_env_image(ctx->opts->file_env_images, hd_str(hd_get(svc->node, "image")));
	struct cenvs l = { NULL, 0, 0 };
	struct yn *it;
	size_t i;

	env = env ? yn_deref(env) : NULL;
	if (!env)
		return;
	if (env->kind == YN_MAP) {
		walk_map(a, env, &l, 0);
		for (i = 0; i < l.n; i++)
			if (map_entry(&l.v[i]) && credential(&l.v[i]) &&
			    !entry_ignored(ctx, svc, &l.v[i]))
				compose_one(ctx, svc, &l.v[i], file_env);
	} else if (env->kind == YN_SEQ) {
		for (i = 0; (it = hd_item(env, &i)); i++) {
			struct cenv e;

			if (list_entry(ctx, it, &e) && credential(&e) &&
			    !entry_ignored(ctx, svc, &e))
				compose_one(ctx, svc, &e, file_env);
		}
	}
}

const struct hd_transform hd_tr_secret_env = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.summary = "literal secrets in env move to Secrets / Compose secrets / ${VAR}",
	.explain = "Why: a password in a manifest is in git history, in every clone and\n"
		   "in `kubectl get -o yaml` for anyone who can read the object.\n"
		   "What: a literal credential in env, decided by name and value\n"
		   "together: a token format under any name (AWS, GitHub, GitLab,\n"
		   "Slack, Stripe, npm, OpenAI and Google keys, private keys, JWTs, a\n"
		   "URL or connection string with a literal password, redis://:pw@h),\n"
		   "or a credential-looking name (PASSWORD, *_PASS, *_PWD, SECRET,\n"
		   "TOKEN, API_KEY, ...) whose value looks like one (weak ones such as\n"
		   "changeme included). Configuration stays: booleans, numbers,\n"
		   "durations, algorithm and mode names, file paths, Secret and key\n"
		   "names, URLs without a password, templates, ${VAR}/$(VAR)\n"
		   "references, and names that only describe or switch a secret\n"
		   "(*_TTL, *_NAME, *_URI, *_KEY_ID, *_FILE, MYSQL_ALLOW_EMPTY_PASSWORD).\n"
		   "Such a value is moved only with\n"
		   "--secrets-out, which saves it (mode 0600, never over a file) before\n"
		   "-i rewrites anything. Without it nothing moves, in any mode (diff,\n"
		   "--stdout, --check, -i): each value stays and a high finding says to\n"
		   "rerun with --secrets-out; no run removes the only copy of a value.\n"
		   "Kubernetes: valueFrom.secretKeyRef into the Secret <workload>-secrets\n"
		   "(-2, -3, ... when the file already names that: a Secret the author\n"
		   "manages is never written or extended), key = the variable name;\n"
		   "--secrets-out FILE writes that Secret's manifest. Another value of\n"
		   "the same name in the same Secret (two containers, two objects of one\n"
		   "name) gets the key <container>.<NAME> or <NAME>_2: each distinct\n"
		   "value is stored once, under its own key. A value inside an anchor\n"
		   "shared by aliases is reported, not moved.\n"
		   "Compose: --secrets-out DIR. Images reading VAR_FILE (postgres,\n"
		   "mysql, mariadb) get a secret file DIR/<service>-<var>,\n"
		   "VAR_FILE=/run/secrets/NAME and the plain VAR removed (file: is\n"
		   "relative to the Compose file's directory when DIR is inside it,\n"
		   "else absolute). Other images, and any value in an anchor or x-\n"
		   "fragment that services share (edited there, for every user), get\n"
		   "${VAR:?...} with the value in DIR/harden.env, or ${<SERVICE>_VAR:?...}\n"
		   "when another value or the file already uses VAR. An anchored scalar\n"
		   "that aliases reuse is reported, not moved. No value is ever printed\n"
		   "(diffs mask it).\n"
		   "Breaks: nothing once the Secret / harden.env is provided.\n"
		   "Opt out: --skip secret-env, or \"# harden:ignore\" on the line.\n",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "secrets",
};
