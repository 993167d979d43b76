/* harden.h - run the transform chain over one file and collect findings */
#ifndef HD_HARDEN_H
#define HD_HARDEN_H

#include <stdio.h>

#include "job.h"
#include "transform.h"

enum hd_severity {
	HD_SEV_LOW,
	HD_SEV_MEDIUM,
	HD_SEV_HIGH
};

struct hd_finding {
	const char *transform;
	const char *control; /* PSS control id or Compose key */
	enum hd_severity severity;
	int line, col;	    /* in the input */
	const char *object; /* "Deployment/web" or "services.web" */
	const char *container;
	const char *message;
	bool applied;
	bool unsafe;
	bool notable;	/* applied but worth a warning (changed an
				 explicit value, edited a shared anchor) */
	int doc;	/* document index */
	bool elsewhere; /* about another -f file of this run, which
				 reports it itself: dropped (hd_view_enter) */
};

/* A secret value moved out of a manifest (never printed). */
struct hd_secret {
	const char *store; /* Kubernetes Secret name / Compose secret name */
	const char *ns;	   /* namespace or NULL */
	const char *key;   /* key in the Secret / env var name */
	const char *value; /* cooked value (arena) */
	size_t off, len;   /* its bytes in the input, redacted from diffs */
	bool compose;
	bool envfile; /* Compose interpolation: goes to harden.env */
};

struct hd_ctx {
	struct hd_job *job;
	const struct hd_opts *opts;
	struct hd_finding *f;
	size_t nf, capf;
	int doc; /* document being processed */
	struct hd_secret *sec;
	size_t nsec, capsec;
	struct hd_mask *mask; /* detected credentials, moved or left: masked */
	size_t nmask, capmask;
	unsigned recognized;	       /* Kubernetes or Compose documents seen */
	bool no_findings;	       /* nothing will show findings: do not record */
	int short_form_doc;	       /* document whose Compose limit style is known */
	bool short_form;	       /* it keeps limits as mem_limit/cpus/pids_limit */
	struct hd_merge *merge;	       /* Compose files read for merged views */
	struct hd_words *secret_words; /* secret-env: the input's *-secrets* words */
	bool failed;		       /* a pass failed the file (hd_ctx_fail()) */
	struct hd_err fail;	       /* the first failure */
	unsigned long serial;	       /* this context among the run's (memos) */
};

/* A detected literal credential (moved or left in place): every output
 * stream masks its value wherever it appears. */
struct hd_mask {
	const char *value; /* cooked value (arena) */
	size_t off, len;   /* its bytes in the input */
};

void hd_ctx_add_secret(struct hd_ctx *ctx, const struct hd_secret *s);
/* A new zeroed finding of @ctx to fill in, or NULL when nothing will read
 * findings (ctx->no_findings: one scratch slot is kept as the last one). */
struct hd_finding *hd_ctx_finding(struct hd_ctx *ctx);
/* Register a detected credential for masking (hd_ctx_add_secret does too). */
void hd_ctx_mask(struct hd_ctx *ctx, const char *value, size_t off, size_t len);

/*
 * hd_ctx_fail() - a pass cannot do what was asked (--pin-images and the
 * registry does not answer): the file fails with "file:line:col: error:
 * MSG" at @at (exit 2) and is left untouched.  The first failure wins.
 */
void hd_ctx_fail(struct hd_ctx *ctx, const struct yn *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void hd_ctx_init(struct hd_ctx *ctx, struct hd_job *job, const struct hd_opts *o);
void hd_ctx_release(struct hd_ctx *run);
/*
 * Run every enabled transform on every pod spec / service of each document
 * as it streams by, then render and verify (hd_job_run).  0 or -1.
 */
int hd_harden(struct hd_ctx *run);
/*
 * hd_harden_suppressed() - a report-only run of the transforms in the
 * comma list @skipped (a policy file's skip:) over @run's job, freshly
 * loaded: their findings are recorded, their edits are neither rendered,
 * verified nor written.  0 or -1.
 */
int hd_harden_suppressed(struct hd_ctx *run, const char *skipped);

/*
 * What hd_load_harden() keeps, beyond the sequence every caller shares.
 * All zero (the fuzz target, the unit tests): the output, the edits and
 * their texts are kept, every finding is recorded, documents are verified
 * inline.
 */
struct hd_load_cfg {
	bool discard_output, discard_edits, discard_texts; /* (struct hd_job) */
	bool no_findings;				   /* (struct hd_ctx) */
	int verify_helpers; /* threads verifying an input of 256 KiB or more;
				   with any, a big document is split between
				   both parsers */
};

/*
 * hd_load_harden() - the one load-and-harden sequence of the CLI, the fuzz
 * target and the unit tests: read file @name into @job (or, when @data is
 * not NULL, the @len bytes at @data, named @name in messages), skim the
 * documents that are no mapping (only mappings can be manifests), take
 * @o's secret-name pattern, and run every enabled transform of @o over it
 * into @ctx (initialised here).  Returns 0; -1 when hardening failed, -2
 * when loading did, job->err saying why.  The caller releases @ctx and
 * @job either way.
 */
int hd_load_harden(struct hd_ctx *ctx, struct hd_job *job, const struct hd_opts *o,
		   const char *name, const char *data, size_t len, const struct hd_load_cfg *cfg);
/* "file:line:col: warning: [transform] message" for unsafe/report-only ones. */
void hd_ctx_print_findings(const struct hd_ctx *ctx, FILE *fp);

#endif
