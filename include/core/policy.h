/* policy.h - .harden.yaml: per-repository options */
#ifndef HD_POLICY_H
#define HD_POLICY_H

#include "process.h"

/*
 * hd_policy_apply() - find the policy for @path (--config, else the nearest
 * .harden.yaml / .harden.yml walking up from the file's directory) and apply
 * it to @o, except options the command line set.  Strings live in @a.
 * @none_in_dir: the caller knows the file's own directory holds neither
 * (a directory walk listed it), so the search starts at its parent.
 * Returns 0, or -1 with @err (position in the policy file, whose path goes
 * to *@errpath).
 */
int hd_policy_apply(const struct hd_cli *cli, const char *path, bool none_in_dir, struct hd_opts *o,
		    struct hd_arena *a, struct hd_err *err, const char **errpath);
/* Is @path matched by the policy's exclude globs? */
bool hd_policy_excluded(const struct hd_opts *o, const char *path);
/* Release the calling thread's directory cache. */
void hd_policy_cache_free(void);
/* The documented keys, one per line (for --help-policy and docs). */
extern const char hd_policy_keys[];

#endif
