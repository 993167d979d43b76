/* secrets_out.h - collect moved secret values and write them (--secrets-out) */
#ifndef HD_SECRETS_OUT_H
#define HD_SECRETS_OUT_H

#include "harden.h"

struct hd_kept_secret {
	char *store, *ns, *key, *value;
	bool compose, envfile;
};

struct hd_secret_store {
	struct hd_kept_secret *v;
	size_t n, cap;
};

/* Copy @ctx's secrets (they live in its arena) into @st. */
void hd_secrets_keep(struct hd_secret_store *st, const struct hd_ctx *ctx);
/*
 * Write the kept secrets: Kubernetes ones as Secret manifests into the
 * file @path, Compose ones as one file per secret in the directory
 * "@path" (or its .d sibling when @path also receives Kubernetes ones),
 * and Compose interpolated values as KEY=value lines in harden.env there.
 * Files are created 0600 with O_EXCL: an existing file is never replaced.
 * Messages never contain values.  Returns 0 or -1 (message printed).
 */
int hd_secrets_write(const struct hd_secret_store *st, const char *path);
void hd_secrets_store_release(struct hd_secret_store *st);

#endif
