/* harden.c - drive the transform chain over the models of one file */
#include "harden.h"

#include "exempt.h"
#include "images.h"
#include "mask.h"
#include "model.h"
#include "secrets.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void hd_opts_defaults(struct hd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->level = HD_LEVEL_RESTRICTED;
	o->uid = 10001;
	o->gid = 10001;
	o->cpu_limit = "500m";
	o->mem_limit = "512Mi";
	o->cpu_request = "100m";
	o->mem_request = "128Mi";
	o->pids_limit = 100;
	o->cap_allow = "NET_BIND_SERVICE";
	o->compose_mem = "512M";
	o->compose_cpus = "0.5";
	o->file_env_images = "postgres,mysql,mariadb";
	o->ro_patterns = "*.conf,*.cfg,*.cnf,*.ini,*.yml,*.yaml,*.json,*.toml,"
			 "*.properties,*.xml,*.pem,*.crt,*.key,*.sql,/etc/*";
}

void hd_ctx_init(struct hd_ctx *run, struct hd_job *job, const struct hd_opts *o)
{
	static unsigned long serials;

	memset(run, 0, sizeof(*run));
	run->job = job;
	run->opts = o;
	run->short_form_doc = -1;
	run->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
}

void hd_ctx_fail(struct hd_ctx *ctx, const struct yn *at, const char *fmt, ...)
{
	va_list ap;

	if (ctx->failed)
		return;
	ctx->failed = true;
	memset(&ctx->fail, 0, sizeof(ctx->fail));
	if (at && at->start != HD_NOPOS)
		ys_pos(&ctx->job->ys, at->start, &ctx->fail.line, &ctx->fail.col);
	va_start(ap, fmt);
	vsnprintf(ctx->fail.msg, sizeof(ctx->fail.msg), fmt, ap);
	va_end(ap);
}

void hd_ctx_release(struct hd_ctx *run)
{
	free(run->f);
	free(run->sec);
	free(run->mask);
	hd_compose_merge_release(run);
	run->f = NULL;
	run->sec = NULL;
	run->mask = NULL;
}

struct hd_finding *hd_ctx_finding(struct hd_ctx *ctx)
{
	struct hd_finding *f;

	if (ctx->no_findings) {
		/* nobody will read them (-q, text output): keep one scratch slot
		 * so callers may still mark "the last finding" */
		if (!ctx->capf) {
			ctx->capf = 1;
			ctx->f = hd_xmalloc(sizeof(*ctx->f));
		}
		memset(ctx->f, 0, sizeof(*ctx->f));
		ctx->nf = 1;
		return NULL;
	}
	if (ctx->nf == ctx->capf) {
		ctx->capf = ctx->capf ? ctx->capf * 2 : 16;
		ctx->f = hd_xrealloc(ctx->f, ctx->capf * sizeof(*ctx->f));
	}
	f = &ctx->f[ctx->nf++];
	memset(f, 0, sizeof(*f));
	return f;
}

void hd_ctx_mask(struct hd_ctx *ctx, const char *value, size_t off, size_t len)
{
	struct hd_mask *m;

	if (ctx->nmask == ctx->capmask) {
		ctx->capmask = ctx->capmask ? ctx->capmask * 2 : 8;
		ctx->mask = hd_xrealloc(ctx->mask, ctx->capmask * sizeof(*ctx->mask));
	}
	m = &ctx->mask[ctx->nmask++];
	m->value = hd_arena_strdup(&ctx->job->arena, value);
	m->off = off;
	m->len = len;
}

void hd_ctx_add_secret(struct hd_ctx *ctx, const struct hd_secret *s)
{
	struct hd_secret *c;

	if (ctx->nsec == ctx->capsec) {
		ctx->capsec = ctx->capsec ? ctx->capsec * 2 : 8;
		ctx->sec = hd_xrealloc(ctx->sec, ctx->capsec * sizeof(*ctx->sec));
	}
	c = &ctx->sec[ctx->nsec++];
	*c = *s;
	/* everything outlives the document's tree */
	c->value = hd_arena_strdup(&ctx->job->arena, s->value);
	c->key = hd_arena_strdup(&ctx->job->arena, s->key);
	c->store = hd_arena_strdup(&ctx->job->arena, s->store);
	c->ns = s->ns ? hd_arena_strdup(&ctx->job->arena, s->ns) : NULL;
	hd_ctx_mask(ctx, s->value, s->off, s->len);
}

bool hd_pod_exempt(struct hd_ctx *ctx, const struct hd_pod *pod, const char *tr)
{
	const char *why = NULL;
	const struct yn *at = hd_annotation_exempts(hd_get(pod->meta, "annotations"), tr, &why);
	struct hd_fref r = { tr, "exemption", pod->label, NULL };

	if (!at && pod->tmeta != pod->meta)
		at = hd_annotation_exempts(hd_get(pod->tmeta, "annotations"), tr, &why);
	if (at) {
		hd_find(ctx, &r, at, HD_SEV_LOW, false, false, "skipped: exempted by annotation %s",
			why);
		return true;
	}
	/* "# harden:ignore" on the object's first line or its name line */
	at = hd_get(pod->meta, "name");
	if (hd_line_ignores(&ctx->job->ys, pod->obj->start, tr) ||
	    (at && hd_line_ignores(&ctx->job->ys, at->start, tr))) {
		hd_find(ctx, &r, at ? at : pod->obj, HD_SEV_LOW, false, false,
			"skipped: exempted by a '# harden:ignore' comment");
		return true;
	}
	return false;
}

/* The pod without containers whose first line says "# harden:ignore". */
static struct hd_pod *pod_view(struct hd_ctx *ctx, struct hd_pod *pod, const char *tr)
{
	const struct ystream *ys = &ctx->job->ys;
	struct hd_pod *v;
	size_t i;
	bool any = false;

	for (i = 0; i < pod->nctrs && !any; i++)
		any = hd_line_ignores(ys, pod->ctrs[i].node->start, tr);
	if (!any)
		return pod;
	v = hd_arena_alloc(&ctx->job->arena, sizeof(*v));
	*v = *pod;
	v->ctrs = hd_arena_alloc(&ctx->job->arena, (pod->nctrs + 1) * sizeof(*v->ctrs));
	v->nctrs = 0;
	for (i = 0; i < pod->nctrs; i++) {
		if (hd_line_ignores(ys, pod->ctrs[i].node->start, tr)) {
			struct hd_fref r = { tr, "exemption", pod->label, pod->ctrs[i].name };

			hd_find(ctx, &r, pod->ctrs[i].node, HD_SEV_LOW, false, false,
				"skipped: exempted by a '# harden:ignore' comment");
			continue;
		}
		v->ctrs[v->nctrs++] = pod->ctrs[i];
	}
	return v;
}

/* Does a "# harden:ignore" comment on the service's first line exempt it? */
static bool service_line_ignored(const struct hd_ctx *ctx, const struct hd_service *svc,
				 const char *tr)
{
	const struct yn *key = svc->key;

	if (!ctx->job->ys.ignores) /* (no comment anywhere: no node read) */
		return false;
	/* an empty key has no position of its own (it borrows the end of
	 * what precedes it), so no comment line belongs to it */
	return (key && !key->null_empty && hd_line_ignores(&ctx->job->ys, key->start, tr)) ||
	       hd_line_ignores(&ctx->job->ys, svc->node->start, tr);
}

/* The x-harden.skip entry of @svc that exempts transform @tr, or NULL. */
static const struct yn *service_skip_hit(const struct hd_service *svc, const char *tr)
{
	unsigned char bit = hd_view_current() ? 2 : 1;
	const struct yn *skip;
	size_t i;

	if (svc->no_skip & bit)
		return NULL;
	skip = hd_getp(svc->node, "x-harden", "skip", NULL);
	if (!skip)
		((struct hd_service *)svc)->no_skip |= bit;
	if (skip && skip->kind == YN_SCALAR) {
		const char *s = hd_str(skip);

		if (s && (hd_list_names(s, tr) || hd_csv_has(s, "all")))
			return skip;
	} else if (skip && skip->kind == YN_SEQ) {
		for (i = 0; i < skip->nkids; i++) {
			const char *s = hd_str(skip->kids[i]);

			if (s && (!strcmp(s, "all") || hd_list_names(s, tr)))
				return skip->kids[i];
		}
	}
	return NULL;
}

/* x-harden: {skip: [a, b]} (or "a,b", or all) on a Compose service. */
static bool service_exempt(struct hd_ctx *ctx, const struct hd_service *svc,
			   const struct hd_transform *tr)
{
	const struct yn *hit, *key = svc->key;

	if (service_line_ignored(ctx, svc, tr->name)) {
		struct hd_fref r = { tr->name, "exemption", svc->label, NULL };

		hd_find(ctx, &r, key ? key : svc->node, HD_SEV_LOW, false, false,
			"skipped: exempted by a '# harden:ignore' comment");
		return true;
	}
	hit = service_skip_hit(svc, tr->name);
	if (hit) {
		struct hd_fref r = { tr->name, "exemption", svc->label, NULL };

		hd_find(ctx, &r, hit, HD_SEV_LOW, false, false,
			"skipped: exempted by x-harden.skip");
	}
	return hit != NULL;
}

/*
 * Will no-privileged leave this explicit `privileged: true` (@v) alone?  It
 * does in default mode, and when it is not run, exempted or kept by a
 * comment.  The later passes then leave that container's user,
 * capabilities and root filesystem alone: a privileged workload made
 * non-root without capabilities cannot do its job (node agents, CSI
 * drivers).  Asked before no-privileged runs too, so nothing is recorded.
 */
static bool privilege_stays(const struct hd_ctx *ctx, const struct yn *v)
{
	if (!hd_true(v))
		return false; /* not privileged, or no-privileged changed it */
	return !ctx->opts->unsafe_fixes || !hd_transform_enabled(ctx->opts, "no-privileged") ||
	       (v->start != HD_NOPOS && hd_line_ignores(&ctx->job->ys, v->start, "no-privileged"));
}

bool hd_ctr_privileged_kept(const struct hd_ctx *ctx, const struct hd_pod *pod,
			    const struct hd_container *c)
{
	const struct yn *v = hd_getp(c->node, "securityContext", "privileged", NULL);
	const struct yn *name = hd_get(pod->meta, "name");
	const char *why;

	if (!hd_true(v))
		return false;
	if (privilege_stays(ctx, v))
		return true;
	/* exempted object or container: no-privileged does not run on it */
	return hd_annotation_exempts(hd_get(pod->meta, "annotations"), "no-privileged", &why) ||
	       (pod->tmeta != pod->meta &&
		hd_annotation_exempts(hd_get(pod->tmeta, "annotations"), "no-privileged", &why)) ||
	       hd_line_ignores(&ctx->job->ys, pod->obj->start, "no-privileged") ||
	       (name && hd_line_ignores(&ctx->job->ys, name->start, "no-privileged")) ||
	       hd_line_ignores(&ctx->job->ys, c->node->start, "no-privileged");
}

bool hd_svc_privileged_kept(const struct hd_ctx *ctx, const struct hd_service *svc)
{
	const struct yn *v = hd_get(svc->node, "privileged");

	return hd_true(v) &&
	       (privilege_stays(ctx, v) || service_line_ignored(ctx, svc, "no-privileged") ||
		service_skip_hit(svc, "no-privileged"));
}

/*
 * A name in harden.dev/skip or x-harden.skip that is no transform exempts
 * nothing: say so (with the closest name), or the author believes it does.
 */
static void check_skip_name(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at,
			    const char *name, size_t len)
{
	char tok[128];
	const char *s;

	if (!len || len >= sizeof(tok))
		return;
	memcpy(tok, name, len);
	tok[len] = '\0';
	if (!strcmp(tok, "all") || hd_transform_find(tok) ||
	    tok[strspn(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")])
		return; /* a name, or prose that merely mentions the syntax */
	s = hd_transform_suggest(tok);
	hd_find(ctx, r, at, HD_SEV_MEDIUM, false, false,
		"%s names no transform '%s', so it exempts nothing%s%s%s", r->control, tok,
		s ? "; did you mean '" : " (see --list-transforms)", s ? s : "", s ? "'?" : "");
}

/* each name of the comma-separated @list (@n bytes) */
static void check_skip_name_list(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at,
				 const char *list, size_t n)
{
	const char *it;
	size_t l;

	while (hd_csv_next(&list, &n, &it, &l))
		check_skip_name(ctx, r, at, it, l);
}

static void check_skip_list(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *v)
{
	size_t i;

	v = v ? yn_deref(v) : NULL;
	if (v && v->kind == YN_SEQ) {
		for (i = 0; i < v->nkids; i++)
			check_skip_list(ctx, r, v->kids[i]);
	} else if (hd_str(v)) {
		check_skip_name_list(ctx, r, v, hd_str(v), strlen(hd_str(v)));
	}
}

/* "# harden:ignore=a,b" comments of document @d naming no transform */
static void check_ignore_comments(struct hd_ctx *ctx, size_t d)
{
	const struct ystream *ys = &ctx->job->ys;
	size_t ls = ys->docs[d].bound, end = ys->docs[d].end_bound;
	struct hd_fref r = { "harden-exemption", "harden:ignore", NULL, NULL };
	char buf[256];

	if (!ys->ignores || end > ys->len)
		return;
	while (ls < end) {
		const char *nl = memchr(ys->buf + ls, '\n', end - ls);
		size_t next = nl ? (size_t)(nl - ys->buf) + 1 : end;
		const char *m = hd_ignore_comment(ys, ls, buf, sizeof(buf));

		if (m && *m == '=') {
			const char *at = memmem(ys->buf + ls, next - ls, "harden:ignore", 13);
			struct yn pos;

			memset(&pos, 0, sizeof(pos));
			pos.start = at ? (size_t)(at - ys->buf) : ls;
			check_skip_name_list(ctx, &r, &pos, m + 1, strcspn(m + 1, " \t"));
		}
		ls = next;
	}
}

/* harden.dev/skip on the object and on its pod template */
static void check_pod_skips(struct hd_ctx *ctx, const struct hd_pod *pod)
{
	struct hd_fref r = { "harden-exemption", "harden.dev/skip", pod->label, NULL };

	check_skip_list(ctx, &r, hd_getp(pod->meta, "annotations", "harden.dev/skip", NULL));
	if (pod->tmeta != pod->meta)
		check_skip_list(ctx, &r,
				hd_getp(pod->tmeta, "annotations", "harden.dev/skip", NULL));
}

/*
 * Pass @tr over @svc, reading the merged service (its view) when it has
 * one; a service whose base cannot be seen gets only what moves literal
 * secrets out of this file.
 */
static void run_service(struct hd_ctx *ctx, const struct hd_transform *tr, struct hd_service *svc)
{
	const struct hd_view *v = hd_view_applies(tr->name) ? svc->view : NULL;
	size_t nf0 = ctx->nf;

	if (v && v->blocked)
		return;
	hd_view_enter(v);
	if (!service_exempt(ctx, svc, tr))
		tr->run_service(ctx, svc);
	hd_view_leave(ctx, nf0);
}

/* A pass over a file: the enabled transforms, or only those of @suppressed. */
struct pass {
	struct hd_ctx *ctx;
	const char *suppressed;
};

/*
 * Does @pass run transform @tr?  A report-only pass runs the transforms a
 * policy file's skip: disables (that --only, if any, still selects); the
 * options stay those of the real run, so that a transform asking whether
 * another one runs (privilege_stays()) hears what the real run does.
 */
static bool runs(const struct pass *pass, const struct hd_transform *tr)
{
	const struct hd_opts *o = pass->ctx->opts;

	if (!pass->suppressed)
		return hd_transform_enabled(o, tr->name);
	return hd_list_names(pass->suppressed, tr->name) &&
	       (!o->only || hd_list_names(o->only, tr->name));
}

static int harden_doc(void *ud, struct hd_job *job, size_t d)
{
	const struct pass *pass = ud;
	struct hd_ctx *ctx = pass->ctx;
	struct yn *root = job->ys.docs[d].root;
	bool checks = !pass->suppressed; /* exemption names: the real run checks them */
	size_t p, t;

	ctx->doc = (int)d;
	if (!root)
		return 0;
	/* before any transform: what they leave (options, exemptions,
	 * shared anchors) is masked as what they move */
	hd_mask_scan(ctx, root);
	if (hd_is_k8s(root)) {
		struct hd_pod *pods, *pv;
		size_t np = hd_k8s_pods(ctx, root, &pods);

		ctx->recognized++;
		if (checks)
			check_ignore_comments(ctx, d);
		for (p = 0; p < np; p++) {
			if (checks) {
				check_pod_skips(ctx, &pods[p]);
				hd_images_check_pod(ctx, &pods[p]);
			}
			for (t = 0; t < hd_ntransforms; t++) {
				const struct hd_transform *tr = hd_transforms[t];

				if (!tr->run_pod || !runs(pass, tr))
					continue;
				if (hd_pod_exempt(ctx, &pods[p], tr->name))
					continue;
				pv = pod_view(ctx, &pods[p], tr->name);
				if (!(tr->linux_only && pv->windows))
					tr->run_pod(ctx, pv);
			}
		}
		free(pods);
	} else if (hd_is_compose(root)) {
		struct hd_service *svcs;
		size_t ns = hd_compose_services(ctx, root, &svcs);
		struct hd_shared *shared;
		size_t nsh = hd_compose_shared(ctx, svcs, ns, &shared);
		size_t *order = hd_compose_merge(ctx, root, svcs, ns);

		ctx->recognized++;
		if (checks)
			check_ignore_comments(ctx, d);
		for (p = 0; p < ns && checks; p++) {
			struct hd_fref r = { "harden-exemption", "x-harden.skip", svcs[p].label,
					     NULL };

			check_skip_list(ctx, &r, hd_getp(svcs[p].node, "x-harden", "skip", NULL));
			if (!svcs[p].view || !svcs[p].view->blocked) {
				size_t nf0 = ctx->nf;

				/* the merged service's image; another -f file's own run
				 * reports a finding about its node */
				hd_view_enter(svcs[p].view);
				hd_images_check_service(ctx, &svcs[p]);
				hd_view_leave(ctx, nf0);
			}
		}
		for (t = 0; t < hd_ntransforms; t++) {
			const struct hd_transform *tr = hd_transforms[t];

			if (!tr->run_service || !runs(pass, tr))
				continue;
			for (p = 0; p < ns; p++)
				run_service(ctx, tr, &svcs[order[p]]);
			hd_compose_hoist(ctx, tr->name, shared, nsh);
		}
	}
	if (ctx->failed) { /* nothing of this file is written */
		ctx->job->err = ctx->fail;
		return -1;
	}
	return 0;
}

int hd_harden(struct hd_ctx *ctx)
{
	struct pass pass = { ctx, NULL };

	return hd_job_run(ctx->job, harden_doc, &pass);
}

int hd_harden_suppressed(struct hd_ctx *ctx, const char *skipped)
{
	struct pass pass = { ctx, skipped };

	ctx->job->discard_output = true;
	ctx->job->discard_edits = true; /* (their nodes die with each document) */
	ctx->job->report_only = true;
	return hd_job_run(ctx->job, harden_doc, &pass);
}

int hd_load_harden(struct hd_ctx *ctx, struct hd_job *job, const struct hd_opts *o,
		   const char *name, const char *data, size_t len, const struct hd_load_cfg *cfg)
{
	static const struct hd_load_cfg keep_all;
	int rc;

	if (!cfg)
		cfg = &keep_all;
	hd_ctx_init(ctx, job, o);
	rc = data ? hd_job_load_mem(job, name, data, len) : hd_job_load(job, name);
	if (rc < 0)
		return -2;
	job->ys.skim_non_maps = true; /* only mappings can be manifests */
	job->discard_output = cfg->discard_output;
	job->discard_edits = cfg->discard_edits;
	job->discard_texts = cfg->discard_texts;
	/* how big a document must be to be split is verify.c's business */
	job->verify_threads = job->in.len >= 256 * 1024 ? cfg->verify_helpers : 0;
	job->split_verify = cfg->verify_helpers > 0;
	ctx->no_findings = cfg->no_findings;
	hd_secrets_set_extra(o->secret_names);
	return hd_harden(ctx);
}

void hd_ctx_print_findings(const struct hd_ctx *run, FILE *fp)
{
	size_t i;
	const char *name = strcmp(run->job->in.path, "-") ? run->job->in.path : "<stdin>";

	for (i = 0; i < run->nf; i++) {
		const struct hd_finding *f = &run->f[i];

		if (f->applied && !f->notable)
			continue;
		fprintf(fp, "%s:%d:%d: warning: [%s] %s%s%s%s%s%s\n", name, f->line, f->col,
			f->transform, f->object ? f->object : "",
			f->container ? " container '" : "", f->container ? f->container : "",
			f->container ? "'" : "", f->object ? ": " : "", f->message);
	}
}
