/* mask.c - find every literal credential of a document; mask it in every output */
#include "mask.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "scalar.h"
#include "secrets.h"

/* ---- the scanner ---------------------------------------------------------- */

/* NAME_FILE holds the path of a file with the secret, not the secret. */
static bool file_var(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 5 && !strcmp(name + n - 5, "_FILE");
}

/* The scalar @v (alias followed) of the variable @name. */
static void mask_scalar(struct hd_ctx *ctx, const char *name, const struct yn *v, bool compose)
{
	v = v ? yn_deref(v) : NULL;
	if (!v || v->kind != YN_SCALAR || v->null_empty || (v->flags & YF_NEW) || !v->text)
		return;
	if (compose) {
		enum yn_type t = hd_node_type(v);

		/* Compose reads only strings and numbers as values (what
		 * secret-env moves); a boolean is a setting, not a secret */
		if ((t != YT_STR && t != YT_INT) || file_var(name))
			return;
	}
	if (!hd_secret_credential(name, v->text, v->tlen, compose))
		return;
	hd_ctx_mask(ctx, v->text, v->vstart, v->end - v->vstart);
}

/* A Compose list item "NAME=value" (alias followed). */
static void mask_item(struct hd_ctx *ctx, const struct yn *it)
{
	const char *buf = ctx->job->ys.buf, *eq, *raw;
	const char *name;
	size_t off, len;

	it = it ? yn_deref(it) : NULL;
	if (!it || it->kind != YN_SCALAR || (it->flags & YF_NEW) || !it->text ||
	    !(eq = memchr(it->text, '=', it->tlen)))
		return;
	name = it->text;
	while (*name == ' ')
		name++;
	name = hd_arena_strndup(&ctx->job->arena, name, (size_t)(eq - name));
	if (file_var(name) ||
	    !hd_secret_credential(name, eq + 1, it->tlen - (size_t)(eq + 1 - it->text), true))
		return;
	/* its bytes: what follows the '=' as written, else the whole item */
	off = it->vstart;
	len = it->end - it->vstart;
	raw = memchr(buf + off, '=', len);
	if (raw) {
		off = (size_t)(raw - buf) + 1;
		len = it->end - off;
		if (it->style != YS_PLAIN && len)
			len--; /* the closing quote */
	}
	hd_ctx_mask(ctx, eq + 1, off, len);
}

/* A Compose environment mapping, with what its merge keys bring. */
static void mask_env_map(struct hd_ctx *ctx, const struct yn *map, int depth)
{
	size_t i, j;

	map = map ? yn_deref(map) : NULL;
	if (!map || map->kind != YN_MAP || depth > 16)
		return;
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct yn *k = map->kids[i], *v = map->kids[i + 1];

		if (k->flags & YF_DELETED)
			continue;
		if (hd_merge_key(k)) {
			const struct yn *src = yn_deref(v);

			if (src->kind == YN_SEQ)
				for (j = 0; j < src->nkids; j++)
					mask_env_map(ctx, src->kids[j], depth + 1);
			else
				mask_env_map(ctx, src, depth + 1);
			continue;
		}
		mask_scalar(ctx, hd_str(k), v, true);
	}
}

static void mask_compose(struct hd_ctx *ctx, struct yn *root)
{
	struct hd_service *svcs;
	size_t ns = hd_compose_services(ctx, root, &svcs), s, i;

	for (s = 0; s < ns; s++) {
		const struct yn *env = hd_get(svcs[s].node, "environment");

		if (env && env->kind == YN_MAP)
			mask_env_map(ctx, env, 0);
		else if (env && env->kind == YN_SEQ)
			for (i = 0; i < env->nkids; i++)
				if (!(env->kids[i]->flags & YF_DELETED))
					mask_item(ctx, env->kids[i]);
	}
}

static void mask_k8s(struct hd_ctx *ctx, struct yn *root)
{
	struct hd_pod *pods;
	size_t np = hd_k8s_pods(ctx, root, &pods), p, c, i;

	for (p = 0; p < np; p++) {
		for (c = 0; c < pods[p].nctrs; c++) {
			const struct yn *env = hd_get(pods[p].ctrs[c].node, "env");

			for (i = 0; env && env->kind == YN_SEQ && i < env->nkids; i++) {
				const struct yn *it = yn_deref(env->kids[i]);

				if ((env->kids[i]->flags & YF_DELETED) || it->kind != YN_MAP)
					continue;
				mask_scalar(ctx, hd_str(hd_get(it, "name")), hd_get(it, "value"),
					    false);
			}
		}
	}
	free(pods);
}

void hd_mask_scan(struct hd_ctx *ctx, struct yn *root)
{
	if (hd_is_k8s(root))
		mask_k8s(ctx, root);
	else if (hd_is_compose(root))
		mask_compose(ctx, root);
}

/* ---- a credential as written in YAML --------------------------------------- */

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void hd_maskset_add(struct hd_maskset *m, const struct hd_mask *mk, const char *in, size_t inlen)
{
	const char *p, *e;

	if (mk->value)
		hd_maskset_add_value(m, mk->value, strlen(mk->value));
	if (!in || mk->off > inlen || mk->len > inlen - mk->off || !mk->len)
		return;
	hd_maskset_add_span(m, mk->off, mk->len);
	/* the value as written: without its properties, block header, quotes */
	p = in + mk->off;
	e = p + mk->len;
	while (p < e && (*p == '&' || *p == '!')) {
		while (p < e && !blank(*p))
			p++;
		while (p < e && blank(*p))
			p++;
	}
	if (p < e && (*p == '|' || *p == '>')) {
		p = memchr(p, '\n', (size_t)(e - p));
		if (!p)
			return;
	} else if (p < e && (*p == '"' || *p == '\'')) {
		char q = *p++;

		if (e > p && e[-1] == q)
			e--;
	}
	hd_maskset_add_value(m, p, (size_t)(e - p));
}
