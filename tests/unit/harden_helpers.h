/* harden_helpers.h - run the transform chain on a string in tests */
#ifndef HD_TEST_HARDEN_HELPERS_H
#define HD_TEST_HARDEN_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harden.h"
#include "job.h"
#include "secrets.h"
#include "transform.h"

struct hres {
	char *out;      /* resulting bytes (malloc) */
	char *warnings; /* printed findings (malloc) */
	size_t nf;      /* findings */
	size_t applied; /* applied findings */
	bool error;
	char err[600];
};

static inline void hres_free(struct hres *r)
{
	free(r->out);
	free(r->warnings);
}

/* Harden @in with options @o limited to transform @only (NULL: all). */
static inline struct hres harden_str(const char *in, const struct hd_opts *o0,
				     const char *only)
{
	struct hres r;
	struct hd_job job;
	struct hd_ctx ctx;
	struct hd_opts o;
	char *buf = NULL;
	size_t blen = 0, i;
	FILE *mf;

	memset(&r, 0, sizeof(r));
	if (o0)
		o = *o0;
	else
		hd_opts_defaults(&o);
	if (only)
		o.only = only;
	hd_secrets_init(NULL);
	/* the CLI's own sequence (src/harden.c), everything kept */
	switch (hd_load_harden(&ctx, &job, &o, "t.yaml", in, strlen(in), NULL)) {
	case -2:
		r.error = true;
		snprintf(r.err, sizeof(r.err), "%d:%d: %s", job.err.line, job.err.col, job.err.msg);
		hd_ctx_release(&ctx);
		hd_job_release(&job);
		return r;
	case -1:
		r.error = true;
		snprintf(r.err, sizeof(r.err), "%d:%d: %s", job.err.line, job.err.col, job.err.msg);
		break;
	default:
		r.out = strdup(job.changed ? job.out.data : job.in.data);
	}
	mf = open_memstream(&buf, &blen);
	hd_ctx_print_findings(&ctx, mf);
	fclose(mf);
	r.warnings = buf;
	r.nf = ctx.nf;
	for (i = 0; i < ctx.nf; i++)
		r.applied += ctx.f[i].applied;
	hd_ctx_release(&ctx);
	hd_job_release(&job);
	return r;
}

#define EXPECT_HARDEN(in, opts, only, want)                                 \
	do {                                                                \
		struct hres r_ = harden_str(in, opts, only);                \
		if (r_.error)                                               \
			fail_msg("harden failed: %s", r_.err);              \
		if (strcmp(r_.out, want))                                   \
			fail_msg("got:\n%s\n---- want:\n%s", r_.out, want); \
		{                                                           \
			struct hres r2_ = harden_str(r_.out, opts, only);   \
			if (r2_.error || strcmp(r2_.out, r_.out))           \
				fail_msg("second run changed:\n%s", r2_.out ? r2_.out : r2_.err); \
			hres_free(&r2_);                                    \
		}                                                           \
		hres_free(&r_);                                             \
	} while (0)

#define EXPECT_WARNING(in, opts, only, substr)                              \
	do {                                                                \
		struct hres r_ = harden_str(in, opts, only);                \
		if (r_.error)                                               \
			fail_msg("harden failed: %s", r_.err);              \
		if (!strstr(r_.warnings, substr))                           \
			fail_msg("no warning '%s' in:\n%s", substr, r_.warnings); \
		hres_free(&r_);                                             \
	} while (0)

#endif
