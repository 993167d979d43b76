/* test_secrets_out.c - the env-file writer, masking and one value per key */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff.h"
#include "mask.h"
#include "secrets_out.h"
#include "dotenv.h"

/* i22-02: every line reads back, through compose-go's rules, as Compose
 * read the value in the Compose file */
static void test_i22_02_envfile_roundtrip(void **state)
{
	static const char *const values[] = {
		"plain", "line1\nINJECTED=evil\n", "a #b", "a#b", "  padded  ", " lead",
		"trail ", "back\\slash\\", "\\", "it's", "'", "\"dq\"", "\"", "pa$$word",
		"x${HOME}y", "$NAME", "$", "tab\there", "cr\rlf\r\n", "\\'", "'\\", "\\\"",
		"\\n", "\\$", "#start", "=eq=", "ünïcödé", "", "a\\\\b", "${A:-b$$c}",
		"export X=1", "\v\f", NULL,
	};
	size_t i;

	(void)state;
	for (i = 0; values[i]; i++) {
		struct hd_buf b = HD_BUF_INIT;

		assert_int_equal(hd_envfile_line(&b, "API_KEY", values[i]), 0);
		assert_non_null(memchr(b.data, '\n', b.len));
		/* one line: nothing the value holds starts another */
		assert_ptr_equal(memchr(b.data, '\n', b.len), b.data + b.len - 1);
		if (!dotenv_roundtrip(b.data, "API_KEY", values[i]))
			fail_msg("value %zu does not read back", i); /* never the value */
		hd_buf_release(&b);
	}
}

static void test_i22_02_envfile_keys(void **state)
{
	static const char *const bad[] = { "MY KEY", "1ABC", "A-B", "A.B", "", "A=B", NULL };
	struct hd_buf b = HD_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; bad[i]; i++) {
		assert_int_equal(hd_envfile_line(&b, bad[i], "v"), -1);
		assert_int_equal(b.len, 0);
	}
	assert_int_equal(hd_envfile_line(&b, "_Ok9", "v"), 0);
	assert_string_equal(b.data, "_Ok9='v'\n");
	hd_buf_release(&b);
}

static char *masked(const struct hd_maskset *m, const char *line, size_t base)
{
	struct hd_buf b = HD_BUF_INIT;

	hd_mask_append(&b, m, line, strlen(line), base);
	hd_buf_addc(&b, '\0');
	return b.data;
}

/* i22-03: every occurrence, one mask per run, indentation and line kept */
static void test_i22_03_mask_line(void **state)
{
	struct hd_maskset m;
	char *s;

	(void)state;
	hd_maskset_init(&m);
	hd_maskset_add_value(&m, "hunter2", 7);
	hd_maskset_add_value(&m, "  x2  ", 6); /* blanks are not part of it */
	s = masked(&m, "    pw: hunter2 # was hunter2hunter2, x2", HD_NOPOS);
	assert_string_equal(s, "    pw: ******** # was ********, ********");
	free(s);
	s = masked(&m, "nothing here", HD_NOPOS);
	assert_string_equal(s, "nothing here");
	free(s);
	assert_true(hd_mask_hits(&m, "ahunter2", 8));
	assert_false(hd_mask_hits(&m, "hunter", 6));
	hd_maskset_release(&m);
}

static void test_i22_03_mask_multiline(void **state)
{
	static const char in[] = "k: |\n  line-one\n  ab\n  line-three\nother: ab line-one\n";
	struct hd_mask mk = { .value = "line-one\nab\nline-three\n", .off = 3, .len = 30 };
	struct hd_arena a;
	struct hd_maskset m;
	const char *t;

	(void)state;
	hd_arena_init(&a);
	hd_maskset_init(&m);
	hd_maskset_add(&m, &mk, in, sizeof(in) - 1);
	/* "ab" is too short to mask elsewhere, but is masked where the value is */
	t = hd_mask_text(&m, &a, "other: ab line-one\nx\n");
	assert_string_equal(t, "other: ab ********\nx\n");
	{
		char *s = masked(&m, "  ab", 16);

		assert_string_equal(s, "  ********");
		free(s);
	}
	/* a single-line value (a block scalar's last line feed aside) masks at any length */
	hd_maskset_add_value(&m, "q\n", 2);
	t = hd_mask_text(&m, &a, "q q");
	assert_string_equal(t, "******** ********");
	hd_maskset_release(&m);
	hd_arena_free(&a);
}

/* spans come in any order, overlap or touch: kept sorted and merged */
static void test_i22_03_mask_spans(void **state)
{
	static const char line[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	static const size_t sp[][2] = { { 10, 5 }, { 0, 3 }, { 12, 6 }, { 30, 2 }, { 18, 1 },
					{ 2, 1 }, { 24, 1 } };
	struct hd_maskset m;
	size_t i;
	char *s;

	(void)state;
	hd_maskset_init(&m);
	for (i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		struct hd_mask mk = { .value = NULL, .off = sp[i][0] + 100, .len = sp[i][1] };
		char in[200];

		memset(in, '#', sizeof(in)); /* its raw pieces are needles too */
		hd_maskset_add(&m, &mk, in, sizeof(in));
	}
	assert_int_equal(m.nsp, 4); /* [0,3) [10,19) [24,25) [30,32) */
	s = masked(&m, line, 100);
	assert_string_equal(s, "********3456789********jklmn********pqrst********wxyz");
	free(s);
	s = masked(&m, line + 20, 120); /* a line that starts inside no span */
	assert_string_equal(s, "klmn********pqrst********wxyz");
	free(s);
	hd_maskset_release(&m);
}

/* i22-03: a diff masks line by line: as many lines as unmasked */
static void test_i22_03_diff_lines(void **state)
{
	static const char old[] = "a: 1\nk: |\n  secret-one\n  secret-two\nb: 2\n";
	static const char new[] = "a: 1\nk: moved\nb: 2\n";
	struct splice v = { 8, 27, "moved", 5, 0, 0 };
	struct splices sp = { &v, 1, 1 };
	struct hd_mask mk = { .value = "secret-one\nsecret-two\n", .off = 8, .len = 27 };
	struct hd_maskset m;
	struct hd_buf b = HD_BUF_INIT;

	(void)state;
	hd_maskset_init(&m);
	hd_maskset_add(&m, &mk, old, sizeof(old) - 1);
	hd_diff(&b, "x.yaml", old, sizeof(old) - 1, new, sizeof(new) - 1, &sp, &m);
	assert_string_equal(b.data, "--- a/x.yaml\n+++ b/x.yaml\n@@ -1,5 +1,3 @@\n a: 1\n"
			    "-k: ********\n-  ********\n-  ********\n+k: moved\n b: 2\n");
	hd_buf_release(&b);
	hd_maskset_release(&m);
}

static void keep(struct hd_secret_store *st, const char *file, const char *store,
		 const char *ns, const char *key, const char *value, bool compose, bool env)
{
	struct hd_kept_secret *k;

	st->v = realloc(st->v, (st->n + 1) * sizeof(*st->v));
	k = &st->v[st->n++];
	k->file = strdup(file);
	k->store = strdup(store);
	k->ns = ns ? strdup(ns) : NULL;
	k->key = strdup(key);
	k->value = strdup(value);
	k->compose = compose;
	k->envfile = env;
}

/* i22-01 (files): one value per key across files, the same one once */
static void test_i22_01_files_take(void **state)
{
	struct hd_secret_store run = { NULL, 0, 0 }, a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	char why[512];

	(void)state;
	keep(&a, "a.yaml", "web-secrets", "prod", "PW", "val-one", false, false);
	keep(&a, "a.yaml", "db-pw", NULL, "PW", "val-two", true, false);
	keep(&a, "a.yaml", "-", NULL, "API_KEY", "val-three", true, true);
	assert_int_equal(hd_secrets_take(&run, &a, why, sizeof(why)), 0);
	assert_int_equal(run.n, 3);
	/* the same values again: kept once; another namespace is another Secret */
	keep(&b, "b.yaml", "web-secrets", "prod", "PW", "val-one", false, false);
	keep(&b, "b.yaml", "web-secrets", "dev", "PW", "val-other", false, false);
	assert_int_equal(hd_secrets_take(&run, &b, why, sizeof(why)), 0);
	assert_int_equal(run.n, 4);
	/* another value for a key: refused, nothing moves, names only */
	keep(&b, "c.yaml", "new-secrets", NULL, "X", "val-fine", false, false);
	keep(&b, "c.yaml", "-", NULL, "API_KEY", "val-clash", true, true);
	assert_int_equal(hd_secrets_take(&run, &b, why, sizeof(why)), -1);
	assert_int_equal(run.n, 4);
	assert_non_null(strstr(why, "harden.env variable 'API_KEY'"));
	assert_non_null(strstr(why, "'a.yaml'"));
	assert_null(strstr(why, "val-"));
	hd_secrets_store_release(&b);
	/* within one file too */
	keep(&b, "d.yaml", "f", NULL, "K", "val-1", true, false);
	keep(&b, "d.yaml", "f", NULL, "K", "val-2", true, false);
	assert_int_equal(hd_secrets_take(&run, &b, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "this file also"));
	hd_secrets_store_release(&b);
	/* what an env file or a directory cannot hold */
	keep(&b, "e.yaml", "-", NULL, "MY-KEY", "val", true, true);
	assert_int_equal(hd_secrets_take(&run, &b, why, sizeof(why)), -1);
	hd_secrets_store_release(&b);
	keep(&b, "e.yaml", "..", NULL, "K", "val", true, false);
	assert_int_equal(hd_secrets_take(&run, &b, why, sizeof(why)), -1);
	hd_secrets_store_release(&b);
	keep(&b, "e.yaml", "f2", NULL, "K", "a${HOME}", true, false);
	assert_int_equal(hd_secrets_take(&run, &b, why, sizeof(why)), -1);
	hd_secrets_store_release(&b);
	hd_secrets_store_release(&a);
	hd_secrets_store_release(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i22_02_envfile_roundtrip),
		cmocka_unit_test(test_i22_02_envfile_keys),
		cmocka_unit_test(test_i22_03_mask_line),
		cmocka_unit_test(test_i22_03_mask_multiline),
		cmocka_unit_test(test_i22_03_mask_spans),
		cmocka_unit_test(test_i22_03_diff_lines),
		cmocka_unit_test(test_i22_01_files_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
