/* read_only_root_fs.c - readOnlyRootFilesystem with a writable /tmp */
#include <ctype.h>
#include <stdio.h>

#include "images.h"
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

		if (hd_live(vm->kids[i]) && p && (!strcmp(p, "/tmp") || !strcmp(p, "/tmp/")))
			return true;
	}
	return false;
}

/* Does a volumeMount or a StatefulSet claim template of @pod use @name? */
static bool name_used(const struct hd_pod *pod, const char *name)
{
	const struct yn *vct = hd_getp(pod->obj, "spec", "volumeClaimTemplates", NULL);
	size_t i, j;

	for (i = 0; vct && vct->kind == YN_SEQ && i < vct->nkids; i++)
		if (hd_str_is(hd_getp(vct->kids[i], "metadata", "name", NULL), name))
			return true;
	for (i = 0; i < pod->nctrs; i++) {
		const struct yn *vm = hd_get(pod->ctrs[i].node, "volumeMounts");

		for (j = 0; vm && vm->kind == YN_SEQ && j < vm->nkids; j++)
			if (hd_str_is(hd_get(vm->kids[j], "name"), name))
				return true;
	}
	return false;
}

/*
 * Name of an emptyDir volume for @path, created when needed: "tmp" for
 * /tmp, "var-run-postgresql" for /var/run/postgresql; "harden-" before it,
 * then "-1", "-2" after, where a volume of that name is something else.
 */
static const char *empty_volume(struct hd_ctx *ctx, struct hd_pod *pod, const char *path)
{
	char base[64], names[4][80];
	size_t i, o = 0;

	for (i = 0; path[i] && o + 1 < sizeof(base) - 12; i++) {
		char ch = (char)tolower((unsigned char)path[i]);

		if (!isalnum((unsigned char)ch))
			ch = '-';
		if (ch == '-' && (o == 0 || base[o - 1] == '-'))
			continue;
		base[o++] = ch;
	}
	while (o && base[o - 1] == '-')
		o--;
	base[o] = '\0';
	if (!o)
		return NULL;
	snprintf(names[0], sizeof(names[0]), "%s", base);
	snprintf(names[1], sizeof(names[1]), "harden-%s", base);
	snprintf(names[2], sizeof(names[2]), "harden-%s-1", base);
	snprintf(names[3], sizeof(names[3]), "harden-%s-2", base);
	for (i = 0; i < 4; i++) {
		struct yn *v = volume_named(pod->spec, names[i]);
		struct yn *vols, *nv;

		if (!v && name_used(pod, names[i]))
			continue; /* a claim template's, or a mount's of another volume */
		if (v) {
			if (hd_get(v, "emptyDir") && hd_count(v) == 2)
				return hd_arena_strdup(&ctx->job->arena, names[i]);
			continue;
		}
		vols = hd_want_seq(ctx, TR, pod->spec, "volumes");
		if (!vols)
			return NULL;
		nv = hd_new_map(ctx, "name", names[i], NULL);
		hd_add(ctx, nv, "emptyDir", hd_new_map(ctx, NULL));
		hd_append(ctx, vols, nv);
		return hd_arena_strdup(&ctx->job->arena, names[i]);
	}
	return NULL;
}

/* Is @a the same directory as @b or one above it? */
static bool path_under(const char *b, const char *a)
{
	size_t l = strlen(a);

	while (l > 1 && a[l - 1] == '/')
		l--;
	if (l == 1 && a[0] == '/')
		return true;
	return !strncmp(a, b, l) &&
	       (b[l] == '\0' || b[l] == '/' || (b[l] == '/' && b[l + 1] == '\0'));
}

/* Does a mount of @ctr make @path writable (at it, above or below it)? */
static bool ctr_covers(const struct yn *ctr, const char *path)
{
	struct yn *vm = hd_get(ctr, "volumeMounts");
	size_t i;

	if (!vm || vm->kind != YN_SEQ)
		return false;
	for (i = 0; i < vm->nkids; i++) {
		const char *p = hd_str(hd_get(vm->kids[i], "mountPath"));

		if (hd_live(vm->kids[i]) && p && (path_under(path, p) || path_under(p, path)))
			return true;
	}
	return false;
}

/* Mount emptyDir @vol at @path in @c. */
static bool mount(struct hd_ctx *ctx, struct hd_container *c, const char *vol, const char *path)
{
	struct yn *mounts = vol ? hd_want_seq(ctx, TR, c->node, "volumeMounts") : NULL;

	if (!mounts)
		return false;
	hd_append(ctx, mounts, hd_new_map(ctx, "name", vol, "mountPath", path, NULL));
	return true;
}

/* An emptyDir for each path @p's image writes (its volumes too) not mounted yet. */
static void profile_mounts(struct hd_ctx *ctx, struct hd_pod *pod, struct hd_container *c,
			   const struct hd_image_profile *p)
{
	struct hd_fref r = CTR_REF(TR, "readOnlyRootFilesystem", pod, c);
	const char *img = hd_str(hd_get(c->node, "image"));
	size_t i, n = p->nwritable + p->nvolumes;

	for (i = 0; i < n; i++) {
		bool vol = i >= p->nwritable;
		const char *path = vol ? p->volumes[i - p->nwritable] : p->writable[i].path;
		const char *name;

		if (!strcmp(path, "/tmp") || ctr_covers(c->node, path))
			continue;
		if (!(name = empty_volume(ctx, pod, path)) || !mount(ctx, c, name, path))
			continue;
		hd_find(ctx, &r, c->node, HD_SEV_MEDIUM, true, false,
			"emptyDir '%s' mounted at %s: image '%s' writes it (profile %s)%s", name,
			path, img, p->name,
			vol || p->writable[i].data ? "; its data lasts as long as the pod: mount a "
						     "PersistentVolumeClaim "
						     "there to keep it"
						   : "");
	}
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	size_t i;

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = CTR_REF(TR, "readOnlyRootFilesystem", pod, c);
		struct yn *v = hd_get(ctr_sc(c), "readOnlyRootFilesystem");
		const struct hd_image_profile *p = hd_ctr_image(ctx, c);
		const char *vol;

		if (hd_true(v) && !hd_edited(v))
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
		} else if ((vol = empty_volume(ctx, pod, "/tmp")) && mount(ctx, c, vol, "/tmp")) {
			hd_find(ctx, &r, c->node, HD_SEV_MEDIUM, true, false,
				"readOnlyRootFilesystem: true, emptyDir '%s' mounted at /tmp", vol);
		}
		if (p)
			profile_mounts(ctx, pod, c, p);
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
			if (!strncmp(tg, "/tmp", 4) &&
			    (tg[4] == '\0' || tg[4] == ':' || tg[4] == '/'))
				return true;
		}
	}
	return false;
}

/* Does a tmpfs or volume of @svc make @path writable (at, above or below it)? */
static bool svc_covers(const struct yn *svc, const char *path)
{
	struct yn *t = hd_get(svc, "tmpfs");
	struct yn *vols = as_seq(hd_get(svc, "volumes"));
	size_t i, n = t && t->kind == YN_SEQ ? t->nkids : t ? 1 : 0;
	char buf[512];

	for (i = 0; i < n; i++) {
		const char *e = hd_str(t->kind == YN_SEQ ? t->kids[i] : t);

		if (!e || (t->kind == YN_SEQ && !hd_live(t->kids[i])))
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(e, ":"), e);
		if (path_under(path, buf) || path_under(buf, path))
			return true;
	}
	for (i = 0; vols && i < vols->nkids; i++) {
		const struct yn *v = yn_deref(vols->kids[i]);
		const char *e = v->kind == YN_MAP ? hd_str(hd_get(v, "target")) : hd_str(v);
		const char *c;

		if (!e)
			continue;
		if (v->kind != YN_MAP && (c = strchr(e, ':')) != NULL)
			e = c + 1;
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(e, ":"), e);
		if (buf[0] && (path_under(path, buf) || path_under(buf, path)))
			return true;
	}
	return false;
}

/*
 * Append @n tmpfs entries to @svc: a scalar `tmpfs: /run` becomes a list
 * holding it and them.
 */
static bool add_tmpfs(struct hd_ctx *ctx, struct hd_service *svc, const char *const *add, size_t n)
{
	struct yn *t = hd_get(svc->node, "tmpfs"), *seq;
	size_t i;

	if (!n)
		return true;
	if (t && t->kind == YN_SCALAR && yn_map_get(svc->node, "tmpfs") == t) {
		seq = hd_to_seq(ctx, t);
	} else if (!(seq = hd_want_seq(ctx, TR, svc->node, "tmpfs"))) {
		return false;
	}
	for (i = 0; i < n; i++)
		hd_append_str(ctx, seq, add[i]);
	return true;
}

/*
 * The mode of a tmpfs over a path the image writes: the profile's, else
 * 1777: without one, a tmpfs over an image directory takes that
 * directory's mode, owned by root (runc, Docker).
 */
static const char *tmpfs_mode(const struct hd_image_path *w)
{
	return w->mode ? w->mode : "1777";
}

/*
 * Compose: read_only: true plus tmpfs /tmp, and a tmpfs for each path the
 * image's profile writes that no tmpfs or volume covers (the image's own
 * VOLUMEs come up as writable anonymous volumes).
 */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "read_only", svc);
	struct yn *v = hd_get(svc->node, "read_only");
	const struct hd_image_profile *p = hd_svc_image(ctx, svc);
	const char *add[16];
	const struct hd_image_path *from[16]; /* the profile's path of add[i] */
	size_t n = 0, i;
	bool tmp;

	if (tr_svc_privileged(ctx, svc, TR))
		return; /* no-privileged reports it */
	if (v && !hd_true(v)) {
		hd_find(ctx, &r, v, HD_SEV_LOW, false, false, "explicit read_only: %s kept",
			v->text);
		return;
	}
	if (!v)
		hd_put(ctx, TR, svc->node, "read_only", "true", YT_BOOL);
	tmp = !svc_has_tmp(svc->node);
	if (tmp)
		add[n++] = "/tmp";
	else if (!v)
		hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, true, false,
			"read_only: true (/tmp already writable)");
	for (i = 0; p && i < p->nwritable && n < sizeof(add) / sizeof(*add); i++) {
		const struct hd_image_path *w = &p->writable[i];

		if (!strcmp(w->path, "/tmp") || svc_covers(svc->node, w->path))
			continue;
		from[n] = w;
		add[n++] = hd_arena_printf(&ctx->job->arena, "%s:mode=%s", w->path, tmpfs_mode(w));
	}
	if (!add_tmpfs(ctx, svc, add, n))
		return;
	if (tmp)
		hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, true, false,
			"read_only: true, tmpfs at /tmp");
	for (i = tmp; i < n; i++) {
		const struct hd_image_path *w = from[i];

		hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, true, false,
			"tmpfs at %s (mode=%s): image '%s' writes it (profile %s)%s", w->path,
			tmpfs_mode(w), hd_str(hd_get(svc->node, "image")), p->name,
			w->data ? "; a tmpfs forgets it at each restart: mount a named volume "
				  "there to keep it"
				: "");
		if (w->data)
			ctx->f[ctx->nf - 1].notable = true;
	}
}

const struct hd_transform hd_tr_read_only_root_fs = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.linux_only = true,
	.summary = "read-only root filesystem; /tmp and what the image writes stay writable",
	.explain = "Why: a read-only root filesystem stops an intruder from dropping\n"
		   "binaries or changing the image's files.\n"
		   "What: sets securityContext.readOnlyRootFilesystem: true and, unless the\n"
		   "container already mounts something at /tmp, mounts an emptyDir volume\n"
		   "(named tmp, or harden-tmp) there. An explicit false is kept.\n"
		   "Image profiles: every path the image writes (postgres\n"
		   "/var/run/postgresql, nginx /var/cache/nginx and /var/run, grafana\n"
		   "/var/lib/grafana) and its data paths (its VOLUMEs: Kubernetes does not\n"
		   "create them) get an emptyDir too, named after the path\n"
		   "(var-run-postgresql; harden-... when the name is taken), unless a mount\n"
		   "covers the path (at it, above or below it). postgres <= 17 gets its\n"
		   "emptyDir at /var/lib/postgresql, above PGDATA, so that it creates\n"
		   "PGDATA itself. An emptyDir holds data for the pod's life: use a\n"
		   "PersistentVolumeClaim to keep it.\n"
		   "Breaks: images without a profile (image-unknown) that write outside\n"
		   "/tmp: add emptyDir mounts, or declare the image in .harden.yaml.\n"
		   "Compose: read_only: true plus tmpfs: [/tmp] unless /tmp is already a\n"
		   "tmpfs or a volume, and a tmpfs for each path the image's profile\n"
		   "writes, with mode=1777 (or the profile's mode): without one the\n"
		   "tmpfs takes the mode of the image's directory, owned by root, which\n"
		   "the image's user cannot write (runc older than 1.1.8, as in Debian\n"
		   "12, ignores mode=: run such a stack on a newer runc or crun); a\n"
		   "tmpfs over data (caddy /data) is a warning: mount a named volume\n"
		   "to keep it. An explicit read_only: false is kept. A container or\n"
		   "service whose privileged: true stays is left alone.\n"
		   "Opt out: --skip read-only-root-fs.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "read-only",
};
