/* dockerfile_user.c - the image runs as a non-root numeric USER */
#include <stdio.h>
#include <stdlib.h>

#include "docker.h"
#include "images.h"
#include "tr.h"

#define TR "dockerfile-user"

/* USER's first word: root (or 0, or root:group, 0:gid)? */
static bool root_user(const char *u, size_t n)
{
	size_t k = 0;

	while (k < n && u[k] != ':' && u[k] != ' ' && u[k] != '\t')
		k++;
	return (k == 4 && !strncmp(u, "root", 4)) || (k == 1 && u[0] == '0');
}

static bool numeric_user(const char *u, size_t n)
{
	size_t k = 0;

	while (k < n && u[k] >= '0' && u[k] <= '9')
		k++;
	return k > 0 && (k == n || u[k] == ':');
}

static void run_dockerfile(struct hd_ctx *ctx, struct hd_df *d)
{
	const struct hd_opts *o = ctx->opts;
	const struct df_file *f = &d->f;
	const struct hd_image_profile *p;
	const char *base;
	size_t first, i, anchor, user = (size_t)-1;
	bool root = true;
	long uid = o->uid, gid = o->gid;
	char args[64];

	if (d->final < 0)
		return;
	base = hd_df_base_image(d, d->final);
	if (base &&
	    (strstr(base, "windows") || strstr(base, "nanoserver") || strstr(base, "servercore")))
		return; /* Windows images: USER is ContainerUser, not a number */
	first = f->st[d->final].from;
	anchor = first;
	for (i = first + 1; i < f->n; i++) {
		const struct df_instr *in = &f->in[i];

		if (!strcmp(in->name, "USER")) {
			user = i;
			root = root_user(in->args, in->nargs);
			if (root)
				anchor = i;
		} else if (!strcmp(in->name, "RUN")) {
			anchor = i;
		}
	}
	if (!root) {
		const struct df_instr *in = &f->in[user];

		if (!numeric_user(in->args, in->nargs) && !memchr(in->args, '$', in->nargs) &&
		    !hd_df_ignored(d, user, TR))
			hd_df_find(d, user, TR, "user", HD_SEV_LOW, false, false,
				   "USER %.*s is a name: Kubernetes runAsNonRoot cannot verify "
				   "a name; write its numeric UID (USER uid:gid)",
				   (int)(in->nargs > 64 ? 64 : in->nargs), in->args);
		return;
	}
	if (hd_df_ignored(d, user != (size_t)-1 ? user : first, TR))
		return;
	p = base ? hd_image_profile(o, base) : NULL;
	if (p && p->user > 0) {
		uid = p->user;
		gid = p->group > 0 ? p->group : p->user;
	}
	snprintf(args, sizeof(args), "%ld:%ld", uid, gid);
	if (!hd_df_insert_after(d, anchor, "USER", args)) {
		hd_df_find(d, user != (size_t)-1 ? user : first, TR, "user", HD_SEV_HIGH, false,
			   false,
			   "the image runs as root; add USER %s after line %d (its last line "
			   "continues into the end of the file, so harden cannot)",
			   args, f->in[anchor].line);
		return;
	}
	hd_df_find(d, user != (size_t)-1 ? user : first, TR, "user", HD_SEV_HIGH, true, false,
		   "the image ran as root; now USER %s (%s), after line %d", args,
		   p && p->user > 0 ? "the base image's own user" : "--uid/--gid",
		   f->in[anchor].last_line);
	if (p && p->user > 0)
		for (i = 0; i < p->nwritable; i++)
			if (!p->writable[i].data && strcmp(p->writable[i].path, "/tmp"))
				hd_df_find(d, user != (size_t)-1 ? user : first, TR, "user",
					   HD_SEV_LOW, false, false,
					   "%s writes %s at run time: where it runs, give it a "
					   "tmpfs or volume there (harden adds one in Kubernetes "
					   "and Compose files)",
					   base, p->writable[i].path);
}

const struct hd_transform hd_tr_dockerfile_user = {
	.name = TR,
	.applies = HD_APPLIES_DOCKERFILE,
	.summary = "final stage ends with a numeric non-root USER uid:gid",
	.explain = "Why: an image without USER runs as root unless every runtime remembers\n"
		   "a flag; a numeric USER lets Kubernetes' runAsNonRoot verify it.\n"
		   "What: in the final stage, when no USER is set or the last one is root\n"
		   "(root, 0), adds USER uid:gid after the last RUN (or USER root), so\n"
		   "that everything that needs root still runs as root, and before\n"
		   "CMD/ENTRYPOINT; the base image's own user when its profile knows one\n"
		   "(postgres 999:999, ...), else --uid/--gid (10001:10001). A named USER\n"
		   "is reported (use its number). Build stages and Windows images are\n"
		   "left alone; the paths a known image writes are named.\n"
		   "Breaks: images whose program writes to root-owned paths (chown them in\n"
		   "a RUN before, or give them a volume).\n"
		   "Opt out: --skip dockerfile-user, or '# harden:ignore=dockerfile-user' on\n"
		   "the line above the final FROM.",
	.run_dockerfile = run_dockerfile,
};
