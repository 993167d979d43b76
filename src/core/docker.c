/* docker.c - the Dockerfile model and driver: transforms, splices, verification */
#include "docker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exempt.h"
#include "fileio.h"
#include "secrets.h"
#include "transform.h"

const char *hd_df_base_image(const struct hd_df *d, int s)
{
	int hops = 0;

	while (s >= 0 && d->f.st[s].base_stage >= 0 && hops++ < 1000)
		s = d->f.st[s].base_stage;
	return s >= 0 ? d->f.st[s].image : NULL;
}

const char *hd_df_stage_label(const struct hd_df *d, int s)
{
	if (s < 0)
		return NULL;
	if (d->f.st[s].alias)
		return hd_arena_printf(&d->job->arena, "stage %s", d->f.st[s].alias);
	return hd_arena_printf(&d->job->arena, "stage %d", s);
}

const char *hd_df_kw(const struct hd_df *d, const char *name)
{
	char *k;
	size_t i;

	if (!d->f.lower)
		return name;
	k = hd_arena_strdup(&d->job->arena, name);
	for (i = 0; k[i]; i++)
		if (k[i] >= 'A' && k[i] <= 'Z')
			k[i] = (char)(k[i] + 32);
	return k;
}

static void push(struct hd_df *d, size_t off, size_t len, const char *text)
{
	struct splice *s = splices_push(&d->job->sp);

	s->off = off;
	s->len = len;
	s->text = text;
	s->tlen = strlen(text);
	s->seq = (unsigned)d->job->sp.n;
}

bool hd_df_insert_after(struct hd_df *d, size_t i, const char *name, const char *args)
{
	const struct df_instr *in = &d->f.in[i];
	const char *nl = d->f.crlf ? "\r\n" : "\n";
	int ind = (int)(in->kw - in->start);
	const char *kw, *t;

	if (in->open_end)
		return false; /* a line after it would continue it */
	kw = hd_df_kw(d, name);
	if (in->end == d->f.len && !d->f.final_newline)
		t = hd_arena_printf(&d->job->arena, "%s%.*s%s %s", nl, ind, d->f.data + in->start,
				    kw, args);
	else
		t = hd_arena_printf(&d->job->arena, "%.*s%s %s%s", ind, d->f.data + in->start, kw,
				    args, nl);
	push(d, in->end, 0, t);
	df_want_insert(&d->w, i, true, name, args);
	return true;
}

void hd_df_rename(struct hd_df *d, size_t i, const char *name)
{
	const struct df_instr *in = &d->f.in[i];
	char *k = hd_arena_strdup(&d->job->arena, name);
	size_t j;

	if (d->f.data[in->kw] >= 'a' && d->f.data[in->kw] <= 'z')
		for (j = 0; k[j]; j++)
			if (k[j] >= 'A' && k[j] <= 'Z')
				k[j] = (char)(k[j] + 32);
	push(d, in->kw, in->kwlen, k);
	df_want_rename(&d->w, i, name);
}

void hd_df_args_insert(struct hd_df *d, size_t i, size_t log, const char *raw, const char *logical)
{
	const struct df_instr *in = &d->f.in[i];

	push(d, df_raw_at(in, log), 0, hd_arena_strdup(&d->job->arena, raw));
	df_want_args_insert(&d->w, &d->f, i, log, logical);
}

bool hd_df_args_delete(struct hd_df *d, size_t i, size_t log, size_t len)
{
	const struct df_instr *in = &d->f.in[i];
	size_t k;

	for (k = 0; k < in->nseg; k++)
		if (log >= in->seg[k].log && log + len <= in->seg[k].log + in->seg[k].len) {
			push(d, in->seg[k].raw + (log - in->seg[k].log), len, "");
			df_want_args_delete(&d->w, &d->f, i, log, len);
			return true;
		}
	return false;
}

void hd_df_delete(struct hd_df *d, size_t i)
{
	const struct df_instr *in = &d->f.in[i];
	size_t s = in->start;

	if (in->end == d->f.len && !d->f.final_newline && s > 0) {
		s--; /* the line break before it goes: the file still ends without one */
		if (s > 0 && d->f.data[s - 1] == '\r')
			s--;
	}
	push(d, s, in->end - s, "");
	df_want_delete(&d->w, i);
}

static void add_finding(struct hd_df *d, size_t i, const char *tr, const char *control,
			enum hd_severity sev, bool applied, bool unsafe, const char *msg)
{
	struct hd_ctx *ctx = d->ctx;
	struct hd_finding *f;

	f = hd_ctx_finding(ctx);
	if (!f)
		return;
	f->transform = tr;
	f->control = control;
	f->severity = sev;
	f->applied = applied;
	f->unsafe = unsafe;
	if (i < d->f.n) {
		f->line = d->f.in[i].line;
		f->col = d->f.in[i].col;
		f->object = hd_df_stage_label(d, d->f.in[i].stage);
	} else {
		f->line = f->col = 1;
	}
	f->message = hd_arena_strdup(&d->job->arena, msg);
}

void hd_df_find(struct hd_df *d, size_t i, const char *tr, const char *control,
		enum hd_severity sev, bool applied, bool unsafe, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add_finding(d, i, tr, control, sev, applied, unsafe, buf);
}

void hd_df_fail(struct hd_df *d, size_t i, const char *fmt, ...)
{
	struct hd_ctx *ctx = d->ctx;
	va_list ap;

	if (ctx->failed)
		return;
	ctx->failed = true;
	memset(&ctx->fail, 0, sizeof(ctx->fail));
	ctx->fail.line = d->f.in[i].line;
	ctx->fail.col = d->f.in[i].col;
	va_start(ap, fmt);
	vsnprintf(ctx->fail.msg, sizeof(ctx->fail.msg), fmt, ap);
	va_end(ap);
}

bool hd_df_ignored(struct hd_df *d, size_t i, const char *tr)
{
	const struct df_instr *in = &d->f.in[i];
	char buf[256];
	const char *m;
	size_t n;

	if (!in->has_comment)
		return false;
	n = in->comment_len < sizeof(buf) - 1 ? in->comment_len : sizeof(buf) - 1;
	memcpy(buf, d->f.data + in->comment, n);
	buf[n] = '\0';
	m = strstr(buf, "harden:ignore");
	if (!m)
		return false;
	m += 13;
	if (*m == '=') {
		char list[256];
		size_t k = strcspn(m + 1, " \t");

		snprintf(list, sizeof(list), "%.*s", (int)k, m + 1);
		if (!hd_list_names(list, tr) && !hd_csv_has(list, "all"))
			return false;
	} else if (*m != '\0' && *m != ' ' && *m != '\t') {
		return false;
	}
	add_finding(d, i, tr, "exemption", HD_SEV_LOW, false, false,
		    "left alone: exempted by a '# harden:ignore' comment");
	return true;
}

/* Line and column of byte @off of @d. */
static void pos_at(const char *d, size_t off, int *line, int *col)
{
	size_t i, ls = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (d[i] == '\n') {
			(*line)++;
			ls = i + 1;
		}
	*col = (int)(off - ls) + 1;
}

int hd_docker_harden(struct hd_ctx *ctx, struct hd_job *job, const struct hd_opts *o,
		     const char *name, const char *data, size_t len, const struct hd_load_cfg *cfg)
{
	struct hd_df d;
	size_t at, i;
	int rc = 0;

	hd_ctx_init(ctx, job, o);
	memset(job, 0, sizeof(*job));
	hd_arena_init(&job->arena);
	if (data)
		hd_input_copy(&job->in, name, data, len);
	else if (hd_input_read(&job->in, name, &job->err) < 0) {
		return -2;
	}
	ctx->no_findings = cfg && cfg->no_findings;
	hd_secrets_set_extra(o->secret_names);
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.job = job;
	if (df_parse(&d.f, job->in.data, job->in.len, &job->arena, &job->err) < 0) {
		free(d.f.in);
		free(d.f.st);
		return -1;
	}
	d.final = (int)d.f.nst - 1;
	ctx->recognized = 1;
	job->content_docs = d.f.n > 0;
	df_wants_init(&d.w, &d.f, &job->arena);
	for (i = 0; i < hd_ntransforms; i++) {
		const struct hd_transform *t = hd_transforms[i];

		if (t->run_dockerfile && hd_transform_enabled(o, t->name))
			t->run_dockerfile(ctx, &d);
	}
	if (ctx->failed) { /* a pass could not do what it must (--pin-images) */
		job->err = ctx->fail;
		rc = -1;
	} else if (job->sp.n) {
		if (splices_apply_bytes(job->in.data, job->sp.v, job->sp.n, 0, job->in.len,
					&job->out, &job->err, &at) < 0) {
			pos_at(job->in.data, at, &job->err.line, &job->err.col);
			rc = -1;
		} else if (df_verify(&d.w, job->out.data, job->out.len, &job->err) < 0) {
			rc = -1;
		} else {
			job->changed = job->out.len != job->in.len ||
				       memcmp(job->out.data, job->in.data, job->in.len);
		}
	}
	df_wants_release(&d.w);
	free(d.f.in);
	free(d.f.st);
	return rc;
}
