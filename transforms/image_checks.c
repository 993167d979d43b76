/* image_checks.c - base images pinned, no sudo, a HEALTHCHECK (findings) */
#include <stdio.h>

#include "docker.h"
#include "tr.h"

#define TR "image-checks"

/* The tag of image reference @ref ("" when none), NULL for a digest. */
static const char *tag_of(const char *ref)
{
	const char *slash = strrchr(ref, '/'), *colon;

	if (strchr(ref, '@'))
		return NULL;
	colon = strrchr(slash ? slash : ref, ':');
	return colon ? colon + 1 : "";
}

static void base_images(struct hd_df *d)
{
	int s;

	for (s = 0; s < (int)d->f.nst; s++) {
		const struct df_stage *st = &d->f.st[s];
		const char *tag;

		if (st->base_stage >= 0 || !st->image || strchr(st->image, '$') ||
		    !strcasecmp(st->image, "scratch"))
			continue;
		tag = tag_of(st->image);
		if (!tag || (*tag && strcmp(tag, "latest")))
			continue;
		if (hd_df_ignored(d, st->from, TR))
			continue;
		hd_df_find(d, st->from, TR, "image-tag",
			   hd_df_final(d, s) ? HD_SEV_MEDIUM : HD_SEV_LOW, false, false,
			   "FROM %s: %s, so each build may get another image; name a "
			   "version (and pin its digest: --pin-images)",
			   st->image, *tag ? "the latest tag moves" : "no tag means latest");
	}
}

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
	base_images(d);
	sudo(d);
	healthcheck(d);
}

const struct hd_transform hd_tr_image_checks = {
	.name = TR,
	.applies = HD_APPLIES_DOCKERFILE,
	.summary = "FROM untagged or :latest, sudo in RUN, no HEALTHCHECK: reported",
	.explain = "Why: an untagged or :latest base image changes under the build; sudo\n"
		   "in an image lets its user become root again; without HEALTHCHECK a\n"
		   "hung container looks healthy (hadolint DL3006, DL3007, DL3004;\n"
		   "CIS Docker 4.6).\n"
		   "What: findings only: FROM with no tag or :latest (medium in the final\n"
		   "stage, low in build stages; stages named by FROM, scratch and\n"
		   "variables left alone), a RUN command that is sudo, a final stage\n"
		   "without HEALTHCHECK (low).\n"
		   "Breaks: nothing (findings only).\n"
		   "Opt out: --skip image-checks, or '# harden:ignore=image-checks' on the\n"
		   "line above the instruction (the final FROM for HEALTHCHECK).",
	.run_dockerfile = run_dockerfile,
};
