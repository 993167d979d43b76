/* secrets.c - pcre2 patterns for secret names and token formats */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "secrets.h"

#include <pcre2.h>
#include <stdio.h>
#include <string.h>

/* Same families as gitleaks/detect-secrets/polaris, and the compose oracle. */
static const char name_re[] =
	"(?i)(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|"
	"PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|"
	"CONN(ECTION)?_?STRING|DSN$)";
/* names that only point at a secret (a file path, a Secret's name) */
static const char not_name_re[] = "(?i)(_FILE|_PATH|_DIR)$";

/* Each token pattern has literal hints, one of which must occur first. */
static const struct {
	const char *what, *hints, *re;
} tokens[] = {
	{ "AWS access key id", "AKIA|ASIA|ABIA|ACCA|A3T",
	  "\\b(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\\b" },
	{ "GitHub token", "ghp_|gho_|ghu_|ghs_|ghr_|github_pat_",
	  "\\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_\\w{82})\\b" },
	{ "GitLab token", "glpat-", "\\bglpat-[\\w-]{20}\\b" },
	{ "Slack token", "xox", "\\bxox[abposr]-[0-9A-Za-z-]{10,}" },
	{ "Slack webhook", "hooks.slack.com", "hooks\\.slack\\.com/(services|workflows|triggers)/" },
	{ "private key", "PRIVATE KEY", "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY( BLOCK)?-----" },
	{ "JSON web token", ".ey", "\\bey[A-Za-z0-9_-]{17,}\\.ey[A-Za-z0-9_-]{17,}\\." },
	{ "Google API key", "AIza", "\\bAIza[\\w-]{35}\\b" },
	{ "Stripe key", "_test_|_live_|_prod_", "\\b(sk|rk)_(test|live|prod)_[0-9A-Za-z]{10,99}\\b" },
	{ "npm token", "npm_", "\\bnpm_[A-Za-z0-9]{36}\\b" },
	{ "OpenAI key", "sk-", "\\bsk-(proj|svcacct|admin)-[A-Za-z0-9_-]{20,}" },
	{ "URL with password", "://", "[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@" },
};

#define NTOK (sizeof(tokens) / sizeof(tokens[0]))

/* Compiled on first use, without JIT: subjects are a few bytes long. */
/* per thread: -j workers compile what they use, nothing is shared */
static _Thread_local pcre2_code *name_code, *not_name_code, *extra_code, *tok_code[NTOK];
static _Thread_local const char *extra_src;
static _Thread_local char *extra_own; /* our copy of the extra pattern */

static pcre2_code *compile(const char *re)
{
	int errc;
	PCRE2_SIZE erro;

	return pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
			     &errc, &erro, NULL);
}

int hd_secrets_init(const char *extra)
{
	if (extra && *extra) {
		pcre2_code *c = compile(extra);

		if (!c)
			return -1;
		pcre2_code_free(c);
		extra_src = extra;
	}
	return 0;
}

int hd_secrets_check_pattern(const char *pattern)
{
	pcre2_code *c = compile(pattern);

	if (!c)
		return -1;
	pcre2_code_free(c);
	return 0;
}

void hd_secrets_set_extra(const char *pattern)
{
	if (pattern && !*pattern)
		pattern = NULL;
	if ((!pattern && !extra_src) || (pattern && extra_src && !strcmp(pattern, extra_src)))
		return;
	pcre2_code_free(extra_code);
	extra_code = NULL;
	free(extra_own);
	extra_own = pattern ? strdup(pattern) : NULL;
	extra_src = extra_own;
}

void hd_secrets_free(void)
{
	size_t i;

	pcre2_code_free(name_code);
	pcre2_code_free(not_name_code);
	pcre2_code_free(extra_code);
	for (i = 0; i < NTOK; i++)
		pcre2_code_free(tok_code[i]);
	name_code = not_name_code = extra_code = NULL;
	memset(tok_code, 0, sizeof(tok_code));
	free(extra_own);
	extra_own = NULL;
	extra_src = NULL;
}

static bool match(pcre2_code **c, const char *re, const char *s, size_t n)
{
	pcre2_match_data *md;
	int rc;

	if (!*c && re)
		*c = compile(re);
	if (!*c)
		return false;
	md = pcre2_match_data_create_from_pattern(*c, NULL);
	rc = pcre2_match(*c, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

static bool has_hint(const char *hints, const char *s, size_t n)
{
	while (hints && *hints) {
		const char *e = strchr(hints, '|');
		size_t l = e ? (size_t)(e - hints) : strlen(hints);

		if (memmem(s, n, hints, l))
			return true;
		hints = e ? e + 1 : NULL;
	}
	return false;
}

/* Cheap test before the regex: a keyword every name pattern needs. */
static bool name_hint(const char *name, size_t n)
{
	static const char *const kw[] = { "PASS", "SECRET", "TOKEN", "KEY", "CREDENTIAL",
					  "CONN", "DSN", NULL };
	char up[128];
	size_t i, k;

	if (n >= sizeof(up))
		return true;
	for (i = 0; i < n; i++)
		up[i] = (char)((name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 : name[i]);
	for (k = 0; kw[k]; k++)
		if (memmem(up, n, kw[k], strlen(kw[k])))
			return true;
	return false;
}

bool hd_secret_name(const char *name)
{
	size_t n = strlen(name);

	if (!name_hint(name, n) && !extra_src)
		return false;

	if (match(&not_name_code, not_name_re, name, n))
		return false;
	return match(&name_code, name_re, name, n) ||
	       (extra_src && match(&extra_code, extra_src, name, n));
}

const char *hd_secret_token(const char *value, size_t len)
{
	size_t i;

	for (i = 0; i < NTOK; i++)
		if (has_hint(tokens[i].hints, value, len) &&
		    match(&tok_code[i], tokens[i].re, value, len))
			return tokens[i].what;
	return NULL;
}

/* Skip a reference at s[i]: $(VAR) / $$ (k8s) or ${...} / $VAR / $$ (compose). */
static size_t ref_len(const char *s, size_t i, size_t n, bool compose)
{
	size_t j;

	if (s[i] != '$' || i + 1 >= n)
		return 0;
	if (s[i + 1] == '$')
		return 2;
	if (!compose && s[i + 1] == '(') {
		for (j = i + 2; j < n && s[j] != ')'; j++)
			;
		return j < n ? j - i + 1 : 0;
	}
	if (compose && s[i + 1] == '{') {
		for (j = i + 2; j < n && s[j] != '}'; j++) {
			/* ${VAR:-default} / ${VAR-default}: the default is a literal */
			bool dash = s[j] == '-' || (s[j] == ':' && j + 1 < n && s[j + 1] == '-');

			if (dash) {
				size_t k = j + (s[j] == ':' ? 2 : 1);

				if (k < n && s[k] != '}')
					return 0;
			}
		}
		return j < n ? j - i + 1 : 0;
	}
	if (compose) {
		for (j = i + 1; j < n && (s[j] == '_' || (s[j] >= 'A' && s[j] <= 'Z') ||
					  (s[j] >= 'a' && s[j] <= 'z') ||
					  (s[j] >= '0' && s[j] <= '9')); j++)
			;
		return j > i + 1 ? j - i : 0;
	}
	return 0;
}

bool hd_secret_literal(const char *s, size_t n, bool compose)
{
	size_t i = 0;

	while (i < n) {
		size_t r = ref_len(s, i, n, compose);

		if (r) {
			i += r;
			continue;
		}
		if (s[i] != ' ' && s[i] != '\t')
			return true;
		i++;
	}
	return false;
}

const char *hd_secret_credential(const char *name, const char *value, size_t len,
				 bool compose)
{
	const char *token;

	if (!value || !hd_secret_literal(value, len, compose))
		return NULL;
	token = hd_secret_token(value, len);
	if (token)
		return token;
	return name && hd_secret_name(name) ? "secret" : NULL;
}
