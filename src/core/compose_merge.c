/* compose_merge.c - the service Compose runs: extends bases, override files, -f */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

#define MAX_EXTENDS 8 /* `extends` chain depth (Compose has none; cycles are refused) */

/* A Compose file read to see a base or an override of this one. */
struct mfile {
	char *path; /* as opened (relative to the cwd) */
	char *real; /* realpath, or NULL */
	char *buf;
	struct ystream ys;
	struct hd_arena a;
	const struct yn *root; /* its Compose document, or NULL */
	const char *why;       /* why it could not be read, or NULL */
};

struct hd_merge {
	struct mfile **f;
	size_t n, cap;
	char *self; /* realpath of the file being hardened */
};

/* Where a layer comes from: this document, or a file read for it. */
struct src {
	const struct yn *root;
	const struct ystream *ys;
	const char *file; /* path as shown and resolved against */
};

static bool same_path(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!strcmp(a, b))
		return true;
	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/* The first document of @ys that is a Compose file. */
static const struct yn *compose_root(const struct ystream *ys)
{
	size_t d;

	for (d = 0; d < ys->ndocs; d++)
		if (hd_is_compose(ys->docs[d].root))
			return ys->docs[d].root;
	return NULL;
}

/* Read @path once per hardened file (NULL: it is the file being hardened). */
static struct mfile *load(struct hd_ctx *ctx, const char *path)
{
	struct hd_merge *m = ctx->merge;
	struct mfile *f;
	struct hd_err err;
	struct stat st;
	char real[PATH_MAX];
	size_t i, len;

	if (!m) {
		m = ctx->merge = hd_xmalloc(sizeof(*m));
		memset(m, 0, sizeof(*m));
		m->self = strcmp(ctx->job->in.path, "-") && realpath(ctx->job->in.path, real)
				  ? hd_xstrdup(real)
				  : NULL;
	}
	if (!realpath(path, real))
		real[0] = '\0';
	if (real[0] && m->self && !strcmp(real, m->self))
		return NULL;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->f[i]->path, path) ||
		    (real[0] && m->f[i]->real && !strcmp(m->f[i]->real, real)))
			return m->f[i];
	f = hd_xmalloc(sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->path = hd_xstrdup(path);
	f->real = real[0] ? hd_xstrdup(real) : NULL;
	hd_arena_init(&f->a);
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 4;
		m->f = hd_xrealloc(m->f, m->cap * sizeof(*m->f));
	}
	m->f[m->n++] = f;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		f->why = "not a regular file"; /* a FIFO would never end */
	} else if (hd_read_file(path, &f->buf, &len) < 0) {
		f->why = hd_arena_strdup(&f->a, strerror(errno));
		f->buf = NULL;
	} else if (ys_parse(&f->ys, f->path, f->buf, len, &f->a, &err) < 0) {
		f->why = hd_arena_printf(&f->a, "%d:%d: %s", err.line, err.col, err.msg);
	} else if (!(f->root = compose_root(&f->ys))) {
		f->why = "not a Compose file";
	}
	return f;
}

void hd_compose_merge_release(struct hd_ctx *ctx)
{
	struct hd_merge *m = ctx->merge;
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		hd_arena_free(&m->f[i]->a);
		free(m->f[i]->buf);
		free(m->f[i]->path);
		free(m->f[i]->real);
		free(m->f[i]);
	}
	free(m->f);
	free(m->self);
	free(m);
	ctx->merge = NULL;
}

/* services.@name of @root, a mapping, or NULL. */
static struct yn *service_in(const struct yn *root, const char *name)
{
	const struct yn *s = root ? hd_get(root, "services") : NULL;
	struct yn *v = s && s->kind == YN_MAP ? yn_map_get(s, name) : NULL;

	v = v ? (struct yn *)yn_deref(v) : NULL;
	return v && v->kind == YN_MAP ? v : NULL;
}

/* @rel beside the file @file ("dir/file" or @rel itself when absolute). */
static char *beside(struct hd_arena *a, const char *file, const char *rel)
{
	const char *slash = strrchr(file, '/');

	if (!strcmp(rel, "-"))
		rel = "./-"; /* a file, not stdin */
	if (rel[0] == '/' || !slash || !strcmp(file, "-"))
		return hd_arena_strdup(a, rel);
	return hd_arena_printf(a, "%.*s/%s", (int)(slash - file), file, rel);
}

/* The views being built: layers so far, and why the service is blocked. */
struct vb {
	struct hd_ctx *ctx;
	struct hd_layer *l;
	size_t nl, cap;
	const char *blocked;
	unsigned same_file;
	const struct yn *root; /* the document being hardened */
};

static void push(struct vb *b, struct yn *node, const struct src *s, bool in_run)
{
	if (b->nl == b->cap) {
		struct hd_layer *n =
			hd_arena_alloc(&b->ctx->job->arena, (b->cap * 2 + 4) * sizeof(*n));

		if (b->nl) /* (memcpy from NULL is undefined even for 0 bytes) */
			memcpy(n, b->l, b->nl * sizeof(*n));
		b->l = n;
		b->cap = b->cap * 2 + 4;
	}
	b->l[b->nl++] = (struct hd_layer){ node, s->root, s->ys, s->file, in_run };
}

static void block(struct vb *b, const char *why)
{
	if (!b->blocked)
		b->blocked = why;
}

/* Resolve `extends` of @node: push its base, and the base's base, ... */
static void push_extends(struct vb *b, const struct yn *node, const struct src *s, int depth,
			 bool in_run)
{
	const struct yn *e = hd_get(node, "extends");
	const char *svc = NULL, *file = NULL;
	struct src bs = *s;
	struct yn *base;
	size_t i;

	if (!e)
		return;
	if (e->kind == YN_SCALAR) {
		svc = hd_str(e);
	} else if (e->kind == YN_MAP) {
		svc = hd_str(hd_get(e, "service"));
		file = hd_str(hd_get(e, "file"));
	}
	if (!svc || strchr(svc, '$') || (file && strchr(file, '$'))) {
		block(b, "its `extends` names no service harden can resolve");
		return;
	}
	if (file) {
		char *path = beside(&b->ctx->job->arena, s->file, file);
		struct mfile *f = load(b->ctx, path);

		if (f && f->why) {
			block(b, hd_arena_printf(&b->ctx->job->arena,
						 "its `extends` file "
						 "'%s' cannot be read (%s)",
						 path, f->why));
			return;
		}
		if (f) {
			bs.root = f->root;
			bs.ys = &f->ys;
			bs.file = f->path;
		} else { /* the file being hardened */
			bs.root = b->root;
			bs.ys = &b->ctx->job->ys;
			bs.file = b->ctx->job->in.path;
		}
	}
	base = service_in(bs.root, svc);
	if (!base) {
		block(b, hd_arena_printf(&b->ctx->job->arena,
					 "its `extends` base '%s' is "
					 "not a service of %s",
					 svc, bs.file));
		return;
	}
	for (i = 0; i < b->nl; i++)
		if (b->l[i].node == base) {
			block(b, hd_arena_printf(&b->ctx->job->arena,
						 "its `extends` chain "
						 "comes back to '%s'",
						 svc));
			return;
		}
	if (depth >= MAX_EXTENDS) {
		block(b, "its `extends` chain is deeper than harden follows");
		return;
	}
	push(b, base, &bs, in_run && bs.root != b->root);
	if (bs.root == b->root)
		b->same_file++;
	push_extends(b, base, &bs, depth + 1, in_run);
}

/* Service @name of -f file @path (with its bases), when it defines it. */
static void push_file(struct vb *b, const char *path, const char *name)
{
	struct mfile *f = strcmp(path, "-") ? load(b->ctx, path) : NULL;
	struct src s;
	struct yn *node;

	/* a bad -f file is an error of its own run; stdin is read once, by it */
	if (!f || f->why)
		return;
	s = (struct src){ f->root, &f->ys, f->path };
	node = service_in(f->root, name);
	if (node) {
		push(b, node, &s, true);
		push_extends(b, node, &s, 0, true);
	}
}

static const char *const base_names[] = { "compose.yaml", "compose.yml", "docker-compose.yaml",
					  "docker-compose.yml", NULL };

/* Is @path a file Compose reads as the override of its base? */
static bool override_name(const char *path)
{
	static const char *const names[] = { "compose.override.yaml", "compose.override.yml",
					     "docker-compose.override.yaml",
					     "docker-compose.override.yml", NULL };
	const char *b = strrchr(path, '/');
	unsigned i;

	b = b ? b + 1 : path;
	for (i = 0; names[i]; i++)
		if (!strcmp(b, names[i]))
			return true;
	return false;
}

/*
 * The base file beside @path that `docker compose` would read first (the
 * first of compose.yaml, ..., docker-compose.yml there), not @path itself.
 */
static struct mfile *sibling_base(struct hd_ctx *ctx, const char *path)
{
	unsigned i;

	if (!strcmp(path, "-"))
		return NULL;
	for (i = 0; base_names[i]; i++) {
		char *p = beside(&ctx->job->arena, path, base_names[i]);
		struct mfile *f;

		if (access(p, F_OK) != 0 || same_path(p, path))
			continue;
		f = load(ctx, p);
		return f && !f->why ? f : NULL;
	}
	return NULL;
}

/* A service that cannot run alone: no image, no build, no extends. */
static bool partial(const struct yn *svc)
{
	return !hd_get(svc, "image") && !hd_get(svc, "build") && !hd_get(svc, "extends");
}

/* Does a service of @svcs extend services.@name of this file (a template)? */
static bool extended_here(const struct hd_service *svcs, size_t ns, const char *name)
{
	size_t i;

	for (i = 0; i < ns; i++) {
		const struct yn *e = hd_get(svcs[i].node, "extends");

		if (e && e->kind == YN_MAP && !hd_get(e, "file"))
			e = hd_get(e, "service");
		if (hd_str_is(e, name))
			return true;
	}
	return false;
}

/* The index of the file being hardened among the -f files, or -1. */
static long group_index(const struct hd_ctx *ctx)
{
	const struct hd_opts *o = ctx->opts;
	size_t i;

	if (!strcmp(ctx->job->in.path, "-"))
		return -1;
	for (i = 0; i < o->ncompose; i++)
		if (same_path(o->compose_files[i], ctx->job->in.path))
			return (long)i;
	return -1;
}

static void warn(struct hd_ctx *ctx, const struct hd_service *svc, bool applied, const char *msg)
{
	struct hd_fref r = { "harden-merge", "extends", svc->label, NULL };

	hd_find(ctx, &r, svc->key, HD_SEV_MEDIUM, applied, false, "%s", msg);
	ctx->f[ctx->nf - 1].notable = true;
}

/* The layers of one service; the view, or NULL when it is all its own. */
static struct hd_view *view_of(struct hd_ctx *ctx, struct yn *root, struct hd_service *svc, long gi,
			       struct mfile *sib, bool part)
{
	const struct hd_opts *o = ctx->opts;
	struct src self = { root, &ctx->job->ys, ctx->job->in.path };
	struct vb b = { ctx, NULL, 0, 0, NULL, 0, root };
	struct hd_view *v;
	size_t local, j;
	bool lower_file = false;

	for (j = o->ncompose; gi >= 0 && j > (size_t)gi + 1; j--)
		push_file(&b, o->compose_files[j - 1], svc->name);
	local = b.nl;
	push(&b, svc->node, &self, false);
	push_extends(&b, svc->node, &self, 0, false);
	for (j = (size_t)(gi > 0 ? gi : 0); gi > 0 && j > 0; j--) {
		size_t before = b.nl;

		push_file(&b, o->compose_files[j - 1], svc->name);
		lower_file |= b.nl > before;
	}
	if (gi < 0 && (sib || part) && !b.blocked) {
		struct yn *node = sib ? service_in(sib->root, svc->name) : NULL;

		if (node) {
			struct src s = { sib->root, &sib->ys, sib->path };

			push(&b, node, &s, false);
			push_extends(&b, node, &s, 0, false);
			warn(ctx, svc, true,
			     hd_arena_printf(&ctx->job->arena,
					     "hardened merged with services.%s of %s, the base it "
					     "overrides: "
					     "what the base sets is kept (say so with -f %s -f %s)",
					     svc->name, sib->path, sib->path, ctx->job->in.path));
		} else if (part) {
			b.blocked = hd_arena_printf(
				&ctx->job->arena,
				"it has no image, build or extends, so it overrides a service "
				"of a base file harden cannot see (none of compose.yaml, "
				"compose.yml, docker-compose.yaml, docker-compose.yml beside "
				"it defines it); give both: harden -f BASE -f %s",
				ctx->job->in.path);
		}
	}
	if (gi >= 0 && part && !lower_file && !b.blocked)
		b.blocked = "it has no image, build or extends, and no earlier -f file "
			    "defines it (or can be read)";
	if (b.blocked)
		warn(ctx, svc, false,
		     hd_arena_printf(&ctx->job->arena,
				     "not hardened: %s; "
				     "nothing is added, since it could override what the base sets "
				     "(literal secrets are still moved)",
				     b.blocked));
	if (b.nl == 1 && !b.blocked)
		return NULL;
	v = hd_arena_alloc(&ctx->job->arena, sizeof(*v));
	v->l = b.l;
	v->nl = b.nl;
	v->local = local;
	v->no_new_keys = lower_file;
	v->blocked = b.blocked;
	v->same_file_bases = b.same_file;
	v->svc = svc->node;
	v->root = root;
	v->services = svc->key->parent;
	v->a = &ctx->job->arena;
	v->capreg = 8;
	v->reg = hd_arena_alloc(v->a, v->capreg * sizeof(*v->reg));
	v->reg[v->nreg++] = (struct hd_vpath){ svc->node, NULL, 0 };
	return v;
}

size_t *hd_compose_merge(struct hd_ctx *ctx, struct yn *root, struct hd_service *svcs, size_t ns)
{
	size_t *order = hd_arena_alloc(&ctx->job->arena, (ns + 1) * sizeof(*order));
	long gi = group_index(ctx);
	struct mfile *sib = gi < 0 && override_name(ctx->job->in.path)
				    ? sibling_base(ctx, ctx->job->in.path)
				    : NULL;
	size_t i, k, n = 0;
	unsigned d, maxd = 0;

	hd_view_enter(NULL);
	for (i = 0; i < ns; i++) {
		/* a partial service looks beside it for its base */
		struct mfile *s = sib;

		bool part = partial(svcs[i].node) && !extended_here(svcs, ns, svcs[i].name);

		if (!s && part && gi < 0)
			s = sibling_base(ctx, ctx->job->in.path);
		svcs[i].view = view_of(ctx, root, &svcs[i], gi, s, part);
		if (svcs[i].view && svcs[i].view->same_file_bases > maxd)
			maxd = svcs[i].view->same_file_bases;
	}
	/* bases first: what a base gets, its users see */
	for (d = 0; d <= maxd; d++)
		for (k = 0; k < ns; k++)
			if ((svcs[k].view ? svcs[k].view->same_file_bases : 0) == d)
				order[n++] = k;
	return order;
}

bool hd_view_applies(const char *name)
{
	/* image-refs pins the image this file writes (another file's is
	 * pinned, and reported, by that file's own run) */
	return strcmp(name, "secret-env") != 0 && strcmp(name, "image-refs") != 0;
}
