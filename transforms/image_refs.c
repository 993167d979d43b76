/* image_refs.c - images without a tag or on `latest`; --pin-images */
#include <stdio.h>

#include "docker.h"
#include "imageref.h"
#include "pin.h"
#include "tr.h"

#define TR "image-refs"

/*
 * Read the reference @s (@len bytes), for manifests and FROM lines alike:
 * 0 when there is nothing to say (a variable or a template, resolved
 * later by another tool; already pinned to a digest), -1 when it is no
 * image reference (@why says why), else 1 with *moving: no tag, or latest.
 */
static int read_ref(const char *s, size_t len, struct hd_imageref *ref, char *why, size_t n,
		    bool *moving)
{
	if (hd_imageref_unresolved(s, len))
		return 0;
	if (hd_imageref_parse(s, len, ref, why, n) < 0)
		return -1;
	if (ref->digest_len)
		return 0;
	*moving = !ref->tag_len || (ref->tag_len == 6 && !memcmp(s + ref->tag_off, "latest", 6));
	return 1;
}

/* what a moving reference lacks, for the messages */
static const char *moving_what(const struct hd_imageref *ref)
{
	return ref->tag_len ? "uses the moving tag latest" : "has no tag (latest)";
}

/*
 * One image reference at @img: reported when it has no tag or `latest`
 * and no digest (at @sev); with --pin-images and @can_pin, its tag is
 * resolved and the digest appended (`name:tag@sha256:...`), the rest of
 * the value kept byte for byte.  A reference that cannot be pinned fails
 * the file (hd_ctx_fail()).
 */
static void image(struct hd_ctx *ctx, const struct hd_fref *r, struct yn *img, enum hd_severity sev,
		  bool can_pin, const char *built)
{
	const char *s = hd_str(img);
	struct hd_imageref ref;
	char why[200], digest[100];
	struct hd_err err;
	size_t len;
	bool moving, pin;
	int rc;

	if (!s || !*s)
		return;
	len = strlen(s);
	rc = read_ref(s, len, &ref, why, sizeof(why), &moving);
	if (rc < 0)
		hd_find(ctx, r, img, HD_SEV_LOW, false, false,
			"image '%s' is not a valid image reference: %s", s, why);
	if (rc <= 0)
		return;
	pin = ctx->opts->pin_images && can_pin && !ctx->job->report_only;
	if (!moving && !pin)
		return;
	/* an anchor that aliases share is reached once per user: said once */
	if ((hd_shared_anchor(img) && !hd_first_visit(img)) || line_ignored(ctx, TR, img, r))
		return;
	if (pin && hd_shared_anchor(img)) {
		/* the engine edits no anchor that aliases share */
		hd_find(ctx, r, img, moving ? sev : HD_SEV_LOW, false, false,
			"image '%s' not pinned: its value is an anchor that aliases share "
			"(pin it there by hand, name:tag@sha256:...)",
			s);
		return;
	}
	if (pin && !ctx->failed) {
		rc = hd_pin_resolve(ctx->opts, s, len, digest, sizeof(digest), &err);
		if (rc < 0) {
			hd_ctx_fail(ctx, img, "cannot pin image '%s': %s", s, err.msg);
			return;
		}
		if (rc > 0) {
			char *pinned = hd_xmalloc(len + strlen(digest) + 2);

			memcpy(pinned, s, len);
			pinned[len] = '@';
			memcpy(pinned + len + 1, digest, strlen(digest) + 1);
			hd_set_str(ctx, img, pinned);
			free(pinned);
			hd_find(ctx, r, img, moving ? sev : HD_SEV_LOW, true, false,
				"image '%s' pinned to its digest %s", s, digest);
			return;
		}
	}
	if (!moving)
		return;
	if (built)
		hd_find(ctx, r, img, sev, false, false,
			"image '%s' %s: the name of the image built here (build:); a tag "
			"other than latest tells one build from the next",
			s, built);
	else
		hd_find(ctx, r, img, sev, false, false,
			"image '%s' %s: each pull may run another image; pin a tag and its "
			"digest (name:tag@sha256:..., --pin-images)",
			s, moving_what(&ref));
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	size_t i;

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_fref r = CTR_REF(TR, "image", pod, &pod->ctrs[i]);
		struct yn *img = hd_get(pod->ctrs[i].node, "image");

		if (img && img->kind == YN_SCALAR)
			image(ctx, &r, img, HD_SEV_MEDIUM, true, NULL);
	}
}

static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "image", svc);
	struct yn *img = hd_get(svc->node, "image");
	bool build = hd_get(svc->node, "build") != NULL;

	if (!img || img->kind != YN_SCALAR)
		return;
	/* with build:, image: names what is built: nothing to pull or pin */
	image(ctx, &r, img, build ? HD_SEV_LOW : HD_SEV_MEDIUM, !build,
	      build ? "has no tag other than latest" : NULL);
}

/* FROM lines: the base images (not stages, scratch or ${VAR}). */
static void run_dockerfile(struct hd_ctx *ctx, struct hd_df *d)
{
	int s;

	for (s = 0; s < (int)d->f.nst; s++) {
		const struct df_stage *st = &d->f.st[s];
		const char *img = st->image;
		enum hd_severity sev = hd_df_final(d, s) ? HD_SEV_MEDIUM : HD_SEV_LOW;
		struct hd_imageref ref;
		char why[200], digest[100];
		struct hd_err err;
		size_t len;
		bool moving, pin;
		int rc;

		if (st->base_stage >= 0 || !img || !strcasecmp(img, "scratch"))
			continue;
		len = strlen(img);
		rc = read_ref(img, len, &ref, why, sizeof(why), &moving);
		if (rc < 0)
			hd_df_find(d, st->from, TR, "image", HD_SEV_LOW, false, false,
				   "FROM %s is not a valid image reference: %s", img, why);
		if (rc <= 0)
			continue;
		pin = ctx->opts->pin_images && st->image_raw;
		if ((!moving && !pin) || hd_df_ignored(d, st->from, TR))
			continue;
		if (pin && !ctx->failed) {
			rc = hd_pin_resolve(ctx->opts, img, len, digest, sizeof(digest), &err);
			if (rc < 0) {
				hd_df_fail(d, st->from, "cannot pin image '%s': %s", img, err.msg);
				return;
			}
			if (rc > 0) {
				const char *t = hd_arena_printf(&d->job->arena, "@%s", digest);

				hd_df_args_insert(d, st->from, st->image_log + len, t, t);
				hd_df_find(d, st->from, TR, "image", moving ? sev : HD_SEV_LOW,
					   true, false, "FROM %s pinned to its digest %s", img,
					   digest);
				continue;
			}
		}
		if (moving)
			hd_df_find(d, st->from, TR, "image", sev, false, false,
				   "FROM %s %s: each build may start from another image; pin a tag "
				   "and its digest (name:tag@sha256:..., --pin-images)",
				   img, moving_what(&ref));
	}
}

const struct hd_transform hd_tr_image_refs = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE | HD_APPLIES_DOCKERFILE,
	.unsafe = false,
	.summary = "images without a tag or on latest reported; --pin-images pins digests",
	.explain = "Why: `nginx` and `nginx:latest` name whatever was pushed last: two\n"
		   "nodes, or two runs, may start different images, and a compromised or\n"
		   "broken push is picked up unseen. A digest names exactly one image.\n"
		   "What: reports container images (containers, initContainers,\n"
		   "ephemeralContainers) and Compose service images that have no tag or\n"
		   "the tag latest and no digest: medium; low for a Compose service with\n"
		   "build:, whose image: only names what it builds. `${VAR}` and `{{ }}`\n"
		   "values are left alone (resolved later, by another tool); a value that\n"
		   "is no image reference is a low finding.\n"
		   "With --pin-images every image without a digest is resolved (its tag, or\n"
		   "latest) and written as name:tag@sha256:... in the value's own quoting:\n"
		   "from --digests FILE (lines `NAME:TAG DIGEST`, offline), else from the\n"
		   "registry (OCI distribution API, anonymous token; http for localhost\n"
		   "and --insecure-registry HOST). An image that cannot be resolved is an\n"
		   "error naming it and the file is left untouched. Compose services with\n"
		   "build: are not pinned. In Dockerfiles the FROM images are (a stage\n"
		   "named by FROM, scratch and ${VAR} left alone; low in build stages).\n"
		   "Breaks: nothing at once; a pinned image no longer follows its tag\n"
		   "(update the digests with your dependency bot, or run again).\n"
		   "Opt out: --skip image-refs, or `# harden:ignore image-refs` on the line.",
	.run_pod = run_pod,
	.run_service = run_service,
	.run_dockerfile = run_dockerfile,
};
