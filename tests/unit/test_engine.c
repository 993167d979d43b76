/* test_engine.c - span tree, verifier, diff (yaml-engine.md 6.7); edit cases: tests/data/edit.test */
#include "helpers.h"
#include "scalar.h"
#include "verify.h"

/* the verifier refuses a document slice that lost its final line break
 * (it would glue the next document onto it), whatever the renderer did */
static void test_verify_doc_boundary(void **state)
{
	struct hd_err err;

	(void)state;
	assert_int_equal(hd_verify_doc("t", NULL, "a: x", 4, 0, "a: |\n", 5, 0, &err), -1);
	assert_non_null(strstr(err.msg, "lost its final line break"));
}

/* i22-10: libyaml reads the output differently because it cannot read the
 * input: the error says so, where libyaml stops in the input, its marks
 * (characters from past the BOM) turned into harden's line and column */
static void test_verify_input_unreadable_i22_10(void **state)
{
	static const char in[] = "\xef\xbb\xbftop1: &no::::de0\n"
				 "  &k1 k\xc3\xa9y1: o2tonep\n: &node2  #comment\n  key2: two\n";
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;

	(void)state;
	hd_arena_init(&a);
	assert_int_equal(ys_parse(&ys, "t", in, sizeof(in) - 1, &a, &err), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, in, sizeof(in) - 1, 0, in,
					     sizeof(in) - 1, 0, false, 10, &err), -1);
	assert_non_null(strstr(err.msg, "not readable by YAML 1.1 parsers"));
	assert_non_null(strstr(err.msg, "mapping values are not allowed"));
	assert_int_equal(err.line, 12); /* its line 2, after 10 lines of the file */
	assert_int_equal(err.col, 11);  /* "  &k1 k\xc3\xa9y1" is 10 characters */
	ys_close(&ys);
	hd_arena_free(&a);
}

/* a big document is read by libyaml in a thread of its own (split): the
 * same verdicts as one after the other, libyaml's objections included */
static void test_verify_doc_split(void **state)
{
	struct hd_buf big = HD_BUF_INIT, bad = HD_BUF_INIT;
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	int i;

	(void)state;
	for (i = 0; i < 4000; i++)
		hd_buf_printf(&big, "key%d: value number %d\n", i, i);
	hd_buf_add(&big, "last: word\n", 11);
	hd_arena_init(&a);
	assert_int_equal(ys_parse(&ys, "t", big.data, big.len, &a, &err), 0);
	assert_true(big.len >= 64 * 1024);
	assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, big.data, big.len, 0,
					     big.data, big.len, 0, true, 0, &err), 0);
	/* libfyaml sees a different value */
	hd_buf_add(&bad, big.data, big.len - 5);
	hd_buf_add(&bad, "verb\n", 5);
	assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, bad.data, bad.len, 0,
					     big.data, big.len, 0, true, 0, &err), -1);
	assert_non_null(strstr(err.msg, "verification failed"));
	/* only libyaml objects: it refuses implicit keys over 1024 characters */
	bad.len = 0;
	hd_buf_add(&bad, big.data, big.len);
	for (i = 0; i < 1100; i++)
		hd_buf_addc(&bad, 'k');
	hd_buf_add(&bad, ": v\n", 4);
	ys_close(&ys);
	assert_int_equal(ys_parse(&ys, "t", bad.data, bad.len, &a, &err), 0);
	for (i = 0; i < 2; i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, bad.data, bad.len, 0,
						     big.data, big.len, 0, i == 0, 0,
						     &err), -1);
		assert_non_null(strstr(err.msg, "libyaml accepts the input but not the output"));
	}
	ys_close(&ys);
	hd_arena_free(&a);
	hd_buf_release(&big);
	hd_buf_release(&bad);
}

/* 17. values mean the same under YAML 1.1 and 1.2 */
static void test_scalar_emission(void **state)
{
	static const char *const strs[] = { "1000:1000", "no-new-privileges:true",
		"0.5", "yes", "no", "on", "y", "N", "~", "null", "0755", "0o17",
		"1e3", "22:22", "2001-12-14", "<<", "=", "true", "10001", "", " x",
		"a#b", "-x", "x: y", ".inf", "0x1F", "1_000", NULL };
	size_t i;

	(void)state;
	for (i = 0; strs[i]; i++) {
		struct hd_buf b = HD_BUF_INIT;

		hd_scalar_write(&b, strs[i], strlen(strs[i]), YT_STR, '"');
		assert_true(b.len > 0 && (b.data[0] == '"'));
		hd_buf_release(&b);
	}
	assert_true(hd_plain_safe("RuntimeDefault", 14));
	assert_true(hd_plain_safe("512Mi", 5));
	assert_true(hd_plain_safe("500m", 4));
	assert_true(hd_plain_safe("NET_BIND_SERVICE", 16));
	assert_int_equal(hd_resolve11("22:22", 5), YT_INT);
	assert_int_equal(hd_resolve11("1000:1000", 9), YT_STR);
	assert_int_equal(hd_resolve11("y", 1), YT_BOOL);
	assert_int_equal(hd_resolve12("y", 1), YT_STR);
	assert_int_equal(hd_resolve12("1e3", 3), YT_FLOAT);
	assert_int_equal(hd_resolve11("1e3", 3), YT_STR);
	assert_int_equal(hd_resolve11("0755", 4), YT_INT);
	/* exponents: YAML 1.1 (PyYAML) wants a '.' and a signed exponent */
	assert_int_equal(hd_resolve11("1.0e+3", 6), YT_FLOAT);
	assert_int_equal(hd_resolve11("1.0E+12", 7), YT_FLOAT);
	assert_int_equal(hd_resolve11("1.e-2", 5), YT_FLOAT);
	assert_int_equal(hd_resolve11("1.0e3", 5), YT_STR);
	assert_int_equal(hd_resolve11("1e+3", 4), YT_STR);
	assert_int_equal(hd_resolve11("1.0e+", 5), YT_STR);
	assert_int_equal(hd_resolve11(".5", 2), YT_FLOAT);
	assert_int_equal(hd_resolve12("1.0e3", 5), YT_FLOAT);
	assert_int_equal(hd_resolve12("1e-3", 4), YT_FLOAT);
	assert_int_equal(hd_resolve12("1e", 2), YT_STR);
	assert_int_equal(hd_resolve12("1e+", 3), YT_STR);
	assert_int_equal(hd_resolve12(".5", 2), YT_FLOAT);
}

/*
 * The encoding check reads eight bytes at a time: every refused byte is
 * found at every offset, right after a line feed too (a carry between the
 * bytes of a word must not hide it), and what is allowed stays allowed.
 */
static void test_encoding_scan_offsets(void **state)
{
	static const char *const bad[] = { "\x01", "\x0b", "\x1f", "\x7f", "\r",
					   "\xc2\x80", "\xc3", "\xef\xbf\xbe", "\xff" };
	static const char *const good[] = { "\t", "\xc3\xa9", "\xe2\x82\xac", "~",
					    "\r\n  ", "\xf0\x9f\x99\x82", " " };
	const size_t nbad = sizeof(bad) / sizeof(bad[0]);
	size_t k, pad, at_line_start;

	(void)state;
	for (k = 0; k < nbad + sizeof(good) / sizeof(good[0]); k++) {
		const char *ins = k < nbad ? bad[k] : good[k - nbad];

		for (pad = 0; pad < 17; pad++) {
			for (at_line_start = 0; at_line_start < (k < nbad ? 2u : 1u); at_line_start++) {
				char in[128];
				struct hd_arena a;
				struct ystream ys;
				struct hd_err err;
				int rc;

				/* line 3 holds the byte(s): at its start or after "  x" */
				snprintf(in, sizeof(in), "a: |\n  %.*s\n%s%sy\n  zz\nb: 1\n", (int)pad,
					 "pppppppppppppppppppp", at_line_start ? "" : "  x", ins);
				hd_arena_init(&a);
				rc = ys_parse(&ys, "t", in, strlen(in), &a, &err);
				if (k >= nbad && rc < 0)
					fail_msg("allowed byte(s) %zu, pad %zu refused: %s", k, pad, err.msg);
				/* refused by the encoding check itself, not later by libfyaml */
				if (k < nbad && (rc == 0 || err.line != 3 ||
						 err.col != (at_line_start ? 1 : 4) ||
						 !(strstr(err.msg, "control character") ||
						   strstr(err.msg, "carriage return") ||
						   strstr(err.msg, "invalid UTF-8") ||
						   strstr(err.msg, "noncharacter"))))
					fail_msg("bad byte(s) %zu, pad %zu%s: %s at %d:%d", k, pad,
						 at_line_start ? " at line start" : "",
						 rc < 0 ? err.msg : "accepted", err.line, err.col);
				hd_arena_free(&a);
			}
		}
	}
}

static void test_path_parse(void **state)
{
	struct hd_arena a;
	struct hd_path p;
	struct hd_err err;

	(void)state;
	hd_arena_init(&a);
	assert_int_equal(hd_path_parse(&a, ".a.\"b.c\"[2][*].d", &p, &err), 0);
	assert_int_equal(p.n, 5);
	assert_string_equal(p.segs[1].key, "b.c");
	assert_int_equal(p.segs[2].kind, SEG_INDEX);
	assert_int_equal(p.segs[2].index, 2);
	assert_int_equal(p.segs[3].kind, SEG_ALL);
	assert_int_equal(hd_path_parse(&a, "a.b", &p, &err), -1);
	assert_int_equal(hd_path_parse(&a, ".a[x]", &p, &err), -1);
	hd_arena_free(&a);
}

static void test_spans(void **state)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	const char *in = "a: 'q'\nb: &x \"d\"\nc: |-\n  t\nd:\ne: [1, *x]\n";
	const struct yn *r;

	(void)state;
	hd_arena_init(&a);
	assert_int_equal(ys_parse(&ys, "t", in, strlen(in), &a, &err), 0);
	r = ys.docs[0].root;
	assert_int_equal(r->kind, YN_MAP);
	assert_int_equal(r->kids[1]->style, YS_SQ);
	assert_int_equal(r->kids[1]->start, 3);
	assert_int_equal(r->kids[1]->end, 6);
	assert_int_equal(r->kids[3]->start, 10); /* &x */
	assert_int_equal(r->kids[3]->vstart, 13);
	assert_int_equal(r->kids[3]->nrefs, 1);
	assert_int_equal(r->kids[5]->style, YS_LIT);
	assert_int_equal(r->kids[5]->vstart, 20);
	assert_int_equal(r->kids[5]->chomp, '-');
	assert_true(r->kids[7]->null_empty);
	assert_int_equal(r->kids[9]->kids[1]->kind, YN_ALIAS);
	assert_ptr_equal(r->kids[9]->kids[1]->target, r->kids[3]);
	hd_arena_free(&a);
}

static void test_diff_output(void **state)
{
	const char *old = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8";
	const char *new = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9";
	struct splice s = { 37, 0, "\ni: 9", 5, 0, 0 };
	struct splices sp = { &s, 1, 1 };
	struct hd_buf b = HD_BUF_INIT;

	(void)state;
	hd_diff(&b, "./x.yaml", old, strlen(old), new, strlen(new), &sp, NULL);
	assert_string_equal(b.data,
			    "--- a/x.yaml\n+++ b/x.yaml\n@@ -5,4 +5,5 @@\n e: 5\n f: 6\n g: 7\n"
			    "-h: 8\n\\ No newline at end of file\n+h: 8\n+i: 9\n"
			    "\\ No newline at end of file\n");
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_doc_boundary),
		cmocka_unit_test(test_verify_doc_split),
		cmocka_unit_test(test_scalar_emission),
		cmocka_unit_test(test_encoding_scan_offsets),
		cmocka_unit_test(test_verify_input_unreadable_i22_10),
		cmocka_unit_test(test_path_parse),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_diff_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
