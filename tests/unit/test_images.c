/* test_images.c - image profiles: the shipped file, matching, errors (i17) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "images.h"
#include "transform.h"

/* the profile file of the source tree (make unit runs from its top) */
static const struct hd_images *shipped(void)
{
	static bool done;
	struct hd_err err;
	const char *errpath = NULL, *missing = NULL;
	const struct hd_images *s;

	if (!done) {
		hd_images_configure("data/images.yaml", false, NULL);
		done = true;
	}
	s = hd_images_default(&err, &errpath, &missing);
	if (errpath)
		fail_msg("%s:%d:%d: %s", errpath, err.line, err.col, err.msg);
	assert_non_null(s);
	return s;
}

static void expect_norm(const char *ref, const char *name, const char *tag)
{
	char n[256], t[128];

	hd_image_normalise(ref, n, sizeof(n), t, sizeof(t));
	if (strcmp(n, name) || strcmp(t, tag))
		fail_msg("%s: got %s / %s, want %s / %s", ref, n, t, name, tag);
}

/* i17-01: registry, library/, digest and mirror prefixes are dropped */
static void test_i17_01_normalise(void **state)
{
	(void)state;
	expect_norm("postgres", "postgres", "latest");
	expect_norm("postgres:16-alpine", "postgres", "16-alpine");
	expect_norm("docker.io/library/postgres:16", "postgres", "16");
	expect_norm("docker.io/postgres:16", "postgres", "16");
	expect_norm("index.docker.io/library/redis:7", "redis", "7");
	expect_norm("mirror.gcr.io/library/nginx:1.27", "nginx", "1.27");
	expect_norm("public.ecr.aws/docker/library/mariadb:11", "mariadb", "11");
	expect_norm("harbor.example.com/hub-proxy/library/redis:8", "redis", "8");
	expect_norm("quay.io/prometheus/prometheus:v3.0@sha256:0123abcd", "prometheus/prometheus",
		    "v3.0");
	expect_norm("ghcr.io/bitnami/postgresql", "bitnami/postgresql", "latest");
	expect_norm("localhost:5000/nginx", "nginx", "latest");
	expect_norm("registry:5000/team/app:1", "team/app", "1");
	expect_norm("Grafana/Grafana:10.4.1", "grafana/grafana", "10.4.1");
	expect_norm("postgres@sha256:abcd", "postgres", "latest");
}

static void expect_profile(const char *ref, const char *name, long user, long group)
{
	const struct hd_image_profile *p = hd_images_match(shipped(), ref);

	if (!name) {
		if (p)
			fail_msg("%s: got profile %s, want none", ref, p->name);
		return;
	}
	if (!p)
		fail_msg("%s: no profile, want %s", ref, name);
	if (strcmp(p->name, name) || p->user != user || p->group != group)
		fail_msg("%s: got %s %ld:%ld, want %s %ld:%ld", ref, p->name, p->user, p->group,
			 name, user, group);
}

/* i17-01: one profile per image of the notes' summary table, every one sourced */
static void test_i17_01_shipped_profiles(void **state)
{
	const struct hd_images *s = shipped();
	size_t i;

	(void)state;
	assert_true(s->np >= 35);
	for (i = 0; i < s->np; i++)
		if (!s->p[i].source || !strchr(s->p[i].source, '@'))
			fail_msg("profile %s cites no repo@commit source", s->p[i].name);
	expect_profile("postgres:16", "postgres-17", 999, 999);
	expect_profile("postgres:17.2-bookworm", "postgres-17", 999, 999);
	expect_profile("postgres:9.6", "postgres-17", 999, 999);
	expect_profile("postgres:18", "postgres", 999, 999);
	expect_profile("postgres", "postgres", 999, 999);
	expect_profile("docker.io/library/postgres:16-alpine", "postgres-alpine-17", 70, 70);
	expect_profile("postgres:18-alpine3.22", "postgres-alpine", 70, 70);
	expect_profile("postgres:alpine", "postgres-alpine", 70, 70);
	expect_profile("nginx:1.27", "nginx", 101, 101);
	expect_profile("nginxinc/nginx-unprivileged:1.27-alpine", "nginx-unprivileged", 101, 0);
	expect_profile("mysql:8.4", "mysql", 999, 999);
	expect_profile("mariadb:11", "mariadb", 999, 999);
	expect_profile("mariadb:11.8-ubi", "mariadb-ubi", 999, 999);
	expect_profile("redis:7.4-alpine", "redis-7-alpine", 999, 1000);
	expect_profile("redis:7", "redis-7", 999, 999);
	expect_profile("redis:8.2", "redis", 999, 999);
	expect_profile("redis:alpine", "redis-alpine", 999, 1000);
	expect_profile("mongo:8", "mongo", 999, 999);
	expect_profile("rabbitmq:4-management", "rabbitmq", 999, 999);
	expect_profile("httpd:2.4", "httpd", -1, -1);
	expect_profile("wordpress:6", "wordpress", 33, 33);
	expect_profile("wordpress:6-fpm-alpine", "wordpress-fpm-alpine", 82, 82);
	expect_profile("nextcloud:30", "nextcloud", 33, 0);
	expect_profile("memcached:1.6", "memcached", 11211, 11211);
	expect_profile("caddy:2", "caddy", -1, -1);
	expect_profile("haproxy:3.2", "haproxy", 99, 99);
	expect_profile("traefik:v3", "traefik", -1, -1);
	expect_profile("grafana/grafana:11.0.0", "grafana", 472, 0);
	expect_profile("prom/prometheus", "prometheus", 65534, 65534);
	expect_profile("quay.io/prometheus/prometheus:v2.53.0", "prometheus", 65534, 65534);
	expect_profile("docker.elastic.co/elasticsearch/elasticsearch:9.2.4", "elasticsearch",
		       1000, 0);
	expect_profile("elasticsearch:8.15.0", "elasticsearch", 1000, 0);
	expect_profile("quay.io/minio/minio", "minio", -1, -1);
	expect_profile("hashicorp/vault:1.18", "vault", 100, 1000);
	expect_profile("gitea/gitea:1.22-rootless", "gitea-rootless", 1000, 1000);
	expect_profile("gitea/gitea:1.22", "gitea", -1, -1);
	expect_profile("quay.io/keycloak/keycloak:26.0", "keycloak", 1000, 0);
	expect_profile("jenkins/jenkins:lts", "jenkins", 1000, 1000);
	expect_profile("eclipse-mosquitto:2", "mosquitto", 1883, 1883);
	expect_profile("influxdb:2.7", "influxdb", 1000, 1000);
	expect_profile("influxdb:3-core", "influxdb-3", 1500, 1500);
	expect_profile("bitnami/postgresql:17", "bitnami", 1001, 0);
	expect_profile("docker.io/bitnami/redis", "bitnami", 1001, 0);
	expect_profile("node:22-alpine", "node", 1000, 1000);
	expect_profile("python:3.13-slim", "python", -1, -1);
	expect_profile("busybox", "busybox", -1, -1);
	expect_profile("alpine:3.20", "alpine", -1, -1);
	/* not these */
	expect_profile("example/app:1", NULL, 0, 0);
	expect_profile("bitnami", NULL, 0, 0);
	expect_profile("mypostgres", NULL, 0, 0);
	expect_profile("team/postgres:16", NULL, 0, 0);
	/* a tag that is a variable: only the tagless pattern */
	expect_profile("postgres:${PG_TAG}", "postgres", 999, 999);
	expect_profile("${REGISTRY}/app:1", NULL, 0, 0);
	/* caddy must keep NET_BIND_SERVICE; vault gets its SKIP_ variables */
	assert_true(hd_image_needs_cap(hd_images_match(shipped(), "caddy"), "NET_BIND_SERVICE",
				       false));
	assert_int_equal(hd_images_match(shipped(), "hashicorp/vault")->nenv, 3);
}

/* Parse @yaml (a list of profiles); returns 0 or -1 with @err. */
static int parse(const char *yaml, struct hd_images *out, struct hd_arena *a,
		 struct hd_err *err)
{
	struct ystream ys;

	memset(err, 0, sizeof(*err));
	if (ys_parse(&ys, "p.yaml", yaml, strlen(yaml), a, err) < 0)
		return -2;
	return hd_images_parse(&ys, ys.docs[0].root, a, out, err);
}

static void expect_error(const char *yaml, int line, int col, const char *msg)
{
	struct hd_arena a;
	struct hd_images s;
	struct hd_err err;

	hd_arena_init(&a);
	if (parse(yaml, &s, &a, &err) != -1)
		fail_msg("no error for:\n%s", yaml);
	if (err.line != line || err.col != col || !strstr(err.msg, msg))
		fail_msg("got %d:%d %s, want %d:%d ...%s...", err.line, err.col, err.msg, line,
			 col, msg);
	hd_arena_free(&a);
}

/* i17-02: an invalid profile is an error at its line and column */
static void test_i17_02_errors(void **state)
{
	(void)state;
	expect_error("- name: a\n  match: [a]\n  usr: 1\n", 3, 3, "unknown key 'usr'");
	expect_error("- name: a\n  match: [a]\n  user: 0\n", 3, 9, "'user' 0 is root");
	expect_error("- name: a\n  match: [a]\n  user: x\n", 3, 9, "'user' must be a number");
	expect_error("- name: a\n  match: [a]\n  group: 5\n", 3, 10, "needs the 'user'");
	expect_error("- name: a\n  match: [a]\n  writable: [tmp]\n", 3, 14, "absolute path");
	expect_error("- name: a\n  match: [a]\n  writable: [{path: /x, mode: 999}]\n", 3, 31,
		     "octal");
	expect_error("- name: a\n  match: [a]\n  caps: [net_admin]\n", 3, 10, "no capability");
	expect_error("- name: a\n  match: [a]\n  ports: [8080]\n", 3, 11, "below 1024");
	expect_error("- name: a\n  match: [a]\n  env: [A]\n", 3, 8, "'env' must be a mapping");
	expect_error("- name: a\n  match: [a]\n- name: a\n  match: [b]\n", 3, 9, "defined twice");
	expect_error("- name: a\n  user: 5\n", 1, 3, "without 'match'");
	expect_error("- name: a\n  match: [\"post*\"]\n", 2, 11, "whole namespace");
	expect_error("- name: a\n  match: [\"a b\"]\n", 2, 11, "must be NAME");
	expect_error("- name: a\n  match: []\n", 2, 10, "at least one");
	expect_error("- name: a\n  match: [a]\n  direct: maybe\n", 3, 11, "true or false");
	expect_error("name: a\n", 1, 1, "must be a list");
}

/* i17-01: the most specific pattern wins; ties go to the first listed */
static void test_i17_01_most_specific(void **state)
{
	struct hd_arena a;
	struct hd_images s;
	struct hd_err err;
	const char *y =
		"- {name: ns, match: [\"acme/*\"], user: 1}\n"
		"- {name: deep, match: [\"acme/db/*\"], user: 2}\n"
		"- {name: app, match: [acme/app], user: 3}\n"
		"- {name: app-old, match: [\"acme/app:1.*\", \"acme/app:1*\"], user: 4}\n"
		"- {name: app-one, match: [\"acme/app:1*\"], user: 5}\n";

	(void)state;
	hd_arena_init(&a);
	assert_int_equal(parse(y, &s, &a, &err), 0);
	assert_int_equal(s.np, 5);
	assert_string_equal(hd_images_match(&s, "acme/other")->name, "ns");
	assert_string_equal(hd_images_match(&s, "acme/db/pg")->name, "deep");
	assert_string_equal(hd_images_match(&s, "acme/app:2")->name, "app");
	assert_string_equal(hd_images_match(&s, "ghcr.io/acme/app:1.4")->name, "app-old");
	assert_string_equal(hd_images_match(&s, "acme/app:10")->name, "app-old");
	assert_string_equal(hd_images_match(&s, "acme/app")->name, "app");
	assert_null(hd_images_match(&s, "acme"));
	assert_null(hd_images_match(&s, "other/app"));
	hd_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i17_01_shipped_profiles),
		cmocka_unit_test(test_i17_01_normalise),
		cmocka_unit_test(test_i17_01_most_specific),
		cmocka_unit_test(test_i17_02_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
