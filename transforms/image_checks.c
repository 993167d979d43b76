/* image_checks.c - no sudo, a HEALTHCHECK (findings; FROM tags: image_refs.c) */
#include <stdio.h>

#include "docker.h"
#include "tr.h"

#define TR "image-checks"

static void sudo(struct hd_df *d)
{
	size_t i, k, n;

	for (i = 0; i < d->f.n; i++) {
		const struct df_instr *in = &d->f.in[i];
		struct df_word *w;
		bool cm, first = true;

		if (strcmp(in->name, "RUN") || !strstr(in->args, "sudo"))
			continue;
		n = df_shell_words(in->args, in->nargs, &d->job->arena, &w, &cm);
		for (k = 0; k < n; k++) {
			if (w[k].op) {
				first = true;
				continue;
			}
			if (first && !strcmp(w[k].text, "sudo")) {
				if (!hd_df_ignored(d, i, TR))
					hd_df_find(d, i, TR, "sudo", HD_SEV_MEDIUM, false, false,
						   "sudo in RUN: build steps run as root already "
						   "(USER root before them); sudo in an image lets "
						   "its user become root");
				break;
			}
			first = false;
		}
	}
}

static void healthcheck(struct hd_df *d)
{
	size_t i;

	if (d->final < 0)
		return;
	for (i = d->f.st[d->final].from; i < d->f.n; i++)
		if (!strcmp(d->f.in[i].name, "HEALTHCHECK"))
			return;
	if (hd_df_ignored(d, d->f.st[d->final].from, TR))
		return;
	hd_df_find(d, d->f.st[d->final].from, TR, "healthcheck", HD_SEV_LOW, false, false,
		   "the final stage has no HEALTHCHECK: Docker and Compose cannot tell a "
		   "hung container from a working one");
}

static void run_dockerfile(struct hd_ctx *ctx, struct hd_df *d)
{
	(void)ctx;
	sudo(d);
	healthcheck(d);
}

const struct hd_transform hd_tr_image_checks = {
	.name = TR,
	.applies = HD_APPLIES_DOCKERFILE,
	.summary = "sudo in RUN, no HEALTHCHECK: reported (FROM tags: image-refs)",
	.explain = "Why: sudo in an image lets its user become root again; without\n"
		   "HEALTHCHECK a hung container looks healthy (hadolint DL3004; CIS\n"
		   "Docker 4.6). Untagged and :latest FROM images are image-refs'.\n"
		   "What: findings only: a RUN command that is sudo (medium), a final\n"
		   "stage without HEALTHCHECK (low).\n"
		   "Breaks: nothing (findings only).\n"
		   "Opt out: --skip image-checks, or '# harden:ignore=image-checks' on the\n"
		   "line above the instruction (the final FROM for HEALTHCHECK).",
	.run_dockerfile = run_dockerfile,
};
