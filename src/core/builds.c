/* builds.c - the Dockerfiles that Compose files build */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockerfile.h"
#include "files.h"
#include "util.h"
#include "ytree.h"

/* Is @path named like a Compose file (or one of the -f files)? */
static bool compose_name(const char *path, const char *const *compose, size_t ncompose)
{
	const char *b = strrchr(path, '/');
	size_t i, n;

	for (i = 0; i < ncompose; i++)
		if (!strcmp(compose[i], path))
			return true;
	b = b ? b + 1 : path;
	n = strlen(b);
	if (!(n > 4 && !strcmp(b + n - 4, ".yml")) && !(n > 5 && !strcmp(b + n - 5, ".yaml")))
		return false;
	return !strncmp(b, "compose", 7) || !strncmp(b, "docker-compose", 14) ||
	       strstr(b, ".compose.") != NULL;
}

static bool listed(const struct hd_files *fl, const char *real)
{
	char r[PATH_MAX];
	size_t i;

	for (i = 0; i < fl->n; i++)
		if (realpath(fl->v[i].path, r) && !strcmp(r, real))
			return true;
	return false;
}

static const char *text_of(const struct yn *map, const char *key)
{
	const struct yn *v = map ? yn_map_get(map, key) : NULL;

	v = v ? yn_deref(v) : NULL;
	return v && v->kind == YN_SCALAR ? v->text : NULL;
}

/* The Dockerfile of service @svc of Compose file @path, or false. */
static bool build_path(const char *path, const struct yn *svc, char *out, size_t n)
{
	const struct yn *b = yn_map_get(svc, "build");
	const char *ctx = ".", *df = "Dockerfile", *slash = strrchr(path, '/');
	int dl = slash ? (int)(slash - path) : 1;
	const char *dir = slash ? path : ".";

	if (!b)
		return false;
	b = yn_deref(b);
	if (b->kind == YN_SCALAR) {
		ctx = b->text;
	} else if (b->kind == YN_MAP) {
		if (yn_map_get(b, "dockerfile_inline"))
			return false;
		if (text_of(b, "context"))
			ctx = text_of(b, "context");
		if (text_of(b, "dockerfile"))
			df = text_of(b, "dockerfile");
	} else {
		return false;
	}
	if (strstr(ctx, "://") || !strncmp(ctx, "git@", 4) || strchr(ctx, '$') || strchr(df, '$'))
		return false;
	if (df[0] == '/')
		return snprintf(out, n, "%s", df) < (int)n;
	if (ctx[0] == '/')
		return snprintf(out, n, "%s/%s", ctx, df) < (int)n;
	return snprintf(out, n, "%.*s/%s/%s", dl, dir, ctx, df) < (int)n;
}

/*
 * Does the file at @path contain "build"?  Read through a small buffer, so
 * that a Compose file without one (most of them) costs no memory of its
 * size before the run reads it for real.  An unreadable file says yes: the
 * full read then fails as it should.
 */
static bool mentions_build(const char *path)
{
	char buf[16384 + 4];
	size_t keep = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return true;
	while ((n = read(fd, buf + keep, sizeof(buf) - 4)) > 0) {
		size_t have = keep + (size_t)n;

		if (memmem(buf, have, "build", 5)) {
			close(fd);
			return true;
		}
		keep = have < 4 ? have : 4; /* "buil" may end this block */
		memmove(buf, buf + have - keep, keep);
	}
	close(fd);
	return n < 0;
}

static size_t add_from(struct hd_files *fl, const char *path)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	char *buf, p[PATH_MAX + 64], real[PATH_MAX];
	size_t len, d, i, added = 0;
	struct stat st;

	if (!mentions_build(path) || hd_read_file(path, &buf, &len) < 0)
		return 0;
	hd_arena_init(&a);
	if (ys_parse(&ys, path, buf, len, &a, &err) == 0)
		for (d = 0; d < ys.ndocs; d++) {
			const struct yn *root = ys.docs[d].root, *svcs;

			root = root ? yn_deref(root) : NULL;
			svcs = root && root->kind == YN_MAP ? yn_map_get(root, "services") : NULL;
			svcs = svcs ? yn_deref(svcs) : NULL;
			if (!svcs || svcs->kind != YN_MAP)
				continue;
			for (i = 0; i + 1 < svcs->nkids; i += 2) {
				const struct yn *svc = yn_deref(svcs->kids[i + 1]);

				if (svc->kind != YN_MAP || !build_path(path, svc, p, sizeof(p)))
					continue;
				if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) ||
				    !realpath(p, real) || listed(fl, real))
					continue;
				hd_files_push(fl, p, true, false, true);
				added++;
			}
		}
	ys_close(&ys);
	hd_arena_free(&a);
	free(buf);
	return added;
}

size_t hd_files_add_builds(struct hd_files *fl, size_t from, const char *const *compose,
			   size_t ncompose)
{
	size_t i, n = fl->n, added = 0;

	for (i = from; i < n; i++)
		if (!df_is_dockerfile_name(fl->v[i].path) &&
		    compose_name(fl->v[i].path, compose, ncompose))
			added += add_from(fl, fl->v[i].path);
	return added;
}
