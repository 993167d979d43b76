/* docker.h - the Dockerfile model: what Dockerfile transforms see and edit
 *
 * A transform's run_dockerfile() reads the parsed file (df_file: its
 * instructions and stages) and records edits through the calls below; each
 * pushes a splice over the original bytes and the same change on the
 * intended instruction list (df_wants) that verification compares the
 * output with.  Findings are struct hd_finding like the YAML transforms'.
 */
#ifndef HD_DOCKER_H
#define HD_DOCKER_H

#include <stdbool.h>

#include "dockerfile.h"
#include "harden.h"

struct hd_df {
	struct df_file f;
	struct df_wants w;
	struct hd_ctx *ctx;
	struct hd_job *job;
	int final; /* the final stage (index of f.st), -1 without FROM */
};

/* Is the stage @s of @d the one whose image is built (the last one)? */
static inline bool hd_df_final(const struct hd_df *d, int s)
{
	return s >= 0 && s == d->final;
}

/* The image the stage @s starts from, through stages it names (FROM build). */
const char *hd_df_base_image(const struct hd_df *d, int s);
/* The object name of stage @s in findings: "stage NAME" or "stage N". */
const char *hd_df_stage_label(const struct hd_df *d, int s);

/* Keyword @name in the file's case (RUN or run). */
const char *hd_df_kw(const struct hd_df *d, const char *name);
/* Insert a new line "NAME ARGS" after instruction @i (its heredocs too);
 * false when it cannot be (@i's last line continues into the end of file). */
bool hd_df_insert_after(struct hd_df *d, size_t i, const char *name, const char *args);
/* Rename instruction @i's keyword (written in its own case). */
void hd_df_rename(struct hd_df *d, size_t i, const char *name);
/*
 * Insert @raw into instruction @i's bytes at logical argument offset @log
 * (after what precedes it on its line); @logical is what the builder then
 * reads there (@raw without the line continuations it may hold).
 */
void hd_df_args_insert(struct hd_df *d, size_t i, size_t log, const char *raw, const char *logical);
/* Delete logical argument bytes [@log, @log+@len) of instruction @i (one segment). */
bool hd_df_args_delete(struct hd_df *d, size_t i, size_t log, size_t len);
/* Delete instruction @i, its lines with it. */
void hd_df_delete(struct hd_df *d, size_t i);

/*
 * hd_df_find() - a finding of transform @tr at instruction @i (its
 * keyword), about stage @i's stage.
 */
void hd_df_find(struct hd_df *d, size_t i, const char *tr, const char *control,
		enum hd_severity sev, bool applied, bool unsafe, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
/* Fail the file at instruction @i (nothing is written): hd_ctx_fail()'s twin. */
void hd_df_fail(struct hd_df *d, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Does a "# harden:ignore[=NAMES]" comment on the line above instruction
 * @i exempt transform @tr?  Records the exemption.
 */
bool hd_df_ignored(struct hd_df *d, size_t i, const char *tr);

/*
 * hd_docker_harden() - read the Dockerfile @name into @job, run every
 * enabled transform's run_dockerfile over it into @ctx (initialised here),
 * apply the edits and verify the output.  Returns 0; -1 when hardening
 * failed, -2 when reading did, job->err saying why.  The caller releases
 * @ctx and @job either way.
 */
int hd_docker_harden(struct hd_ctx *ctx, struct hd_job *job, const struct hd_opts *o,
		     const char *name, const char *data, size_t len, const struct hd_load_cfg *cfg);

#endif
