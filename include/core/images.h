/* images.h - image profiles: what well-known images need to keep running */
#ifndef HD_IMAGES_H
#define HD_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "ytree.h"

struct hd_opts;
struct hd_ctx;
struct hd_pod;
struct hd_container;
struct hd_service;

/* A path the image writes at run time. */
struct hd_image_path {
	const char *path;
	const char *mode; /* tmpfs/emptyDir mode the image needs, or NULL */
	bool data;	  /* contents worth keeping: a volume is better */
};

struct hd_image_profile {
	const char *name;
	long user, group, fs_group;	/* -1: not set */
	struct hd_image_path *writable; /* runtime-written paths */
	size_t nwritable;
	const char **volumes; /* the image's data paths (VOLUME) */
	size_t nvolumes;
	long *ports; /* ports < 1024 it listens on */
	size_t nports;
	const char **caps; /* needed in every mode */
	size_t ncaps;
	const char **root_caps; /* its entrypoint's, started as root */
	size_t nroot_caps;
	bool direct; /* can start directly as its user */
	const char **env_keys, **env_vals;
	size_t nenv;
	const char *source, *note;
};

/* One reference pattern: NAME, NAME:TAG-GLOB or NAMESPACE/ * . */
struct hd_image_pat {
	const char *name; /* normalised; without the trailing "*" if prefix */
	const char *tag;  /* glob, or NULL */
	bool prefix;
	unsigned order; /* file order: first wins a tie */
	const struct hd_image_profile *p;
};

struct hd_images {
	const char *file; /* where they were read */
	struct hd_image_profile *p;
	size_t np;
	struct hd_image_pat *pats; /* exact names, sorted by name */
	size_t npats;
	struct hd_image_pat *prefixes; /* namespace patterns, file order */
	size_t nprefixes;
};

/*
 * hd_images_parse() - the profiles of sequence @list (of document @ys) into
 * @out, strings in @a.  Returns 0, or -1 with @err at the offending node.
 */
int hd_images_parse(const struct ystream *ys, const struct yn *list, struct hd_arena *a,
		    struct hd_images *out, struct hd_err *err);

/*
 * hd_images_configure() - before any file: @file (--image-profiles, else
 * $HARDEN_IMAGE_PROFILES, else NULL for the installed default) and
 * @disabled (--no-image-profiles).  @argv0 finds the default file.
 */
void hd_images_configure(const char *file, bool disabled, const char *argv0);
/*
 * hd_images_default() - the profiles, read once per process on first use
 * (thread-safe).  NULL when switched off, when the default file is missing
 * (*@missing then names it) or on an error (in @err, file in *@errpath).
 */
const struct hd_images *hd_images_default(struct hd_err *err, const char **errpath,
					  const char **missing);

/* Split @ref into its normalised name and tag ("latest" when none). */
void hd_image_normalise(const char *ref, char *name, size_t nn, char *tag, size_t tn);
/* The profile of @ref in @set (most specific pattern), or NULL. */
const struct hd_image_profile *hd_images_match(const struct hd_images *set, const char *ref);
/* The profile for @ref: .harden.yaml's images: first, then the file's. */
const struct hd_image_profile *hd_image_profile(const struct hd_opts *o, const char *ref);
/* Are profiles in use (not switched off, a file read)? */
bool hd_images_on(const struct hd_opts *o);

/* The profile of a container / service (NULL: none). */
const struct hd_image_profile *hd_ctr_image(const struct hd_ctx *ctx, const struct hd_container *c);
const struct hd_image_profile *hd_svc_image(const struct hd_ctx *ctx, const struct hd_service *svc);
/* One image-unknown finding per container / service without a profile. */
void hd_images_check_pod(struct hd_ctx *ctx, const struct hd_pod *pod);
void hd_images_check_service(struct hd_ctx *ctx, const struct hd_service *svc);
/* Is @cap (upper case, no CAP_) one @p adds back for a @root process? */
bool hd_image_needs_cap(const struct hd_image_profile *p, const char *cap, bool root);

#endif
