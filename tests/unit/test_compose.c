/* test_compose.c - the Compose side of every transform */
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

static void test_user_added_and_root_unsafe(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC(""), NULL, "user", SVC("    user: \"10001:10001\"\n"));
	EXPECT_HARDEN(SVC("    user: root\n"), NULL, "user", SVC("    user: root\n"));
	EXPECT_WARNING(SVC("    user: root\n"), NULL, "user", "user \"root\" (root) would become");
	EXPECT_HARDEN(SVC("    user: \"0:0\"\n"), &u, "user", SVC("    user: \"10001:10001\"\n"));
	EXPECT_HARDEN(SVC("    user: ${APP_UID}\n"), &u, "user", SVC("    user: ${APP_UID}\n"));
}

static void test_cap_drop(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    cap_drop: [NET_RAW]\n"), NULL, "cap-drop",
		      SVC("    cap_drop: [NET_RAW, ALL]\n"));
	EXPECT_HARDEN(SVC("    cap_drop: [all]\n"), NULL, "cap-drop", SVC("    cap_drop: [all]\n"));
	EXPECT_HARDEN(SVC("    cap_drop: [ALL]\n    cap_add:\n      - NET_ADMIN\n      - CAP_NET_BIND_SERVICE\n"),
		      &u, "cap-drop",
		      SVC("    cap_drop: [ALL]\n    cap_add:\n      - CAP_NET_BIND_SERVICE\n"));
	EXPECT_HARDEN(SVC("    cap_drop: [ALL]\n    cap_add: [SYS_ADMIN]\n"), &u, "cap-drop",
		      SVC("    cap_drop: [ALL]\n"));
}

static void test_no_new_privileges(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    security_opt:\n      - label:type:x\n"), NULL, "no-new-privileges",
		      SVC("    security_opt:\n      - label:type:x\n      - no-new-privileges:true\n"));
	EXPECT_HARDEN(SVC("    security_opt: [no-new-privileges]\n"), NULL, "no-new-privileges",
		      SVC("    security_opt: [no-new-privileges]\n"));
	EXPECT_WARNING(SVC("    security_opt: [\"seccomp:unconfined\"]\n"), NULL, "no-new-privileges",
		       "security_opt seccomp:unconfined would be removed");
	EXPECT_HARDEN(SVC("    security_opt: [\"seccomp:unconfined\", \"apparmor=unconfined\"]\n"), &u,
		      "no-new-privileges", SVC("    security_opt: [\"no-new-privileges:true\"]\n"));
}

static void test_privileged_removed_unsafe(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    privileged: true\n"), NULL, "no-privileged", SVC("    privileged: true\n"));
	EXPECT_HARDEN(SVC("    privileged: true\n    restart: always\n"), &u, "no-privileged",
		      SVC("    restart: always\n"));
}

static void test_read_only_and_tmp(void **state)
{
	(void)state;
	EXPECT_HARDEN(SVC(""), NULL, "read-only", SVC("    read_only: true\n    tmpfs:\n      - /tmp\n"));
	EXPECT_HARDEN(SVC("    tmpfs: /run\n"), NULL, "read-only",
		      SVC("    tmpfs:\n      - /run\n      - /tmp\n    read_only: true\n"));
	EXPECT_HARDEN(SVC("    volumes: [\"scratch:/tmp\"]\n"), NULL, "read-only",
		      SVC("    volumes: [\"scratch:/tmp\"]\n    read_only: true\n"));
	EXPECT_HARDEN(SVC("    read_only: false\n"), NULL, "read-only", SVC("    read_only: false\n"));
}

static void test_limits_forms(void **state)
{
	(void)state;
	EXPECT_HARDEN(SVC(""), NULL, "limits",
		      SVC("    deploy:\n      resources:\n        limits:\n          cpus: \"0.5\"\n"
			  "          memory: 512M\n          pids: 100\n"));
	EXPECT_HARDEN(SVC("    mem_limit: 1g\n"), NULL, "limits",
		      SVC("    mem_limit: 1g\n    cpus: \"0.5\"\n    pids_limit: 100\n"));
	EXPECT_HARDEN(SVC("    deploy:\n      resources:\n        limits: {memory: 1G}\n"), NULL, "limits",
		      SVC("    deploy:\n      resources:\n        limits: {memory: 1G, cpus: \"0.5\", pids: 100}\n"));
}

/* i18-06: a limit is never below the reservation (Compose byte units, any case) */
static void test_i18_06_limit_not_below_reservation(void **state)
{
	static const char *const above[] = { "1GB", "1gb", "1g", "1024m", "1024MiB", "2048mb",
					     "600M", "629145600", NULL };
	static const char *const below[] = { "512M", "512mb", "100m", "1k", "500000000", NULL };
	char in[300], want[400];
	size_t i;

	(void)state;
	for (i = 0; above[i]; i++) {
		snprintf(in, sizeof(in), SVC("    mem_reservation: %s\n"), above[i]);
		snprintf(want, sizeof(want), SVC("    mem_reservation: %s\n    mem_limit: %s\n"
						 "    cpus: \"0.5\"\n    pids_limit: 100\n"),
			 above[i], above[i]);
		EXPECT_HARDEN(in, NULL, "limits", want);
	}
	for (i = 0; below[i]; i++) {
		snprintf(in, sizeof(in), SVC("    mem_reservation: %s\n"), below[i]);
		snprintf(want, sizeof(want), SVC("    mem_reservation: %s\n    mem_limit: 512M\n"
						 "    cpus: \"0.5\"\n    pids_limit: 100\n"), below[i]);
		EXPECT_HARDEN(in, NULL, "limits", want);
	}
	EXPECT_HARDEN(SVC("    deploy:\n      resources:\n        reservations: {cpus: \"1.5\", memory: 3G}\n"),
		      NULL, "limits",
		      SVC("    deploy:\n      resources:\n        reservations: {cpus: \"1.5\", memory: 3G}\n"
			  "        limits:\n          cpus: \"1.5\"\n          memory: 3G\n"
			  "          pids: 100\n"));
}

/* i22-07: every spelling of root (or of nothing) in `user` is caught */
static void test_i22_07_user_spellings(void **state)
{
	static const char *const unset[] = { "\"\"", "", "~", "null", "\" \"", NULL };
	static const char *const root[] = { "0", "00", "0x0", "+0", "-0", "0_0", "\" 0\"", "root",
					    "\"0:0\"", "\"root:1000\"", "\":1000\"", NULL };
	struct hd_opts u = unsafe_opts();
	struct hres r;
	char in[200];
	size_t i;

	(void)state;
	for (i = 0; unset[i]; i++) {
		snprintf(in, sizeof(in), SVC("    user:%s%s\n"), *unset[i] ? " " : "", unset[i]);
		EXPECT_HARDEN(in, NULL, "user", SVC("    user: \"10001:10001\"\n"));
	}
	for (i = 0; root[i]; i++) {
		snprintf(in, sizeof(in), SVC("    user: %s\n"), root[i]);
		EXPECT_HARDEN(in, NULL, "user", in);
		EXPECT_WARNING(in, NULL, "user", "(root) would become \"10001:10001\"");
		r = harden_str(in, &u, "user");
		assert_false(r.error);
		/* quoted, or plain where the author wrote a plain string */
		assert_non_null(strstr(r.out, "    user: \"10001:10001\"\n") ?
				strstr(r.out, "    user: \"10001:10001\"\n") :
				strstr(r.out, "    user: 10001:10001\n"));
		hres_free(&r);
	}
	/* a user of its own is left alone; a name is the image's business */
	EXPECT_HARDEN(SVC("    user: \"1000\"\n"), &u, "user", SVC("    user: \"1000\"\n"));
	EXPECT_HARDEN(SVC("    user: app\n"), &u, "user", SVC("    user: app\n"));
	EXPECT_HARDEN(SVC("    user: rootless\n"), &u, "user", SVC("    user: rootless\n"));
}

/* i18-07: an explicit root group is kept (and reported) unless unsafe */
static void test_i18_07_root_group(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    user: \"1000:0\"\n"), NULL, "user", SVC("    user: \"1000:0\"\n"));
	EXPECT_WARNING(SVC("    user: \"1000:0\"\n"), NULL, "user", "is 0 (the root group)");
	EXPECT_HARDEN(SVC("    user: \"1000:0\"\n"), &u, "user", SVC("    user: \"1000:1000\"\n"));
	EXPECT_HARDEN(SVC("    user: \"app:root\"\n"), &u, "user", SVC("    user: \"app\"\n"));
	EXPECT_HARDEN(SVC("    user: \"1000:1000\"\n"), &u, "user", SVC("    user: \"1000:1000\"\n"));
}

/* i18-09: a privileged service keeps its user, capabilities and root fs */
static void test_i18_09_privileged_service_left_alone(void **state)
{
	const char *in = SVC("    privileged: true\n");
	struct hres r;

	(void)state;
	EXPECT_HARDEN(in, NULL, "user,cap-drop,no-new-privileges,read-only,no-privileged", in);
	r = harden_str(in, NULL, "user,cap-drop,no-new-privileges,read-only,no-privileged");
	assert_non_null(strstr(r.warnings, "privileged: true would be removed; until then"));
	/* reported once: by no-privileged */
	assert_null(strstr(strstr(r.warnings, "until then") + 1, "services.s"));
	hres_free(&r);
	/* a comment keeps privileged: true under --unsafe-fixes too */
	{
		struct hd_opts u = unsafe_opts();
		const char *kept = SVC("    privileged: true # harden:ignore=no-privileged\n");

		EXPECT_HARDEN(kept, &u, "user,cap-drop,no-new-privileges,read-only,no-privileged",
			      kept);
	}
}

/* i18-15: a new ro follows the order of the file's own modes */
static void test_i18_15_ro_order(void **state)
{
	(void)state;
	EXPECT_HARDEN(SVC("    volumes:\n      - ./a.yml:/a.yml:ro,z\n      - ./b.yml:/b.yml:Z\n"),
		      NULL, "read-only-mounts",
		      SVC("    volumes:\n      - ./a.yml:/a.yml:ro,z\n      - ./b.yml:/b.yml:ro,Z\n"));
	EXPECT_HARDEN(SVC("    volumes:\n      - ./a.yml:/a.yml:z,ro\n      - ./b.yml:/b.yml:Z\n"),
		      NULL, "read-only-mounts",
		      SVC("    volumes:\n      - ./a.yml:/a.yml:z,ro\n      - ./b.yml:/b.yml:Z,ro\n"));
}

static void test_read_only_mounts(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf\n      - ./data:/data\n"
			  "      - ./x.yml:/x.yml:z\n      - ./w.yml:/w.yml:rw\n"), NULL, "read-only-mounts",
		      SVC("    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./data:/data\n"
			  "      - ./x.yml:/x.yml:z,ro\n      - ./w.yml:/w.yml:rw\n"));
	EXPECT_WARNING(SVC("    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n"), NULL,
		       "read-only-mounts", "container runtime socket");
	EXPECT_HARDEN(SVC("    volumes:\n      - /proc:/host/proc\n"), &u, "read-only-mounts",
		      SVC("    volumes:\n      - /proc:/host/proc:ro\n"));
	/* the mode is a list of whole words, however long: ",ro" once */
	EXPECT_HARDEN(SVC("    volumes:\n      - ./a.yml:/a.yml:z,rox\n      - ./b.yml:/b.yml:brw\n"),
		      NULL, "read-only-mounts",
		      SVC("    volumes:\n      - ./a.yml:/a.yml:z,rox,ro\n      - ./b.yml:/b.yml:brw,ro\n"));
	{
		char mode[400], in[600];

		memset(mode, 'z', 300);
		mode[300] = '\0';
		snprintf(in, sizeof(in), SVC("    volumes:\n      - ./c.yml:/c.yml:%s,ro\n"), mode);
		EXPECT_HARDEN(in, NULL, "read-only-mounts", in);
	}
}

static void test_host_namespaces(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    network_mode: host\n    pid: host\n    ipc: shareable\n"), &u, "host-namespaces",
		      SVC("    ipc: shareable\n"));
	EXPECT_HARDEN("services:\n  s:\n    image: x\n    network_mode: host\nnetworks:\n  back: {}\n", &u,
		      "host-namespaces",
		      "services:\n  s:\n    image: x\n    networks:\n      - back\nnetworks:\n  back: {}\n");
	/* kept on the host network as the user harden sets: low ports reported */
	EXPECT_WARNING(SVC("    network_mode: host\n    ports: [\"8080:80/tcp\"]\n    expose: [\"443\"]\n"),
		       NULL, "user,host-namespaces",
		       "declares port 80 (< 1024) and uses the host network: as user 10001:10001");
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

static void test_ports(void **state)
{
	struct hd_opts u = unsafe_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    ports:\n      - \"8080:80\"\n      - 9000\n      - \"0.0.0.0:53:53/udp\"\n"), &u,
		      "ports",
		      SVC("    ports:\n      - \"127.0.0.1:8080:80\"\n      - \"127.0.0.1::9000\"\n"
			  "      - \"0.0.0.0:53:53/udp\"\n"));
	EXPECT_WARNING(SVC("    ports: [\"8080:80\"]\n"), NULL, "ports", "would be published on 127.0.0.1");
}

static void test_secrets_file_env_image(void **state)
{
	struct hd_opts s = secrets_opts();
	struct hres r;

	(void)state;
	/* a file from memory, like stdin: file: is relative to the working directory */
	EXPECT_HARDEN("services:\n  db:\n    image: docker.io/library/mysql:8\n    environment:\n"
		      "      - MYSQL_ROOT_PASSWORD=hunter2\n",
		      &s, "secrets",
		      "services:\n  db:\n    image: docker.io/library/mysql:8\n    environment:\n"
		      "      - MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-mysql-root-password\n"
		      "    secrets:\n      - db-mysql-root-password\nsecrets:\n"
		      "  db-mysql-root-password:\n    file: sec/db-mysql-root-password\n");
	r = harden_str("services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: hunter2\n",
		       &s, "secrets");
	assert_null(strstr(r.out, "hunter2"));
	assert_null(strstr(r.warnings, "hunter2"));
	hres_free(&r);
}

static void test_secrets_interpolation(void **state)
{
	struct hd_opts s = secrets_opts();

	(void)state;
	EXPECT_HARDEN(SVC("    environment:\n      API_KEY: abc\n      REF: ${OTHER}\n      DB_PASSWORD: ${DB_PASSWORD}\n"),
		      &s, "secrets",
		      SVC("    environment:\n      API_KEY: \"${API_KEY:?API_KEY is required}\"\n"
			  "      REF: ${OTHER}\n      DB_PASSWORD: ${DB_PASSWORD}\n"));
}

/* i18-01: without --secrets-out nothing would save a value: it stays, reported */
static void test_secrets_kept_without_secrets_out_i18_01(void **state)
{
	const char *in = SVC("    environment:\n      API_KEY: hunter2\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "secrets", in);
	EXPECT_WARNING(in, NULL, "secrets", "rerun with --secrets-out DIR");
}

/* i22-01: one name, two values in two services: each its own variable */
static void test_secrets_collide_i22_01(void **state)
{
	struct hd_opts s = secrets_opts();

	(void)state;
	EXPECT_HARDEN("services:\n  a:\n    image: x\n    environment: {DB_PASSWORD: one}\n"
		      "  b-2:\n    image: x\n    environment: {DB_PASSWORD: two}\n"
		      "  c:\n    image: x\n    environment: {DB_PASSWORD: one}\n",
		      &s, "secrets",
		      "services:\n  a:\n    image: x\n    environment: {DB_PASSWORD: \"${DB_PASSWORD:?DB_PASSWORD is required}\"}\n"
		      "  b-2:\n    image: x\n    environment: {DB_PASSWORD: \"${B_2_DB_PASSWORD:?B_2_DB_PASSWORD is required}\"}\n"
		      "  c:\n    image: x\n    environment: {DB_PASSWORD: \"${DB_PASSWORD:?DB_PASSWORD is required}\"}\n");
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
	/* every service that merges the anchor needs it: added once there */
	EXPECT_HARDEN(TWO("", ""), NULL, "user",
		      "x-d: &d\n  restart: always\n  init: true\n  user: \"10001:10001\"\nservices:\n"
		      "  a:\n    <<: *d\n    image: x\n  b:\n    <<: *d\n    image: y\n");
	EXPECT_WARNING(TWO("", ""), NULL, "user",
		       "'user' added once to anchor '&d', for all 2 services that merge it");
	/* one of them has its own user, or is exempt: each other one gets it */
	EXPECT_HARDEN(TWO("    user: app\n", ""), NULL, "user",
		      TWO("    user: app\n", "    user: \"10001:10001\"\n"));
	EXPECT_HARDEN(TWO("", "    x-harden: {skip: [user]}\n"), NULL, "user",
		      TWO("    user: \"10001:10001\"\n", "    x-harden: {skip: [user]}\n"));
	/* an anchor merged elsewhere too is not only the services' */
	EXPECT_HARDEN("x-d: &d {init: true, restart: always}\nx-e: {<<: *d}\nservices:\n"
		      "  a: {<<: *d, image: x}\n  b: {<<: *d, image: y}\n", NULL, "user",
		      "x-d: &d {init: true, restart: always}\nx-e: {<<: *d}\nservices:\n"
		      "  a: {<<: *d, image: x, user: \"10001:10001\"}\n"
		      "  b: {<<: *d, image: y, user: \"10001:10001\"}\n");
	EXPECT_HARDEN("x-d: &d {init: true, restart: always}\nservices:\n"
		      "  a: {<<: *d, image: x}\n  b: {<<: [*d], image: y}\n", NULL, "user",
		      "x-d: &d {init: true, restart: always, user: \"10001:10001\"}\nservices:\n"
		      "  a: {<<: *d, image: x}\n  b: {<<: [*d], image: y}\n");
	/* a one-setting fragment is about that setting: each service gets its own */
	EXPECT_HARDEN("x-logging: &logging\n  logging: {driver: local}\nservices:\n"
		      "  a: {<<: *logging, image: x}\n  b: {<<: *logging, image: y}\n", NULL, "user",
		      "x-logging: &logging\n  logging: {driver: local}\nservices:\n"
		      "  a: {<<: *logging, image: x, user: \"10001:10001\"}\n"
		      "  b: {<<: *logging, image: y, user: \"10001:10001\"}\n");
	/* another merge source listed first would shadow the anchor's copy */
	{
		struct hd_opts u = unsafe_opts();

		EXPECT_HARDEN("x-x: &x {user: root}\nx-a: &a {init: true, restart: always}\nservices:\n"
			      "  a: {<<: [*x, *a], image: x}\n  b: {<<: *a, image: y}\n", &u, "user",
			      "x-x: &x {user: root}\nx-a: &a {init: true, restart: always}\nservices:\n"
			      "  a: {<<: [*x, *a], image: x, user: \"10001:10001\"}\n"
			      "  b: {<<: *a, image: y, user: \"10001:10001\"}\n");
	}
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

/* "# harden:ignore" on a secret leaves all of it: no VAR_FILE next to VAR */
static void test_ignore_comment_keeps_secret(void **state)
{
	const char *m = "services:\n  db:\n    image: postgres:16\n    environment:\n"
			"      POSTGRES_PASSWORD: hunter2hunter2  # harden:ignore=secrets\n";
	const char *l = "services:\n  web:\n    image: web\n    environment:\n"
			"      - API_TOKEN=Zx81Qw7Lm2Pk9Vb4Zx81  # harden:ignore\n";

	(void)state;
	EXPECT_HARDEN(m, NULL, "secrets", m);
	EXPECT_HARDEN(l, NULL, "secrets", l);
	EXPECT_WARNING(l, NULL, "secrets", "services.web: left alone: exempted");
}

/* i18-08: an `extends` user reads its base: a mapping both have merges key
 * by key (the base's memory is kept, the rest is added to the user), and
 * the base's explicit user and read_only are not overridden below it */
static void test_i18_08_extends_merged_view(void **state)
{
	const char *in = "services:\n  base:  # harden:ignore=limits\n    image: a\n"
			 "    deploy:\n      resources:\n        limits:\n          memory: 2G\n"
			 "  app:\n    extends: base\n    deploy:\n      replicas: 2\n";
	const char *out = "services:\n  base:  # harden:ignore=limits\n    image: a\n"
			  "    deploy:\n      resources:\n        limits:\n          memory: 2G\n"
			  "  app:\n    extends: base\n    deploy:\n      replicas: 2\n"
			  "      resources:\n        limits:\n          cpus: \"0.5\"\n"
			  "          pids: 100\n";
	const char *kept = "services:\n  app:\n    extends:\n      service: base\n"
			   "  base:  # harden:ignore=user,read-only\n    image: a\n"
			   "    user: \"1000:1000\"\n    read_only: false\n";

	(void)state;
	EXPECT_HARDEN(in, NULL, "limits", out);
	EXPECT_HARDEN(out, NULL, "limits", out);
	EXPECT_HARDEN(kept, NULL, "user,read-only", kept);
	EXPECT_WARNING(kept, NULL, "read-only", "services.app: explicit read_only: false kept");
}

static void test_not_compose_not_k8s_untouched(void **state)
{
	const char *in = "name: my-ci\non: [push]\njobs:\n  build: {runs-on: x}\n";

	(void)state;
	EXPECT_HARDEN(in, NULL, NULL, in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_added_and_root_unsafe),
		cmocka_unit_test(test_cap_drop),
		cmocka_unit_test(test_no_new_privileges),
		cmocka_unit_test(test_privileged_removed_unsafe),
		cmocka_unit_test(test_read_only_and_tmp),
		cmocka_unit_test(test_limits_forms),
		cmocka_unit_test(test_read_only_mounts),
		cmocka_unit_test(test_host_namespaces),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_secrets_file_env_image),
		cmocka_unit_test(test_secrets_interpolation),
		cmocka_unit_test(test_secrets_kept_without_secrets_out_i18_01),
		cmocka_unit_test(test_secrets_collide_i22_01),
		cmocka_unit_test(test_exemption_x_harden),
		cmocka_unit_test(test_anchor_shared_by_all_users),
		cmocka_unit_test(test_ignore_comment_keeps_secret),
		cmocka_unit_test(test_i18_08_extends_merged_view),
		cmocka_unit_test(test_not_compose_not_k8s_untouched),
		cmocka_unit_test(test_i18_06_limit_not_below_reservation),
		cmocka_unit_test(test_i22_07_user_spellings),
		cmocka_unit_test(test_i18_07_root_group),
		cmocka_unit_test(test_i18_09_privileged_service_left_alone),
		cmocka_unit_test(test_i18_15_ro_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
