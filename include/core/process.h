/* process.h - harden one file into a self-contained result */
#ifndef HD_PROCESS_H
#define HD_PROCESS_H

#include <stdbool.h>

#include "fileio.h"
#include "files.h"
#include "harden.h"
#include "secrets_out.h"
#include "transform.h"
#include "util.h"

enum hd_format {
	HD_FMT_TEXT,
	HD_FMT_JSON,
	HD_FMT_SARIF,
	HD_FMT_MARKDOWN
};

/* --stdout of several files: what was written so far (hd_stdout_put()). */
struct hd_stdout_join {
	bool any;	/* a file's bytes were written */
	bool open_line; /* they did not end with a line break */
	bool doc_end;	/* their last line is a `...` document end */
	bool crlf;	/* their line breaks are CRLF */
};

/* What the command line asked for (options that apply to every file). */
struct hd_cli {
	struct hd_opts opts;
	unsigned set; /* HD_SET_* bits: options given on the command line */
	bool in_place, check, diff, to_stdout, quiet, no_follow, color;
	/* --fail-on: findings left unfixed that fail the run (HD_FAIL_*) */
	int fail_on;
	enum hd_format format;
	const char *report; /* --report FILE */
	const char *config; /* --config FILE (else .harden.yaml walking up) */
	const char *include, *exclude;
	int jobs;
	/* helpers verifying a big file's documents: @verify_threads when >= 0,
	 * else the cores not busy with files (@ncpu - *@busy), at most 3 */
	int verify_threads;
	int ncpu;
	int *busy;		     /* files being processed now (atomic) */
	bool direct;		     /* sequential: stream output to stdout */
	struct hd_stdout_join *join; /* --stdout: the stream so far (main thread) */
};

enum {
	HD_SET_LEVEL = 1 << 0,
	HD_SET_UID = 1 << 1,
	HD_SET_GID = 1 << 2,
	HD_SET_ONLY = 1 << 3,
	HD_SET_SKIP = 1 << 4,
	HD_SET_UNSAFE = 1 << 5,
	HD_SET_KINDS = 1 << 6,
};

/* --fail-on: none, a severity and above, or the unsafe fixes not applied */
enum {
	HD_FAIL_NONE,
	HD_FAIL_LOW,
	HD_FAIL_MEDIUM,
	HD_FAIL_HIGH,
	HD_FAIL_UNSAFE
};

enum hd_status {
	HD_R_UNCHANGED,
	HD_R_CHANGED,
	HD_R_ERROR,
	HD_R_SKIPPED
};

struct hd_redit { /* a splice, for SARIF replacements */
	size_t off, len;
	char *text;
};

struct hd_result {
	char *path;
	enum hd_status status;
	struct hd_buf out; /* for stdout: diff, document or check line */
	struct hd_buf err; /* for stderr: errors, warnings, notes */
	struct hd_arena a; /* strings below */
	struct hd_finding *f;
	size_t nf;
	/* the findings of the transforms its policy file's skip: disables
	 * (reports only: SARIF suppressions of kind external); their edits
	 * were never made, applied says what they would do */
	struct hd_finding *sf;
	size_t nsf;
	struct hd_redit *e;
	size_t ne;
	char *errmsg;
	int err_line, err_col;
	/* findings left for a human (not applied; honoured exemptions aside),
	 * by enum hd_severity, and how many of them are unsafe fixes */
	unsigned left[3];
	unsigned left_unsafe;
	struct hd_secret_store secrets;
	const struct hd_opts *opts; /* effective options (policy applied) */
	/*
	 * -i with --secrets-out: the new bytes of a file whose literal secret
	 * values move out, written by hd_result_write_pending() only once the
	 * values are saved (else they would be nowhere).
	 */
	bool pending;
	struct hd_buf pending_out;
	struct hd_input pending_in; /* path and stat when read; no data */
};

/*
 * hd_process() - harden @path (policy, parse, transforms, verify, write or
 * print) into @res.  Never exits; errors are in the result.
 */
void hd_process(const struct hd_cli *cli, const struct hd_file *file, struct hd_result *res);
void hd_result_release(struct hd_result *res);
/* Does @res hold a finding left unfixed that --fail-on @fail_on fails on? */
bool hd_result_fails(const struct hd_result *res, int fail_on);
/* Is @f a recorded exemption (honoured, so nothing to fix)? */
bool hd_finding_exemption(const struct hd_finding *f);
/*
 * Is @f an explicit choice harden keeps (an unsafe fix not applied, or a
 * low-severity value left as written)?  Printed once per file as a note.
 */
bool hd_finding_kept(const struct hd_finding *f);
/*
 * hd_finding_message() - append @f's message, escaped; @conditional (nothing
 * is written: --check, reports): an applied fix's "held ...; now ..." put in
 * the conditional.  False when @f is an applied fix whose message has no
 * conditional form (it names the fix, not what is wrong).
 */
bool hd_finding_message(struct hd_buf *b, const struct hd_finding *f, bool conditional);
/* The path as printed: "<stdin>" for "-". */
const char *hd_display_path(const char *path);

/*
 * hd_result_refuse() - @res may not be applied after all (its secret
 * values clash with another file's, hd_secrets_take()): it becomes an
 * error with @msg, its output and any pending in-place write dropped, so
 * its file stays as it was.
 */
void hd_result_refuse(const struct hd_cli *cli, struct hd_result *res, const char *msg);

/*
 * hd_stdout_put() - write one file's resulting bytes @d to @fp so that the
 * files printed one after the other stay one valid stream of documents:
 * `---` before a file that has content and does not start with one (`...`
 * too before one that starts with a directive), a line break before that
 * when the file before lacks a final one, a later file's BOM dropped.  The
 * first file is written as it is.
 */
void hd_stdout_put(struct hd_stdout_join *j, const char *d, size_t n, FILE *fp);

/*
 * hd_result_write_pending() - write @res's pending in-place output when
 * @secrets_saved, else leave the file as it was and make @res an error.
 * Returns 0 (also when nothing was pending), or -1 with the error message
 * in @res->err.
 */
int hd_result_write_pending(const struct hd_cli *cli, struct hd_result *res, bool secrets_saved);

#endif
