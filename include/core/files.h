/* files.h - command-line operands to the list of files to process */
#ifndef HD_FILES_H
#define HD_FILES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct hd_file {
	char *path;
	bool from_dir; /* found by walking a directory (not named explicitly) */
	/* the walk listed the file's directory: no .harden.yaml/.yml in it */
	bool no_policy_here;
	bool dockerfile; /* a Compose build: names it (whatever its name) */
	/* the caller's: what processing the file gave, and whether it is there */
	void *result;
	bool done;
};

struct hd_files {
	struct hd_file *v;
	size_t n, cap;
	/*
	 * Optional: when set, every append holds @mu and broadcasts @grew, so
	 * other threads may take files from @v (under @mu) while a walk still
	 * goes on.
	 */
	pthread_mutex_t *mu;
	pthread_cond_t *grew;
};

/*
 * hd_files_expand() - append @arg: a file as is, a directory walked
 * recursively (sorted) for files matching @include (default *.yaml,*.yml)
 * and not @exclude (comma-separated globs on the path or the base name).
 * Hidden directories (.git, ...) and node_modules are skipped; symlinked
 * directories are not followed (a link named *.yaml that leads nowhere or
 * to a directory is listed, and hd_process() notes and skips it).  Returns
 * 0, or -1 (message printed).
 */
int hd_files_expand(struct hd_files *fl, const char *arg, const char *include, const char *exclude);
/* Append @path to @fl (under fl->mu when set); @dockerfile: see struct hd_file. */
void hd_files_push(struct hd_files *fl, const char *path, bool from_dir, bool no_policy_here,
		   bool dockerfile);
/*
 * hd_files_add_builds() - for each Compose file among @fl's entries from
 * @from on (compose*.y*ml, docker-compose*.y*ml, *.compose.y*ml and -f
 * files, @compose/@ncompose), append the Dockerfile each service's build:
 * names (context + dockerfile:, default Dockerfile) when it exists and is
 * not listed yet.  Returns how many were added.
 */
size_t hd_files_add_builds(struct hd_files *fl, size_t from, const char *const *compose,
			   size_t ncompose);
/* Is operand @arg a directory (that hd_files_expand() walks)? */
bool hd_files_is_dir(const char *arg);
/* Does @path match one of the comma-separated globs in @globs? */
bool hd_glob_any(const char *globs, const char *path);
/* What a policy file (.harden.yaml) may be called, NULL-terminated. */
extern const char *const hd_policy_names[];
/* Is @name (a base name) what a policy file is called? */
bool hd_policy_file_name(const char *name);
void hd_files_release(struct hd_files *fl);

#endif
