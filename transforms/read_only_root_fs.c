/* read_only_root_fs.c - readOnlyRootFilesystem with a writable /tmp */
#include <stdio.h>

#include "tr.h"

#define TR "read-only-root-fs"

static bool mounts_tmp(const struct yn *ctr)
{
	struct yn *vm = hd_get(ctr, "volumeMounts");
	size_t i;

	if (!vm || vm->kind != YN_SEQ)
		return false;
	for (i = 0; i < vm->nkids; i++) {
		const char *p = hd_str(hd_get(vm->kids[i], "mountPath"));

		if (!(vm->kids[i]->flags & YF_DELETED) && p &&
		    (!strcmp(p, "/tmp") || !strcmp(p, "/tmp/")))
			return true;
	}
	return false;
}

/* Name of an emptyDir volume for /tmp, created when needed. */
static const char *tmp_volume(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct ystream *ys = &ctx->job->ys;
	static const char *const names[] = { "tmp", "harden-tmp", "harden-tmp-1",
					     "harden-tmp-2", NULL };
	size_t i;

	for (i = 0; names[i]; i++) {
		struct yn *v = volume_named(pod->spec, names[i]);
		struct yn *vols, *nv;

		if (v) {
			if (hd_get(v, "emptyDir") && ye_count(v) == 2)
				return names[i];
			continue;
		}
		vols = hd_want_seq(ctx, TR, pod->spec, "volumes");
		if (!vols)
			return NULL;
		nv = ye_map(ys);
		ye_map_add(ys, nv, "name", ye_scalar(ys, names[i], YT_STR));
		ye_map_add(ys, nv, "emptyDir", ye_map(ys));
		ye_seq_append(ys, vols, nv);
		return names[i];
	}
	return NULL;
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct ystream *ys = &ctx->job->ys;
	size_t i;

	if (pod->windows)
		return;
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "readOnlyRootFilesystem", pod, c);
		struct yn *v = hd_get(ctr_sc(c), "readOnlyRootFilesystem");
		const char *vol;
		struct yn *mounts, *m;

		if (hd_true(v) && !(v->flags & (YF_NEW | YF_SET)))
			continue; /* the author's own read-only root: leave it */
		if (tr_ctr_privileged(ctx, pod, c, TR))
			continue; /* no-privileged reports it */
		if (hd_true(v)) {
			/* set by harden (a shared anchor): the /tmp mount is still due */
		} else if (v) {
			hd_find(ctx, &r, v, HD_SEV_LOW, false, false,
				"explicit readOnlyRootFilesystem: %s kept", v->text);
			continue;
		}
		if (!hd_true(v))
			hd_put(ctx, TR, hd_want_map(ctx, TR, c->node, "securityContext"),
			       "readOnlyRootFilesystem", "true", YT_BOOL);
		if (mounts_tmp(c->node)) {
			hd_find(ctx, &r, c->node, HD_SEV_MEDIUM, true, false,
				"readOnlyRootFilesystem: true (/tmp already mounted)");
			continue;
		}
		vol = tmp_volume(ctx, pod);
		mounts = vol ? hd_want_seq(ctx, TR, c->node, "volumeMounts") : NULL;
		if (!mounts)
			continue;
		m = ye_map(ys);
		ye_map_add(ys, m, "name", ye_scalar(ys, vol, YT_STR));
		ye_map_add(ys, m, "mountPath", ye_scalar(ys, "/tmp", YT_STR));
		ye_seq_append(ys, mounts, m);
		hd_find(ctx, &r, c->node, HD_SEV_MEDIUM, true, false,
			"readOnlyRootFilesystem: true, emptyDir '%s' mounted at /tmp", vol);
	}
}

/* Does the service already have /tmp as a tmpfs or a volume target? */
static bool svc_has_tmp(const struct yn *svc)
{
	struct yn *t = hd_get(svc, "tmpfs");
	struct yn *vols = as_seq(hd_get(svc, "volumes"));
	size_t i;

	if (t && t->kind == YN_SCALAR && hd_str(t) &&
	    (!strcmp(hd_str(t), "/tmp") || !strncmp(hd_str(t), "/tmp:", 5)))
		return true;
	for (i = 0; t && t->kind == YN_SEQ && i < t->nkids; i++) {
		const char *s = hd_str(t->kids[i]);

		if (s && (!strcmp(s, "/tmp") || !strncmp(s, "/tmp:", 5)))
			return true;
	}
	for (i = 0; vols && i < vols->nkids; i++) {
		const struct yn *v = yn_deref(vols->kids[i]);
		const char *s = hd_str(v), *tg;

		if (v->kind == YN_MAP) {
			tg = hd_str(hd_get(v, "target"));
			if (tg && (!strcmp(tg, "/tmp") || !strcmp(tg, "/tmp/")))
				return true;
		} else if (s) {
			const char *c = strchr(s, ':');

			tg = c ? c + 1 : s;
			if (!strncmp(tg, "/tmp", 4) && (tg[4] == '\0' || tg[4] == ':' || tg[4] == '/'))
				return true;
		}
	}
	return false;
}

/* Compose: read_only: true plus tmpfs /tmp. */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct ystream *ys = &ctx->job->ys;
	struct hd_fref r = SVC_REF(TR, "read_only", svc);
	struct yn *v = hd_get(svc->node, "read_only");
	struct yn *t;

	if (tr_svc_privileged(ctx, svc, TR))
		return; /* no-privileged reports it */
	if (v && !hd_true(v)) {
		hd_find(ctx, &r, v, HD_SEV_LOW, false, false,
			"explicit read_only: %s kept", v->text);
		return;
	}
	if (!v)
		hd_put(ctx, TR, svc->node, "read_only", "true", YT_BOOL);
	if (svc_has_tmp(svc->node)) {
		if (!v)
			hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, true, false,
				"read_only: true (/tmp already writable)");
		return;
	}
	t = hd_get(svc->node, "tmpfs");
	if (t && t->kind == YN_SCALAR && yn_map_get(svc->node, "tmpfs") == t) {
		/* `tmpfs: /run` becomes a list holding both */
		struct yn *seq = ye_seq(ys);

		ye_seq_append(ys, seq, ye_scalar(ys, t->text, YT_STR));
		ye_seq_append(ys, seq, ye_scalar(ys, "/tmp", YT_STR));
		ye_replace(t, seq);
	} else {
		struct yn *seq = hd_want_seq(ctx, TR, svc->node, "tmpfs");

		if (!seq)
			return;
		ye_seq_append(ys, seq, ye_scalar(ys, "/tmp", YT_STR));
	}
	hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, true, false,
		"read_only: true, tmpfs at /tmp");
}

const struct hd_transform hd_tr_read_only_root_fs = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.summary = "read-only root filesystem plus a writable /tmp",
	.explain =
		"Why: a read-only root filesystem stops an intruder from dropping\n"
		"binaries or changing the image's files.\n"
		"What: sets securityContext.readOnlyRootFilesystem: true and, unless the\n"
		"container already mounts something at /tmp, mounts an emptyDir volume\n"
		"(named tmp, or harden-tmp) there. An explicit false is kept.\n"
		"Breaks: programs writing outside /tmp and their volumes (caches, pid\n"
		"files under /var/run): add emptyDir mounts for those paths.\n"
		"Compose: read_only: true plus tmpfs: [/tmp] unless /tmp is already a\n"
		"tmpfs or a volume; an explicit read_only: false is kept. A container or\n"
		"service whose privileged: true stays is left alone.\n"
		"Opt out: --skip read-only-root-fs.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "read-only",
};
