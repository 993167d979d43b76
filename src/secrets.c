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

static const struct {
	const char *what, *re;
} tokens[] = {
	{ "AWS access key id", "\\b(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\\b" },
	{ "GitHub token", "\\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_\\w{82})\\b" },
	{ "GitLab token", "\\bglpat-[\\w-]{20}\\b" },
	{ "Slack token", "\\bxox[abposr]-[0-9A-Za-z-]{10,}" },
	{ "Slack webhook", "hooks\\.slack\\.com/(services|workflows|triggers)/" },
	{ "private key", "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY( BLOCK)?-----" },
	{ "JSON web token", "\\bey[A-Za-z0-9_-]{17,}\\.ey[A-Za-z0-9_-]{17,}\\." },
	{ "Google API key", "\\bAIza[\\w-]{35}\\b" },
	{ "Stripe key", "\\b(sk|rk)_(test|live|prod)_[0-9A-Za-z]{10,99}\\b" },
	{ "npm token", "\\bnpm_[A-Za-z0-9]{36}\\b" },
	{ "OpenAI key", "\\bsk-(proj|svcacct|admin)-[A-Za-z0-9_-]{20,}" },
	{ "URL with password", "[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@" },
};

#define NTOK (sizeof(tokens) / sizeof(tokens[0]))

static pcre2_code *name_code, *not_name_code, *extra_code, *tok_code[NTOK];

static pcre2_code *compile(const char *re)
{
	int errc;
	PCRE2_SIZE erro;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
				      PCRE2_UTF, &errc, &erro, NULL);

	if (c)
		pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

int hd_secrets_init(const char *extra)
{
	size_t i;

	if (name_code)
		return 0;
	name_code = compile(name_re);
	not_name_code = compile(not_name_re);
	for (i = 0; i < NTOK; i++)
		tok_code[i] = compile(tokens[i].re);
	if (extra && *extra) {
		extra_code = compile(extra);
		if (!extra_code)
			return -1;
	}
	return name_code && not_name_code ? 0 : -1;
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
}

static bool match(pcre2_code *c, const char *s, size_t n)
{
	pcre2_match_data *md;
	int rc;

	if (!c)
		return false;
	md = pcre2_match_data_create_from_pattern(c, NULL);
	rc = pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

bool hd_secret_name(const char *name)
{
	size_t n = strlen(name);

	hd_secrets_init(NULL);
	if (match(not_name_code, name, n))
		return false;
	return match(name_code, name, n) || match(extra_code, name, n);
}

const char *hd_secret_token(const char *value, size_t len)
{
	size_t i;

	hd_secrets_init(NULL);
	for (i = 0; i < NTOK; i++)
		if (match(tok_code[i], value, len))
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
