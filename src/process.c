/* process.c - one file through policy, transforms, verification and output */
#include "process.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diff.h"
#include "job.h"
#include "mask.h"
#include "model.h"
#include "policy.h"
#include "secrets.h"

#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_CYAN "\033[36m"
#define C_BOLD "\033[1m"
#define C_MAGENTA "\033[35m"
#define C_OFF "\033[0m"

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

static void set_error(struct hd_result *res, const char *path, const struct hd_err *e,
		      bool color)
{
	res->status = HD_R_ERROR;
	res->errmsg = hd_arena_strdup(&res->a, e->msg);
	res->err_line = e->line;
	res->err_col = e->col;
	if (e->line > 0)
		hd_buf_printf(&res->err, "%s:%d:%d: %serror:%s %s\n", display(path), e->line,
			      e->col, color ? C_RED C_BOLD : "", color ? C_OFF : "", e->msg);
	else
		hd_buf_printf(&res->err, "%s: %serror:%s %s\n", display(path),
			      color ? C_RED C_BOLD : "", color ? C_OFF : "", e->msg);
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

static void copy_findings(struct hd_result *res, const struct hd_ctx *ctx)
{
	size_t i;

	res->nf = ctx->nf;
	res->f = hd_arena_alloc(&res->a, (ctx->nf + 1) * sizeof(*res->f));
	for (i = 0; i < ctx->nf; i++) {
		struct hd_finding *f = &res->f[i];

		*f = ctx->f[i];
		f->object = f->object ? hd_arena_strdup(&res->a, f->object) : NULL;
		f->container = f->container ? hd_arena_strdup(&res->a, f->container) : NULL;
		f->message = hd_arena_strdup(&res->a, f->message);
	}
}

static void print_findings(struct hd_result *res, const struct hd_ctx *ctx, bool color)
{
	FILE *mf;
	char *buf = NULL;
	size_t len = 0;

	mf = open_memstream(&buf, &len);
	if (!mf)
		return;
	hd_ctx_print_findings(ctx, mf);
	fclose(mf);
	if (color && len) {
		/* highlight "warning:" */
		const char *p = buf, *w;

		while ((w = strstr(p, ": warning: ")) != NULL) {
			hd_buf_add(&res->err, p, (size_t)(w - p) + 2);
			hd_buf_adds(&res->err, C_MAGENTA C_BOLD "warning:" C_OFF);
			p = w + 10;
		}
		hd_buf_adds(&res->err, p);
	} else if (len) {
		hd_buf_add(&res->err, buf, len);
	}
	free(buf);
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
 * file); named on the command line, such a file is still an error.
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
	strcpy(chart + n, "Chart.yaml");
	if (stat(chart, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	res->status = HD_R_SKIPPED;
	if (!quiet)
		hd_buf_printf(&res->err, "%s: note: Helm chart template (%s); render it with "
			      "'helm template' and harden the output; skipped\n",
			      display(res->path), chart);
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
		hd_buf_printf(&res->err, "%s: note: symbolic link to %s; skipped\n",
			      display(path), what);
	return true;
}

/*
 * The edits, for SARIF fixes.  A fix whose text holds a credential (one
 * left in place, or a word that happens to be one) is not offered: masked
 * it would be a wrong fix, and as it is it would show the value.
 */
static void copy_edits(struct hd_result *res, const struct hd_job *job,
		       const struct hd_maskset *ms)
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
	return hd_write_in_place(&job->in, job->out.data, job->out.len, cli->no_follow,
				 &job->err);
}

/* The diff of @job, masked by @ms, to stdout (@direct) or into @res. */
static void put_diff(const struct hd_cli *cli, struct hd_result *res, const struct hd_job *job,
		     const struct hd_maskset *ms, bool direct)
{
	struct hd_buf db = HD_BUF_INIT;
	const char *path = display(res->path);

	if (direct) {
		hd_diff_stream(&db, path, job->in.data, job->in.len, job->out.data,
			       job->out.len, &job->sp, ms, flush_stdout, (void *)cli);
		hd_buf_release(&db);
		return;
	}
	hd_diff(&db, path, job->in.data, job->in.len, job->out.data, job->out.len, &job->sp,
		ms);
	if (cli->color) {
		colorize_diff(&res->out, db.data ? db.data : "", db.len);
		hd_buf_release(&db);
	} else {
		hd_buf_release(&res->out);
		res->out = db; /* no copy: diffs of big files are big */
	}
}

void hd_process(const struct hd_cli *cli, const struct hd_file *file,
		struct hd_result *res)
{
	const char *path = file->path;
	bool from_dir = file->from_dir;
	struct hd_job job;
	struct hd_ctx ctx;
	struct hd_opts *o;
	struct hd_err perr;
	struct hd_maskset ms;
	size_t i;
	int rc;
	bool direct = cli->direct;

	memset(res, 0, sizeof(*res));
	hd_maskset_init(&ms);
	hd_arena_init_small(&res->a);
	res->path = hd_arena_strdup(&res->a, path);
	o = hd_arena_alloc(&res->a, sizeof(*o));
	*o = cli->opts;
	res->opts = o;
	{
		const char *ppath = NULL;

		if (hd_policy_apply(cli, path, file->no_policy_here, o, &res->a, &perr,
				    &ppath) < 0) {
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
	if (hd_job_load(&job, path) < 0) {
		if (from_dir && broken_link(res, path, cli->quiet)) {
			hd_job_release(&job);
			return;
		}
		set_error(res, path, &job.err, cli->color);
		hd_job_release(&job);
		return;
	}
	job.ys.skim_non_maps = true; /* only mappings can be manifests */
	job.discard_output = cli->check && !cli->diff;
	job.discard_edits = !((!cli->check || cli->diff) && !cli->in_place && !cli->to_stdout) &&
			    cli->format != HD_FMT_SARIF;
	hd_ctx_init(&ctx, &job, o);
	ctx.no_findings = cli->quiet && cli->format == HD_FMT_TEXT;
	hd_secrets_set_extra(o->secret_names);
	{
		int helpers = verify_helpers(cli);

		job.verify_threads = job.in.len >= 256 * 1024 ? helpers : 0;
		/* how big a document must be to be split is verify.c's business */
		job.split_verify = helpers > 0;
	}
	rc = hd_harden(&ctx);
	for (i = 0; i < ctx.nmask; i++)
		hd_maskset_add(&ms, &ctx.mask[i], job.in.data, job.in.len);
	if (rc < 0) {
		if (!(from_dir && helm_template(res, path, cli->quiet)))
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
			hd_buf_printf(&res->err, "%s: note: neither a Kubernetes manifest nor a "
				      "Compose file; left alone\n", display(path));
		if (cli->to_stdout)
			hd_buf_add(&res->out, job.in.data, job.in.len);
		goto out;
	}
	res->status = job.changed ? HD_R_CHANGED : HD_R_UNCHANGED;
	if (!cli->quiet)
		print_findings(res, &ctx, cli->color);
	if (cli->format != HD_FMT_TEXT)
		copy_findings(res, &ctx);
	if (cli->to_stdout) {
		const char *d = job.changed ? job.out.data : job.in.data;
		size_t n = job.changed ? job.out.len : job.in.len;

		if (direct)
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
	if (cli->check && !cli->diff && job.changed && cli->format == HD_FMT_TEXT)
		hd_buf_printf(&res->out, "%s\n", display(path));
	if (cli->format == HD_FMT_SARIF)
		copy_edits(res, &job, &ms);
	if (job.changed && o->secrets_out && !cli->check)
		hd_secrets_keep(&res->secrets, &ctx);
out:
	hd_maskset_release(&ms);
	hd_ctx_release(&ctx);
	hd_job_release(&job);
}

int hd_result_write_pending(const struct hd_cli *cli, struct hd_result *res,
			    bool secrets_saved)
{
	struct hd_err e;
	int rc = 0;

	if (!res->pending)
		return 0;
	memset(&e, 0, sizeof(e));
	if (!secrets_saved) {
		snprintf(e.msg, sizeof(e.msg), "not changed: the secret values it would "
			 "move out could not be saved (--secrets-out)");
		rc = -1;
	} else if (hd_write_in_place(&res->pending_in, res->pending_out.data,
				     res->pending_out.len, cli->no_follow, &e) < 0) {
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

void hd_result_release(struct hd_result *res)
{
	hd_buf_release(&res->pending_out);
	hd_buf_release(&res->out);
	hd_buf_release(&res->err);
	hd_secrets_store_release(&res->secrets);
	hd_arena_free(&res->a);
}
