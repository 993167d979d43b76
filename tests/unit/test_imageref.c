/* test_imageref.c - image references: grammar, normalisation, offsets (i20) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "imageref.h"
#include "pin.h"

static const char D64[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void parse_ok(const char *s, struct hd_imageref *r)
{
	char why[200] = "";

	if (hd_imageref_parse(s, strlen(s), r, why, sizeof(why)) < 0)
		fail_msg("'%s' refused: %s", s, why);
}

static void parse_bad(const char *s)
{
	struct hd_imageref r;
	char why[200] = "";

	if (hd_imageref_parse(s, strlen(s), &r, why, sizeof(why)) == 0)
		fail_msg("'%s' accepted", s);
	assert_true(why[0] != '\0');
}

/* the part at @off/@len of @s */
static void part(const char *s, size_t off, size_t len, const char *want)
{
	char got[300];

	snprintf(got, sizeof(got), "%.*s", (int)len, s + off);
	assert_string_equal(got, want);
}

static void test_i20_normalise(void **state)
{
	struct hd_imageref r;

	(void)state;
	parse_ok("nginx", &r);
	assert_string_equal(r.full, "docker.io/library/nginx");
	assert_string_equal(r.registry, "registry-1.docker.io");
	assert_string_equal(r.path, "library/nginx");
	assert_int_equal(r.tag_len, 0);
	assert_int_equal(r.tag_off, 5);
	assert_int_equal(r.digest_len, 0);
	parse_ok("bitnami/redis:7.2", &r);
	assert_string_equal(r.full, "docker.io/bitnami/redis");
	parse_ok("docker.io/nginx:1", &r);
	assert_string_equal(r.full, "docker.io/library/nginx");
	parse_ok("index.docker.io/library/nginx", &r);
	assert_string_equal(r.full, "docker.io/library/nginx");
	assert_string_equal(r.registry, "registry-1.docker.io");
	parse_ok("ghcr.io/acme/tools/app:v1.2.3", &r);
	assert_string_equal(r.domain, "ghcr.io");
	assert_string_equal(r.registry, "ghcr.io");
	assert_string_equal(r.path, "acme/tools/app");
	parse_ok("localhost/app", &r);
	assert_string_equal(r.domain, "localhost");
	assert_string_equal(r.path, "app");
	parse_ok("Registry/app", &r); /* upper case: a host */
	assert_string_equal(r.domain, "Registry");
}

static void test_i20_offsets(void **state)
{
	struct hd_imageref r;
	char s[200];

	(void)state;
	parse_ok("127.0.0.1:5000/team/app:1.0", &r);
	part("127.0.0.1:5000/team/app:1.0", r.name_off, r.name_len, "127.0.0.1:5000/team/app");
	part("127.0.0.1:5000/team/app:1.0", r.domain_off, r.domain_len, "127.0.0.1:5000");
	part("127.0.0.1:5000/team/app:1.0", r.tag_off, r.tag_len, "1.0");
	assert_string_equal(r.registry, "127.0.0.1:5000");
	assert_int_equal(r.digest_off, strlen("127.0.0.1:5000/team/app:1.0"));
	snprintf(s, sizeof(s), "[::1]:5000/app:x@sha256:%s", D64);
	parse_ok(s, &r);
	part(s, r.domain_off, r.domain_len, "[::1]:5000");
	part(s, r.tag_off, r.tag_len, "x");
	part(s, r.digest_off, r.digest_len,
	     "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	snprintf(s, sizeof(s), "localhost:5000/app@sha256:%s", D64);
	parse_ok(s, &r);
	assert_int_equal(r.tag_len, 0);
	assert_int_equal(r.tag_off, strlen("localhost:5000/app"));
	part(s, r.name_off, r.name_len, "localhost:5000/app");
	assert_string_equal(r.full, "localhost:5000/app");
	parse_ok("a_b__c-d--e.f:TAG_1.x-y", &r);
	part("a_b__c-d--e.f:TAG_1.x-y", r.tag_off, r.tag_len, "TAG_1.x-y");
}

static void test_i20_refused(void **state)
{
	char s[200];

	(void)state;
	parse_bad("");
	parse_bad("Nginx");	      /* upper case in a repository name */
	parse_bad("nginx:");	      /* empty tag */
	parse_bad("nginx::1");	      /* bad tag */
	parse_bad("nginx:-1");	      /* a tag starts with a word character */
	parse_bad(":1");	      /* no name */
	parse_bad("a//b");	      /* empty component */
	parse_bad("a/-b");	      /* a separator first */
	parse_bad("a/b_");	      /* ... or last */
	parse_bad("a/b___c");	      /* three underscores */
	parse_bad("nginx@sha256:12"); /* too short */
	parse_bad("nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef");
	parse_bad("host:99999999/a"); /* port too long */
	parse_bad("-host.io/a");
	parse_bad(" nginx");
	snprintf(s, sizeof(s), "nginx@%s", D64); /* no algorithm */
	parse_bad(s);
}

static void test_i20_unresolved(void **state)
{
	(void)state;
	assert_true(hd_imageref_unresolved("${IMG}", 6));
	assert_true(hd_imageref_unresolved("app:$TAG", 8));
	assert_true(hd_imageref_unresolved("{{ .Values.image }}", 19));
	assert_false(hd_imageref_unresolved("nginx:1", 7));
}

/* hd_pin_resolve() with a --digests list: short and long names alike */
static void test_i20_digests_file(void **state)
{
	struct hd_opts o;
	struct hd_err err;
	const char *errpath;
	char path[] = "/tmp/hd-digests-XXXXXX", out[100], ref[200];
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fprintf(fp,
		"# pinned\n\nnginx:1.25 sha256:%s\n"
		"docker.io/library/redis sha256:%s\n"
		"  ghcr.io/a/b:2\tsha256:%s  \n",
		D64, D64, D64);
	fclose(fp);
	hd_opts_defaults(&o);
	o.pin_images = true;
	o.pin_digests = path;
	assert_int_equal(hd_pin_init(&o, &err, &errpath), 0);
	assert_int_equal(
		hd_pin_resolve(&o, "docker.io/library/nginx:1.25", 28, out, sizeof(out), &err), 1);
	assert_string_equal(out + 7, D64);
	assert_int_equal(hd_pin_resolve(&o, "redis:latest", 12, out, sizeof(out), &err), 1);
	assert_int_equal(hd_pin_resolve(&o, "redis", 5, out, sizeof(out), &err), 1);
	assert_int_equal(hd_pin_resolve(&o, "ghcr.io/a/b:2", 13, out, sizeof(out), &err), 1);
	assert_int_equal(hd_pin_resolve(&o, "nginx:1.26", 10, out, sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "docker.io/library/nginx:1.26 is not in"));
	assert_int_equal(hd_pin_resolve(&o, "${IMAGE}", 8, out, sizeof(out), &err), 0);
	snprintf(ref, sizeof(ref), "nginx:1@sha256:%s", D64);
	assert_int_equal(hd_pin_resolve(&o, ref, strlen(ref), out, sizeof(out), &err), 0);
	assert_int_equal(hd_pin_resolve(&o, "Bad:x", 5, out, sizeof(out), &err), -1);
	hd_pin_done();
	/* a bad line is an error at its line and column */
	fp = fopen(path, "w");
	fprintf(fp, "nginx:1 sha256:%s\nredis:7 md5\n", D64);
	fclose(fp);
	assert_int_equal(hd_pin_init(&o, &err, &errpath), -1);
	assert_string_equal(errpath, path);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 9);
	hd_pin_done();
	fp = fopen(path, "w");
	fprintf(fp, "redis:7\n");
	fclose(fp);
	assert_int_equal(hd_pin_init(&o, &err, &errpath), -1);
	assert_int_equal(err.line, 1);
	hd_pin_done();
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i20_normalise),	 cmocka_unit_test(test_i20_offsets),
		cmocka_unit_test(test_i20_refused),	 cmocka_unit_test(test_i20_unresolved),
		cmocka_unit_test(test_i20_digests_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
