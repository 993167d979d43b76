/* secrets.h - secret-looking names and token-shaped values (pcre2) */
#ifndef HD_SECRETS_H
#define HD_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/*
 * Patterns compile on first use, per thread; hd_secrets_free() releases the
 * calling thread's (every worker calls it before it ends).
 */
int hd_secrets_init(const char *extra_name_pattern);
void hd_secrets_free(void);

/* 0 if @pattern compiles as pcre2, else -1. */
int hd_secrets_check_pattern(const char *pattern);
/* Use @pattern (pcre2, or NULL) as the extra secret-name pattern. */
void hd_secrets_set_extra(const char *pattern);
/*
 * Does an environment variable name look like it holds a secret?  Not one
 * that only describes a secret (*_TTL, *_ALGORITHM, *_URI, *_NAME,
 * *_KEY_ID, *_FILE, ...) or switches one (MYSQL_ALLOW_EMPTY_PASSWORD);
 * the extra pattern (hd_secrets_set_extra()) always marks a name.
 */
bool hd_secret_name(const char *name);
/*
 * Token format matched by @value ("AWS access key id", ..., "URL with
 * password" for scheme://[user]:pw@ with a literal pw), or NULL.
 */
const char *hd_secret_token(const char *value, size_t len);
/*
 * Is @value a literal (not empty, not only references such as $(VAR) for
 * Kubernetes or ${VAR} for Compose)?
 */
bool hd_secret_literal(const char *value, size_t len, bool compose);
/*
 * Is the environment entry @name (may be NULL) = @value a literal
 * credential?  The one predicate every caller uses (moving, masking,
 * reporting): decided by name and value together (a token format under
 * any name; under a secret name, a value that is not configuration such as
 * a boolean, number, duration, algorithm, path, Secret's name, URL without
 * a password or a value whose secret is a reference).  Returns what it is
 * ("GitHub token", "secret", ...) or NULL.  @compose selects Compose's
 * reference syntax (${VAR}) instead of Kubernetes' $(VAR).
 */
const char *hd_secret_credential(const char *name, const char *value, size_t len, bool compose);

#endif
