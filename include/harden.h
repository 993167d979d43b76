/* harden.h - run the transform chain over one file and collect findings */
#ifndef HD_HARDEN_H
#define HD_HARDEN_H

#include <stdio.h>

#include "job.h"
#include "transform.h"

enum hd_severity { HD_SEV_LOW, HD_SEV_MEDIUM, HD_SEV_HIGH };

struct hd_finding {
	const char *transform;
	const char *control;  /* PSS control id or Compose key */
	enum hd_severity severity;
	int line, col;        /* in the input */
	const char *object;   /* "Deployment/web" or "services.web" */
	const char *container;
	const char *message;
	bool applied;
	bool unsafe;
};

struct hd_run {
	struct hd_job *job;
	const struct hd_opts *opts;
	struct hd_finding *f;
	size_t nf, capf;
	int doc;              /* document being processed */
};

void hd_run_init(struct hd_run *run, struct hd_job *job, const struct hd_opts *o);
void hd_run_release(struct hd_run *run);
/* Run every enabled transform on every pod spec / service.  0 or -1. */
int hd_harden(struct hd_run *run);
/* "file:line:col: warning: [transform] message" for unsafe/report-only ones. */
void hd_run_print_findings(const struct hd_run *run, FILE *fp);

#endif
