/* copy_not_add.c - ADD of local files becomes COPY */
#include <stdio.h>

#include "docker.h"
#include "tr.h"

#define TR "copy-not-add"

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && !strcasecmp(s + n - k, suf);
}

static bool archive(const char *s)
{
	static const char *const ext[] = { ".tar",     ".tar.gz", ".tgz",    ".tar.bz2",
					   ".tbz",     ".tbz2",	  ".tar.xz", ".txz",
					   ".tar.zst", ".tzst",	  ".gz",     ".bz2",
					   ".xz",      ".zst",	  ".lz4",    NULL };
	size_t i;

	for (i = 0; ext[i]; i++)
		if (has_suffix(s, ext[i]))
			return true;
	return false;
}

static bool url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "git@", 4) ||
	       !strncmp(s, "ssh://", 6) || !strncmp(s, "git://", 6);
}

/* The sources of an ADD: JSON array items, or words, all but the last. */
static size_t sources(struct hd_df *d, const struct df_instr *in, const char ***src, bool *flag)
{
	struct hd_arena *a = &d->job->arena;
	struct df_word *w;
	bool cm;
	size_t n, i, k = 0;

	*flag = false;
	if (in->json) {
		const char *s = in->args, *e = in->args + in->nargs;
		const char **v = hd_arena_alloc(a, (in->nargs + 1) * sizeof(*v));

		while (s < e) {
			const char *q;

			s = memchr(s, '"', (size_t)(e - s));
			if (!s)
				break;
			for (q = s + 1; q < e && *q != '"'; q++)
				if (*q == '\\')
					q++;
			v[k++] = hd_arena_strndup(a, s + 1, (size_t)(q - s - 1));
			s = q + 1;
		}
		*src = v;
		return k ? k - 1 : 0;
	}
	n = df_shell_words(in->args, in->nargs, a, &w, &cm);
	*src = hd_arena_alloc(a, (n + 1) * sizeof(**src));
	for (i = 0; i < n; i++) {
		const char *t = w[i].text;

		if (k == 0 && !strncmp(t, "--", 2)) {
			if (!strncmp(t, "--checksum", 10) || !strncmp(t, "--keep-git-dir", 14) ||
			    !strncmp(t, "--unpack", 8))
				*flag = true; /* ADD-only flags */
			continue;
		}
		(*src)[k++] = t;
	}
	return k ? k - 1 : 0;
}

static void run_dockerfile(struct hd_ctx *ctx, struct hd_df *d)
{
	size_t i, k;

	(void)ctx;
	for (i = 0; i < d->f.n; i++) {
		const struct df_instr *in = &d->f.in[i];
		const char **src;
		bool add_flag, remote = false, arch = false, var = false, sum;
		size_t n;

		if (strcmp(in->name, "ADD"))
			continue;
		n = sources(d, in, &src, &add_flag);
		sum = strstr(in->args, "--checksum") != NULL;
		for (k = 0; k < n; k++) {
			if (url(src[k]))
				remote = true;
			else if (archive(src[k]))
				arch = true;
			if (strchr(src[k], '$'))
				var = true;
		}
		if (hd_df_ignored(d, i, TR))
			continue;
		if (remote) {
			if (!sum && !add_flag)
				hd_df_find(d, i, TR, "add-url", HD_SEV_MEDIUM, false, false,
					   "ADD downloads a URL without --checksum: what the "
					   "build gets is not verified; add "
					   "--checksum=sha256:... (or download and check it in a "
					   "RUN)");
			continue;
		}
		if (add_flag || arch || !n)
			continue; /* an archive ADD extracts: that is what it is for */
		if (var) {
			hd_df_find(d, i, TR, "add", HD_SEV_LOW, false, false,
				   "ADD of a source named by a variable: it may be an archive "
				   "or a URL; write COPY if it is neither");
			continue;
		}
		hd_df_rename(d, i, "COPY");
		hd_df_find(d, i, TR, "add", HD_SEV_MEDIUM, true, false,
			   "ADD of local files is now COPY (ADD would also fetch URLs and "
			   "unpack archives)");
	}
}

const struct hd_transform hd_tr_copy_not_add = {
	.name = TR,
	.applies = HD_APPLIES_DOCKERFILE,
	.summary = "ADD of local files becomes COPY; ADD of a URL without --checksum reported",
	.explain = "Why: ADD also downloads URLs and unpacks archives, so what lands in the\n"
		   "image depends on more than the build context; COPY does only what it\n"
		   "says (CIS Docker 4.9, hadolint DL3020).\n"
		   "What: ADD whose sources are local paths that are not archives becomes\n"
		   "COPY, its flags (--chown, --chmod, --link, --exclude) kept. ADD of an\n"
		   "archive (it unpacks it), with --checksum, --keep-git-dir or --unpack\n"
		   "is left; ADD of a URL without --checksum is reported.\n"
		   "Breaks: nothing: COPY of a local non-archive does what ADD did.\n"
		   "Opt out: --skip copy-not-add, or '# harden:ignore=copy-not-add' on the\n"
		   "line above the ADD.",
	.run_dockerfile = run_dockerfile,
};
