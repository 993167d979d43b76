/* job.h - one file through the pipeline: load, edit, render, verify */
#ifndef HD_JOB_H
#define HD_JOB_H

#include <stdio.h>

#include "edit.h"
#include "fileio.h"
#include "util.h"
#include "ytree.h"

struct hd_job {
	struct hd_input in;
	struct hd_arena arena;
	struct ystream ys;
	struct splices sp;
	struct hd_buf out; /* edited bytes (valid when changed) */
	bool changed;
	struct hd_err err;
};

/* Read and parse @path.  Returns 0, or -1 with job->err set. */
int hd_job_load(struct hd_job *job, const char *path);
/* Same, from bytes in memory (copied). */
int hd_job_load_mem(struct hd_job *job, const char *name, const char *data,
		    size_t len);
/* Render the overlay, apply, verify.  Returns 0, or -1 with job->err set. */
int hd_job_finish(struct hd_job *job);
void hd_job_release(struct hd_job *job);

/* Print "file:line:col: error: msg" (or "file: error: msg") to @fp. */
void hd_job_report(FILE *fp, const char *path, const struct hd_err *err);

#endif
