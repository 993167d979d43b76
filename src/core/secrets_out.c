/* secrets_out.c - write moved secret values: all or nothing, 0600, never over another file */
#include "secrets_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "scalar.h"

static char *dup0(const char *s)
{
	return s ? hd_xstrdup(s) : NULL;
}

void hd_secrets_keep(struct hd_secret_store *st, const struct hd_ctx *ctx)
{
	const struct hd_input *in = &ctx->job->in;
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
		k->file = dup0(in->is_stdin ? "<stdin>" : in->path);
		k->compose = ctx->sec[i].compose;
		k->envfile = ctx->sec[i].envfile;
	}
}

static void clear_secret(struct hd_kept_secret *k)
{
	free(k->store);
	free(k->ns);
	free(k->key);
	free(k->file);
	if (k->value) {
		memset(k->value, 0, strlen(k->value));
		free(k->value);
	}
	memset(k, 0, sizeof(*k));
}

void hd_secrets_store_release(struct hd_secret_store *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		clear_secret(&st->v[i]);
	free(st->v);
	st->v = NULL;
	st->n = st->cap = 0;
}

/* ---- one value per key across the run ---------------------------------- */

enum slot_kind {
	SK_K8S,
	SK_FILE,
	SK_ENV
};

static enum slot_kind kind_of(const struct hd_kept_secret *k)
{
	return !k->compose ? SK_K8S : k->envfile ? SK_ENV : SK_FILE;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Do @a and @b go to the same place (Secret key, file, variable)? */
static bool same_slot(const struct hd_kept_secret *a, const struct hd_kept_secret *b)
{
	if (kind_of(a) != kind_of(b))
		return false;
	switch (kind_of(a)) {
	case SK_K8S:
		return same(a->store, b->store) && same(a->ns, b->ns) && same(a->key, b->key);
	case SK_FILE:
		return same(a->store, b->store);
	default:
		return same(a->key, b->key);
	}
}

static bool alpha_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* A name Compose interpolates (${NAME}) and reads from an env file. */
static bool env_name(const char *s)
{
	size_t i;

	if (!s || !alpha_(s[0]))
		return false;
	for (i = 1; s[i]; i++)
		if (!alpha_(s[i]) && !(s[i] >= '0' && s[i] <= '9'))
			return false;
	return true;
}

static bool file_name_ok(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..") &&
	       strcmp(s, "harden.env");
}

/*
 * A Compose secret file gets what the container saw: the value after
 * Compose's interpolation, where $$ is one $.  A reference to a variable
 * ($VAR, ${VAR}) has no value before deploy time: false.
 */
static bool compose_file_value(const char *v, struct hd_buf *b)
{
	for (; *v; v++) {
		if (*v == '$' && v[1] == '$') {
			v++;
		} else if (*v == '$' && (v[1] == '{' || alpha_(v[1]))) {
			return false;
		}
		if (b)
			hd_buf_addc(b, *v);
	}
	return true;
}

static void describe(char *buf, size_t n, const struct hd_kept_secret *k)
{
	switch (kind_of(k)) {
	case SK_K8S:
		snprintf(buf, n, "Secret '%s'%s%s%s key '%s'", k->store,
			 k->ns ? " in namespace '" : "", k->ns ? k->ns : "", k->ns ? "'" : "",
			 k->key);
		break;
	case SK_FILE:
		snprintf(buf, n, "Compose secret file '%s'", k->store);
		break;
	default:
		snprintf(buf, n, "harden.env variable '%s'", k->key);
		break;
	}
}

/* Why @a cannot join @st (or the @na entries of its own file before it). */
static bool refuse(const struct hd_secret_store *st, const struct hd_kept_secret *own, size_t na,
		   const struct hd_kept_secret *a, char *why, size_t whylen)
{
	const struct hd_kept_secret *clash = NULL;
	char what[400];
	size_t j;
	bool here = false;

	describe(what, sizeof(what), a);
	if ((kind_of(a) == SK_ENV && !env_name(a->key)) ||
	    (kind_of(a) == SK_FILE && !file_name_ok(a->store))) {
		snprintf(why, whylen, "not changed: --secrets-out cannot write %s (%s)", what,
			 kind_of(a) == SK_ENV ? "not a variable name an env file can hold"
					      : "not a file name");
		return true;
	}
	if (kind_of(a) == SK_FILE && !compose_file_value(a->value, NULL)) {
		snprintf(why, whylen,
			 "not changed: the value for %s refers to a variable "
			 "(${...}) that Compose resolves at deploy time; a file cannot",
			 what);
		return true;
	}
	for (j = 0; j < st->n && !clash; j++)
		if (same_slot(&st->v[j], a) && strcmp(st->v[j].value, a->value))
			clash = &st->v[j];
	for (j = 0; j < na && !clash; j++)
		if (same_slot(&own[j], a) && strcmp(own[j].value, a->value))
			clash = &own[j], here = true;
	if (!clash)
		return false;
	snprintf(why, whylen,
		 "not changed: %s would get another value than the one %s%s%s "
		 "moves there (one --secrets-out holds one value per key); harden this file "
		 "with another --secrets-out",
		 what, here ? "" : "'", here ? "this file also" : clash->file, here ? "" : "'");
	return true;
}

int hd_secrets_take(struct hd_secret_store *st, struct hd_secret_store *add, char *why,
		    size_t whylen)
{
	size_t i, j;

	for (i = 0; i < add->n; i++)
		if (refuse(st, add->v, i, &add->v[i], why, whylen))
			return -1;
	for (i = 0; i < add->n; i++) {
		for (j = 0; j < st->n; j++)
			if (same_slot(&st->v[j], &add->v[i]))
				break;
		if (j < st->n) { /* the same value again: written once */
			clear_secret(&add->v[i]);
			continue;
		}
		if (st->n == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 8;
			st->v = hd_xrealloc(st->v, st->cap * sizeof(*st->v));
		}
		st->v[st->n++] = add->v[i];
	}
	free(add->v);
	add->v = NULL;
	add->n = add->cap = 0;
	return 0;
}

/* ---- the env file -------------------------------------------------------- */

int hd_envfile_line(struct hd_buf *b, const char *key, const char *value)
{
	const char *p;

	if (!env_name(key))
		return -1;
	hd_buf_adds(b, key);
	hd_buf_addc(b, '=');
	if (!strpbrk(value, "'\\\n\r$")) {
		/* single quotes: every byte as it is (blanks, '#' and '"'
		 * are kept; nothing is expanded) */
		hd_buf_addc(b, '\'');
		hd_buf_adds(b, value);
		hd_buf_adds(b, "'\n");
		return 0;
	}
	/* double quotes: compose-go drops the '\' of \" and expands \\ \n
	 * \r (and others we never write), then interpolates the result as
	 * it interpolates the Compose file: $ stays as it is there */
	hd_buf_addc(b, '"');
	for (p = value; *p; p++) {
		switch (*p) {
		case '\\':
			hd_buf_adds(b, "\\\\");
			break;
		case '"':
			hd_buf_adds(b, "\\\"");
			break;
		case '\n':
			hd_buf_adds(b, "\\n");
			break;
		case '\r':
			hd_buf_adds(b, "\\r");
			break;
		default:
			hd_buf_addc(b, *p);
		}
	}
	hd_buf_adds(b, "\"\n");
	return 0;
}

/* ---- writing: plan every file, check them all, then create them all ---- */

struct target {
	int dfd;    /* its directory, or AT_FDCWD */
	char *name; /* in @dfd */
	char *path; /* for messages (and the signal handler) */
	struct hd_buf data;
	bool present; /* already there with this very content */
	bool created;
	int slot;
};

struct plan {
	struct target *t;
	size_t n, cap;
	int dfd; /* the Compose directory, or -1 */
	char *dir;
	bool made_dir;
};

static struct target *add_target(struct plan *pl, int dfd, const char *dir, const char *name)
{
	struct target *t;

	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 8;
		pl->t = hd_xrealloc(pl->t, pl->cap * sizeof(*pl->t));
	}
	t = &pl->t[pl->n++];
	memset(t, 0, sizeof(*t));
	t->dfd = dfd;
	t->name = hd_xstrdup(name);
	if (dir) {
		size_t len = strlen(dir) + strlen(name) + 2;

		t->path = hd_xmalloc(len);
		snprintf(t->path, len, "%s/%s", dir, name);
	} else {
		t->path = hd_xstrdup(name);
	}
	t->slot = -1;
	return t;
}

static void plan_release(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		if (pl->t[i].data.data)
			memset(pl->t[i].data.data, 0, pl->t[i].data.len);
		hd_buf_release(&pl->t[i].data);
		free(pl->t[i].name);
		free(pl->t[i].path);
	}
	free(pl->t);
	if (pl->dfd >= 0)
		close(pl->dfd);
	free(pl->dir);
}

/* Kubernetes Secret manifests, one per Secret, its keys in input order. */
static void build_k8s(const struct hd_secret_store *st, struct hd_buf *b)
{
	size_t i, j;

	for (i = 0; i < st->n; i++) {
		const struct hd_kept_secret *s = &st->v[i];

		if (s->compose)
			continue;
		for (j = 0; j < i; j++)
			if (!st->v[j].compose && same(st->v[j].store, s->store) &&
			    same(st->v[j].ns, s->ns))
				break;
		if (j < i)
			continue; /* this Secret was written with its first key */
		if (b->len)
			hd_buf_adds(b, "---\n");
		hd_buf_printf(b, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n", s->store);
		if (s->ns) {
			hd_buf_adds(b, "  namespace: ");
			hd_scalar_write(b, s->ns, strlen(s->ns), YT_STR, '"');
			hd_buf_addc(b, '\n');
		}
		hd_buf_adds(b, "type: Opaque\nstringData:\n");
		for (j = i; j < st->n; j++) {
			const struct hd_kept_secret *t = &st->v[j];

			if (t->compose || !same(t->store, s->store) || !same(t->ns, s->ns))
				continue;
			hd_buf_adds(b, "  ");
			hd_scalar_write(b, t->key, strlen(t->key), YT_STR, '"');
			hd_buf_adds(b, ": ");
			hd_scalar_write(b, t->value, strlen(t->value), YT_STR, '"');
			hd_buf_addc(b, '\n');
		}
	}
}

/*
 * The Compose directory: created 0700, or an existing one that is no
 * symbolic link, is the user's (or root's) and that nobody else may write
 * to (as ssh wants of ~/.ssh): else another user could read or swap the
 * files.  An open descriptor (the files are created relative to it, so
 * the checked directory is the one used), or -1.
 */
static int open_dir(struct plan *pl, const char *dir)
{
	struct stat st;
	const char *why = NULL;
	int fd;

	if (mkdir(dir, 0700) == 0)
		pl->made_dir = true;
	else if (errno != EEXIST)
		why = strerror(errno);
	if (!why && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		why = "it is a symbolic link; give the directory itself";
	fd = why ? -1 : open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!why && fd < 0)
		why = strerror(errno);
	if (!why && fstat(fd, &st) < 0)
		why = strerror(errno);
	if (!why && st.st_uid != geteuid() && st.st_uid != 0)
		why = "it belongs to another user";
	if (!why && (st.st_mode & 022))
		why = "others may write to it (chmod go-w it, or give another directory)";
	if (!why) {
		pl->dfd = fd;
		pl->dir = hd_xstrdup(dir);
		return 0;
	}
	fprintf(stderr,
		"harden: error: --secrets-out: cannot use the directory '%s': %s; "
		"nothing was written\n",
		dir, why);
	if (fd >= 0)
		close(fd);
	if (pl->made_dir)
		rmdir(dir);
	pl->made_dir = false;
	return -1;
}

/* Does the open file @fd hold exactly @b? */
static bool holds(int fd, const struct hd_buf *b)
{
	char buf[4096];
	size_t off = 0;
	ssize_t n;
	bool eq = true;

	while (eq && (n = read(fd, buf, sizeof(buf))) > 0) {
		eq = off + (size_t)n <= b->len && !memcmp(buf, b->data + off, (size_t)n);
		off += (size_t)n;
	}
	memset(buf, 0, sizeof(buf));
	return eq && off == b->len;
}

/* A target already there: the same content is fine, anything else is not. */
static int check_target(struct target *t)
{
	int fd = openat(t->dfd, t->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	const char *why = NULL;
	struct stat st;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		why = errno == ELOOP ? "is a symbolic link" : strerror(errno);
	else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		why = "is not a regular file";
	else if (st.st_uid != geteuid())
		why = "belongs to another user";
	else if (st.st_mode & 077)
		why = "may be read by others";
	else if (!holds(fd, &t->data))
		why = "holds other values";
	if (fd >= 0)
		close(fd);
	if (!why) {
		t->present = true;
		return 0;
	}
	fprintf(stderr,
		"harden: error: --secrets-out: '%s' exists and %s (existing files are "
		"never replaced); nothing was written and no file that held the values was "
		"changed: give --secrets-out another path (or move that file away), and rerun\n",
		t->path, why);
	return -1;
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

static int create_one(struct target *t)
{
	int fd =
		openat(t->dfd, t->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int e;

	if (fd < 0)
		return -1;
	t->created = true;
	t->slot = hd_unlink_on_signal(t->path); /* ours (O_EXCL) */
	if (write_all(fd, t->data.data ? t->data.data : "", t->data.len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/*
 * Create every target not there yet.  They stay on the signal handler's
 * list until all are written, so that a kill midway, like a failure,
 * leaves none of them.
 */
static int create_all(struct plan *pl)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < pl->n && rc == 0; i++) {
		if (pl->t[i].present || create_one(&pl->t[i]) == 0)
			continue;
		fprintf(stderr,
			"harden: error: --secrets-out: cannot write '%s': %s; nothing was "
			"written and no file that held the values was changed\n",
			pl->t[i].path, strerror(errno));
		rc = -1;
		for (j = 0; j <= i; j++)
			if (pl->t[j].created)
				unlinkat(pl->t[j].dfd, pl->t[j].name, 0);
		if (pl->made_dir)
			rmdir(pl->dir);
	}
	if (rc == 0 && pl->dfd >= 0)
		fsync(pl->dfd);
	for (i = 0; i < pl->n; i++)
		hd_unlink_on_signal_done(pl->t[i].slot);
	return rc;
}

/* ---- what was written, and what to do with it --------------------------- */

static const char *verb(const struct target *t)
{
	return t->present ? "kept (already there)" : "wrote";
}

static void note_k8s(FILE *fp, const struct hd_secret_store *st, const struct target *t)
{
	size_t i, j, n = 0;

	fprintf(fp, "harden: note: --secrets-out: %s '%s' (mode 0600) with Secret", verb(t),
		t->path);
	for (i = 0; i < st->n; i++) {
		if (st->v[i].compose)
			continue;
		for (j = 0; j < i; j++)
			if (!st->v[j].compose && same(st->v[j].store, st->v[i].store) &&
			    same(st->v[j].ns, st->v[i].ns))
				break;
		if (j == i)
			fprintf(fp, "%s %s%s%s", n++ ? "," : "", st->v[i].ns ? st->v[i].ns : "",
				st->v[i].ns ? "/" : "", st->v[i].store);
	}
	fprintf(fp,
		": create them before the workloads that read them "
		"(kubectl apply -f '%s')\n",
		t->path);
}

static void notes(FILE *fp, const struct hd_secret_store *st, const struct plan *pl)
{
	size_t i, nfile = 0, kept = 0;

	for (i = 0; i < pl->n; i++) {
		const struct target *t = &pl->t[i];

		if (t->dfd == AT_FDCWD)
			note_k8s(fp, st, t);
		else if (strcmp(t->name, "harden.env"))
			nfile++, kept += t->present;
	}
	if (nfile)
		fprintf(fp,
			"harden: note: --secrets-out: %zu secret file(s) in '%s' "
			"(mode 0600; %zu written, %zu already there): hardened Compose files "
			"read them (secrets: NAME: file:), Dockerfile builds take them with "
			"--secret id=NAME,src=FILE\n",
			nfile, pl->dir, nfile - kept, kept);
	for (i = 0; i < pl->n; i++) {
		const struct target *t = &pl->t[i];

		if (t->dfd == AT_FDCWD || strcmp(t->name, "harden.env"))
			continue;
		fprintf(fp,
			"harden: note: --secrets-out: %s '%s' (mode 0600) with the values of "
			"the ${VAR} references harden wrote: Compose reads it only when told: "
			"docker compose --env-file '%s' up (Compose then reads no .env by itself: "
			"add --env-file .env first if you use one)\n",
			verb(t), t->path, t->path);
	}
}

static bool names_manifest(const char *path)
{
	static const char *const ext[] = { ".yaml", ".yml", ".json" };
	size_t l = strlen(path), i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);

		if (l > e && !strcmp(path + l - e, ext[i]))
			return true;
	}
	return false;
}

char *hd_secrets_compose_dir(const char *path)
{
	size_t len = strlen(path) + 3;
	char *dir = hd_xmalloc(len);

	snprintf(dir, len, "%s%s", path, names_manifest(path) ? ".d" : "");
	return dir;
}

int hd_secrets_write(const struct hd_secret_store *st, const char *path, FILE *nfp)
{
	struct plan pl;
	struct hd_buf env = HD_BUF_INIT;
	bool k8s = false, compose = false;
	size_t i;
	int rc = -1;

	memset(&pl, 0, sizeof(pl));
	pl.dfd = -1;
	for (i = 0; i < st->n; i++) {
		if (st->v[i].compose)
			compose = true;
		else
			k8s = true;
	}
	if (compose) {
		char *dir = hd_secrets_compose_dir(path);

		rc = open_dir(&pl, dir);
		free(dir);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	if (k8s && compose && !names_manifest(path))
		build_k8s(st, &add_target(&pl, pl.dfd, pl.dir, "secrets.yaml")->data);
	else if (k8s)
		build_k8s(st, &add_target(&pl, AT_FDCWD, NULL, path)->data);
	for (i = 0; compose && i < st->n; i++) {
		const struct hd_kept_secret *s = &st->v[i];

		if (s->compose && s->envfile)
			hd_envfile_line(&env, s->key, s->value); /* checked by _take() */
		else if (s->compose)
			compose_file_value(s->value,
					   &add_target(&pl, pl.dfd, pl.dir, s->store)->data);
	}
	if (env.len) {
		add_target(&pl, pl.dfd, pl.dir, "harden.env")->data = env;
		memset(&env, 0, sizeof(env));
	}
	for (i = 0; i < pl.n; i++)
		if (check_target(&pl.t[i]) < 0)
			break;
	if (i < pl.n) {
		if (pl.made_dir)
			rmdir(pl.dir);
		goto out;
	}
	if (create_all(&pl) < 0)
		goto out;
	if (nfp)
		notes(nfp, st, &pl);
	rc = 0;
out:
	plan_release(&pl);
	return rc;
}
