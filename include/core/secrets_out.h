/* secrets_out.h - collect moved secret values and write them (--secrets-out) */
#ifndef HD_SECRETS_OUT_H
#define HD_SECRETS_OUT_H

#include <stdio.h>

#include "harden.h"
#include "util.h"

struct hd_kept_secret {
	/* @value: as the manifest holds it (YAML-cooked; for Compose, before
	 * interpolation: the writer keeps what Compose made of it) */
	char *store, *ns, *key, *value;
	char *file; /* the manifest it comes from (messages) */
	bool compose, envfile;
};

struct hd_secret_store {
	struct hd_kept_secret *v;
	size_t n, cap;
};

/* Copy @ctx's secrets (they live in its arena) into @st. */
void hd_secrets_keep(struct hd_secret_store *st, const struct hd_ctx *ctx);
/*
 * hd_secrets_take() - move the secrets of one file (@add) into the run's
 * store @st, in input order.  Where @add gives a key of @st (the same
 * Kubernetes Secret key, Compose secret file or harden.env variable) another
 * value, or names one that cannot be written, nothing moves: -1 with why
 * in @why (names only), and that file must stay as it is.  The same value
 * twice is kept once.
 */
int hd_secrets_take(struct hd_secret_store *st, struct hd_secret_store *add, char *why,
		    size_t whylen);
/*
 * Write the kept secrets: Kubernetes ones as Secret manifests into the
 * file @path, Compose ones as one file per secret in the directory
 * "@path" (or its .d sibling when @path also receives Kubernetes ones),
 * and Compose interpolated values into harden.env there, in the env-file
 * syntax Compose reads back exactly (hd_envfile_line()).
 * All or nothing: files are created 0600 with O_EXCL, and if one cannot
 * be, those created are removed; a file already there with the very
 * content it would get is left as it is (so a rerun, or -i after a
 * preview, goes through), any other refuses the whole write.  An existing
 * directory must be the user's own, not a symbolic link, and writable by
 * nobody else.  What was written, and what to do with it, is said on
 * @notes (NULL: nothing).  Messages never contain values.  0 or -1
 * (message printed).
 */
int hd_secrets_write(const struct hd_secret_store *st, const char *path, FILE *notes);
/*
 * hd_secrets_compose_dir() - the directory Compose secret files and
 * harden.env go to for --secrets-out @path (malloc'd): @path itself, or
 * @path.d when @path names a manifest (.yaml, .yml, .json).  It depends on
 * @path alone, so the `file:` a Compose file gets is where its value is,
 * whatever other files the run has.  A run with Kubernetes values too
 * writes their manifest to @path when it names a manifest, else to
 * @path/secrets.yaml.
 */
char *hd_secrets_compose_dir(const char *path);
void hd_secrets_store_release(struct hd_secret_store *st);

/*
 * hd_envfile_line() - append "KEY=value\n" to @b such that Compose's
 * env-file reader (compose-go dotenv) gives back what Compose made of
 * @value in the Compose file (the YAML value, before interpolation):
 * single-quoted (every byte literal) when it holds no quote, backslash,
 * line break or '$', else double-quoted with \\ \" \n \r escaped and '$'
 * as it is, interpolated alike ($$ is one $, ${VAR} the variable).  -1
 * (nothing appended) when @key is no variable name ([A-Za-z_][A-Za-z0-9_]*).
 */
int hd_envfile_line(struct hd_buf *b, const char *key, const char *value);

#endif
