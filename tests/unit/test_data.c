/* test_data.c - the one runner of tests/data/NAME.test: edit and harden cases written as data */
#include <ctype.h>
#include <glob.h>

#include "helpers.h"
#include "harden_helpers.h"
#include "pin.h"

/*
 * Like jq's tests/NAME.test files, a case is data, not C.  A file holds cases, each
 * opened by a "#@ case" line; every line of a case but the raw blocks is a
 * "#@ KEY [VALUE]" directive:
 *
 *   #@ case NAME        a new case (failures print FILE:LINE of this line)
 *   #@ why TEXT         what the case shows (for the reader)
 *   #@ edit OP          an engine edit: "set PATH=VALUE", "del PATH", "@N OP"
 *                       (document N only); several run in order
 *   #@ harden [LIST]    harden with the transforms in LIST (--only; none: all)
 *   #@ option K[=V]     a harden option: unsafe-fixes, level=baseline, uid=N,
 *                       gid=N, pids-limit=N, kinds=..., secrets-out=...,
 *                       digests=FILE (--pin-images from FILE), ...
 *   #@ once             the edit is not idempotent (no second-run check)
 *   #@ in               the input: the raw lines that follow, up to the next
 *                       "#@" line (trailing blank lines are not part of it)
 *   #@ in "C STRING"    the input on one line, with \n \r \t \\ \" \xHH:
 *                       CRs, a missing final newline, blanks at line ends
 *   #@ out ...          the expected bytes, the same two ways; a second run
 *                       on them must change nothing (unless "once")
 *   #@ unchanged        the expected bytes are the input's
 *   #@ finding TEXT     a printed finding must contain TEXT
 *   #@ error TEXT       the edit or harden must fail with TEXT in its message
 *   #@ exit N           0: done (the default), 2: refused (the default with
 *                       "error"), as harden's exit code for the same file
 *   #@# TEXT            a comment, anywhere
 *
 * Every tests/data/NAME.test file runs (or the files given as arguments).
 * Failures print FILE:LINE: case NAME and where the bytes differ, never the
 * bytes themselves: some cases hold secret-looking values (HD_DATA_SHOW=1
 * prints both, for a developer's own terminal).
 */

#define MAX_OPS 32
#define MAX_FIND 8

struct dcase {
	const char *file;
	int line;
	char *name;
	bool harden, once, unchanged, has_out;
	bool skip; /* a malformed directive was reported */
	char *ops[MAX_OPS + 1];
	size_t nops;
	char *only;
	struct hd_opts o;
	char *in, *out;
	size_t inlen, outlen;
	bool has_in;
	char *find[MAX_FIND];
	size_t nfind;
	char *error;
	int exit_code;
};

struct counts {
	unsigned cases, failed;
};

static void case_free(struct dcase *c)
{
	size_t i;

	free(c->name);
	for (i = 0; i < c->nops; i++)
		free(c->ops[i]);
	free(c->only);
	free(c->in);
	free(c->out);
	for (i = 0; i < c->nfind; i++)
		free(c->find[i]);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

static bool fail_case(const struct dcase *c, struct counts *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail_case(const struct dcase *c, struct counts *n, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: case %s: ", c->file, c->line, c->name ? c->name : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	n->failed++;
	return false;
}

/* A one-line "C STRING" value in malloc'ed *@out (*@len bytes); false if malformed. */
static bool unquote(const char *s, char **out, size_t *len)
{
	size_t l = strlen(s), o = 0, i;
	char *r;

	if (l < 2 || s[0] != '"' || s[l - 1] != '"')
		return false;
	r = malloc(l);
	for (i = 1; i < l - 1; i++) {
		char c = s[i];

		if (c == '"') {
			free(r);
			return false;
		}
		if (c != '\\') {
			r[o++] = c;
			continue;
		}
		c = s[++i];
		if (c == 'n') {
			r[o++] = '\n';
		} else if (c == 'r') {
			r[o++] = '\r';
		} else if (c == 't') {
			r[o++] = '\t';
		} else if (c == '\\' || c == '"') {
			r[o++] = c;
		} else if (c == 'x' && i + 2 < l - 1 && isxdigit((unsigned char)s[i + 1]) &&
			   isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };

			r[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			free(r);
			return false;
		}
	}
	r[o] = '\0';
	*out = r;
	*len = o;
	return true;
}

static bool set_option(struct hd_opts *o, const char *kv)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
#define S(n, f) { n, offsetof(struct hd_opts, f) }
		S("cpu-limit", cpu_limit), S("mem-limit", mem_limit),
		S("cpu-request", cpu_request), S("mem-request", mem_request),
		S("skip", skip), S("kinds", kinds), S("secrets-out", secrets_out),
		S("cap-allow", cap_allow), S("compose-mem", compose_mem),
		S("compose-cpus", compose_cpus), S("file-env-images", file_env_images),
		S("ro-patterns", ro_patterns), S("secret-names", secret_names),
		S("exclude", exclude), S("digests", pin_digests),
#undef S
	};
	const char *eq = strchr(kv, '=');
	size_t kl = eq ? (size_t)(eq - kv) : strlen(kv), i;
	char *end;

	if (!eq)
		return !strcmp(kv, "unsafe-fixes") && (o->unsafe_fixes = true);
	if (kl == 5 && !strncmp(kv, "level", 5)) {
		if (!strcmp(eq + 1, "baseline"))
			o->level = HD_LEVEL_BASELINE;
		else if (!strcmp(eq + 1, "restricted"))
			o->level = HD_LEVEL_RESTRICTED;
		else
			return false;
		return true;
	}
	if ((kl == 3 && !strncmp(kv, "uid", 3)) || (kl == 3 && !strncmp(kv, "gid", 3)) ||
	    (kl == 10 && !strncmp(kv, "pids-limit", 10))) {
		long v = strtol(eq + 1, &end, 10);

		if (end == eq + 1 || *end)
			return false;
		*(kv[0] == 'u' ? &o->uid : kv[0] == 'g' ? &o->gid : &o->pids_limit) = v;
		return true;
	}
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strlen(strs[i].name) == kl && !strncmp(kv, strs[i].name, kl)) {
			/* the value lives as long as the file's text */
			*(const char **)((char *)o + strs[i].off) = eq + 1;
			o->pin_images = o->pin_images || o->pin_digests;
			return true;
		}
	return false;
}

/* "0" or "2" as a number; -1 for anything else. */
static int atoi_checked(const char *s)
{
	return !strcmp(s, "0") ? 0 : !strcmp(s, "2") ? 2 : -1;
}

/* Where @got and @want first differ, as "line L, column C". */
static void where(const char *got, size_t gl, const char *want, size_t wl, char *buf, size_t n)
{
	size_t i = 0, line = 1, col = 1;

	while (i < gl && i < wl && got[i] == want[i]) {
		if (got[i] == '\n')
			line++, col = 1;
		else
			col++;
		i++;
	}
	snprintf(buf, n, "first difference at line %zu, column %zu (got %zu bytes, want %zu)",
		 line, col, gl, wl);
}

static bool check_bytes(const struct dcase *c, struct counts *n, const char *what,
			const char *got, const char *want, size_t wl)
{
	char pos[160];

	if (strlen(got) == wl && !memcmp(got, want, wl))
		return true;
	where(got, strlen(got), want, wl, pos, sizeof(pos));
	if (getenv("HD_DATA_SHOW"))
		fprintf(stderr, "---- got:\n%s\n---- want:\n%.*s\n----\n", got, (int)wl, want);
	return fail_case(c, n, "%s: %s", what, pos);
}

static void run_edit(const struct dcase *c, struct counts *n)
{
	char eb[600] = "", *got, *again;
	int rc;

	got = edit_opsv(c->in, c->inlen, eb, sizeof(eb), (const char *const *)c->ops);
	rc = got ? 0 : 2;
	if (rc != c->exit_code) {
		fail_case(c, n, "exit %d, want %d%s%s", rc, c->exit_code, got ? "" : ": ", got ? "" : eb);
	} else if (c->error && !strstr(eb, c->error)) {
		fail_case(c, n, "the error lacks the expected text: %s", eb);
	} else if (got && check_bytes(c, n, "output", got, c->out, c->outlen) && !c->once) {
		again = edit_opsv(got, strlen(got), eb, sizeof(eb), (const char *const *)c->ops);
		if (!again)
			fail_case(c, n, "second run failed: %s", eb);
		else
			check_bytes(c, n, "second run changed the output", again, got, strlen(got));
		free(again);
	}
	free(got);
}

/* option digests=FILE: --pin-images from FILE (read for this case) */
static bool pin_setup(const struct dcase *c, struct counts *n)
{
	const char *errpath;
	struct hd_err err;

	if (!c->o.pin_digests)
		return true;
	hd_pin_done();
	if (hd_pin_init(&c->o, &err, &errpath) == 0)
		return true;
	fail_case(c, n, "%s:%d: %s", c->o.pin_digests, err.line, err.msg);
	return false;
}

static void run_harden(const struct dcase *c, struct counts *n)
{
	struct hres r, r2;
	int rc;
	size_t i;

	if (!pin_setup(c, n))
		return;
	r = harden_str(c->in, &c->o, c->only);
	rc = r.error ? 2 : 0;

	if (rc != c->exit_code) {
		fail_case(c, n, "exit %d, want %d%s%s", rc, c->exit_code, r.error ? ": " : "",
			  r.error ? r.err : "");
		goto out;
	}
	if (c->error && !strstr(r.err, c->error)) {
		fail_case(c, n, "the error lacks the expected text: %s", r.err);
		goto out;
	}
	for (i = 0; i < c->nfind; i++)
		if (!r.warnings || !strstr(r.warnings, c->find[i])) {
			fail_case(c, n, "no finding with the text of its line %zu of 'finding'", i + 1);
			goto out;
		}
	if (!c->has_out || !check_bytes(c, n, "output", r.out, c->out, c->outlen))
		goto out;
	r2 = harden_str(r.out, &c->o, c->only);
	if (r2.error)
		fail_case(c, n, "second run failed: %s", r2.err);
	else
		check_bytes(c, n, "second run changed the output", r2.out, r.out, strlen(r.out));
	hres_free(&r2);
out:
	hres_free(&r);
}

/* Check that the case says enough, then run it. */
static void run_case(struct dcase *c, struct counts *n)
{
	if (!c->name)
		return;
	n->cases++;
	if (c->skip) {
		/* already failed */
	} else if (!c->has_in) {
		fail_case(c, n, "no '#@ in'");
	} else if (c->harden == (c->nops > 0)) {
		fail_case(c, n, "needs either '#@ edit' lines or one '#@ harden' line");
	} else if (!c->has_out && !c->unchanged && !c->nfind && !c->error && !c->exit_code) {
		fail_case(c, n, "expects nothing: add out, unchanged, finding, error or exit");
	} else if (c->exit_code && (c->has_out || c->unchanged)) {
		fail_case(c, n, "a refused case has no output");
	} else {
		if (c->unchanged) {
			c->out = malloc(c->inlen + 1);
			memcpy(c->out, c->in, c->inlen + 1);
			c->outlen = c->inlen;
			c->has_out = true;
		}
		if (c->harden)
			run_harden(c, n);
		else
			run_edit(c, n);
	}
	case_free(c);
}

/* The raw block after line @i (to the next "#@" line, trailing blank lines dropped). */
static char *raw_block(char **lines, size_t nl, size_t *i, size_t *len)
{
	size_t a = *i + 1, b = a, k, l = 0;
	char *r;

	while (b < nl && strncmp(lines[b], "#@", 2))
		b++;
	*i = b - 1;
	while (b > a && !lines[b - 1][0])
		b--;
	for (k = a; k < b; k++)
		l += strlen(lines[k]) + 1;
	r = malloc(l + 1);
	l = 0;
	for (k = a; k < b; k++) {
		size_t m = strlen(lines[k]);

		memcpy(r + l, lines[k], m);
		r[l + m] = '\n';
		l += m + 1;
	}
	r[l] = '\0';
	*len = l;
	return r;
}

/* Directive @key @val of line @i into @c; false (message printed) when malformed. */
static bool directive(struct dcase *c, const char *key, char *val, char **lines, size_t nl,
		      size_t *i, struct counts *n)
{
	bool in = !strcmp(key, "in");

	if (in || !strcmp(key, "out")) {
		char **s = in ? &c->in : &c->out;
		size_t *l = in ? &c->inlen : &c->outlen;

		if (*val ? !unquote(val, s, l) : !(*s = raw_block(lines, nl, i, l)))
			return fail_case(c, n, "%s: malformed quoted string", key);
		*(in ? &c->has_in : &c->has_out) = true;
	} else if (!strcmp(key, "edit") && c->nops < MAX_OPS) {
		size_t l;

		if (*val == '"' ? !unquote(val, &c->ops[c->nops], &l) :
				  !(c->ops[c->nops] = strdup(val)))
			return fail_case(c, n, "edit: malformed quoted string");
		c->nops++;
	} else if (!strcmp(key, "harden")) {
		c->harden = true;
		c->only = *val ? strdup(val) : NULL;
	} else if (!strcmp(key, "option")) {
		if (!set_option(&c->o, val))
			return fail_case(c, n, "unknown or malformed option '%s'", val);
	} else if (!strcmp(key, "finding") && c->nfind < MAX_FIND) {
		c->find[c->nfind++] = strdup(val);
	} else if (!strcmp(key, "error")) {
		c->error = strdup(val);
		if (!c->exit_code)
			c->exit_code = 2;
	} else if (!strcmp(key, "exit")) {
		c->exit_code = atoi_checked(val);
		if (c->exit_code < 0)
			return fail_case(c, n, "exit: not 0 or 2");
	} else if (!strcmp(key, "once")) {
		c->once = true;
	} else if (!strcmp(key, "unchanged")) {
		c->unchanged = true;
	} else if (strcmp(key, "why")) {
		return fail_case(c, n, "unknown directive '#@ %s'", key);
	}
	return true;
}

/* Run every case of @path; false when the file cannot be read. */
static bool run_file(const char *path, struct counts *n)
{
	FILE *fp = fopen(path, "rb");
	struct dcase c;
	char *text = NULL, **lines = NULL;
	size_t len = 0, nl = 0, i;
	unsigned before = n->cases, fails = n->failed;

	if (!fp)
		return false;
	{
		char chunk[65536];
		size_t got;

		while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
			text = realloc(text, len + got + 1);
			memcpy(text + len, chunk, got);
			len += got;
		}
	}
	fclose(fp);
	if (!text)
		text = calloc(1, 1);
	text[len] = '\0';
	/* split into lines in place */
	{
		char *p = text, *e;

		do {
			lines = realloc(lines, (nl + 1) * sizeof(*lines));
			lines[nl++] = p;
			e = strchr(p, '\n');
			if (e)
				*e = '\0', p = e + 1;
		} while (e);
	}
	memset(&c, 0, sizeof(c));
	for (i = 0; i < nl; i++) {
		char *l = lines[i], *key, *val;

		if (strncmp(l, "#@", 2) || l[2] == '#') /* text between cases, comments */
			continue;
		key = l + 2;
		key += strspn(key, " ");
		val = key + strcspn(key, " ");
		if (*val)
			*val++ = '\0';
		if (!strcmp(key, "case")) {
			run_case(&c, n);
			hd_opts_defaults(&c.o);
			c.file = path;
			c.line = (int)i + 1;
			c.name = strdup(val);
		} else if (!c.name) {
			c.file = path;
			c.line = (int)i + 1;
			fail_case(&c, n, "'#@ %s' before the first '#@ case'", key);
		} else if (!c.skip && !directive(&c, key, val, lines, nl, &i, n)) {
			c.skip = true; /* reported: the rest of the case is not run */
		}
	}
	run_case(&c, n);
	printf("%s: %u cases, %u failed\n", path, n->cases - before, n->failed - fails);
	if (n->cases == before)
		fprintf(stderr, "%s: no case in the file\n", path), n->failed++;
	free(lines);
	free(text);
	return true;
}

static char **files;
static size_t nfiles;

static void test_data_files(void **state)
{
	struct counts n = { 0, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < nfiles; i++)
		if (!run_file(files[i], &n))
			fail_msg("%s: cannot read", files[i]);
	print_message("%zu data files, %u cases, %u failed\n", nfiles, n.cases, n.failed);
	assert_true(nfiles > 0);
	assert_int_equal(n.failed, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_files),
	};
	const char *dir = getenv("HD_TESTDATA") ? getenv("HD_TESTDATA") : "tests/data";
	char pat[4096];
	glob_t g;
	int rc;

	memset(&g, 0, sizeof(g));
	if (argc > 1) {
		files = argv + 1;
		nfiles = (size_t)argc - 1;
	} else {
		snprintf(pat, sizeof(pat), "%s/*.test", dir);
		if (glob(pat, 0, NULL, &g) == 0) {
			files = g.gl_pathv;
			nfiles = g.gl_pathc;
		} else {
			fprintf(stderr, "no %s: run from the top of the tree, or set HD_TESTDATA\n", pat);
		}
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	globfree(&g);
	return rc;
}
