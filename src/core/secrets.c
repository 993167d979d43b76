/* secrets.c - secret names, token formats and the one credential predicate (pcre2) */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "secrets.h"

#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/*
 * Same families as gitleaks/detect-secrets/polaris and the compose oracle,
 * plus the short spellings (DB_PASS, POSTGRES_PWD) and the *_KEY names that
 * frameworks use for their secret (Laravel's APP_KEY, ...).
 */
static const char name_re[] = "(?i)(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|"
			      "PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|"
			      "CONN(ECTION)?_?STRING|DSN$|(^|_)(PASS|PWD|PW|SALT)$|"
			      "(^|_)(APP|MASTER|LICEN[CS]E|JWT|HMAC|SESSION|COOKIE)_?KEY$)";
/*
 * Names that only say something about a secret: where it is (a file, a
 * Secret's or key's name, a URL), how it is made or checked (algorithm,
 * length, lifetime, mode), or a switch (MYSQL_ALLOW_EMPTY_PASSWORD).
 */
static const char not_name_re[] =
	"(?i)([_.-](FILES?|PATH|DIR|DIRECTORY|LOCATION|MOUNT|TTL|TIMEOUT|EXPIRY|"
	"EXPIRES?|EXPIRATION|LIFETIME|DURATION|INTERVAL|PERIOD|AGE|SECONDS|"
	"MINUTES|HOURS|DAYS|LENGTH|LEN|SIZE|BITS|COUNT|LIMIT|MIN|MAX|"
	"ALGORITHMS?|ALGO|ALG|MODE|TYPE|KIND|FORMAT|ENCODING|METHOD|STRATEGY|"
	"POLICY|PROVIDER|BACKEND|SOURCE|VERSION|ENABLED?|DISABLED?|REQUIRED|"
	"URIS?|URLS?|ENDPOINT|HOST|HOSTNAME|PORT|ADDR|ADDRESS|ISSUER|AUDIENCE|"
	"SCOPES?|REALM|NAMES?|NAMESPACE|REF|KEY_?ID|TOKEN_?ID|ALIAS|HEADER|"
	"PREFIX|SUFFIX|PATTERN|REGEX|USER|USERNAME|ENV|VAR|COMPLEXITY|STRENGTH|"
	"ROUNDS|COST|ITERATIONS|RETRIES|ATTEMPTS|LEVEL|HINT|ARN|STORE|STORAGE)$|"
	"(^|_)(ALLOW|ALLOWED|EMPTY|RANDOM|GENERATE|SKIP|USE|ENABLE|DISABLE|"
	"REQUIRE|FORCE)(_|$))";
/* the name ends in what it holds: a long number there is a PIN-like password */
static const char noun_re[] = "(?i)(PASSWORD|PASSWD|PASS|PWD|PW|PASSPHRASE|SECRET|TOKEN|KEY)$";

/*
 * Values that are configuration, not a credential, under a credential
 * name: a boolean (YAML 1.1 and 1.2 spellings) or "none", a number, a
 * duration, an algorithm or mode name, a file or key name, a template, a
 * secret manager's reference (vault:secret/db#pw, an AWS ARN, a GCP
 * secret's resource name) or a certificate or public key.
 */
static const char cfg_value_re[] =
	"(?i)^(y|yes|n|no|true|false|on|off|none|null|nil|enabled?|disabled?|"
	"required|optional|strict|lax|auto|read|write|ro|rw|read-?only|read-?write|"
	"[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[-+]?[0-9]+)?|"
	"([0-9]+([.][0-9]+)?(ns|us|\\x{b5}s|ms|s|m|h|d|w|y))+|"
	"p(([0-9]+[ymwd])+(t([0-9]+[hms])+)?|t([0-9]+[hms])+)|"
	"(hs|rs|es|ps)(256|384|512)|eddsa|"
	"(aes|chacha20|xchacha20|des|3des|blowfish|camellia)[-_]?(128|192|256)?"
	"([-_]?(gcm|cbc|ctr|cfb|ofb|ecb|xts|siv|poly1305))?|"
	"(hmac[-_]?)?sha-?(1|224|256|384|512|3-256|3-512)|md5|"
	"bcrypt|scrypt|argon2(i|d|id)?|pbkdf2([-_]sha-?(1|256|512))?|scram-sha-(1|256)|"
	"(rsa|ecdsa|ed25519|ed448|x25519|dsa)(-?[0-9]+)?|"
	"plain|plaintext|basic|bearer|digest|oauth2?|oidc|ldap|kerberos|gssapi|"
	"[a-z0-9_-]+[.](crt|cert|cer|pem|key|der|p12|pfx|jks|keystore|truststore|pub|asc|gpg|json)|"
	"[$]?\\{\\{.*\\}\\}|"
	"(vault|ssm|awssm|awsps|gcpsm|azurekv|akv):[^\\s]+|arn:aws[a-z-]*:[^\\s]+|"
	"projects/[^/\\s]+/secrets/[^/\\s]+(/versions/[^/\\s]+)?|"
	"-----BEGIN (CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|"
	"X509 CRL|CERTIFICATE REQUEST)-----(?s:.*))$";

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
	{ "Slack webhook", "hooks.slack.com",
	  "hooks\\.slack\\.com/(services|workflows|triggers)/" },
	{ "private key", "PRIVATE KEY", "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY( BLOCK)?-----" },
	{ "JSON web token", ".ey", "\\bey[A-Za-z0-9_-]{17,}\\.ey[A-Za-z0-9_-]{17,}\\." },
	{ "Google API key", "AIza", "\\bAIza[\\w-]{35}\\b" },
	{ "Stripe key", "_test_|_live_|_prod_",
	  "\\b(sk|rk)_(test|live|prod)_[0-9A-Za-z]{10,99}\\b" },
	{ "npm token", "npm_", "\\bnpm_[A-Za-z0-9]{36}\\b" },
	{ "OpenAI key", "sk-", "\\bsk-(proj|svcacct|admin)-[A-Za-z0-9_-]{20,}" },
};

#define NTOK (sizeof(tokens) / sizeof(tokens[0]))

/* Compiled on first use, without JIT: subjects are a few bytes long. */
/* per thread: -j workers compile what they use, nothing is shared */
static _Thread_local pcre2_code *name_code, *not_name_code, *noun_code, *cfg_code, *extra_code,
	*tok_code[NTOK];
static _Thread_local const char *extra_src;
static _Thread_local char *extra_own; /* our copy of the extra pattern */

static pcre2_code *compile(const char *re)
{
	int errc;
	PCRE2_SIZE erro;

	return pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errc, &erro, NULL);
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
	pcre2_code_free(noun_code);
	pcre2_code_free(cfg_code);
	pcre2_code_free(extra_code);
	for (i = 0; i < NTOK; i++)
		pcre2_code_free(tok_code[i]);
	name_code = not_name_code = noun_code = cfg_code = extra_code = NULL;
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
	static const char *const kw[] = { "PASS", "SECRET", "TOKEN", "KEY",  "CREDENTIAL",
					  "CONN", "DSN",    "PW",    "SALT", NULL };
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

/*
 * The user's pattern (hd_secrets_set_extra()) always marks a name; the built-in
 * families only when the name does not merely describe a secret.
 */
bool hd_secret_name(const char *name)
{
	size_t n = strlen(name);

	if (extra_src && match(&extra_code, extra_src, name, n))
		return true;
	if (!name_hint(name, n))
		return false;
	return match(&name_code, name_re, name, n) && !match(&not_name_code, not_name_re, name, n);
}

/*
 * A URL whose userinfo holds a literal password: scheme://[user]:pw@...
 * The user may be empty (redis://:pw@host); a password that is itself a
 * reference (${PW}, $(PW)) is not a literal.
 */
static bool url_password(const char *s, size_t n)
{
	const char *p = s, *e = s + n;

	while ((p = memmem(p, (size_t)(e - p), "://", 3)) != NULL) {
		const char *a = p + 3, *end = a, *at = NULL, *colon = NULL, *q;
		bool scheme =
			p > s && ((p[-1] >= 'a' && p[-1] <= 'z') ||
				  (p[-1] >= '0' && p[-1] <= '9') || (p[-1] >= 'A' && p[-1] <= 'Z'));

		p += 3;
		while (end < e && *end != '/' && *end != '?' && *end != '#' && *end != ' ' &&
		       *end != '\t' && *end != '\n' && *end != '\r')
			end++;
		for (q = a; q < end; q++)
			if (*q == '@')
				at = q;
		if (!scheme || !at)
			continue;
		colon = memchr(a, ':', (size_t)(at - a));
		if (!colon || colon + 1 == at)
			continue;
		/* either syntax: the caller's is not known here */
		if (!memmem(colon + 1, (size_t)(at - colon - 1), "${", 2) &&
		    !memmem(colon + 1, (size_t)(at - colon - 1), "$(", 2))
			return true;
	}
	return false;
}

const char *hd_secret_token(const char *value, size_t len)
{
	size_t i;

	for (i = 0; i < NTOK; i++)
		if (has_hint(tokens[i].hints, value, len) &&
		    match(&tok_code[i], tokens[i].re, value, len))
			return tokens[i].what;
	if (memmem(value, len, "://", 3) && url_password(value, len))
		return "URL with password";
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
		for (j = i + 1;
		     j < n && (s[j] == '_' || (s[j] >= 'A' && s[j] <= 'Z') ||
			       (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= '0' && s[j] <= '9'));
		     j++)
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

/* Does s[0..n) hold a reference ($$ is an escaped '$', not one)? */
static bool has_ref(const char *s, size_t n, bool compose)
{
	size_t i, r;

	for (i = 0; i < n; i++) {
		if (s[i] != '$')
			continue;
		r = ref_len(s, i, n, compose);
		if (r && s[i + 1] != '$')
			return true;
		if (r)
			i += r - 1;
	}
	return false;
}

static bool is_in(char c, const char *set)
{
	return c && strchr(set, c) != NULL;
}

static bool word_in(const char *w, size_t l, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == l && !strncasecmp(w, *list, l))
			return true;
	return false;
}

/*
 * A path segment that mixes cases and digits like a random string is a
 * key ("/K7MDENG/bPxRfiCYEXAMPLEKEY"), not a directory or file name.
 */
static bool random_run(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i = j + 1) {
		size_t up = 0, lo = 0, dg = 0;

		for (j = i; j < n && s[j] != '/'; j++) {
			up += s[j] >= 'A' && s[j] <= 'Z';
			lo += s[j] >= 'a' && s[j] <= 'z';
			dg += s[j] >= '0' && s[j] <= '9';
		}
		if ((j - i >= 12 && up && lo && dg) || (j - i >= 16 && up >= 4 && lo))
			return true;
	}
	return false;
}

/* /run/secrets/x, ./certs/key.pem, certs/ca.pem, C:\keys\x: a file, not its content */
static bool file_path(const char *s, size_t n)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._~/@:,-";
	const char *dot = NULL;
	size_t i;

	if (n >= 3 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
	    s[1] == ':' && s[2] == '\\')
		return !memchr(s, ' ', n);
	for (i = 0; i < n; i++) {
		if (!is_in(s[i], chars))
			return false;
		if (s[i] == '.')
			dot = s + i;
	}
	if (random_run(s, n))
		return false;
	if (s[0] == '/' || (n > 1 && s[0] == '~' && s[1] == '/') ||
	    (n > 1 && s[0] == '.' && (s[1] == '/' || (n > 2 && s[1] == '.' && s[2] == '/'))))
		return true;
	/* relative: a directory and a file name with an extension of 2-5 letters */
	if (!memchr(s, '/', n) || !dot || memchr(dot, '/', (size_t)(s + n - dot)))
		return false;
	for (i = 1; dot + i < s + n; i++)
		if (!(dot[i] >= 'a' && dot[i] <= 'z'))
			return false;
	return i >= 3 && i <= 6;
}

/*
 * The name of a Kubernetes object (a lower-case DNS name ending in what
 * it holds: "elastic-webhook-server-cert", "my-app-tls", "postgres-app-
 * credentials"), not a password made of words ("change-this-insecure-key",
 * "my-secret-key", "jwt-secret"): a certificate's name says so by its last
 * word; a secret's or key's name needs three words and no filler word.
 */
static bool object_name(const char *s, size_t n)
{
	static const char *const strong[] = {
		"cert",	    "certs",	  "certificate", "certificates", "tls", "ssl", "ca",
		"keystore", "truststore", "keypair",	 "kubeconfig",	 "pki", NULL
	};
	static const char *const weak[] = { "secret",	 "secrets", "key",    "keys", "credentials",
					    "creds",	 "token",   "tokens", "auth", "password",
					    "passwords", "config",  "env",    NULL };
	static const char *const filler[] = {
		"change", "changeme", "insecure", "example", "my",	"your",	 "our",	 "super",
		"test",	  "testing",  "dev",	  "please",  "replace", "dummy", "fake", "sample",
		"demo",	  "temp",     "tmp",	  "weak",    "this",	"not",	 "dont", "very",
		"foo",	  "bar",      "letmein",  "default", NULL
	};
	size_t i, parts = 1, b = 0;
	bool fill = false;

	if (!n || n > 253 || !is_in(s[0], "abcdefghijklmnopqrstuvwxyz0123456789") ||
	    !is_in(s[n - 1], "abcdefghijklmnopqrstuvwxyz0123456789"))
		return false;
	for (i = 0; i < n; i++) {
		if (!is_in(s[i], "abcdefghijklmnopqrstuvwxyz0123456789-."))
			return false;
		if (s[i] == '-' || s[i] == '.') {
			fill |= word_in(s + b, i - b, filler);
			b = i + 1;
			parts++;
		}
	}
	if (parts < 2)
		return false;
	return word_in(s + b, n - b, strong) ||
	       (parts >= 3 && !fill && word_in(s + b, n - b, weak));
}

/*
 * A "Password=x;" / "pwd=x&" field in a connection string or URL query
 * whose value is a literal (not ${PW} or $(PW)).
 */
static bool field_password(const char *s, size_t n, bool compose)
{
	static const char *const keys[] = { "password", "pwd", "pass", "passwd", NULL };
	size_t i, k, e;

	for (i = 0; i < n; i++) {
		if (i && !is_in(s[i - 1], ";?& \t"))
			continue;
		for (k = i; k < n && s[k] != '=' && s[k] != ';' && s[k] != '&'; k++)
			;
		if (k >= n || s[k] != '=' || !word_in(s + i, k - i, keys))
			continue;
		for (e = k + 1; e < n && s[e] != ';' && s[e] != '&'; e++)
			;
		if (e > k + 1 && hd_secret_literal(s + k + 1, e - k - 1, compose) &&
		    !has_ref(s + k + 1, e - k - 1, compose))
			return true;
	}
	return false;
}

/*
 * Is @s, held by a credential-named variable @name, configuration rather
 * than a credential?  Weak literal passwords ("changeme", "postgres",
 * "password") are credentials; so is a long number where the name ends in
 * what it holds (MYSQL_ROOT_PASSWORD: 123456).
 */
static bool config_value(const char *name, const char *s, size_t n)
{
	size_t i, digits = 0;
	bool alnum = false;

	for (i = 0; i < n; i++) {
		alnum |= (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
			 (s[i] >= 'A' && s[i] <= 'Z') || (s[i] & 0x80);
		digits += s[i] >= '0' && s[i] <= '9';
	}
	if (!alnum)
		return true; /* "-", "***": no value */
	if (digits == n && n >= 4 && match(&noun_code, noun_re, name, strlen(name)))
		return false;
	if (match(&cfg_code, cfg_value_re, s, n))
		return true;
	if (memmem(s, n, "://", 3))
		return true; /* a URL with a literal password is a token */
	return file_path(s, n) || object_name(s, n);
}

/* @s without blanks around it, and a Compose ${VAR:-default} as its default */
static const char *literal_part(const char *s, size_t *n, bool compose)
{
	size_t l = *n, i;

	while (l && (s[0] == ' ' || s[0] == '\t'))
		s++, l--;
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
		l--;
	if (compose && l > 4 && s[0] == '$' && s[1] == '{' && s[l - 1] == '}' &&
	    !memchr(s + 2, '}', l - 3)) {
		for (i = 2; i < l - 1 && s[i] != '-' && s[i] != ':'; i++)
			;
		if (s[i] == ':' && s[i + 1] == '-')
			i++;
		if (s[i] == '-') {
			*n = l - 2 - i;
			return s + i + 1;
		}
	}
	*n = l;
	return s;
}

const char *hd_secret_credential(const char *name, const char *value, size_t len, bool compose)
{
	const char *token, *s;
	size_t n = len;

	if (!value || !hd_secret_literal(value, len, compose))
		return NULL;
	token = hd_secret_token(value, len);
	if (token)
		return token;
	s = literal_part(value, &n, compose);
	/* jdbc:postgresql://db/app?user=app&password=x */
	if (memmem(s, n, "://", 3) && memchr(s, '?', n) && field_password(s, n, compose))
		return "URL with password";
	if (!name || !hd_secret_name(name))
		return NULL;
	if (field_password(s, n, compose))
		return "secret";
	/* "Host=${H};Password=${PW}", "Bearer $(TOKEN)": the secret is the reference */
	if (has_ref(s, n, compose) || config_value(name, s, n))
		return NULL;
	/* "Server=db;Database=app": a connection string without a password */
	if (memchr(s, ';', n) && memchr(s, '=', n))
		return NULL;
	return "secret";
}
