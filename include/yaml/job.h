/* job.h - one file through the pipeline, one document at a time */
#ifndef HD_JOB_H
#define HD_JOB_H

#include <stdio.h>

#include "edit.h"
#include "fileio.h"
#include "util.h"
#include "ytree.h"

struct hd_vpool;

struct hd_job {
	struct hd_input in;
	struct hd_arena arena; /* file lifetime: lines, findings, splice texts */
	struct ystream ys;
	struct splices sp; /* every edit, in file order */
	struct hd_buf out; /* edited bytes, built document by document */
	bool changed;
	size_t content_docs; /* documents with content */
	int verify_threads;  /* helper threads verifying documents (0: inline) */
	bool split_verify;   /* a spare CPU: big documents verified by both parsers at once */
	bool discard_output; /* --check: the edited bytes are not needed */
	bool discard_edits;  /* no diff or SARIF: splices die with each document */
	bool report_only;    /* findings only: edits are neither rendered nor verified */
	bool discard_texts;  /* a diff only: splices kept, their texts die with
				   each document (text NULL once applied) */
	struct hd_err err;
};

/*
 * Called for each document as soon as it is parsed (ys.docs[d]); records
 * edits on the overlay.  Returns 0, or -1 with job->err set.
 */
typedef int (*hd_doc_fn)(void *ud, struct hd_job *job, size_t d);

/* Read @path and open the YAML stream.  Returns 0, or -1 with job->err. */
int hd_job_load(struct hd_job *job, const char *path);
/* Same, from bytes in memory (copied). */
int hd_job_load_mem(struct hd_job *job, const char *name, const char *data, size_t len);
/*
 * hd_job_run() - for every document: parse it into its own arena, call @fn,
 * render its edits, splice its slice of the output, verify that slice (on
 * a helper thread when verify_threads > 0), and free its tree.  Memory thus
 * follows the largest document, not the file.  Returns 0, or -1 with
 * job->err set (nothing may be written then).
 */
int hd_job_run(struct hd_job *job, hd_doc_fn fn, void *ud);
void hd_job_release(struct hd_job *job);

/* Print "file:line:col: error: msg" (or "file: error: msg") to @fp. */
void hd_job_report(FILE *fp, const char *path, const struct hd_err *err);

#endif
