/* build_secrets.c - no literal secrets baked into ENV or ARG */
#include <stdio.h>
#include <stdlib.h>

#include "docker.h"
#include "secrets.h"
#include "tr.h"

#define TR "build-secrets"

/* A small decimal at @s ("9", "12" of "1.12"), or 0. */
static int atoi_small(const char *s)
{
	int v = 0;

	while (*s >= '0' && *s <= '9' && v < 1000)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Register the raw bytes of logical [log, log+len) of @in as a secret to mask. */
static void mask(struct hd_df *d, const struct df_instr *in, const char *value, size_t log,
		 size_t len)
{
	size_t k;

	for (k = 0; k < in->nseg; k++)
		if (log >= in->seg[k].log && log < in->seg[k].log + in->seg[k].len) {
			size_t off = in->seg[k].raw + (log - in->seg[k].log);
			size_t room = in->seg[k].log + in->seg[k].len - log;

			hd_ctx_mask(d->ctx, value, off, len < room ? len : room);
			if (len <= room)
				return;
			len -= room;
			log += room;
		}
}

/* Does @s (@n bytes) use variable @name ($NAME, ${NAME...})? */
static bool uses(const char *s, size_t n, const char *name)
{
	size_t l = strlen(name), i;

	for (i = 0; i + 1 < n; i++) {
		const char *p = s + i + 1;
		size_t r = n - i - 1;

		if (s[i] != '$')
			continue;
		if (r > l && *p == '{' && !strncmp(p + 1, name, l) &&
		    !(p[1 + l] == '_' || (p[1 + l] >= 'A' && p[1 + l] <= 'Z') ||
		      (p[1 + l] >= 'a' && p[1 + l] <= 'z') || (p[1 + l] >= '0' && p[1 + l] <= '9')))
			return true;
		if (r >= l && !strncmp(p, name, l) &&
		    (r == l || !(p[l] == '_' || (p[l] >= 'A' && p[l] <= 'Z') ||
				 (p[l] >= 'a' && p[l] <= 'z') || (p[l] >= '0' && p[l] <= '9'))))
			return true;
	}
	return false;
}

/* The stage's end: the index of the next FROM, or n. */
static size_t stage_end(const struct hd_df *d, size_t i)
{
	for (i++; i < d->f.n; i++)
		if (!strcmp(d->f.in[i].name, "FROM"))
			return i;
	return d->f.n;
}

/*
 * Why the value of @name (instruction @i) cannot move to a secret mount,
 * or NULL: what reads it besides the RUNs of its stage, a stage built on
 * this one, an old # syntax=, a RUN that cannot take a flag.
 */
static const char *cannot_move(const struct hd_df *d, size_t i, const char *name)
{
	size_t k, end = stage_end(d, i);
	int s;

	if (d->f.syntax && !strncmp(d->f.syntax, "docker/dockerfile:1.", 20) &&
	    atoi_small(d->f.syntax + 20) < 10)
		return "its # syntax= frontend is older than 1.10 (secret mounts with env=)";
	for (s = 0; s < (int)d->f.nst; s++)
		if (d->f.st[s].base_stage == d->f.in[i].stage)
			return "a later stage builds on this one and inherits it";
	for (k = i + 1; k < d->f.n; k++) {
		const struct df_instr *in = &d->f.in[k];

		if (k < end && !strcmp(in->name, "RUN")) {
			if (in->json && uses(in->args, in->nargs, name))
				return "an exec-form RUN names it";
			continue;
		}
		if (uses(in->args, in->nargs, name))
			return "another instruction than RUN reads it";
	}
	return NULL;
}

/* Move the value of pair @w (instruction @i) to a secret mount on each RUN after it. */
static bool move(struct hd_df *d, size_t i, const struct df_word *w, size_t nw, size_t k,
		 const char *name, const char *value, size_t vlog, size_t vlen, const char *kind)
{
	const struct df_instr *in = &d->f.in[i];
	struct hd_arena *a = &d->job->arena;
	struct hd_secret sec;
	char *id = hd_arena_strdup(a, name), *c;
	const char *mount;
	size_t r, end = stage_end(d, i), nrun = 0, off = 0, raw_len = 0;

	for (c = id; *c; c++)
		*c = (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c == '_' ? '-' : *c;
	/* the raw bytes of the value (for masking and the store) */
	for (r = 0; r < in->nseg; r++)
		if (vlog >= in->seg[r].log && vlog + vlen <= in->seg[r].log + in->seg[r].len) {
			off = in->seg[r].raw + (vlog - in->seg[r].log);
			raw_len = vlen;
		}
	/* the pair goes: the whole instruction when it is its only one */
	if (nw == 1 || (k == (size_t)-1)) {
		hd_df_delete(d, i);
	} else {
		size_t from = k ? w[k - 1].log + w[k - 1].len : w[k].log;
		size_t to = k ? w[k].log + w[k].len : w[k + 1].log;

		if (!hd_df_args_delete(d, i, from, to - from))
			return false;
	}
	mount = hd_arena_printf(a, "--mount=type=secret,id=%s,env=%s ", id, name);
	for (r = i + 1; r < end; r++)
		if (!strcmp(d->f.in[r].name, "RUN")) {
			hd_df_args_insert(d, r, 0, mount, mount);
			nrun++;
		}
	memset(&sec, 0, sizeof(sec));
	sec.store = id;
	sec.key = name;
	sec.value = value;
	sec.off = off;
	sec.len = raw_len;
	sec.compose = true;
	hd_ctx_add_secret(d->ctx, &sec);
	hd_df_find(d, i, TR, "secret", HD_SEV_HIGH, true, true,
		   "%s %s held a literal %s; now the secret '%s', mounted as $%s in the %zu RUN%s "
		   "after it (build with --secret id=%s,src=FILE; the running container no "
		   "longer gets it from the image)",
		   in->name, name, kind, id, name, nrun, nrun == 1 ? "" : "s", id);
	return true;
}

static void check(struct hd_df *d, size_t i, const struct df_word *w, size_t nw, size_t k,
		  const char *name, size_t nlen, const char *value, size_t vlog, size_t vlen)
{
	const struct df_instr *in = &d->f.in[i];
	char *n = hd_arena_strndup(&d->job->arena, name, nlen);
	const char *kind = hd_secret_credential(n, value, strlen(value), true), *why;

	if (!kind)
		return;
	mask(d, in, value, vlog, vlen);
	if (hd_df_ignored(d, i, TR))
		return;
	why = cannot_move(d, i, n);
	if (!why && d->ctx->opts->unsafe_fixes && d->ctx->opts->secrets_out &&
	    move(d, i, w, nw, k, n, value, vlog, vlen, kind))
		return;
	hd_df_find(d, i, TR, "secret", HD_SEV_HIGH, false, !why && !d->ctx->opts->unsafe_fixes,
		   "%s %s holds a literal %s: it stays in the image's layers and history "
		   "for anyone who pulls it; pass it at build time (RUN "
		   "--mount=type=secret,id=ID,env=%s)%s%s%s",
		   in->name, n, kind, n, why ? "; not moved: " : "", why ? why : "",
		   why ? ""
		   : !d->ctx->opts->unsafe_fixes
			   ? " (unsafe fix, not applied; use --unsafe-fixes with --secrets-out)"
		   : !d->ctx->opts->secrets_out ? "; not moved, as nothing would save the value: "
						  "rerun with --secrets-out DIR"
						: "");
}

static void run_dockerfile(struct hd_ctx *ctx, struct hd_df *d)
{
	size_t i, k, n;

	(void)ctx;
	for (i = 0; i < d->f.n; i++) {
		const struct df_instr *in = &d->f.in[i];
		struct df_word *w;
		bool cm, env = !strcmp(in->name, "ENV");

		if (!env && strcmp(in->name, "ARG"))
			continue;
		n = df_shell_words(in->args, in->nargs, &d->job->arena, &w, &cm);
		if (!n)
			continue;
		if (env && !strchr(w[0].text, '=')) { /* legacy ENV KEY value */
			size_t v = n > 1 ? w[1].log : in->nargs;
			const char *val =
				hd_arena_strndup(&d->job->arena, in->args + v, in->nargs - v);

			check(d, i, w, n, (size_t)-1, w[0].text, strlen(w[0].text), val, v,
			      in->nargs - v);
			continue;
		}
		for (k = 0; k < n; k++) {
			const char *eq = strchr(w[k].text, '=');
			const char *raw = in->args + w[k].log, *req = memchr(raw, '=', w[k].len);

			if (w[k].op || !eq || !req)
				continue;
			check(d, i, w, n, k, w[k].text, (size_t)(eq - w[k].text), eq + 1,
			      (size_t)(req + 1 - in->args), w[k].len - (size_t)(req + 1 - raw));
		}
	}
}

const struct hd_transform hd_tr_build_secrets = {
	.name = TR,
	.applies = HD_APPLIES_DOCKERFILE,
	.unsafe = true,
	.summary = "literal secrets in ENV/ARG moved to RUN secret mounts (unsafe), never printed",
	.explain = "Why: ENV values and ARG defaults are stored in the image's config and\n"
		   "history: anyone who can pull the image can read them (hadolint DL3044,\n"
		   "trivy DS-0031, checkov CKV_DOCKER_*). BuildKit secret mounts are not.\n"
		   "What: an ENV or ARG whose name and value look like a credential (the\n"
		   "same detector as env entries: token formats, secret names with\n"
		   "literal values) is reported; its value is masked in every diff,\n"
		   "message and report. Unsafe fix (--unsafe-fixes with --secrets-out DIR):\n"
		   "the value goes to DIR/ID (ID: the name in lower case, _ as -), the\n"
		   "pair leaves the ENV/ARG, and every RUN after it in its stage gets\n"
		   "--mount=type=secret,id=ID,env=NAME. Not moved when something else\n"
		   "reads it (another instruction, a stage built on this one, an\n"
		   "exec-form RUN naming it) or # syntax= is older than 1.10.\n"
		   "Breaks: the build needs --secret id=ID,src=DIR/ID and BuildKit with\n"
		   "Dockerfile 1.10 (env=); a container that read it at run time must get\n"
		   "it from its runtime (a Secret).\n"
		   "Opt out: --skip build-secrets, or '# harden:ignore=build-secrets' on the\n"
		   "line above the instruction.",
	.run_dockerfile = run_dockerfile,
};
