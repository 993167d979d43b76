/* policy.c - read .harden.yaml with the same engine, apply it to options */
#include "policy.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "images.h"
#include "model.h"
#include "secrets.h"

const char hd_policy_keys[] =
	"level: restricted | baseline\n"
	"unsafe-fixes: false\n"
	"uid: 10001\n"
	"gid: 10001\n"
	"only: [transform, ...]\n"
	"skip: [transform, ...]\n"
	"kinds: [Rollout, ...]\n"
	"limits: {cpu: 500m, memory: 512Mi, cpu-request: 100m, memory-request: 128Mi,\n"
	"         compose-memory: 512M, compose-cpus: \"0.5\", pids: 100}\n"
	"capabilities: {allow: [NET_BIND_SERVICE]}\n"
	"secrets: {name-patterns: [\"(?i)PIN$\"], file-env-images: [postgres, mysql, mariadb]}\n"
	"read-only-mounts: {patterns: [\"*.conf\", \"/etc/*\"]}\n"
	"exclude: [\"vendor/**\", \"charts/*/templates/**\"]\n"
	"images: [{name: app, match: [\"acme/app\"], user: 1000, group: 1000,\n"
	"          writable: [/var/cache/app], caps: [NET_BIND_SERVICE]}]\n";

static int perr(struct hd_err *err, const struct ystream *ys, const struct yn *at, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int perr(struct hd_err *err, const struct ystream *ys, const struct yn *at, const char *fmt,
		...)
{
	va_list ap;

	va_start(ap, fmt);
	ys_verr(err, at ? ys : NULL, at ? at->start : 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* A list of scalars (or one scalar) as a comma-separated string. */
static const char *csv(struct hd_arena *a, const struct ystream *ys, const struct yn *v,
		       struct hd_err *err, const char *what)
{
	struct hd_buf b = HD_BUF_INIT;
	const char *r;
	size_t i;

	v = yn_deref(v);
	if (v->kind == YN_SCALAR)
		return hd_arena_strdup(a, v->text);
	if (v->kind != YN_SEQ) {
		perr(err, ys, v, "'%s' must be a list", what);
		return NULL;
	}
	for (i = 0; i < v->nkids; i++) {
		const struct yn *it = yn_deref(v->kids[i]);

		if (it->kind != YN_SCALAR) {
			hd_buf_release(&b);
			perr(err, ys, it, "'%s' must be a list of strings", what);
			return NULL;
		}
		if (i)
			hd_buf_addc(&b, ',');
		hd_buf_adds(&b, it->text);
	}
	r = hd_arena_strdup(a, b.data ? b.data : "");
	hd_buf_release(&b);
	return r;
}

static int scalar(const struct ystream *ys, const struct yn *v, const char **out,
		  struct hd_arena *a, struct hd_err *err, const char *what)
{
	v = yn_deref(v);
	if (v->kind != YN_SCALAR)
		return perr(err, ys, v, "'%s' must be a scalar", what);
	*out = hd_arena_strdup(a, v->text);
	return 0;
}

static int number(const struct ystream *ys, const struct yn *v, long *out, struct hd_err *err,
		  const char *what)
{
	long long x;

	if (!hd_int(v, &x) || x <= 0 || x > INT_MAX)
		return perr(err, ys, v, "'%s' must be a positive number", what);
	*out = (long)x;
	return 0;
}

static int check_transforms(const struct ystream *ys, const struct yn *v, const char *list,
			    struct hd_err *err)
{
	const char *p = list;
	char name[128];

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		snprintf(name, sizeof(name), "%.*s", (int)l, p);
		if (!hd_transform_find(name)) {
			char msg[300];

			hd_unknown_transform(msg, sizeof(msg), name);
			return perr(err, ys, v, "%s", msg);
		}
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* Keys of a sub-map; each handler gets (key, value). */
static int submap(const struct ystream *ys, const struct yn *m, const char *what,
		  const char *const *keys, const struct yn **vals, struct hd_err *err)
{
	size_t i, k;

	m = yn_deref(m);
	if (m->kind != YN_MAP)
		return perr(err, ys, m, "'%s' must be a mapping", what);
	for (i = 0; i + 1 < m->nkids; i += 2) {
		const struct yn *key = m->kids[i];

		for (k = 0; keys[k]; k++)
			if (yn_is_scalar(key, keys[k]))
				break;
		if (!keys[k])
			return perr(err, ys, key, "unknown key '%s.%s' in policy file", what,
				    key->kind == YN_SCALAR ? key->text : "?");
		vals[k] = m->kids[i + 1];
	}
	return 0;
}

/*
 * Long (about 180 lines) on purpose: one branch per top-level key of
 * .harden.yaml, each a few lines that read the value into @o with the same
 * error handling; a table of handlers would hide the key's checks behind
 * function pointers for no reuse.
 */
static int load(const char *file, const struct hd_cli *cli, struct hd_opts *o, struct hd_arena *a,
		struct hd_err *err)
{
	static const char *const top[] = { "level",
					   "unsafe-fixes",
					   "uid",
					   "gid",
					   "only",
					   "skip",
					   "kinds",
					   "limits",
					   "capabilities",
					   "secrets",
					   "read-only-mounts",
					   "exclude",
					   "images",
					   NULL };
	struct hd_arena pa;
	struct ystream ys;
	char *buf;
	size_t len, i, k;
	const struct yn *root;
	int rc = -1;

	if (hd_read_file(file, &buf, &len) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot read policy file");
		err->line = err->col = 0;
		return -1;
	}
	hd_arena_init(&pa);
	if (ys_parse(&ys, file, buf, len, &pa, err) < 0)
		goto out;
	if (ys.ndocs == 0 || !ys.docs[0].root) {
		rc = 0;
		goto out;
	}
	root = ys.docs[0].root;
	if (ys.ndocs > 1 || root->kind != YN_MAP) {
		perr(err, &ys, root, "the policy file must be one mapping");
		goto out;
	}
	for (i = 0; i + 1 < root->nkids; i += 2) {
		const struct yn *key = root->kids[i], *v = root->kids[i + 1];
		const char *s = NULL;

		for (k = 0; top[k]; k++)
			if (yn_is_scalar(key, top[k]))
				break;
		if (!top[k]) {
			perr(err, &ys, key,
			     "unknown key '%s' in policy file (known: level, "
			     "unsafe-fixes, uid, gid, only, skip, kinds, limits, capabilities, "
			     "secrets, read-only-mounts, exclude, images)",
			     key->kind == YN_SCALAR ? key->text : "?");
			goto out;
		}
		switch (k) {
		case 0:
			if (scalar(&ys, v, &s, a, err, "level") < 0)
				goto out;
			if (strcmp(s, "restricted") && strcmp(s, "baseline")) {
				perr(err, &ys, v, "level must be restricted or baseline");
				goto out;
			}
			if (!(cli->set & HD_SET_LEVEL))
				o->level = !strcmp(s, "baseline") ? HD_LEVEL_BASELINE
								  : HD_LEVEL_RESTRICTED;
			break;
		case 1:
			if (!hd_true(v) && !hd_false(v)) {
				perr(err, &ys, v, "unsafe-fixes must be true or false");
				goto out;
			}
			if (!(cli->set & HD_SET_UNSAFE))
				o->unsafe_fixes = hd_true(v);
			break;
		case 2:
		case 3: {
			long n = 0;

			if (number(&ys, v, &n, err, top[k]) < 0)
				goto out;
			if (k == 2 && !(cli->set & HD_SET_UID))
				o->uid = n;
			if (k == 3 && !(cli->set & HD_SET_GID))
				o->gid = n;
			break;
		}
		case 4:
		case 5:
		case 6:
			if (!(s = csv(a, &ys, v, err, top[k])))
				goto out;
			if (k != 6 && check_transforms(&ys, v, s, err) < 0)
				goto out;
			if (k == 4 && !(cli->set & HD_SET_ONLY))
				o->only = s;
			if (k == 5 && !(cli->set & HD_SET_SKIP))
				o->skip = s;
			if (k == 6 && !(cli->set & HD_SET_KINDS))
				o->kinds = s;
			break;
		case 7: {
			static const char *const lk[] = { "cpu",
							  "memory",
							  "cpu-request",
							  "memory-request",
							  "compose-memory",
							  "compose-cpus",
							  "pids",
							  NULL };
			const struct yn *lv[8] = { 0 };
			const char **dst[] = { &o->cpu_limit,	&o->mem_limit,	 &o->cpu_request,
					       &o->mem_request, &o->compose_mem, &o->compose_cpus };
			size_t j;

			if (submap(&ys, v, "limits", lk, lv, err) < 0)
				goto out;
			for (j = 0; j < 6; j++)
				if (lv[j] && scalar(&ys, lv[j], dst[j], a, err, lk[j]) < 0)
					goto out;
			if (lv[6] && number(&ys, lv[6], &o->pids_limit, err, "limits.pids") < 0)
				goto out;
			break;
		}
		case 8: {
			static const char *const ck[] = { "allow", NULL };
			const struct yn *cv[2] = { 0 };

			if (submap(&ys, v, "capabilities", ck, cv, err) < 0)
				goto out;
			if (cv[0] &&
			    !(o->cap_allow = csv(a, &ys, cv[0], err, "capabilities.allow")))
				goto out;
			break;
		}
		case 9: {
			static const char *const sk[] = { "name-patterns", "file-env-images",
							  NULL };
			const struct yn *sv[3] = { 0 };

			if (submap(&ys, v, "secrets", sk, sv, err) < 0)
				goto out;
			if (sv[0]) {
				struct hd_buf b = HD_BUF_INIT;
				const struct yn *seq = yn_deref(sv[0]);

				for (k = 0; seq->kind == YN_SEQ && k < seq->nkids; k++) {
					const char *pat = hd_str(seq->kids[k]);

					if (!pat || hd_secrets_check_pattern(pat) < 0) {
						hd_buf_release(&b);
						perr(err, &ys, seq->kids[k],
						     "invalid pattern in "
						     "secrets.name-patterns");
						goto out;
					}
					hd_buf_printf(&b, "%s(?:%s)", k ? "|" : "", pat);
				}
				if (seq->kind != YN_SEQ) {
					perr(err, &ys, seq, "secrets.name-patterns must be a list");
					goto out;
				}
				o->secret_names = hd_arena_strdup(a, b.data ? b.data : "");
				hd_buf_release(&b);
			}
			if (sv[1] && !(o->file_env_images =
					       csv(a, &ys, sv[1], err, "secrets.file-env-images")))
				goto out;
			break;
		}
		case 10: {
			static const char *const rk[] = { "patterns", NULL };
			const struct yn *rv[2] = { 0 };

			if (submap(&ys, v, "read-only-mounts", rk, rv, err) < 0)
				goto out;
			if (rv[0] && !(o->ro_patterns = csv(a, &ys, rv[0], err,
							    "read-only-mounts.patterns")))
				goto out;
			break;
		}
		case 11:
			if (!(o->exclude = csv(a, &ys, v, err, "exclude")))
				goto out;
			break;
		case 12: {
			/* profiles of this repository's images, before the shipped ones */
			struct hd_images *im = hd_arena_alloc(a, sizeof(*im));

			if (hd_images_parse(&ys, v, a, im, err) < 0)
				goto out;
			o->images = im;
			break;
		}
		}
	}
	o->policy = hd_arena_strdup(a, file);
	rc = 0;
out:
	hd_arena_free(&pa);
	free(buf);
	return rc;
}

/*
 * Nearest .harden.yaml/.yml above @path.  Directories are walked lexically
 * (from the working directory for relative paths) and every answer is
 * remembered per thread, so a tree of 5,000 files costs a few stats per
 * directory, not per file.
 */
struct pcache_ent {
	char *dir;
	char *found; /* NULL: none above */
};

#define PCACHE 512
static _Thread_local struct pcache_ent pcache[PCACHE];
static _Thread_local char pcwd[PATH_MAX];

static unsigned phash(const char *s)
{
	return hd_hash(s, strlen(s)) % PCACHE;
}

/* Lexically normalised absolute directory of @path, in @out. */
static void abs_dir(const char *path, char *out, size_t n)
{
	char tmp[PATH_MAX * 2];
	const char *slash;
	char *parts[PATH_MAX / 2];
	size_t np = 0, i, o = 0;
	char *tok, *save = NULL;

	if (!pcwd[0] && !getcwd(pcwd, sizeof(pcwd)))
		memcpy(pcwd, "/", 2);
	if (!strcmp(path, "-")) {
		snprintf(out, n, "%s", pcwd);
		return;
	}
	slash = strrchr(path, '/');
	if (path[0] == '/')
		snprintf(tmp, sizeof(tmp), "%.*s", slash ? (int)(slash - path) : 0, path);
	else
		snprintf(tmp, sizeof(tmp), "%s/%.*s", pcwd, slash ? (int)(slash - path) : 0, path);
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, ".") || !*tok)
			continue;
		if (!strcmp(tok, "..")) {
			if (np)
				np--;
			continue;
		}
		if (np < sizeof(parts) / sizeof(parts[0]))
			parts[np++] = tok;
	}
	for (i = 0; i < np; i++) {
		size_t l = strlen(parts[i]);

		if (o + 1 + l >= n)
			break;
		out[o++] = '/';
		memcpy(out + o, parts[i], l);
		o += l;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
}

static const char *lookup_dir(const char *dir)
{
	unsigned h = phash(dir);
	struct pcache_ent *e = &pcache[h];
	char cand[PATH_MAX + 32], parent[PATH_MAX];
	const char *found = NULL;
	struct stat st;
	size_t i;

	if (e->dir && !strcmp(e->dir, dir))
		return e->found;
	for (i = 0; hd_policy_names[i]; i++) {
		snprintf(cand, sizeof(cand), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
			 hd_policy_names[i]);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			found = cand;
			break;
		}
	}
	if (!found && strcmp(dir, "/")) {
		char *slash;

		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		*(slash == parent ? slash + 1 : slash) = '\0';
		found = lookup_dir(parent);
		e = &pcache[h]; /* (the recursion may have reused the slot) */
	}
	free(e->dir);
	free(e->found);
	e->dir = strdup(dir);
	e->found = found ? strdup(found) : NULL;
	return e->found;
}

static const char *find_policy(const char *path, bool none_in_dir, char *out, size_t n)
{
	char dir[PATH_MAX];
	const char *f;

	abs_dir(path, dir, sizeof(dir));
	if (none_in_dir && strcmp(dir, "/")) {
		char *slash = strrchr(dir, '/');

		*(slash == dir ? slash + 1 : slash) = '\0';
	}
	f = lookup_dir(dir);
	if (!f)
		return NULL;
	snprintf(out, n, "%s", f);
	return out;
}

void hd_policy_cache_free(void)
{
	size_t i;

	for (i = 0; i < PCACHE; i++) {
		free(pcache[i].dir);
		free(pcache[i].found);
		pcache[i].dir = pcache[i].found = NULL;
	}
}

int hd_policy_apply(const struct hd_cli *cli, const char *path, bool none_in_dir, struct hd_opts *o,
		    struct hd_arena *a, struct hd_err *err, const char **errpath)
{
	char found[PATH_MAX + 32];
	const char *file = cli->config;

	memset(err, 0, sizeof(*err));
	if (!file)
		file = find_policy(path, none_in_dir, found, sizeof(found));
	if (!file)
		return 0;
	if (load(file, cli, o, a, err) < 0) {
		*errpath = hd_arena_strdup(a, file);
		return -1;
	}
	return 0;
}

bool hd_policy_excluded(const struct hd_opts *o, const char *path)
{
	return o->exclude && hd_glob_any(o->exclude, path);
}
