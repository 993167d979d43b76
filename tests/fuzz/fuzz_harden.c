/* fuzz_harden.c - the whole transform chain: output parses, second run is a
 * no-op, no detected credential shows in the diff, harden.env reads back */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "harden.h"
#include "job.h"
#include "mask.h"
#include "secrets.h"
#include "secrets_out.h"
#include "transform.h"
#include "../unit/dotenv.h"

/* A hunk header's "-a,b +c,d" counts: @b old, @d new lines. */
static void hunk_counts(const char *p, long *old, long *new)
{
	const char *m = strchr(p, '-'), *q = strchr(p, '+');

	*old = strchr(m, ',') && strchr(m, ',') < q ? strtol(strchr(m, ',') + 1, NULL, 10) : 1;
	*new = strchr(q, ',') && strchr(q, ',') < strchr(q, ' ') ?
	       strtol(strchr(q, ',') + 1, NULL, 10) : 1;
}

/*
 * The diff masks every occurrence of every needle on every line (after the
 * tag; a needle with a '*' could be made of the mask itself), and masking
 * kept the lines: each hunk has the lines its header counts.
 */
static void check_diff(const struct hd_maskset *m, const char *d, size_t n)
{
	const char *p = d, *end = d + n;
	long old = 0, new = 0;
	int line = 0;
	size_t i;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (line++ < 2 || !l || p[0] == '\\') {
			p += l + 1;
			continue;
		}
		if (!strncmp(p, "@@ ", 3)) {
			if (old || new)
				abort(); /* the hunk before had other counts */
			hunk_counts(p, &old, &new);
			p += l + 1;
			continue;
		}
		if (p[0] != ' ' && p[0] != '-' && p[0] != '+')
			abort();
		old -= p[0] != '+';
		new -= p[0] != '-';
		for (i = 0; i < m->nnd; i++)
			if (!memchr(m->nd[i].s, '*', m->nd[i].len) &&
			    memmem(p + 1, l - 1, m->nd[i].s, m->nd[i].len))
				abort();
		p += l + 1;
	}
	if (old || new)
		abort();
}

/* Masks and harden.env lines of a hardened input. */
static void check_secrets(const struct hd_ctx *ctx, const struct hd_job *job)
{
	struct hd_maskset m;
	struct hd_buf d = HD_BUF_INIT;
	size_t i;

	hd_maskset_init(&m);
	for (i = 0; i < ctx->nmask; i++) {
		struct hd_buf line = HD_BUF_INIT;

		hd_maskset_add(&m, &ctx->mask[i], job->in.data, job->in.len);
		if (hd_envfile_line(&line, "API_KEY", ctx->mask[i].value) < 0 ||
		    !dotenv_roundtrip(line.data, "API_KEY", ctx->mask[i].value))
			abort();
		hd_buf_release(&line);
	}
	if (job->changed) {
		hd_diff(&d, "fuzz.yaml", job->in.data, job->in.len, job->out.data, job->out.len,
			&job->sp, &m);
		check_diff(&m, d.data ? d.data : "", d.len);
	}
	hd_buf_release(&d);
	hd_maskset_release(&m);
}

static int run(const char *buf, size_t size, const struct hd_opts *o, char **out,
	       size_t *outlen, bool check)
{
	struct hd_job job;
	struct hd_ctx ctx;
	int rc;

	*out = NULL;
	rc = hd_load_harden(&ctx, &job, o, "fuzz.yaml", buf, size, NULL);
	if (rc == 0 && check)
		check_secrets(&ctx, &job);
	if (rc == 0 && job.changed) {
		*out = malloc(job.out.len + 1);
		memcpy(*out, job.out.data, job.out.len);
		*outlen = job.out.len;
	}
	hd_ctx_release(&ctx);
	hd_job_release(&job);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_opts o;
	char *out = NULL, *again = NULL;
	size_t outlen = 0, alen = 0;

	hd_opts_defaults(&o);
	/* the first byte also picks the options: its low bits rarely change
	 * what the rest of the input means */
	o.unsafe_fixes = size && (data[0] & 1);
	if (size && (data[0] & 2))
		o.level = HD_LEVEL_BASELINE;
	if (size && (data[0] & 4))
		o.kinds = "Rollout,Workflow";
	if (size && (data[0] & 8))
		o.skip = "secret-env"; /* credentials left in place are masked too */
	if (run((const char *)data, size, &o, &out, &outlen, true) == 0 && out) {
		/* idempotent: hardening the output changes nothing */
		if (run(out, outlen, &o, &again, &alen, false) != 0 || again)
			abort();
	}
	free(out);
	free(again);
	hd_secrets_free();
	hd_yaml_thread_done();
	return 0;
}
