/* fuzz_harden.c - the whole transform chain: output parses, second run is a no-op */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harden.h"
#include "job.h"
#include "secrets.h"
#include "transform.h"

static int run(const char *buf, size_t size, const struct hd_opts *o, char **out,
	       size_t *outlen)
{
	struct hd_job job;
	struct hd_ctx ctx;
	int rc;

	*out = NULL;
	if (hd_job_load_mem(&job, "fuzz.yaml", buf, size) < 0) {
		hd_job_release(&job);
		return -1;
	}
	job.ys.skim_non_maps = true; /* as the CLI does (src/process.c) */
	hd_ctx_init(&ctx, &job, o);
	rc = hd_harden(&ctx);
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
	if (run((const char *)data, size, &o, &out, &outlen) == 0 && out) {
		/* idempotent: hardening the output changes nothing */
		if (run(out, outlen, &o, &again, &alen) != 0 || again)
			abort();
	}
	free(out);
	free(again);
	hd_secrets_free();
	hd_yaml_thread_done();
	return 0;
}
