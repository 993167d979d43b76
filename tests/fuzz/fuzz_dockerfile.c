/* fuzz_dockerfile.c - the Dockerfile front end: the parser never crashes,
 * keeps every byte in some instruction's span or between them, and every
 * transform (unsafe ones too) gives output that verifies, hardens to
 * itself on a second run and never shows a detected credential */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "docker.h"
#include "dockerfile.h"
#include "harden.h"
#include "maskset.h"
#include "secrets.h"
#include "transform.h"

/* Spans are in order, inside the input, and never overlap. */
static void check_spans(const struct df_file *f, size_t len)
{
	size_t i, prev = 0, k;

	for (i = 0; i < f->n; i++) {
		const struct df_instr *in = &f->in[i];

		if (in->start < prev || in->kw < in->start || in->end > len || in->kw >= in->end)
			abort();
		for (k = 0; k < in->nseg; k++)
			if (in->seg[k].raw + in->seg[k].len > in->end ||
			    memcmp(f->data + in->seg[k].raw, in->args + in->seg[k].log,
				   in->seg[k].len))
				abort();
		prev = in->end;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_opts o;
	struct hd_ctx ctx, c2;
	struct hd_job job, j2;
	struct hd_arena a;
	struct df_file f;
	struct hd_err err;

	hd_arena_init_small(&a);
	if (df_parse(&f, (const char *)data, size, &a, &err) == 0)
		check_spans(&f, size);
	free(f.in);
	free(f.st);
	hd_arena_free(&a);
	hd_opts_defaults(&o);
	o.unsafe_fixes = true;
	if (hd_docker_harden(&ctx, &job, &o, "Dockerfile", (const char *)data, size, NULL) == 0 &&
	    job.changed) {
		struct hd_maskset ms;
		struct hd_buf d = HD_BUF_INIT;
		size_t i;

		if (hd_docker_harden(&c2, &j2, &o, "Dockerfile", job.out.data, job.out.len, NULL) !=
			    0 ||
		    j2.changed)
			abort(); /* a second run changes nothing */
		hd_ctx_release(&c2);
		hd_job_release(&j2);
		hd_maskset_init(&ms);
		for (i = 0; i < ctx.nmask; i++)
			hd_maskset_add_value(&ms, ctx.mask[i].value, strlen(ctx.mask[i].value));
		hd_diff(&d, "Dockerfile", job.in.data, job.in.len, job.out.data, job.out.len,
			&job.sp, &ms);
		for (i = 0; i < ctx.nmask; i++)
			if (strlen(ctx.mask[i].value) >= 8 && d.data &&
			    memmem(d.data, d.len, ctx.mask[i].value, strlen(ctx.mask[i].value)))
				abort();
		hd_buf_release(&d);
		hd_maskset_release(&ms);
	}
	hd_ctx_release(&ctx);
	hd_job_release(&job);
	hd_secrets_free();
	return 0;
}
