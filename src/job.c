/* job.c - the per-file pipeline shared by `harden` and `harden edit` */
#include "job.h"

#include <string.h>

#include "verify.h"

int hd_job_load(struct hd_job *job, const char *path)
{
	memset(job, 0, sizeof(*job));
	hd_arena_init(&job->arena);
	if (hd_input_read(&job->in, path, &job->err) < 0)
		return -1;
	return ys_parse(&job->ys, path, job->in.data, job->in.len, &job->arena,
			&job->err);
}

int hd_job_load_mem(struct hd_job *job, const char *name, const char *data,
		    size_t len)
{
	memset(job, 0, sizeof(*job));
	hd_arena_init(&job->arena);
	job->in.path = name;
	job->in.is_stdin = true;
	job->in.data = hd_xmalloc(len + 1);
	memcpy(job->in.data, data, len);
	job->in.data[len] = '\0';
	job->in.len = len;
	return ys_parse(&job->ys, name, job->in.data, job->in.len, &job->arena,
			&job->err);
}

int hd_job_finish(struct hd_job *job)
{
	if (ye_render(&job->ys, &job->sp, &job->err) < 0)
		return -1;
	if (job->sp.n == 0)
		return 0;
	if (splices_apply(&job->ys, &job->sp, &job->out, &job->err) < 0)
		return -1;
	if (job->out.len == job->in.len && !memcmp(job->out.data, job->in.data, job->in.len))
		return 0;
	if (hd_verify(&job->ys, job->out.data, job->out.len, &job->sp, &job->err) < 0)
		return -1;
	job->changed = true;
	return 0;
}

void hd_job_release(struct hd_job *job)
{
	hd_input_release(&job->in);
	splices_release(&job->sp);
	hd_buf_release(&job->out);
	hd_arena_free(&job->arena);
}

void hd_job_report(FILE *fp, const char *path, const struct hd_err *err)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";

	if (err->line > 0)
		fprintf(fp, "%s:%d:%d: error: %s\n", name, err->line, err->col, err->msg);
	else
		fprintf(fp, "%s: error: %s\n", name, err->msg);
}
