/* harden.c - drive the transform chain over the models of one file */
#include "harden.h"

#include <stdlib.h>
#include <string.h>

void hd_opts_defaults(struct hd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->level = HD_LEVEL_RESTRICTED;
	o->uid = 10001;
	o->gid = 10001;
	o->cpu_limit = "500m";
	o->mem_limit = "512Mi";
	o->cpu_request = "100m";
	o->mem_request = "128Mi";
	o->pids_limit = 100;
	o->cap_allow = "NET_BIND_SERVICE";
}

void hd_run_init(struct hd_run *run, struct hd_job *job, const struct hd_opts *o)
{
	memset(run, 0, sizeof(*run));
	run->job = job;
	run->opts = o;
}

void hd_run_release(struct hd_run *run)
{
	free(run->f);
	run->f = NULL;
}

int hd_harden(struct hd_run *run)
{
	(void)run;
	return 0;
}

void hd_run_print_findings(const struct hd_run *run, FILE *fp)
{
	size_t i;
	const char *name = strcmp(run->job->in.path, "-") ? run->job->in.path : "<stdin>";

	for (i = 0; i < run->nf; i++) {
		const struct hd_finding *f = &run->f[i];

		if (f->applied)
			continue;
		fprintf(fp, "%s:%d:%d: warning: [%s] %s\n", name, f->line, f->col,
			f->transform, f->message);
	}
}
