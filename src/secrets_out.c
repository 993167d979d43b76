/* secrets_out.c - write moved secret values, 0600 and never over a file */
#include "secrets_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "scalar.h"

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

void hd_secrets_keep(struct hd_secret_store *st, const struct hd_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nsec; i++) {
		struct hd_kept_secret *k;

		if (st->n == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 8;
			st->v = hd_xrealloc(st->v, st->cap * sizeof(*st->v));
		}
		k = &st->v[st->n++];
		k->store = dup0(ctx->sec[i].store);
		k->ns = dup0(ctx->sec[i].ns);
		k->key = dup0(ctx->sec[i].key);
		k->value = dup0(ctx->sec[i].value);
		k->compose = ctx->sec[i].compose;
		k->envfile = ctx->sec[i].envfile;
	}
}

void hd_secrets_store_release(struct hd_secret_store *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->v[i].store);
		free(st->v[i].ns);
		free(st->v[i].key);
		if (st->v[i].value) {
			memset(st->v[i].value, 0, strlen(st->v[i].value));
			free(st->v[i].value);
		}
	}
	free(st->v);
	st->v = NULL;
	st->n = st->cap = 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int create_excl(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int slot;

	if (fd < 0) {
		fprintf(stderr, "harden: error: --secrets-out: cannot create '%s': %s%s\n",
			path, strerror(errno),
			errno == EEXIST ? " (existing files are never replaced)" : "");
		return -1;
	}
	slot = hd_unlink_on_signal(path); /* ours (O_EXCL): never left half-written */
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		errno = e;
	} else if (close(fd) == 0) {
		hd_unlink_on_signal_done(slot);
		return 0;
	}
	fprintf(stderr, "harden: error: --secrets-out: cannot write '%s': %s\n",
		path, strerror(errno));
	unlink(path);
	hd_unlink_on_signal_done(slot);
	return -1;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int write_k8s(const struct hd_secret_store *st, const char *path)
{
	struct hd_buf b = HD_BUF_INIT;
	size_t i, j;
	int rc;
	bool any = false;

	for (i = 0; i < st->n; i++) {
		const struct hd_kept_secret *s = &st->v[i];
		bool first = true;

		if (s->compose)
			continue;
		for (j = 0; j < i; j++)
			if (!st->v[j].compose && same(st->v[j].store, s->store) &&
			    same(st->v[j].ns, s->ns))
				break;
		if (j < i)
			continue; /* this Secret was written with its first key */
		if (any)
			hd_buf_adds(&b, "---\n");
		any = true;
		hd_buf_printf(&b, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n",
			      s->store);
		if (s->ns) {
			hd_buf_adds(&b, "  namespace: ");
			hd_scalar_write(&b, s->ns, strlen(s->ns), YT_STR, '"');
			hd_buf_addc(&b, '\n');
		}
		hd_buf_adds(&b, "type: Opaque\nstringData:\n");
		for (j = i; j < st->n; j++) {
			const struct hd_kept_secret *t = &st->v[j];

			if (t->compose || !same(t->store, s->store) || !same(t->ns, s->ns))
				continue;
			if (!first || j != i) {
				size_t k;

				for (k = i; k < j; k++) /* first value of a key wins */
					if (!st->v[k].compose && same(st->v[k].store, s->store) &&
					    same(st->v[k].ns, s->ns) && !strcmp(st->v[k].key, t->key))
						break;
				if (k < j)
					continue;
			}
			first = false;
			hd_buf_adds(&b, "  ");
			hd_scalar_write(&b, t->key, strlen(t->key), YT_STR, '"');
			hd_buf_adds(&b, ": ");
			hd_scalar_write(&b, t->value, strlen(t->value), YT_STR, '"');
			hd_buf_addc(&b, '\n');
		}
	}
	rc = any ? create_excl(path, b.data, b.len) : 0;
	if (b.data)
		memset(b.data, 0, b.len);
	hd_buf_release(&b);
	return rc;
}

static int write_compose(const struct hd_secret_store *st, const char *dir)
{
	size_t i, j;
	char p[8400];

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "harden: error: --secrets-out: cannot create '%s': %s\n",
			dir, strerror(errno));
		return -1;
	}
	struct hd_buf env = HD_BUF_INIT;
	int rc = 0;

	for (i = 0; i < st->n; i++) {
		if (!st->v[i].compose)
			continue;
		if (st->v[i].envfile) {
			for (j = 0; j < i; j++)
				if (st->v[j].compose && st->v[j].envfile &&
				    !strcmp(st->v[j].key, st->v[i].key))
					break;
			if (j == i)
				hd_buf_printf(&env, "%s=%s\n", st->v[i].key, st->v[i].value);
			continue;
		}
		for (j = 0; j < i; j++)
			if (st->v[j].compose && !st->v[j].envfile &&
			    !strcmp(st->v[j].store, st->v[i].store))
				break;
		if (j < i)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, st->v[i].store);
		if (create_excl(p, st->v[i].value, strlen(st->v[i].value)) < 0)
			return -1;
	}
	if (env.len) {
		snprintf(p, sizeof(p), "%s/harden.env", dir);
		rc = create_excl(p, env.data, env.len);
		memset(env.data, 0, env.len);
	}
	hd_buf_release(&env);
	return rc;
}

int hd_secrets_write(const struct hd_secret_store *st, const char *path)
{
	size_t i;
	bool k8s = false, compose = false;
	char dir[4200];

	for (i = 0; i < st->n; i++) {
		if (st->v[i].compose)
			compose = true;
		else
			k8s = true;
	}
	if (k8s && write_k8s(st, path) < 0)
		return -1;
	if (compose) {
		snprintf(dir, sizeof(dir), "%s%s", path, k8s ? ".d" : "");
		if (write_compose(st, dir) < 0)
			return -1;
	}
	return 0;
}
