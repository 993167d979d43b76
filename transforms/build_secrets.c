/* build_secrets.c - no literal secrets baked into ENV or ARG */
#include <stdio.h>

#include "docker.h"
#include "secrets.h"
#include "tr.h"

#define TR "build-secrets"

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

static void check(struct hd_df *d, size_t i, const char *name, size_t nlen, const char *value,
		  size_t vlog, size_t vlen)
{
	const struct df_instr *in = &d->f.in[i];
	char *n = hd_arena_strndup(&d->job->arena, name, nlen);
	const char *kind = hd_secret_credential(n, value, strlen(value), true);

	if (!kind)
		return;
	mask(d, in, value, vlog, vlen);
	if (hd_df_ignored(d, i, TR))
		return;
	hd_df_find(d, i, TR, "secret", HD_SEV_HIGH, false, false,
		   "%s %s holds a literal %s: it stays in the image's layers and history "
		   "for anyone who pulls it; pass it at build time (RUN "
		   "--mount=type=secret,id=%s,env=%s, docker build --secret id=%s)",
		   in->name, n, kind, n, n, n);
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

			check(d, i, w[0].text, strlen(w[0].text), val, v, in->nargs - v);
			continue;
		}
		for (k = 0; k < n; k++) {
			const char *eq = strchr(w[k].text, '=');
			const char *raw = in->args + w[k].log, *req = memchr(raw, '=', w[k].len);

			if (w[k].op || !eq || !req)
				continue;
			check(d, i, w[k].text, (size_t)(eq - w[k].text), eq + 1,
			      (size_t)(req + 1 - in->args), w[k].len - (size_t)(req + 1 - raw));
		}
	}
}

const struct hd_transform hd_tr_build_secrets = {
	.name = TR,
	.applies = HD_APPLIES_DOCKERFILE,
	.unsafe = true,
	.summary = "literal secrets in ENV and ARG defaults reported, never printed",
	.explain = "Why: ENV values and ARG defaults are stored in the image's config and\n"
		   "history: anyone who can pull the image can read them (hadolint DL3044,\n"
		   "trivy DS-0031, checkov CKV_DOCKER_*). BuildKit secret mounts are not.\n"
		   "What: an ENV or ARG whose name and value look like a credential (the\n"
		   "same detector as env entries: token formats, secret names with\n"
		   "literal values) is reported with the RUN --mount=type=secret form to\n"
		   "use; its value is masked in every diff, message and report.\n"
		   "Breaks: nothing (a finding only: the build command must change too).\n"
		   "Opt out: --skip build-secrets, or '# harden:ignore=build-secrets' on the\n"
		   "line above the instruction.",
	.run_dockerfile = run_dockerfile,
};
