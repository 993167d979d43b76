/* test_compose.c - Compose transforms: what a data case cannot say (tests/data/compose.test holds the rest) */
#include "harden_helpers.h"

static struct hd_opts unsafe_opts(void)
{
	struct hd_opts o;

	hd_opts_defaults(&o);
	o.unsafe_fixes = true;
	return o;
}

/* secret-env moves values only where --secrets-out saves them */
static struct hd_opts secrets_opts(void)
{
	struct hd_opts o;

	hd_opts_defaults(&o);
	o.secrets_out = "sec";
	return o;
}

#define SVC(body) "services:\n  s:\n    image: example/s:1\n" body

/* i22-07: under --unsafe-fixes every spelling of root in `user` becomes the
 * non-root user (the default run's cases are in tests/data/compose.test) */
static void test_i22_07_user_spellings(void **state)
{
	static const char *const root[] = { "0", "00", "0x0", "+0", "-0", "0_0", "\" 0\"", "root",
					    "\"0:0\"", "\"root:1000\"", "\":1000\"", NULL };
	struct hd_opts u = unsafe_opts();
	struct hres r;
	char in[200];
	size_t i;

	(void)state;
	for (i = 0; root[i]; i++) {
		snprintf(in, sizeof(in), SVC("    user: %s\n"), root[i]);
		r = harden_str(in, &u, "user");
		assert_false(r.error);
		/* quoted, or plain where the author wrote a plain string */
		assert_non_null(strstr(r.out, "    user: \"10001:10001\"\n") ?
				strstr(r.out, "    user: \"10001:10001\"\n") :
				strstr(r.out, "    user: 10001:10001\n"));
		hres_free(&r);
	}
}

/* i18-09: a privileged service keeps its user, capabilities and root fs */
static void test_i18_09_privileged_service_left_alone(void **state)
{
	const char *in = SVC("    privileged: true\n");
	struct hres r;

	(void)state;
	r = harden_str(in, NULL, "user,cap-drop,no-new-privileges,read-only,no-privileged");
	assert_non_null(strstr(r.warnings, "privileged: true would be removed; until then"));
	/* reported once: by no-privileged */
	assert_null(strstr(strstr(r.warnings, "until then") + 1, "services.s"));
	hres_free(&r);
}

static void test_host_namespaces(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	{
		struct hres r;

		/* the author's own user, high ports, a variable, or off the host network: no word */
		r = harden_str(SVC("    network_mode: host\n    user: app\n    ports: [\"80\"]\n"), NULL,
			       "user,host-namespaces");
		assert_null(strstr(r.warnings, "declares port"));
		hres_free(&r);
		r = harden_str(SVC("    network_mode: host\n    ports: [\"8080\", \"${P}:${Q}\", {target: 8443}]\n"),
			       NULL, "user,host-namespaces");
		assert_null(strstr(r.warnings, "declares port"));
		hres_free(&r);
		r = harden_str(SVC("    network_mode: host\n    expose: [80]\n"), &u, "user,host-namespaces");
		assert_null(strstr(r.warnings, "declares port"));
		hres_free(&r);
	}
}

static void test_secrets_file_env_image(void **state)
{
	struct hd_opts s = secrets_opts();
	struct hres r;

	(void)state;
	r = harden_str("services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: hunter2\n",
		       &s, "secrets");
	assert_null(strstr(r.out, "hunter2"));
	assert_null(strstr(r.warnings, "hunter2"));
	hres_free(&r);
}

static void test_exemption_x_harden(void **state)
{
	struct hres r;

	(void)state;
	r = harden_str(SVC("    x-harden:\n      skip: [user, read-only]\n"), NULL, NULL);
	assert_null(strstr(r.out, "user:"));
	assert_null(strstr(r.out, "read_only"));
	assert_non_null(strstr(r.out, "cap_drop"));
	assert_non_null(strstr(r.warnings, "exempted by x-harden.skip"));
	hres_free(&r);
}

#define TWO(a, b) "x-d: &d\n  restart: always\n  init: true\nservices:\n  a:\n    <<: *d\n    image: x\n" a \
		  "  b:\n    <<: *d\n    image: y\n" b

static void test_anchor_shared_by_all_users(void **state)
{
	(void)state;
	/* different values (each service's own secret) stay local */
	{
		struct hd_opts s = secrets_opts();
		struct hres r = harden_str(TWO("    environment: {DB_PASSWORD: Zx81Qw7Lm2Pk9Vb4}\n",
					       "    environment: {DB_PASSWORD: Ty63Hs0Nd8Jr5Ce1}\n"),
					   &s, "secrets,user");

		assert_false(r.error);
		assert_non_null(strstr(r.out, "x-d: &d\n  restart: always\n  init: true\n  user: \"10001:10001\"\nservices:"));
		assert_null(strstr(r.out, "Zx81Qw7Lm2Pk9Vb4"));
		assert_null(strstr(r.out, "Ty63Hs0Nd8Jr5Ce1"));
		assert_non_null(strstr(r.out, "  a:\n    <<: *d\n    image: x\n    environment: {DB_PASSWORD: "));
		assert_non_null(strstr(r.out, "  b:\n    <<: *d\n    image: y\n    environment: {DB_PASSWORD: "));
		hres_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_namespaces),
		cmocka_unit_test(test_secrets_file_env_image),
		cmocka_unit_test(test_exemption_x_harden),
		cmocka_unit_test(test_anchor_shared_by_all_users),
		cmocka_unit_test(test_i22_07_user_spellings),
		cmocka_unit_test(test_i18_09_privileged_service_left_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
