/* test_secrets.c - hd_secret_credential(): secrets by name and value together */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "secrets.h"

/* what @name = @value is (NULL: not a literal credential) */
static const char *cred(const char *name, const char *value, bool compose)
{
	return hd_secret_credential(name, value, strlen(value), compose);
}

#define SECRET(name, value, compose, what)                                      \
	do {                                                                    \
		const char *w_ = cred(name, value, compose);                   \
		if (!w_ || strcmp(w_, what))                                    \
			fail_msg("%s: got %s, want %s", name, w_ ? w_ : "NULL", what); \
	} while (0)
#define NOT_SECRET(name, value, compose)                                        \
	do {                                                                    \
		const char *w_ = cred(name, value, compose);                   \
		if (w_)                                                         \
			fail_msg("%s: got %s, want NULL", name, w_);           \
	} while (0)

/* issue 22 item 6: a URL password with an empty user name */
static void test_i22_06_url_empty_user(void **state)
{
	(void)state;
	SECRET("REDIS_URL", "redis://:pw@host:6379", true, "URL with password");
	SECRET("REDIS_URL", "redis://:pw@host:6379", false, "URL with password");
	SECRET("CACHE", "rediss://:a:b@cache/0", false, "URL with password");
	assert_string_equal(hd_secret_token("redis://:pw@host", 16), "URL with password");
	SECRET("DATABASE_URL", "postgres://app:app@db:5432/app", false, "URL with password");
	/* the password is a reference: nothing literal to move */
	NOT_SECRET("REDIS_URL", "redis://:${REDIS_PASSWORD}@redis:6379", true);
	NOT_SECRET("DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db/app", false);
	/* no password */
	NOT_SECRET("REDIS_URL", "redis://redis:6379/0", false);
	NOT_SECRET("REDIS_URL", "redis://:@redis:6379/0", false);
	NOT_SECRET("SENTRY_DSN", "https://0123abcd@o0.ingest.sentry.io/42", true);
	NOT_SECRET("HOME_URL", "http://host:8080/a@b", false);
}

/* issue 18 item 4: the look-alikes and the real-world shapes */
static void test_i18_04_lookalikes(void **state)
{
	(void)state;
	NOT_SECRET("MYSQL_ALLOW_EMPTY_PASSWORD", "true", true);
	NOT_SECRET("MYSQL_ALLOW_EMPTY_PASSWORD", "yes", false);
	NOT_SECRET("WEBHOOK_SECRET", "elastic-webhook-server-cert", false);
	NOT_SECRET("SECRET_NAME", "kserve-webhook-server-cert", false);
	NOT_SECRET("PHOTOPRISM_PASSWORD_RESET_URI", "https://photos.example.com/reset", true);
	NOT_SECRET("REDIS_PASSWORD", "off", true);
	NOT_SECRET("REDIS_PASSWORD", "Null", true);
	NOT_SECRET("JWT_SECRET", "HS256", true);
	NOT_SECRET("ENCRYPTION_KEY", "aes-256-gcm", true);
	NOT_SECRET("PASSWORD_HASHER", "argon2id", true);
	NOT_SECRET("API_TOKEN", "30s", false);
	NOT_SECRET("API_TOKEN", "1h30m", false);
	NOT_SECRET("SECRET_WEIGHT", "0.75", false);
	NOT_SECRET("PASSWORD", "12", false);
	NOT_SECRET("DB_PASSWORD", "/run/secrets/db-password", true);
	NOT_SECRET("JWT_PRIVATE_KEY", "certs/jwt.pem", true);
	NOT_SECRET("TLS_SECRET_KEY", "tls.key", false);
	NOT_SECRET("TLS_SECRET", "ingress-nginx-tls", false);
	NOT_SECRET("TLS_SECRET", "my-app-tls", false);
	NOT_SECRET("DB_CREDENTIALS", "postgres-app-credentials", false);
	NOT_SECRET("SECRET_KEY", "{{ .Values.secretKey }}", false);
	NOT_SECRET("PASSWORD", "***", false);
	NOT_SECRET("DB_CONNECTION_STRING", "Host=db;Password=${PW};Database=app", true);
	NOT_SECRET("AUTH_TOKEN", "Bearer $(TOKEN)", false);
	/* a secret manager's reference, a certificate */
	NOT_SECRET("DB_PASSWORD", "vault:secret/data/mysql#password", false);
	NOT_SECRET("JWT_SECRET", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt", false);
	NOT_SECRET("TLS_SECRET", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		   false);
	/* names that only describe a secret */
	NOT_SECRET("TOKEN_TTL", "3600", false);
	NOT_SECRET("PASSWORD_MIN_LENGTH", "12", false);
	NOT_SECRET("AWS_KMS_KEY_ID", "1234abcd-12ab-34cd-56ef-1234567890ab", false);
	NOT_SECRET("API_KEY_HEADER", "X-API-Key", true);
	NOT_SECRET("DB_PASSWORD_FILE", "/run/secrets/db", true);
}

/* weak literal passwords and placeholders are still credentials */
static void test_i18_04_weak_passwords(void **state)
{
	(void)state;
	SECRET("POSTGRES_PASSWORD", "changeme", true, "secret");
	SECRET("JWT_SECRET", "change-this-insecure-key", false, "secret");
	SECRET("MYSQL_ROOT_PASSWORD", "password", true, "secret");
	SECRET("REDIS_PASSWORD", "secret", false, "secret");
	SECRET("APP_SECRET", "my-secret-key", true, "secret");
	SECRET("REDIS_PASSWORD", "my-redis-password", true, "secret");
	SECRET("MYSQL_ROOT_PASSWORD", "123456", false, "secret");
	SECRET("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", true, "secret");
	SECRET("AWS_SECRET_ACCESS_KEY", "/K7MDENG/bPxRfiCYzEXAMPLEKEY+wJalrXUtnFEMI", true, "secret");
	SECRET("SA_PASSWORD", "Pa$$w0rd", true, "secret");
	SECRET("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:-changeme}", true, "secret");
	SECRET("ConnectionStrings__Default", "Server=db;User Id=sa;Password=Str0ng!", true, "secret");
	SECRET("JDBC_URL", "jdbc:postgresql://db/app?user=app&password=app123", true,
	       "URL with password");
	/* new short spellings */
	SECRET("POSTGRES_PWD", "temporal", true, "secret");
	SECRET("RABBITMQ_DEFAULT_PASS", "guest", true, "secret");
	SECRET("APP_KEY", "base64:Q1w2E3r4T5y6U7i8O9p0=", true, "secret");
	/* token formats under any name */
	SECRET("SOME_SETTING", "AKIAIOSFODNN7EXAMPLE", false, "AWS access key id");
	SECRET("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", false, "AWS access key id");
	SECRET("JWT_ALGORITHM", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", true, "GitHub token");
	/* references are not literals */
	NOT_SECRET("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}", true);
	NOT_SECRET("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:?required}", true);
	NOT_SECRET("POSTGRES_PASSWORD", "$(POSTGRES_PASSWORD)", false);
	NOT_SECRET("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:-}", true);
	NOT_SECRET(NULL, "changeme", true);
}

static void test_secret_names(void **state)
{
	static const char *const yes[] = { "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "SECRET_KEY_BASE",
					   "POSTGRES_PWD", "DB_PASS", "ADMIN_PW", "WORDPRESS_AUTH_SALT",
					   "GITHUB_TOKEN", "DB_CONNECTION_STRING", "SENTRY_DSN", NULL };
	static const char *const no[] = { "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD",
					  "TOKEN_TTL", "AWS_ACCESS_KEY_ID", "SECRET_NAME",
					  "PASSWORD_RESET_URI", "JWT_ALGORITHM", "API_KEY_HEADER",
					  "PASSWORD_FILE", "BYPASS", "COMPASS", "USER", NULL };
	size_t i;

	(void)state;
	for (i = 0; yes[i]; i++)
		if (!hd_secret_name(yes[i]))
			fail_msg("%s is a secret name", yes[i]);
	for (i = 0; no[i]; i++)
		if (hd_secret_name(no[i]))
			fail_msg("%s is not a secret name", no[i]);
}

/* --secret-names marks a name; the value still decides */
static void test_extra_pattern(void **state)
{
	(void)state;
	NOT_SECRET("LICENSE_NAME", "acme-prod-7f3k2", false);
	hd_secrets_set_extra("^LICENSE_NAME$|BLOB$");
	SECRET("LICENSE_NAME", "acme-prod-7f3k2", false, "secret");
	SECRET("CORP_BLOB", "q9w8e7r6t5y4", true, "secret");
	NOT_SECRET("FEATURE_BLOB", "true", true);
	hd_secrets_set_extra(NULL);
	NOT_SECRET("CORP_BLOB", "q9w8e7r6t5y4", true);
}

static int teardown(void **state)
{
	(void)state;
	hd_secrets_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i22_06_url_empty_user),
		cmocka_unit_test(test_i18_04_lookalikes),
		cmocka_unit_test(test_i18_04_weak_passwords),
		cmocka_unit_test(test_secret_names),
		cmocka_unit_test(test_extra_pattern),
	};

	hd_secrets_init(NULL);
	return cmocka_run_group_tests(tests, NULL, teardown);
}
