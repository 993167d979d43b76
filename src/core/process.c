/* process.c - one file through policy, transforms, verification and output */
#include "process.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diff.h"
#include "docker.h"
#include "job.h"
#include "mask.h"
#include "model.h"
#include "policy.h"
#include "secrets.h"

#define C_RED	  "\033[31m"
#define C_GREEN	  "\033[32m"
#define C_CYAN	  "\033[36m"
#define C_BOLD	  "\033[1m"
#define C_MAGENTA "\033[35m"
#define C_OFF	  "\033[0m"

static const char *display(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

/* Colour a unified diff line by line. */
static void colorize_diff(struct hd_buf *out, const char *d, size_t n)
{
	const char *p = d, *end = d + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *c = NULL;

		if (l >= 3 && (!strncmp(p, "---", 3) || !strncmp(p, "+++", 3)))
			c = C_BOLD;
		else if (l >= 2 && !strncmp(p, "@@", 2))
			c = C_CYAN;
		else if (l && p[0] == '+')
			c = C_GREEN;
		else if (l && p[0] == '-')
			c = C_RED;
		if (c)
			hd_buf_adds(out, c);
		hd_buf_add(out, p, l);
		if (c)
			hd_buf_adds(out, C_OFF);
		if (nl)
			hd_buf_addc(out, '\n');
		p += l + (nl ? 1 : 0);
	}
}

/* Streaming output (sequential runs): straight to stdout, coloured if asked. */
static void flush_stdout(void *ud, struct hd_buf *b)
{
	const struct hd_cli *cli = ud;

	if (cli->color) {
		struct hd_buf c = HD_BUF_INIT;

		colorize_diff(&c, b->data, b->len);
		fwrite(c.data ? c.data : "", 1, c.len, stdout);
		hd_buf_release(&c);
	} else {
		fwrite(b->data, 1, b->len, stdout);
	}
	hd_buf_reset(b);
}

static void set_error(struct hd_result *res, const char *path, const struct hd_err *e, bool color)
{
	res->status = HD_R_ERROR;
	res->errmsg = hd_arena_strdup(&res->a, e->msg);
	res->err_line = e->line;
	res->err_col = e->col;
	hd_buf_add_esc(&res->err, display(path), true);
	if (e->line > 0)
		hd_buf_printf(&res->err, ":%d:%d", e->line, e->col);
	hd_buf_printf(&res->err, ": %serror:%s ", color ? C_RED C_BOLD : "", color ? C_OFF : "");
	hd_buf_add_esc(&res->err, e->msg, false);
	hd_buf_addc(&res->err, '\n');
}

/* "path: note: ..." with the path escaped like every name we print. */
static void note(struct hd_result *res, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct hd_result *res, const char *path, const char *fmt, ...)
{
	va_list ap;

	hd_buf_add_esc(&res->err, display(path), true);
	hd_buf_adds(&res->err, ": note: ");
	va_start(ap, fmt);
	hd_buf_vprintf(&res->err, fmt, ap);
	va_end(ap);
}

/* An error message, masked: a parser may quote what it could not read. */
static void set_error_masked(struct hd_result *res, const char *path, const struct hd_err *e,
			     const struct hd_maskset *ms, bool color)
{
	struct hd_err m = *e;
	struct hd_arena a;

	if (!ms->nnd) {
		set_error(res, path, e, color);
		return;
	}
	hd_arena_init_small(&a);
	snprintf(m.msg, sizeof(m.msg), "%s", hd_mask_text(ms, &a, e->msg));
	hd_arena_free(&a);
	set_error(res, path, &m, color);
}

/* @ctx's findings (of the transforms in @only, when given) into @res's arena. */
static struct hd_finding *copy_findings(struct hd_result *res, const struct hd_ctx *ctx,
					const char *only, size_t *n)
{
	struct hd_finding *fs = hd_arena_alloc(&res->a, (ctx->nf + 1) * sizeof(*fs));
	size_t i;

	*n = 0;
	for (i = 0; i < ctx->nf; i++) {
		struct hd_finding *f = &fs[*n];

		if (only && !hd_list_names(only, ctx->f[i].transform))
			continue; /* (another pass's, called by a skipped one) */
		*f = ctx->f[i];
		f->object = f->object ? hd_arena_strdup(&res->a, f->object) : NULL;
		f->container = f->container ? hd_arena_strdup(&res->a, f->container) : NULL;
		f->message = hd_arena_strdup(&res->a, f->message);
		(*n)++;
	}
	return fs;
}

/*
 * The transforms @o's policy file disables with skip: (a comma list), or
 * NULL.  A --skip given on the command line replaces the policy's and is
 * this run's choice, not an accepted finding: those simply do not run; so
 * do the transforms outside an only: list.
 */
static const char *policy_skipped(const struct hd_cli *cli, const struct hd_opts *o)
{
	if (!o->policy || !o->skip || o->skip == cli->opts.skip || (cli->set & HD_SET_SKIP))
		return NULL;
	return o->skip;
}

/*
 * Code scanning shows a finding a policy file accepts as suppressed, not as
 * gone: run the transforms its skip: disables once more over the same
 * bytes, findings only (nothing rendered, verified or written; the job
 * that is written never sees their edits), into res->sf.  Only reports
 * need them, so a run printing text never pays this second parse.
 */
static void suppressed_findings(struct hd_result *res, const struct hd_job *job,
				const struct hd_opts *o, const char *skipped)
{
	struct hd_job rj;
	struct hd_ctx rc;

	memset(&rj, 0, sizeof(rj));
	hd_arena_init(&rj.arena);
	rj.in = job->in; /* borrowed: the bytes read once */
	if (ys_open(&rj.ys, res->path, rj.in.data, rj.in.len, &rj.arena, false, &rj.err) == 0) {
		rj.ys.skim_non_maps = true;
		hd_ctx_init(&rc, &rj, o);
		if (hd_harden_suppressed(&rc, skipped) == 0)
			res->sf = copy_findings(res, &rc, skipped, &res->nsf);
		hd_ctx_release(&rc);
	}
	memset(&rj.in, 0, sizeof(rj.in));
	hd_job_release(&rj);
}

bool hd_finding_exemption(const struct hd_finding *f)
{
	return f->control && !strcmp(f->control, "exemption");
}

bool hd_finding_kept(const struct hd_finding *f)
{
	return !f->applied && (f->unsafe || f->severity == HD_SEV_LOW);
}

const char *hd_display_path(const char *path)
{
	return display(path);
}

bool hd_result_fails(const struct hd_result *res, int fail_on)
{
	switch (fail_on) {
	case HD_FAIL_UNSAFE:
		return res->left_unsafe > 0;
	case HD_FAIL_LOW:
		return res->left[HD_SEV_LOW] + res->left[HD_SEV_MEDIUM] + res->left[HD_SEV_HIGH] >
		       0;
	case HD_FAIL_MEDIUM:
		return res->left[HD_SEV_MEDIUM] + res->left[HD_SEV_HIGH] > 0;
	case HD_FAIL_HIGH:
		return res->left[HD_SEV_HIGH] > 0;
	default:
		return false;
	}
}

/* The findings left for a human, by severity: the summary and --fail-on. */
static void count_left(struct hd_result *res, const struct hd_ctx *ctx)
{
	size_t i;

	if (ctx->no_findings)
		return;
	for (i = 0; i < ctx->nf; i++) {
		const struct hd_finding *f = &ctx->f[i];

		if (f->applied || hd_finding_exemption(f))
			continue;
		res->left[f->severity]++;
		res->left_unsafe += f->unsafe;
	}
}

/* Kept choices that read alike: one transform, control and first word. */
static int kind_cmp(const struct hd_finding *f, const struct hd_finding *g)
{
	size_t wf = strcspn(f->message, " :"), wg = strcspn(g->message, " :");
	int c = strcmp(f->transform, g->transform);

	if (!c)
		c = strcmp(f->control ? f->control : "", g->control ? g->control : "");
	if (!c)
		c = wf != wg ? (wf < wg ? -1 : 1) : strncmp(f->message, g->message, wf);
	return c;
}

static int pos_cmp(const struct hd_finding *f, size_t i, size_t j)
{
	if (f[i].line != f[j].line)
		return f[i].line < f[j].line ? -1 : 1;
	if (f[i].col != f[j].col)
		return f[i].col < f[j].col ? -1 : 1;
	return i < j ? -1 : i > j; /* transform order among equals */
}

static int by_position(const void *a, const void *b, void *arg)
{
	return pos_cmp(arg, *(const size_t *)a, *(const size_t *)b);
}

/* Kind, then object, then position: a kind's findings in a row, objects grouped. */
static int by_kind(const void *a, const void *b, void *arg)
{
	const struct hd_finding *f = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = kind_cmp(&f[i], &f[j]);

	if (!c)
		c = strcmp(f[i].object ? f[i].object : "", f[j].object ? f[j].object : "");
	return c ? c : pos_cmp(f, i, j);
}

struct kept_group {
	size_t more;	    /* findings it stands for besides itself */
	struct hd_buf also; /* "; also OBJ, OBJ": the other objects */
	bool folded;	    /* said by another finding's note */
};

/*
 * Fold the kept choices of a kind into one note, on the first of them by
 * position (n log n: a big manifest may have thousands).
 */
static void fold_kept(const struct hd_finding *fs, const size_t *ix, size_t n, struct kept_group *g)
{
	size_t *kx = hd_xmalloc((n + 1) * sizeof(*kx)), nk = 0, a, b, k, lead;

	for (k = 0; k < n; k++)
		if (hd_finding_kept(&fs[ix[k]]))
			kx[nk++] = ix[k];
	qsort_r(kx, nk, sizeof(*kx), by_kind, (void *)fs);
	for (a = 0; a < nk; a = b) {
		for (b = a + 1; b < nk && !kind_cmp(&fs[kx[a]], &fs[kx[b]]); b++)
			;
		for (lead = kx[a], k = a + 1; k < b; k++)
			if (pos_cmp(fs, kx[k], lead) < 0)
				lead = kx[k];
		for (k = a; k < b; k++) {
			const char *o = fs[kx[k]].object;

			if (kx[k] == lead)
				continue;
			g[kx[k]].folded = true;
			g[lead].more++;
			/* every object stays named */
			if (!o || (fs[lead].object && !strcmp(o, fs[lead].object)) ||
			    (k > a && fs[kx[k - 1]].object && !strcmp(o, fs[kx[k - 1]].object)))
				continue;
			hd_buf_adds(&g[lead].also, g[lead].also.len ? ", " : "; also ");
			hd_buf_add_esc(&g[lead].also, o, false);
		}
	}
	free(kx);
}

/*
 * --check writes nothing, so an applied fix's message ("held a literal
 * secret; now read from Secret ...") is put in the conditional.
 */
static const char *const conditional_forms[][2] = {
	{ " held a literal ", " holds a literal " },
	{ "; now read from ", "; would be read from " },
	{ "; now the secret ", "; would become the secret " },
	{ "; now ${", "; would become ${" },
	{ " added once to anchor ", " would be added once to anchor " },
	{ " made read-only", " would be made read-only" },
};

bool hd_finding_message(struct hd_buf *b, const struct hd_finding *f, bool conditional)
{
	struct hd_buf m = HD_BUF_INIT;
	const char *p = f->message;
	bool any = false;
	size_t k;

	if (!conditional || !f->applied) {
		hd_buf_add_esc(b, f->message, false);
		return true;
	}
	while (*p) {
		for (k = 0; k < sizeof(conditional_forms) / sizeof(conditional_forms[0]); k++)
			if (!strncmp(p, conditional_forms[k][0], strlen(conditional_forms[k][0])))
				break;
		if (k < sizeof(conditional_forms) / sizeof(conditional_forms[0])) {
			hd_buf_adds(&m, conditional_forms[k][1]);
			p += strlen(conditional_forms[k][0]);
			any = true;
		} else {
			hd_buf_addc(&m, *p++);
		}
	}
	hd_buf_add_esc(b, m.data ? m.data : "", false);
	hd_buf_release(&m);
	return any;
}

static void add_message(struct hd_buf *b, const struct hd_finding *f, bool check)
{
	struct hd_buf m = HD_BUF_INIT;

	if (!hd_finding_message(&m, f, check))
		hd_buf_adds(b, "would apply: ");
	hd_buf_add(b, m.data ? m.data : "", m.len);
	hd_buf_release(&m);
}

/*
 * "file:line:col: warning: [transform] object container 'c': message", in
 * line order; names escaped (a name cannot drive the terminal).  Explicit
 * choices harden keeps are one note per file and transform, not a warning
 * on every run for each of them.
 */
static void print_findings(struct hd_result *res, const struct hd_ctx *ctx,
			   const struct hd_cli *cli)
{
	const struct hd_finding *fs = ctx->f;
	size_t i, n = 0, *ix;
	struct kept_group *g;

	if (ctx->no_findings || !ctx->nf)
		return;
	ix = hd_xmalloc(ctx->nf * sizeof(*ix));
	g = hd_xmalloc(ctx->nf * sizeof(*g));
	memset(g, 0, ctx->nf * sizeof(*g));
	for (i = 0; i < ctx->nf; i++)
		if (!fs[i].applied || fs[i].notable)
			ix[n++] = i;
	qsort_r(ix, n, sizeof(*ix), by_position, (void *)fs);
	fold_kept(fs, ix, n, g);
	for (i = 0; i < n; i++) {
		const struct hd_finding *f = &fs[ix[i]];
		const struct kept_group *kg = &g[ix[i]];

		if (kg->folded)
			continue;
		hd_buf_add_esc(&res->err, display(res->path), true);
		hd_buf_printf(&res->err, ":%d:%d: %s%s:%s [%s] ", f->line, f->col,
			      cli->color ? C_MAGENTA C_BOLD : "",
			      hd_finding_kept(f) ? "note" : "warning", cli->color ? C_OFF : "",
			      f->transform);
		if (f->object) {
			hd_buf_add_esc(&res->err, f->object, false);
			if (f->container) {
				hd_buf_adds(&res->err, " container '");
				hd_buf_add_esc(&res->err, f->container, false);
				hd_buf_addc(&res->err, '\'');
			}
			hd_buf_adds(&res->err, ": ");
		}
		add_message(&res->err, f, cli->check);
		if (kg->more)
			hd_buf_printf(&res->err, " (and %zu more like it in this file%s)", kg->more,
				      kg->also.data ? kg->also.data : "");
		hd_buf_addc(&res->err, '\n');
	}
	for (i = 0; i < ctx->nf; i++)
		hd_buf_release(&g[i].also);
	free(g);
	free(ix);
}

/* Threads that may help verify a big file's documents now. */
static int verify_helpers(const struct hd_cli *cli)
{
	int n = cli->verify_threads;

	if (n < 0)
		n = cli->ncpu - (cli->busy ? __atomic_load_n(cli->busy, __ATOMIC_RELAXED) : 1);
	return n < 0 ? 0 : n > 3 ? 3 : n;
}

/*
 * A walk found @path, which does not parse, in the templates/ directory of a
 * Helm chart (a Chart.yaml beside templates/): Go templates, not YAML, until
 * rendered.  A note, not an error, so that a repository holding charts can
 * be checked (a template that happens to be plain YAML is hardened like any
 * file).  Named on the command line too: pre-commit passes every staged
 * *.yaml by name, and a hook must not fail on a chart's templates.
 */
static bool helm_template(struct hd_result *res, const char *path, bool quiet)
{
	const char *t = NULL, *p;
	char chart[PATH_MAX + 16], real[PATH_MAX];
	struct stat st;
	size_t n;

	if (!realpath(path, real)) /* the walk may have started inside the chart */
		return false;
	path = real;
	for (p = path; (p = strstr(p, "templates/")) != NULL; p++)
		if (p == path || p[-1] == '/')
			t = p;
	if (!t)
		return false;
	n = (size_t)(t - path);
	if (n + sizeof("Chart.yaml") > sizeof(chart))
		return false;
	memcpy(chart, path, n);
	memcpy(chart + n, "Chart.yaml", sizeof("Chart.yaml"));
	if (stat(chart, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	res->status = HD_R_SKIPPED;
	if (!quiet) {
		note(res, res->path, "Helm chart template (");
		hd_buf_add_esc(&res->err, chart, false);
		hd_buf_adds(&res->err, "); render it with 'helm template' and harden the "
				       "output; skipped\n");
	}
	return true;
}

/*
 * A walk found @path, a symbolic link to nothing or to something that is not
 * a regular file: not a manifest to fix (git keeps such links too), so a
 * note, not an error.  Operands named on the command line stay errors.
 */
static bool broken_link(struct hd_result *res, const char *path, bool quiet)
{
	struct stat lst, st;
	const char *what = "something that is not a regular file";

	if (lstat(path, &lst) < 0 || !S_ISLNK(lst.st_mode))
		return false;
	if (stat(path, &st) == 0) {
		if (S_ISREG(st.st_mode))
			return false; /* a real read error */
	} else if (errno == ENOENT || errno == ENOTDIR) {
		what = "a missing file";
	} else if (errno == ELOOP) {
		what = "a loop of links";
	} else {
		return false;
	}
	res->status = HD_R_SKIPPED;
	if (!quiet)
		note(res, path, "symbolic link to %s; skipped\n", what);
	return true;
}

/*
 * The edits, for SARIF fixes.  A fix whose text holds a credential (one
 * left in place, or a word that happens to be one) is not offered: masked
 * it would be a wrong fix, and as it is it would show the value.
 */
static void copy_edits(struct hd_result *res, const struct hd_job *job, const struct hd_maskset *ms)
{
	size_t i;

	for (i = 0; i < job->sp.n; i++)
		if (hd_mask_hits(ms, job->sp.v[i].text, job->sp.v[i].tlen))
			return;
	res->ne = job->sp.n;
	res->e = hd_arena_alloc(&res->a, (job->sp.n + 1) * sizeof(*res->e));
	for (i = 0; i < job->sp.n; i++) {
		res->e[i].off = job->sp.v[i].off;
		res->e[i].len = job->sp.v[i].len;
		res->e[i].text = hd_arena_strndup(&res->a, job->sp.v[i].text, job->sp.v[i].tlen);
	}
}

/*
 * -i: write @job's output, or with moved secret values (--secrets-out)
 * keep it for hd_result_write_pending() once the values are saved (else
 * they would be nowhere).  0 or -1.
 */
static int put_in_place(const struct hd_cli *cli, struct hd_result *res, struct hd_job *job,
			const struct hd_ctx *ctx)
{
	if (!job->changed)
		return 0;
	if (res->opts->secrets_out && ctx->nsec > 0) {
		res->pending = true;
		res->pending_out = job->out;
		memset(&job->out, 0, sizeof(job->out));
		res->pending_in = job->in;
		res->pending_in.path = res->path;
		res->pending_in.data = NULL;
		res->pending_in.len = 0;
		return 0;
	}
	return hd_write_in_place(&job->in, job->out.data, job->out.len, cli->no_follow, &job->err);
}

/* The diff of @job, masked by @ms, to stdout (@direct) or into @res. */
static void put_diff(const struct hd_cli *cli, struct hd_result *res, const struct hd_job *job,
		     const struct hd_maskset *ms, bool direct)
{
	struct hd_buf db = HD_BUF_INIT, shown = HD_BUF_INIT;
	const char *path;

	/* a name in a diff header cannot drive the terminal either */
	hd_buf_add_esc(&shown, display(res->path), false);
	path = shown.data;
	if (direct) {
		hd_diff_stream(&db, path, job->in.data, job->in.len, job->out.data, job->out.len,
			       &job->sp, ms, flush_stdout, (void *)cli);
		hd_buf_release(&db);
		hd_buf_release(&shown);
		return;
	}
	hd_diff(&db, path, job->in.data, job->in.len, job->out.data, job->out.len, &job->sp, ms);
	if (cli->color) {
		colorize_diff(&res->out, db.data ? db.data : "", db.len);
		hd_buf_release(&db);
	} else {
		hd_buf_release(&res->out);
		res->out = db; /* no copy: diffs of big files are big */
	}
	hd_buf_release(&shown);
}

/*
 * One file's run, from its policy to its result: load and harden, the
 * secret values masked, findings, then each output the CLI asked for.
 * About 120 lines on purpose: every step is a few lines over the same job,
 * context and mask set, in the order the outputs depend on.
 */
void hd_process(const struct hd_cli *cli, const struct hd_file *file, struct hd_result *res)
{
	const char *path = file->path;
	bool from_dir = file->from_dir;
	struct hd_job job;
	struct hd_ctx ctx;
	struct hd_load_cfg cfg;
	struct hd_opts *o;
	struct hd_err perr;
	struct hd_maskset ms;
	size_t i;
	int rc;
	bool direct = cli->direct, dockerfile;

	memset(res, 0, sizeof(*res));
	memset(&cfg, 0, sizeof(cfg));
	hd_maskset_init(&ms);
	hd_arena_init_small(&res->a);
	res->path = hd_arena_strdup(&res->a, path);
	o = hd_arena_alloc(&res->a, sizeof(*o));
	*o = cli->opts;
	res->opts = o;
	{
		const char *ppath = NULL;

		if (hd_policy_apply(cli, path, file->no_policy_here, o, &res->a, &perr, &ppath) <
		    0) {
			set_error(res, ppath ? ppath : path, &perr, cli->color);
			return;
		}
	}
	/* with --secrets-out, a file may yet be refused for what it moves
	 * (another file moves another value to the same key): held back */
	if (o->secrets_out)
		direct = false;
	if (from_dir && o->exclude && hd_policy_excluded(o, path)) {
		res->status = HD_R_SKIPPED;
		return;
	}
	cfg.discard_output = cli->check && !cli->diff;
	cfg.discard_edits = !((!cli->check || cli->diff) && !cli->in_place && !cli->to_stdout) &&
			    cli->format != HD_FMT_SARIF;
	/* the diff reads the splices' places, not their texts */
	cfg.discard_texts = !cfg.discard_edits && cli->format != HD_FMT_SARIF;
	cfg.no_findings = cli->quiet && cli->format == HD_FMT_TEXT && !cli->fail_on;
	cfg.verify_helpers = verify_helpers(cli);
	dockerfile = file->dockerfile || df_is_dockerfile_name(path);
	if (dockerfile)
		rc = hd_docker_harden(&ctx, &job, o, path, NULL, 0, &cfg);
	else
		rc = hd_load_harden(&ctx, &job, o, path, NULL, 0, &cfg);
	if (rc == -2) {
		if (!from_dir || !broken_link(res, path, cli->quiet))
			set_error(res, path, &job.err, cli->color);
		hd_ctx_release(&ctx);
		hd_job_release(&job);
		return;
	}
	for (i = 0; i < ctx.nmask; i++)
		hd_maskset_add(&ms, &ctx.mask[i], job.in.data, job.in.len);
	if (rc < 0) {
		if (dockerfile || !helm_template(res, path, cli->quiet))
			set_error_masked(res, path, &job.err, &ms, cli->color);
		goto out;
	}
	/* findings are not masked: they hold names (objects, containers,
	 * variables, Secrets) and never an env value; masking a credential
	 * that equals a name (password "minio" of StatefulSet/minio) would
	 * only hide where and what the finding is */
	if (!ctx.recognized) {
		bool content = job.content_docs > 0;

		res->status = HD_R_SKIPPED;
		if (content && !cli->quiet)
			note(res, path,
			     "neither a Kubernetes manifest nor a Compose file; "
			     "left alone\n");
		if (cli->to_stdout)
			hd_buf_add(&res->out, job.in.data, job.in.len);
		goto out;
	}
	res->status = job.changed ? HD_R_CHANGED : HD_R_UNCHANGED;
	count_left(res, &ctx);
	if (!cli->quiet)
		print_findings(res, &ctx, cli);
	if (cli->format != HD_FMT_TEXT) {
		const char *skipped = policy_skipped(cli, o);

		res->f = copy_findings(res, &ctx, NULL, &res->nf);
		if (skipped && !dockerfile)
			suppressed_findings(res, &job, o, skipped);
	}
	if (cli->to_stdout) {
		const char *d = job.changed ? job.out.data : job.in.data;
		size_t n = job.changed ? job.out.len : job.in.len;

		if (direct && cli->join)
			hd_stdout_put(cli->join, d, n, stdout);
		else if (direct)
			fwrite(d, 1, n, stdout);
		else
			hd_buf_add(&res->out, d, n);
	} else if (cli->in_place) {
		if (put_in_place(cli, res, &job, &ctx) < 0) {
			set_error(res, path, &job.err, cli->color);
			goto out;
		}
	} else if ((!cli->check || cli->diff) && job.changed &&
		   (cli->format == HD_FMT_TEXT || cli->report)) {
		put_diff(cli, res, &job, &ms, direct);
	}
	/* the files --check fails on, unless stdout holds the report */
	if (cli->check && !cli->diff && job.changed &&
	    (cli->format == HD_FMT_TEXT || cli->report)) {
		hd_buf_add_esc(&res->out, display(path), true);
		hd_buf_addc(&res->out, '\n');
	}
	if (cli->format == HD_FMT_SARIF)
		copy_edits(res, &job, &ms);
	if (job.changed && o->secrets_out && !cli->check)
		hd_secrets_keep(&res->secrets, &ctx);
out:
	hd_maskset_release(&ms);
	hd_ctx_release(&ctx);
	hd_job_release(&job);
}

int hd_result_write_pending(const struct hd_cli *cli, struct hd_result *res, bool secrets_saved)
{
	struct hd_err e;
	int rc = 0;

	if (!res->pending)
		return 0;
	memset(&e, 0, sizeof(e));
	if (!secrets_saved) {
		snprintf(e.msg, sizeof(e.msg),
			 "not changed: the secret values it would "
			 "move out could not be saved (--secrets-out)");
		rc = -1;
	} else if (hd_write_in_place(&res->pending_in, res->pending_out.data, res->pending_out.len,
				     cli->no_follow, &e) < 0) {
		rc = -1;
	}
	if (rc < 0)
		set_error(res, res->path, &e, cli->color);
	hd_buf_release(&res->pending_out);
	res->pending = false;
	return rc;
}

void hd_result_refuse(const struct hd_cli *cli, struct hd_result *res, const char *msg)
{
	struct hd_err e;
	size_t i;

	memset(&e, 0, sizeof(e));
	snprintf(e.msg, sizeof(e.msg), "%s", msg);
	hd_buf_release(&res->out);
	hd_buf_release(&res->pending_out);
	res->pending = false;
	res->ne = 0; /* no fix to offer */
	for (i = 0; i < res->nf; i++)
		res->f[i].applied = false;
	set_error(res, res->path, &e, cli->color);
}

/* Does line @s (@n bytes to the end of the output) start with marker @m? */
static bool marker_at(const char *s, size_t n, const char *m)
{
	return n >= 3 && !memcmp(s, m, 3) &&
	       (n == 3 || s[3] == ' ' || s[3] == '\t' || s[3] == '\r' || s[3] == '\n');
}

/* Is line [s, e) blank or a comment? */
static bool no_content(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	return s == e || *s == '\n' || *s == '#';
}

/* Offset of the first line of @d that holds more than blanks and comments, or @n. */
static size_t first_content(const char *d, size_t n)
{
	size_t p = 0;

	while (p < n) {
		const char *nl = memchr(d + p, '\n', n - p);
		size_t e = nl ? (size_t)(nl - d) + 1 : n;

		if (!no_content(d + p, d + e))
			return p;
		p = e;
	}
	return n;
}

/* Is the last line of @d that holds more than blanks and comments `...`? */
static bool ends_document(const char *d, size_t n)
{
	size_t e = n, s;

	while (e > 0) {
		s = e - 1; /* the line's last byte (its line break, if any) */
		while (s > 0 && d[s - 1] != '\n')
			s--;
		if (!no_content(d + s, d + e))
			return marker_at(d + s, e - s, "...");
		e = s;
	}
	return false;
}

void hd_stdout_put(struct hd_stdout_join *j, const char *d, size_t n, FILE *fp)
{
	const char *nl;
	size_t c;
	bool crlf;

	if (j->any && n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3)) {
		d += 3; /* a BOM inside a stream is content to YAML 1.1 readers */
		n -= 3;
	}
	if (!n)
		return;
	nl = memchr(d, '\n', n);
	crlf = nl ? nl > d && nl[-1] == '\r' : j->crlf;
	c = first_content(d, n);
	if (j->any && j->open_line)
		fputs(j->crlf ? "\r\n" : "\n", fp);
	if (j->any && c < n) {
		if (d[c] == '%') { /* directives come after a document's end only */
			if (!j->doc_end)
				fputs(crlf ? "...\r\n" : "...\n", fp);
		} else if (!marker_at(d + c, n - c, "---")) {
			/* (libyaml wants a `---` even after a `...`) */
			fputs(crlf ? "---\r\n" : "---\n", fp);
		}
	}
	fwrite(d, 1, n, fp);
	j->any = true;
	j->open_line = d[n - 1] != '\n';
	if (c < n) /* (comments alone leave a `...` the last line) */
		j->doc_end = ends_document(d, n);
	j->crlf = crlf;
}

void hd_result_release(struct hd_result *res)
{
	hd_buf_release(&res->pending_out);
	hd_buf_release(&res->out);
	hd_buf_release(&res->err);
	hd_secrets_store_release(&res->secrets);
	hd_arena_free(&res->a);
}
