/* test_dockerfile.c - the Dockerfile parser, shell words and verification (i20) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dockerfile.h"

struct parsed {
	struct hd_arena a;
	struct df_file f;
	struct hd_err err;
	int rc;
};

static void parse(struct parsed *p, const char *s)
{
	hd_arena_init_small(&p->a);
	p->rc = df_parse(&p->f, s, strlen(s), &p->a, &p->err);
}

static void done(struct parsed *p)
{
	free(p->f.in);
	free(p->f.st);
	hd_arena_free(&p->a);
}

static void test_i20_parse_continuations(void **state)
{
	struct parsed p;
	const char *s = "# syntax=docker/dockerfile:1\n"
			"ARG V=1\n"
			"FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\n"
			"RUN a \\\n"
			"  # a comment inside\n"
			"\n"
			"  && b   \\  \n"
			"  && c\n"
			"from build\n"
			"CMD [\"x\", \"y\"]\n";

	(void)state;
	parse(&p, s);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.f.n, 5);
	assert_int_equal(p.f.nst, 2);
	assert_string_equal(p.f.in[0].name, "ARG");
	assert_int_equal(p.f.in[0].stage, -1);
	assert_string_equal(p.f.st[0].image, "golang:1.22");
	assert_string_equal(p.f.st[0].alias, "build");
	assert_int_equal(p.f.st[1].base_stage, 0);
	assert_string_equal(p.f.in[2].name, "RUN");
	assert_string_equal(p.f.in[2].args, "a   && b     && c");
	assert_int_equal(p.f.in[2].nseg, 3);
	assert_int_equal(p.f.in[2].line, 4);
	assert_int_equal(p.f.in[2].last_line, 8);
	/* a logical offset maps back to its bytes */
	assert_int_equal(s[df_raw_at(&p.f.in[2], 4)], '&');
	assert_string_equal(p.f.in[3].name, "FROM");
	assert_true(p.f.in[4].json);
	assert_true(p.f.final_newline);
	assert_false(p.f.crlf);
	done(&p);
}

static void test_i20_parse_escape_heredoc_onbuild(void **state)
{
	struct parsed p;
	const char *s = "# escape=`\r\n"
			"FROM mcr.microsoft.com/windows/servercore:ltsc2022\r\n"
			"RUN dir C:\\ ; `\r\n"
			"    echo done\r\n"
			"COPY <<-\"EOF\" /a\r\n"
			"\tRUN not an instruction\r\n"
			"\tEOF\r\n"
			"onbuild run make\r\n"
			"USER 1:1";

	(void)state;
	parse(&p, s);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.f.escape, '`');
	assert_true(p.f.crlf);
	assert_false(p.f.final_newline);
	assert_int_equal(p.f.n, 5);
	assert_string_equal(p.f.in[1].args, "dir C:\\ ;     echo done");
	assert_int_equal(p.f.in[2].nhd, 1);
	assert_string_equal(p.f.in[2].hd[0].name, "EOF");
	assert_true(p.f.in[2].hd[0].strip_tabs);
	assert_true(p.f.in[2].hd[0].quoted);
	assert_string_equal(p.f.in[3].name, "ONBUILD");
	assert_string_equal(p.f.in[3].sub, "RUN");
	assert_string_equal(p.f.in[4].name, "USER");
	assert_int_equal(p.f.in[4].end, strlen(s));
	done(&p);
}

static void test_i20_parse_errors(void **state)
{
	static const struct {
		const char *in;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "FROM x\n  COPPY a b\n", 2, 3, "unknown instruction 'COPPY'" },
		{ "FROM x\nRUN <<EOF\necho\n", 2, 1, "heredoc 'EOF' is not terminated" },
		{ "# escape=x\nFROM x\n", 1, 10, "invalid escape directive" },
		{ "FROM x\nRUN \xff\n", 2, 5, "not UTF-8" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed p;

		parse(&p, cases[i].in);
		assert_int_equal(p.rc, -1);
		assert_int_equal(p.err.line, cases[i].line);
		assert_int_equal(p.err.col, cases[i].col);
		assert_non_null(strstr(p.err.msg, cases[i].msg));
		done(&p);
	}
}

static void test_i20_shell_words(void **state)
{
	struct hd_arena a;
	struct df_word *w;
	bool cm;
	const char *s = "A=1 apt-get install -y 'a b' \"c\\\"d\" && rm $(x y)||z # note";
	size_t n;

	(void)state;
	hd_arena_init_small(&a);
	n = df_shell_words(s, strlen(s), &a, &w, &cm);
	assert_true(cm);
	assert_int_equal(n, 11);
	assert_string_equal(w[4].text, "a b");
	assert_string_equal(w[5].text, "c\"d");
	assert_true(w[6].op);
	assert_string_equal(w[8].text, "$(x y)");
	assert_true(w[9].op);
	assert_string_equal(w[9].text, "||");
	n = df_shell_words("echo \"open", 10, &a, &w, &cm);
	assert_true(cm); /* an open quote: nothing may be appended */
	n = df_shell_words("echo ok", 7, &a, &w, &cm);
	assert_false(cm);
	assert_int_equal(n, 2);
	hd_arena_free(&a);
}

static void test_i20_verify(void **state)
{
	struct parsed p;
	struct df_wants w;
	struct hd_err err;
	const char *s = "FROM x\nRUN a \\\n  b\n";

	(void)state;
	parse(&p, s);
	assert_int_equal(p.rc, 0);
	df_wants_init(&w, &p.f, &p.a);
	df_want_insert(&w, 1, true, "USER", "1:1");
	df_want_args_insert(&w, &p.f, 1, p.f.in[1].nargs, " && c");
	df_want_rename(&w, 0, "FROM");
	assert_int_equal(df_verify(&w, "FROM x\nRUN a \\\n  b && c\nUSER 1:1\n",
				   strlen("FROM x\nRUN a \\\n  b && c\nUSER 1:1\n"), &err),
			 0);
	/* the text in the wrong place, or lost, is caught */
	assert_int_equal(df_verify(&w, "FROM x\nRUN a && c \\\n  b\nUSER 1:1\n",
				   strlen("FROM x\nRUN a && c \\\n  b\nUSER 1:1\n"), &err),
			 -1);
	assert_int_equal(df_verify(&w, "FROM x\nRUN a \\\n  b && c\n",
				   strlen("FROM x\nRUN a \\\n  b && c\n"), &err),
			 -1);
	assert_int_equal(df_verify(&w, "FROM x\nRUN a \\\n# USER 1:1\n  b && c\n",
				   strlen("FROM x\nRUN a \\\n# USER 1:1\n  b && c\n"), &err),
			 -1);
	df_wants_release(&w);
	done(&p);
}

static void test_i20_names(void **state)
{
	(void)state;
	assert_true(df_is_dockerfile_name("Dockerfile"));
	assert_true(df_is_dockerfile_name("a/b/Containerfile"));
	assert_true(df_is_dockerfile_name("web.Dockerfile"));
	assert_true(df_is_dockerfile_name("Dockerfile.prod"));
	assert_false(df_is_dockerfile_name("Dockerfile.yaml"));
	assert_false(df_is_dockerfile_name("dockerfile-notes.txt"));
	assert_false(df_is_dockerfile_name("compose.yaml"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i20_parse_continuations),
		cmocka_unit_test(test_i20_parse_escape_heredoc_onbuild),
		cmocka_unit_test(test_i20_parse_errors),
		cmocka_unit_test(test_i20_shell_words),
		cmocka_unit_test(test_i20_verify),
		cmocka_unit_test(test_i20_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
