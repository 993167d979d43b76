/* package_hygiene.c - minimal package installs that leave no index behind */
#include <stdio.h>

#include "docker.h"
#include "tr.h"

#define TR "package-hygiene"

static const char *base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

static bool assignment(const char *s)
{
	const char *p = s;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
		return false;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	return *p == '=';
}

/* The subcommand word of the command [s, e) whose program is word @j. */
static size_t subcommand(const struct df_word *w, size_t j, size_t e, const char *const *argopts)
{
	size_t m, k;

	for (m = j + 1; m < e; m++) {
		const char *t = w[m].text;

		if (t[0] != '-')
			return m;
		for (k = 0; argopts[k]; k++)
			if (!strcmp(t, argopts[k]))
				m++; /* its argument */
	}
	return e;
}

static bool any_word(const struct df_word *w, size_t s, size_t e, const char *sub)
{
	size_t m;

	for (m = s; m < e; m++)
		if (strstr(w[m].text, sub))
			return true;
	return false;
}

struct state {
	bool uses_apt, cleaned;
};

static void command(struct hd_df *d, size_t i, const struct df_word *w, size_t s, size_t e,
		    bool cache_apk, struct state *st)
{
	static const char *const apt_args[] = {
		"-o", "-c", "-t", "--option", "--config-file", "--target-release", NULL
	};
	static const char *const apk_args[] = {
		"-X",	      "--repository",	     "-p", "--root", "--arch", "--cache-dir",
		"--keys-dir", "--repositories-file", NULL
	};
	const char *cmd;
	size_t j = s, sub;

	while (j < e && (assignment(w[j].text) || !strcmp(w[j].text, "sudo") ||
			 !strcmp(w[j].text, "env") || !strcmp(w[j].text, "exec")))
		j++;
	if (j >= e)
		return;
	cmd = base(w[j].text);
	if (!strcmp(cmd, "apt-get") || !strcmp(cmd, "apt")) {
		sub = subcommand(w, j, e, apt_args);
		if (sub >= e)
			return;
		if (!strcmp(w[sub].text, "install") || !strcmp(w[sub].text, "update") ||
		    !strcmp(w[sub].text, "upgrade") || !strcmp(w[sub].text, "dist-upgrade") ||
		    !strcmp(w[sub].text, "full-upgrade"))
			st->uses_apt = true;
		if (strcmp(w[sub].text, "install") ||
		    any_word(w, s, e, "--no-install-recommends") ||
		    any_word(w, s, e, "Install-Recommends"))
			return;
		hd_df_args_insert(d, i, w[sub].log + w[sub].len, " --no-install-recommends",
				  " --no-install-recommends");
		hd_df_find(d, i, TR, "apt-recommends", HD_SEV_LOW, true, false,
			   "%s install now with --no-install-recommends (recommended packages "
			   "are more code in the image, none of it asked for)",
			   cmd);
	} else if (!strcmp(cmd, "rm")) {
		if (any_word(w, j + 1, e, "/var/lib/apt/lists"))
			st->cleaned = true;
	} else if (!strcmp(cmd, "apk")) {
		sub = subcommand(w, j, e, apk_args);
		if (sub >= e || strcmp(w[sub].text, "add") || cache_apk ||
		    any_word(w, s, e, "--no-cache"))
			return;
		hd_df_args_insert(d, i, w[sub].log + w[sub].len, " --no-cache", " --no-cache");
		hd_df_find(d, i, TR, "apk-cache", HD_SEV_LOW, true, false,
			   "apk add now with --no-cache (no package index left in the layer)");
	}
}

/* " && rm -rf /var/lib/apt/lists/..." at the end of RUN @i, in its own layout. */
static void clean_lists(struct hd_df *d, size_t i)
{
	const struct df_instr *in = &d->f.in[i];
	const char *rm = "rm -rf /var/lib/apt/lists/*", *nl = d->f.crlf ? "\r\n" : "\n";
	struct hd_arena *a = &d->job->arena;
	const struct df_seg *last = &in->seg[in->nseg - 1];
	const char *ls = d->f.data + last->raw, *p = ls;
	char esc = d->f.escape;
	int ind;

	if (in->nseg < 2) {
		const char *t = hd_arena_printf(a, " && %s", rm);

		hd_df_args_insert(d, i, in->nargs, t, t);
		return;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	ind = (int)(p - ls);
	if (!strncmp(p, "&&", 2) || !strncmp(p, "||", 2)) {
		hd_df_args_insert(d, i, in->nargs,
				  hd_arena_printf(a, " %c%s%.*s&& %s", esc, nl, ind, ls, rm),
				  hd_arena_printf(a, " %.*s&& %s", ind, ls, rm));
		return;
	} else {
		const struct df_seg *prev = &in->seg[in->nseg - 2];
		const char *q = in->args + prev->log + prev->len;
		const char *sep = "&&";

		while (q > in->args + prev->log && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q > in->args + prev->log && q[-1] == ';')
			sep = ";";
		hd_df_args_insert(d, i, in->nargs,
				  hd_arena_printf(a, "%s%s %c%s%.*s%s", *sep == ';' ? "" : " ", sep,
						  esc, nl, ind, ls, rm),
				  hd_arena_printf(a, "%s%s %.*s%s", *sep == ';' ? "" : " ", sep,
						  ind, ls, rm));
	}
}

static void run_dockerfile(struct hd_ctx *ctx, struct hd_df *d)
{
	size_t i, k, s, n;

	(void)ctx;
	for (i = 0; i < d->f.n; i++) {
		const struct df_instr *in = &d->f.in[i];
		struct df_word *w;
		struct state st = { false, false };
		bool cm, cache_apt = false, cache_apk = false;

		if (strcmp(in->name, "RUN") || in->json || in->nhd || !in->nargs)
			continue;
		n = df_shell_words(in->args, in->nargs, &d->job->arena, &w, &cm);
		for (k = 0; k < n && !w[k].op && !strncmp(w[k].text, "--", 2); k++) {
			if (!strstr(w[k].text, "type=cache") && !strstr(w[k].text, "type=tmpfs"))
				continue;
			if (strstr(w[k].text, "/var/lib/apt") ||
			    strstr(w[k].text, "/var/cache/apt"))
				cache_apt = true;
			if (strstr(w[k].text, "/var/cache/apk"))
				cache_apk = true;
		}
		if (k == n)
			continue;
		if (!strstr(in->args, "apt") && !strstr(in->args, "apk"))
			continue;
		if (hd_df_ignored(d, i, TR))
			continue;
		for (s = k; s < n;) {
			size_t e = s;

			while (e < n && !w[e].op)
				e++;
			command(d, i, w, s, e, cache_apk, &st);
			s = e + 1;
		}
		if (!st.uses_apt || st.cleaned || cache_apt)
			continue;
		if (cm || w[n - 1].op) {
			hd_df_find(d, i, TR, "apt-lists", HD_SEV_LOW, false, false,
				   "apt-get leaves its package lists in this layer; end the RUN "
				   "with rm -rf /var/lib/apt/lists/*");
			continue;
		}
		clean_lists(d, i);
		hd_df_find(d, i, TR, "apt-lists", HD_SEV_LOW, true, false,
			   "the RUN now removes apt's package lists (/var/lib/apt/lists) it "
			   "would leave in the layer");
	}
}

const struct hd_transform hd_tr_package_hygiene = {
	.name = TR,
	.applies = HD_APPLIES_DOCKERFILE,
	.summary = "apt-get install --no-install-recommends, apt lists removed, apk add --no-cache",
	.explain = "Why: every package is code an attacker can use and a scanner reports;\n"
		   "package indexes left in a layer make the image bigger and staler\n"
		   "(hadolint DL3015, DL3009, DL3019; trivy DS-0029).\n"
		   "What: in shell-form RUN instructions, apt-get/apt install gains\n"
		   "--no-install-recommends, a RUN that runs apt-get update or install\n"
		   "ends with rm -rf /var/lib/apt/lists/* (on a line of its own in a\n"
		   "multi-line RUN, in its && or ; style), and apk add gains --no-cache.\n"
		   "RUNs with a cache mount on those paths are left alone.\n"
		   "Breaks: a build that relied on a recommended package (add it by name).\n"
		   "Opt out: --skip package-hygiene, or '# harden:ignore=package-hygiene'\n"
		   "on the line above the RUN.",
	.run_dockerfile = run_dockerfile,
};
