/* images.c - image profiles: load the data file, match image references */
#include "images.h"

#include <ctype.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "scalar.h"
#include "transform.h"

static int ierr(struct hd_err *err, const struct ystream *ys, const struct yn *at, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int ierr(struct hd_err *err, const struct ystream *ys, const struct yn *at, const char *fmt,
		...)
{
	va_list ap;

	va_start(ap, fmt);
	ys_verr(err, at ? ys : NULL, at ? at->start : 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- references ------------------------------------------------------- */

/* @l bytes of @s into @dst of @n bytes, cut to fit, NUL-terminated (a
 * NUL among them ends the string there, as "%.*s" did) */
static void copy_cut(char *dst, size_t n, const char *s, size_t l)
{
	const char *z;

	if (!n)
		return;
	if (l > n - 1)
		l = n - 1;
	if ((z = memchr(s, '\0', l)) != NULL)
		l = (size_t)(z - s);
	memcpy(dst, s, l);
	dst[l] = '\0';
}

/*
 * Registry hosts, "library/" and digests are dropped: docker.io/library/x,
 * index.docker.io/x, mirror.gcr.io/x, a proxy's .../library/x are all x.
 * A first component is a host when it has a '.' or ':' or is localhost.
 */
void hd_image_normalise(const char *ref, char *name, size_t nn, char *tag, size_t tn)
{
	const char *s = ref, *e, *slash, *colon, *lib;
	size_t l;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strcspn(s, "@ \t");
	slash = memchr(s, '/', (size_t)(e - s));
	if (slash && (memchr(s, '.', (size_t)(slash - s)) || memchr(s, ':', (size_t)(slash - s)) ||
		      (slash - s == 9 && !memcmp(s, "localhost", 9))))
		s = slash + 1;
	/* the last "library/" component, wherever a mirror puts it */
	for (lib = s; (lib = strstr(lib, "library/")) && lib < e; lib += 8)
		if (lib == s || lib[-1] == '/')
			s = lib + 8;
	slash = NULL;
	for (colon = s; colon < e; colon++)
		if (*colon == '/')
			slash = colon;
	colon = memchr(slash ? slash : s, ':', (size_t)(e - (slash ? slash : s)));
	l = (size_t)((colon ? colon : e) - s);
	/* (copied by hand: snprintf was most of a lookup, several per container) */
	copy_cut(name, nn, s, l);
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (colon && colon + 1 < e)
		copy_cut(tag, tn, colon + 1, (size_t)(e - colon - 1));
	else
		copy_cut(tag, tn, "latest", 6);
}

static int pat_cmp(const void *a, const void *b)
{
	const struct hd_image_pat *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

/*
 * Most specific wins: an exact name with a tag pattern (first listed),
 * then an exact name without one, then a namespace (longest).  A tag that
 * is a variable (${TAG}) matches only patterns without a tag.
 */
const struct hd_image_profile *hd_images_match(const struct hd_images *set, const char *ref)
{
	char name[256], tag[128];
	const struct hd_image_pat *best = NULL;
	struct hd_image_pat key;
	size_t lo, hi, i;
	bool var;

	if (!set || !ref || !set->np)
		return NULL;
	hd_image_normalise(ref, name, sizeof(name), tag, sizeof(tag));
	var = strchr(tag, '$') != NULL;
	memset(&key, 0, sizeof(key));
	key.name = name;
	/* first pattern of this name (binary search on the sorted array) */
	lo = 0;
	hi = set->npats;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(set->pats[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < set->npats && !strcmp(set->pats[i].name, name); i++) {
		const struct hd_image_pat *pt = &set->pats[i];

		if (pt->tag) {
			if (!var && !fnmatch(pt->tag, tag, 0) && (!best || !best->tag))
				best = pt; /* (in file order: the first stays) */
		} else if (!best) {
			best = pt;
		}
	}
	if (best)
		return best->p;
	for (i = 0; i < set->nprefixes; i++) {
		const struct hd_image_pat *pt = &set->prefixes[i];
		size_t l = strlen(pt->name);

		if (!strncmp(name, pt->name, l) && name[l] && (!best || strlen(best->name) < l))
			best = pt;
	}
	return best ? best->p : NULL;
}

/* ---- parsing ------------------------------------------------------------ */

static const char *const pkeys[] = { "name",	 "match",   "user",   "group", "fs-group",
				     "writable", "volumes", "ports",  "caps",  "root-caps",
				     "direct",	 "env",	    "source", "note",  NULL };
enum {
	K_NAME,
	K_MATCH,
	K_USER,
	K_GROUP,
	K_FSGROUP,
	K_WRITABLE,
	K_VOLUMES,
	K_PORTS,
	K_CAPS,
	K_ROOTCAPS,
	K_DIRECT,
	K_ENV,
	K_SOURCE,
	K_NOTE,
	K_N
};

struct pctx {
	const struct ystream *ys;
	struct hd_arena *a;
	struct hd_err *err;
};

static const char *str_of(struct pctx *c, const struct yn *v, const char *what)
{
	v = yn_deref(v);
	if (v->kind != YN_SCALAR || hd_node_type(v) == YT_NULL || !v->tlen) {
		ierr(c->err, c->ys, v, "image profile: '%s' must be a non-empty string", what);
		return NULL;
	}
	return hd_arena_strdup(c->a, v->text);
}

static const struct yn *seq_of(struct pctx *c, const struct yn *v, const char *what)
{
	v = yn_deref(v);
	if (v->kind != YN_SEQ) {
		ierr(c->err, c->ys, v, "image profile: '%s' must be a list", what);
		return NULL;
	}
	return v;
}

static int id_of(struct pctx *c, const struct yn *v, const char *what, long *out)
{
	long long x;

	if (!hd_int(yn_deref(v), &x) || x < 0 || x > INT_MAX)
		return ierr(c->err, c->ys, v,
			    "image profile: '%s' must be a number from 0 "
			    "to 2147483647",
			    what);
	*out = (long)x;
	return 0;
}

static int abs_path(struct pctx *c, const struct yn *at, const char *p, const char *what)
{
	if (p[0] != '/' || strstr(p, "/../") || strpbrk(p, " \t:,"))
		return ierr(c->err, c->ys, at,
			    "image profile: '%s' entry '%s' must be an "
			    "absolute path (no blanks, ':' or ',')",
			    what, p);
	return 0;
}

/* A list of absolute paths. */
static int paths(struct pctx *c, const struct yn *v, const char ***out, size_t *n)
{
	size_t i;

	if (!(v = seq_of(c, v, "volumes")))
		return -1;
	*out = hd_arena_alloc(c->a, (v->nkids + 1) * sizeof(**out));
	for (i = 0; i < v->nkids; i++) {
		const char *s = str_of(c, v->kids[i], "volumes");

		if (!s || abs_path(c, v->kids[i], s, "volumes") < 0)
			return -1;
		(*out)[i] = s;
	}
	*n = v->nkids;
	return 0;
}

/* writable: a path, or {path, mode, data}. */
static int writable(struct pctx *c, const struct yn *v, struct hd_image_profile *p)
{
	size_t i, k;

	if (!(v = seq_of(c, v, "writable")))
		return -1;
	p->writable = hd_arena_alloc(c->a, (v->nkids + 1) * sizeof(*p->writable));
	for (i = 0; i < v->nkids; i++) {
		const struct yn *it = yn_deref(v->kids[i]);
		struct hd_image_path *w = &p->writable[i];

		if (it->kind == YN_MAP) {
			for (k = 0; k + 1 < it->nkids; k += 2) {
				const struct yn *key = it->kids[k], *val = it->kids[k + 1];

				if (yn_is_scalar(key, "path")) {
					w->path = str_of(c, val, "writable.path");
				} else if (yn_is_scalar(key, "mode")) {
					w->mode = str_of(c, val, "writable.mode");
					if (w->mode &&
					    (strlen(w->mode) < 3 || strlen(w->mode) > 4 ||
					     w->mode[strspn(w->mode, "01234567")]))
						return ierr(c->err, c->ys, val,
							    "image profile: "
							    "'writable.mode' must be octal, e.g. "
							    "\"1777\"");
				} else if (yn_is_scalar(key, "data")) {
					if (!hd_true(val) && !hd_false(val))
						return ierr(
							c->err, c->ys, val,
							"image profile: "
							"'writable.data' must be true or false");
					w->data = hd_true(val);
					continue;
				} else {
					return ierr(c->err, c->ys, key,
						    "image profile: unknown key "
						    "'writable.%s' (known: path, mode, data)",
						    key->kind == YN_SCALAR ? key->text : "?");
				}
				if (!(yn_is_scalar(key, "path") ? w->path : w->mode))
					return -1;
			}
			if (!w->path)
				return ierr(c->err, c->ys, it,
					    "image profile: a 'writable' entry "
					    "needs a path");
		} else if (!(w->path = str_of(c, it, "writable"))) {
			return -1;
		}
		if (abs_path(c, it, w->path, "writable") < 0)
			return -1;
	}
	p->nwritable = v->nkids;
	return 0;
}

static int caps(struct pctx *c, const struct yn *v, const char *what, const char ***out, size_t *n)
{
	size_t i;

	if (!(v = seq_of(c, v, what)))
		return -1;
	*out = hd_arena_alloc(c->a, (v->nkids + 1) * sizeof(**out));
	for (i = 0; i < v->nkids; i++) {
		const char *s = str_of(c, v->kids[i], what);

		if (!s)
			return -1;
		if (!strncasecmp(s, "CAP_", 4))
			s += 4;
		if (!*s || s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_")])
			return ierr(c->err, c->ys, v->kids[i],
				    "image profile: '%s' entry '%s' "
				    "is no capability name (upper case, e.g. NET_BIND_SERVICE)",
				    what, s);
		(*out)[i] = s;
	}
	*n = v->nkids;
	return 0;
}

static int ports(struct pctx *c, const struct yn *v, struct hd_image_profile *p)
{
	size_t i;

	if (!(v = seq_of(c, v, "ports")))
		return -1;
	p->ports = hd_arena_alloc(c->a, (v->nkids + 1) * sizeof(*p->ports));
	for (i = 0; i < v->nkids; i++) {
		long long x;

		if (!hd_int(yn_deref(v->kids[i]), &x) || x < 1 || x > 1023)
			return ierr(c->err, c->ys, v->kids[i],
				    "image profile: 'ports' lists "
				    "ports below 1024 (1 to 1023)");
		p->ports[i] = (long)x;
	}
	p->nports = v->nkids;
	return 0;
}

static int env(struct pctx *c, const struct yn *v, struct hd_image_profile *p)
{
	size_t i, n;

	v = yn_deref(v);
	if (v->kind != YN_MAP)
		return ierr(c->err, c->ys, v,
			    "image profile: 'env' must be a mapping "
			    "(NAME: value)");
	n = v->nkids / 2;
	p->env_keys = hd_arena_alloc(c->a, (n + 1) * sizeof(*p->env_keys));
	p->env_vals = hd_arena_alloc(c->a, (n + 1) * sizeof(*p->env_vals));
	for (i = 0; i < n; i++) {
		const struct yn *k = yn_deref(v->kids[2 * i]), *val = yn_deref(v->kids[2 * i + 1]);

		if (k->kind != YN_SCALAR || !k->tlen ||
		    k->text[strspn(k->text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					    "0123456789_")] ||
		    isdigit((unsigned char)k->text[0]))
			return ierr(c->err, c->ys, k,
				    "image profile: 'env' keys must be "
				    "variable names");
		if (val->kind != YN_SCALAR)
			return ierr(c->err, c->ys, val,
				    "image profile: 'env' values must be "
				    "strings");
		p->env_keys[i] = hd_arena_strdup(c->a, k->text);
		p->env_vals[i] = hd_arena_strdup(c->a, val->text);
	}
	p->nenv = n;
	return 0;
}

/* match: NAME, NAME:TAG-GLOB or NAMESPACE/ * (normalised like references). */
static int patterns(struct pctx *c, const struct yn *v, struct hd_images *out,
		    const struct hd_image_profile *p, size_t *cap_pats, size_t *cap_pre,
		    unsigned *order)
{
	size_t i;

	if (!(v = seq_of(c, v, "match")))
		return -1;
	if (!v->nkids)
		return ierr(c->err, c->ys, v,
			    "image profile: 'match' must list at least one "
			    "image name");
	for (i = 0; i < v->nkids; i++) {
		const char *s = str_of(c, v->kids[i], "match");
		char name[256], tag[128];
		struct hd_image_pat pt;
		size_t l;

		if (!s)
			return -1;
		if (strpbrk(s, " \t@$") || strlen(s) >= sizeof(name))
			return ierr(c->err, c->ys, v->kids[i],
				    "image profile: 'match' entry "
				    "'%s' must be NAME, NAME:TAG or NAMESPACE/*",
				    s);
		hd_image_normalise(s, name, sizeof(name), tag, sizeof(tag));
		memset(&pt, 0, sizeof(pt));
		pt.p = p;
		pt.order = (*order)++;
		l = strlen(name);
		if (l >= 2 && !strcmp(name + l - 2, "/*") && !strchr(s + strlen(s) - 2, ':')) {
			name[l - 1] = '\0';
			pt.prefix = true;
		} else if (!l || strpbrk(name, "*?[")) {
			return ierr(c->err, c->ys, v->kids[i],
				    "image profile: 'match' entry '%s': "
				    "only a whole namespace (NAMESPACE/*) is a name pattern",
				    s);
		}
		pt.name = hd_arena_strdup(c->a, name);
		if (strchr(s + (strrchr(s, '/') ? strrchr(s, '/') - s : 0), ':')) {
			if (pt.prefix)
				return ierr(c->err, c->ys, v->kids[i],
					    "image profile: 'match' "
					    "entry '%s': a namespace takes no tag",
					    s);
			pt.tag = hd_arena_strdup(c->a, tag);
		}
		if (pt.prefix) {
			if (out->nprefixes == *cap_pre) {
				*cap_pre = *cap_pre ? *cap_pre * 2 : 8;
				out->prefixes = hd_xrealloc(out->prefixes,
							    *cap_pre * sizeof(*out->prefixes));
			}
			out->prefixes[out->nprefixes++] = pt;
		} else {
			if (out->npats == *cap_pats) {
				*cap_pats = *cap_pats ? *cap_pats * 2 : 64;
				out->pats = hd_xrealloc(out->pats, *cap_pats * sizeof(*out->pats));
			}
			out->pats[out->npats++] = pt;
		}
	}
	return 0;
}

/* One profile mapping @m into @p. */
static int profile(struct pctx *c, const struct yn *m, struct hd_image_profile *p,
		   const struct yn **vals)
{
	size_t i, k;

	memset(vals, 0, K_N * sizeof(*vals));
	m = yn_deref(m);
	if (m->kind != YN_MAP)
		return ierr(c->err, c->ys, m,
			    "image profile must be a mapping (name, match, "
			    "user, ...)");
	for (i = 0; i + 1 < m->nkids; i += 2) {
		const struct yn *key = m->kids[i];

		for (k = 0; pkeys[k]; k++)
			if (yn_is_scalar(key, pkeys[k]))
				break;
		if (!pkeys[k])
			return ierr(c->err, c->ys, key,
				    "unknown key '%s' in image profile (known: "
				    "name, match, user, group, fs-group, writable, volumes, ports, "
				    "caps, root-caps, direct, env, source, note)",
				    key->kind == YN_SCALAR ? key->text : "?");
		vals[k] = m->kids[i + 1];
	}
	if (!vals[K_NAME])
		return ierr(c->err, c->ys, m, "image profile without a 'name'");
	if (!vals[K_MATCH])
		return ierr(c->err, c->ys, m,
			    "image profile without 'match' (the image names "
			    "it is for)");
	p->user = p->group = p->fs_group = -1;
	p->direct = true;
	if (!(p->name = str_of(c, vals[K_NAME], "name")))
		return -1;
	if ((vals[K_USER] && id_of(c, vals[K_USER], "user", &p->user) < 0) ||
	    (vals[K_GROUP] && id_of(c, vals[K_GROUP], "group", &p->group) < 0) ||
	    (vals[K_FSGROUP] && id_of(c, vals[K_FSGROUP], "fs-group", &p->fs_group) < 0))
		return -1;
	if (p->user == 0)
		return ierr(c->err, c->ys, vals[K_USER],
			    "image profile: 'user' 0 is root: "
			    "leave it out (any UID) or set 'direct: false'");
	if (p->group >= 0 && p->user < 0)
		return ierr(c->err, c->ys, vals[K_GROUP],
			    "image profile: a 'group' needs "
			    "the 'user' it belongs to");
	if (p->fs_group < 0)
		p->fs_group = p->group;
	if (vals[K_DIRECT]) {
		if (!hd_true(vals[K_DIRECT]) && !hd_false(vals[K_DIRECT]))
			return ierr(c->err, c->ys, vals[K_DIRECT],
				    "image profile: 'direct' must "
				    "be true or false");
		p->direct = hd_true(vals[K_DIRECT]);
	}
	if ((vals[K_WRITABLE] && writable(c, vals[K_WRITABLE], p) < 0) ||
	    (vals[K_VOLUMES] && paths(c, vals[K_VOLUMES], &p->volumes, &p->nvolumes) < 0) ||
	    (vals[K_PORTS] && ports(c, vals[K_PORTS], p) < 0) ||
	    (vals[K_CAPS] && caps(c, vals[K_CAPS], "caps", &p->caps, &p->ncaps) < 0) ||
	    (vals[K_ROOTCAPS] &&
	     caps(c, vals[K_ROOTCAPS], "root-caps", &p->root_caps, &p->nroot_caps) < 0) ||
	    (vals[K_ENV] && env(c, vals[K_ENV], p) < 0))
		return -1;
	if ((vals[K_SOURCE] && !(p->source = str_of(c, vals[K_SOURCE], "source"))) ||
	    (vals[K_NOTE] && !(p->note = str_of(c, vals[K_NOTE], "note"))))
		return -1;
	return 0;
}

int hd_images_parse(const struct ystream *ys, const struct yn *list, struct hd_arena *a,
		    struct hd_images *out, struct hd_err *err)
{
	struct pctx c = { ys, a, err };
	const struct yn *vals[K_N];
	size_t i, j, cap_pats = 0, cap_pre = 0;
	unsigned order = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->file = ys->name ? hd_arena_strdup(a, ys->name) : NULL;
	list = yn_deref(list);
	if (list->kind == YN_SCALAR && hd_node_type(list) == YT_NULL)
		return 0; /* `images:` with nothing */
	if (list->kind != YN_SEQ)
		return ierr(err, ys, list, "'images' must be a list of image profiles");
	out->p = hd_arena_alloc(a, (list->nkids + 1) * sizeof(*out->p));
	for (i = 0; i < list->nkids; i++) {
		if (profile(&c, list->kids[i], &out->p[i], vals) < 0)
			goto out;
		for (j = 0; j < i; j++)
			if (!strcmp(out->p[j].name, out->p[i].name)) {
				ierr(err, ys, vals[K_NAME], "image profile '%s' defined twice",
				     out->p[i].name);
				goto out;
			}
		if (patterns(&c, vals[K_MATCH], out, &out->p[i], &cap_pats, &cap_pre, &order) < 0)
			goto out;
	}
	out->np = list->nkids;
	rc = 0;
out:
	/* the arrays move into the arena: they live as long as the profiles */
	if (out->npats) {
		struct hd_image_pat *pa = hd_arena_alloc(a, out->npats * sizeof(*pa));

		memcpy(pa, out->pats, out->npats * sizeof(*pa));
		qsort(pa, out->npats, sizeof(*pa), pat_cmp);
		free(out->pats);
		out->pats = pa;
	}
	if (out->nprefixes) {
		struct hd_image_pat *pa = hd_arena_alloc(a, out->nprefixes * sizeof(*pa));

		memcpy(pa, out->prefixes, out->nprefixes * sizeof(*pa));
		free(out->prefixes);
		out->prefixes = pa;
	}
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- the process-wide file -------------------------------------------- */

static struct {
	const char *file; /* explicit file, or NULL */
	bool disabled;
	char deflt[PATH_MAX + 64];
	pthread_once_t once;
	struct hd_arena a;
	struct hd_images set;
	const struct hd_images *loaded; /* NULL: none */
	struct hd_err err;
	const char *errpath, *missing;
} g = { .once = PTHREAD_ONCE_INIT };

/*
 * The default file: <dir of the executable>/../share/harden/images.yaml
 * (installed), else <dir of the executable>/data/images.yaml (the source
 * tree, for ./harden), else its ../data/images.yaml (a build directory
 * in the source tree: build-san/harden).
 */
static void default_path(const char *argv0)
{
	char exe[PATH_MAX], cand[PATH_MAX + 64], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		if (!argv0 || !realpath(argv0, exe))
			snprintf(exe, sizeof(exe), "./harden");
	} else {
		exe[n] = '\0';
	}
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(exe, sizeof(exe), ".");
	snprintf(cand, sizeof(cand), "%s/../share/harden/images.yaml", exe);
	if (access(cand, R_OK) != 0)
		snprintf(cand, sizeof(cand), "%s/data/images.yaml", exe);
	if (access(cand, R_OK) != 0) {
		/* a build directory of the source tree (make check: build-san/) */
		snprintf(cand, sizeof(cand), "%s/../data/images.yaml", exe);
		if (access(cand, R_OK) != 0)
			snprintf(cand, sizeof(cand), "%s/data/images.yaml", exe);
	}
	snprintf(g.deflt, sizeof(g.deflt), "%s", cand);
}

void hd_images_configure(const char *file, bool disabled, const char *argv0)
{
	g.file = file;
	g.disabled = disabled;
	if (!file && !disabled)
		default_path(argv0);
}

static void load_once(void)
{
	const char *file = g.file ? g.file : g.deflt;
	struct hd_arena pa;
	struct ystream ys;
	const struct yn *root, *list = NULL;
	char *buf;
	size_t len, i;

	hd_arena_init(&g.a);
	if (g.disabled)
		return;
	if (hd_read_file(file, &buf, &len) < 0) {
		if (g.file) {
			snprintf(g.err.msg, sizeof(g.err.msg), "cannot read image profiles");
			g.errpath = file;
		} else {
			g.missing = file;
		}
		return;
	}
	hd_arena_init(&pa);
	if (ys_parse(&ys, file, buf, len, &pa, &g.err) < 0)
		goto fail;
	root = ys.ndocs ? ys.docs[0].root : NULL;
	if (root && (ys.ndocs > 1 || root->kind != YN_MAP)) {
		ierr(&g.err, &ys, root,
		     "the image profile file must be one mapping "
		     "(images: [...])");
		goto fail;
	}
	for (i = 0; root && i + 1 < root->nkids; i += 2) {
		if (!yn_is_scalar(root->kids[i], "images")) {
			ierr(&g.err, &ys, root->kids[i],
			     "unknown key '%s' in image profile file "
			     "(known: images)",
			     root->kids[i]->kind == YN_SCALAR ? root->kids[i]->text : "?");
			goto fail;
		}
		list = root->kids[i + 1];
	}
	if (list && hd_images_parse(&ys, list, &g.a, &g.set, &g.err) < 0)
		goto fail;
	g.set.file = hd_arena_strdup(&g.a, file);
	g.loaded = &g.set;
	hd_arena_free(&pa);
	free(buf);
	return;
fail:
	g.errpath = file;
	hd_arena_free(&pa);
	free(buf);
}

const struct hd_images *hd_images_default(struct hd_err *err, const char **errpath,
					  const char **missing)
{
	pthread_once(&g.once, load_once);
	if (err)
		*err = g.err;
	if (errpath)
		*errpath = g.errpath;
	if (missing)
		*missing = g.missing;
	return g.errpath ? NULL : g.loaded;
}

bool hd_images_on(const struct hd_opts *o)
{
	const struct hd_images *d = hd_images_default(NULL, NULL, NULL);

	return !g.disabled && ((d && d->np) || (o && o->images && o->images->np));
}

const struct hd_image_profile *hd_image_profile(const struct hd_opts *o, const char *ref)
{
	const struct hd_image_profile *p = NULL;
	const struct hd_images *d;

	if (!ref || !*ref || g.disabled)
		return NULL;
	if (o && o->images)
		p = hd_images_match(o->images, ref);
	if (!p && (d = hd_images_default(NULL, NULL, NULL)) != NULL)
		p = hd_images_match(d, ref);
	return p;
}

/* ---- transforms' side ---------------------------------------------------- */

/*
 * The passes ask for a container's profile again and again (run-as-non-root
 * alone up to seven times), and a manifest names few images: the answers
 * for the file being hardened are remembered per thread, by reference
 * (profiles are read-only once loaded, and a context's options do not
 * change).  A context's serial number keeps one file's answers from
 * another's, whose policy may declare other images.
 */
#define MEMO_N	 64
#define MEMO_REF 120

struct memo_ent {
	unsigned long serial;
	const struct hd_image_profile *p;
	size_t len;
	char ref[MEMO_REF];
};

static _Thread_local struct memo_ent memo[MEMO_N];

static const struct hd_image_profile *ctx_profile(const struct hd_ctx *ctx, const char *ref)
{
	struct memo_ent *e;
	size_t l;

	if (!ref || !*ref || !ctx->serial || (l = strlen(ref)) >= MEMO_REF)
		return hd_image_profile(ctx->opts, ref);
	e = &memo[hd_hash(ref, l) % MEMO_N];
	if (e->serial == ctx->serial && e->len == l && !memcmp(e->ref, ref, l))
		return e->p;
	e->p = hd_image_profile(ctx->opts, ref);
	e->serial = ctx->serial;
	e->len = l;
	memcpy(e->ref, ref, l);
	return e->p;
}

const struct hd_image_profile *hd_ctr_image(const struct hd_ctx *ctx, const struct hd_container *c)
{
	return ctx_profile(ctx, hd_str(hd_get(c->node, "image")));
}

const struct hd_image_profile *hd_svc_image(const struct hd_ctx *ctx, const struct hd_service *svc)
{
	return ctx_profile(ctx, hd_str(hd_get(svc->node, "image")));
}

bool hd_image_needs_cap(const struct hd_image_profile *p, const char *cap, bool root)
{
	size_t i;

	if (!p || !cap)
		return false;
	if (!strncasecmp(cap, "CAP_", 4))
		cap += 4;
	for (i = 0; i < p->ncaps; i++)
		if (!strcasecmp(p->caps[i], cap))
			return true;
	for (i = 0; root && i < p->nroot_caps; i++)
		if (!strcasecmp(p->root_caps[i], cap))
			return true;
	return false;
}

/* Do the passes that use profiles run at all? */
static bool profiles_used(const struct hd_ctx *ctx)
{
	return hd_images_on(ctx->opts) && (hd_transform_enabled(ctx->opts, "run-as-non-root") ||
					   hd_transform_enabled(ctx->opts, "read-only-root-fs") ||
					   hd_transform_enabled(ctx->opts, "drop-capabilities"));
}

/* The image-unknown finding for @ref (NULL: @build says how it is made). */
static void unknown(struct hd_ctx *ctx, const struct hd_fref *r, const struct yn *at,
		    const char *ref, bool build)
{
	char shown[160];

	if (ref)
		snprintf(shown, sizeof(shown), "image '%s'%s has no image profile", ref,
			 strchr(ref, '$') ? " (a variable)" : "");
	else
		snprintf(shown, sizeof(shown), "%s",
			 build ? "its image is built here (build:), "
				 "with no image profile"
			       : "no image, no image profile");
	hd_find(ctx, r, at, HD_SEV_LOW, false, false,
		"%s: review the user it runs as (UID %ld:%ld unless set) "
		"and the paths it writes (only /tmp is made writable); declare it under "
		"images: in .harden.yaml",
		shown, ctx->opts->uid, ctx->opts->gid);
}

void hd_images_check_pod(struct hd_ctx *ctx, const struct hd_pod *pod)
{
	size_t i;

	if (pod->windows || !profiles_used(ctx))
		return;
	for (i = 0; i < pod->nctrs; i++) {
		const struct hd_container *c = &pod->ctrs[i];
		struct hd_fref r = { "image-unknown", "image", pod->label, c->name };
		const struct yn *img = hd_get(c->node, "image");

		if (hd_ctr_privileged_kept(ctx, pod, c) || hd_ctr_image(ctx, c))
			continue;
		unknown(ctx, &r, img ? img : c->node, hd_str(img), false);
	}
}

void hd_images_check_service(struct hd_ctx *ctx, const struct hd_service *svc)
{
	struct hd_fref r = { "image-unknown", "image", svc->label, NULL };
	const struct yn *img = hd_get(svc->node, "image");

	if (!profiles_used(ctx) || hd_svc_privileged_kept(ctx, svc) || hd_svc_image(ctx, svc))
		return;
	if (!img && !hd_get(svc->node, "build"))
		return; /* an override of a service defined elsewhere */
	unknown(ctx, &r, img ? img : svc->node, hd_str(img), true);
}
