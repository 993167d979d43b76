/* transform.h - hardening passes: the registry, options, findings
 *
 * Adding a new transform touches its file, the registry and its test data:
 *   1. transforms/<name>.c (the Makefile builds every .c file there)
 *      including "tr.h" and defining `const struct hd_transform
 *      hd_tr_<name>`: name (and the Compose alias), summary, an --explain
 *      page with an "Opt out:" line (tests/t90-docs.sh), run_pod and/or
 *      run_service, .linux_only when its fields are Linux-only;
 *   2. src/core/registry.c: its extern declaration and its place in the table
 *      (table order = run order);
 *   3. its cases in tests/data/k8s.test and/or compose.test ("#@ harden
 *      <name>", run by tests/unit/test_data.c) and golden examples,
 *      examples/k8s/ or examples/compose/NAME.in.yaml with NAME.args
 *      and the expected files (tests/golden.sh; UPDATE=1 writes them).
 * Then `make readme` regenerates README.md's --list-transforms table
 * (t90-docs fails until it does).  Optional, by name: a SARIF score other
 * than 5.5 (rule_score(), src/report.c), other tools' annotations that
 * exempt it (src/exempt.c, docs/EXEMPTIONS.md), and hd_view_applies()
 * (src/compose_merge.c) for a pass that moves this file's literal values
 * rather than deciding on the merged Compose service.
 *
 * A transform reads the model (pod specs, services: model.h), records its
 * edits through the model's write API (hd_put(), hd_want_seq(),
 * hd_append(), ...: only the model edits the overlay) and its findings
 * (hd_find()); it never touches bytes.
 */
#ifndef HD_TRANSFORM_H
#define HD_TRANSFORM_H

#include <stdbool.h>

#include "job.h"
#include "ytree.h"

enum hd_applies {
	HD_APPLIES_K8S = 1,
	HD_APPLIES_COMPOSE = 2,
	HD_APPLIES_DOCKERFILE = 4
};
enum hd_level {
	HD_LEVEL_RESTRICTED,
	HD_LEVEL_BASELINE
};

struct hd_opts {
	bool unsafe_fixes;
	enum hd_level level;
	long uid, gid;
	const char *cpu_limit, *mem_limit, *cpu_request, *mem_request;
	long pids_limit;
	const char *only;  /* comma list or NULL */
	const char *skip;  /* comma list or NULL */
	const char *kinds; /* extra kinds with spec.template.spec */
	const char *secrets_out;
	const char *cap_allow; /* compose cap_add allowlist */
	const char *compose_mem, *compose_cpus;
	const char *file_env_images;	/* images reading VAR_FILE (CSV) */
	const char *ro_patterns;	/* bind mounts made read-only (globs, CSV) */
	const char *secret_names;	/* extra secret-name pcre2 pattern */
	const char *exclude;		/* path globs (CSV) skipped in directories */
	const char *policy;		/* the policy file applied, or NULL */
	const struct hd_images *images; /* .harden.yaml images: (images.h) */
	/* -f FILE...: Compose files merged in this order, each hardened on
	 * the merged view (like `docker compose -f a -f b`) */
	const char *const *compose_files;
	size_t ncompose;
	/* --pin-images: tags resolved to digests (pin.h), from --digests FILE
	 * when set, else the registries (--insecure-registry: CSV, http) */
	bool pin_images;
	const char *pin_digests;
	const char *insecure_registries;
};

void hd_opts_defaults(struct hd_opts *o);

struct hd_images;  /* images.h */
struct hd_pod;	   /* model.h */
struct hd_service; /* model.h */
struct hd_df;	   /* docker.h */
struct hd_ctx;

struct hd_transform {
	const char *name;
	const char *alias; /* the Compose name of the same control, or NULL */
	unsigned applies;  /* HD_APPLIES_* */
	bool unsafe;	   /* has fixes only applied with --unsafe-fixes */
	/* its fields are Linux-only: run_pod never sees a Windows pod
	 * (spec.os.name: windows), where the API rejects them */
	bool linux_only;
	const char *summary;
	const char *explain;
	void (*run_pod)(struct hd_ctx *ctx, struct hd_pod *pod);
	void (*run_service)(struct hd_ctx *ctx, struct hd_service *svc);
	/* a Dockerfile: the whole file, its stages in docker.h */
	void (*run_dockerfile)(struct hd_ctx *ctx, struct hd_df *df);
};

extern const struct hd_transform *const hd_transforms[];
extern const unsigned hd_ntransforms;

const struct hd_transform *hd_transform_find(const char *name);
/* The transform name or alias closest to a misspelt @name, or NULL. */
const char *hd_transform_suggest(const char *name);
/* "unknown transform 'x'; did you mean 'y'? (see --list-transforms)" */
void hd_unknown_transform(char *buf, size_t n, const char *name);
bool hd_transform_enabled(const struct hd_opts *o, const char *name);
/* Does @list name transform @name, by its name or its alias? */
bool hd_list_names(const char *list, const char *name);
/*
 * hd_csv_next() - the next item of the comma-separated list of *@n bytes at
 * *@p, blanks (spaces, tabs) trimmed, in @item/@len (possibly empty); both
 * advance past it.  Returns false when the list is used up.
 */
bool hd_csv_next(const char **p, size_t *n, const char **item, size_t *len);
/* Is @name an item of the comma-separated @list (blanks trimmed)? */
bool hd_csv_has(const char *list, const char *name);

#endif
