/* files.c - expand directories into the files to harden */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dockerfile.h"
#include "util.h"

void hd_files_push(struct hd_files *fl, const char *path, bool from_dir, bool no_policy_here,
		   bool dockerfile)
{
	struct hd_file f;

	memset(&f, 0, sizeof(f));
	f.path = hd_xstrdup(path);
	f.from_dir = from_dir;
	f.no_policy_here = no_policy_here;
	f.dockerfile = dockerfile;
	if (fl->mu)
		pthread_mutex_lock(fl->mu);
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 64;
		fl->v = hd_xrealloc(fl->v, fl->cap * sizeof(*fl->v));
	}
	fl->v[fl->n++] = f;
	if (fl->grew)
		pthread_cond_broadcast(fl->grew);
	if (fl->mu)
		pthread_mutex_unlock(fl->mu);
}

/* Here, not in policy.c: the walk notes the directories that hold one. */
const char *const hd_policy_names[] = { ".harden.yaml", ".harden.yml", NULL };

bool hd_policy_file_name(const char *name)
{
	size_t i;

	for (i = 0; hd_policy_names[i]; i++)
		if (!strcmp(name, hd_policy_names[i]))
			return true;
	return false;
}

bool hd_glob_any(const char *globs, const char *path)
{
	const char *p = globs, *base = strrchr(path, '/');
	char pat[512];

	base = base ? base + 1 : path;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l && l < sizeof(pat)) {
			const char *rel = path;

			memcpy(pat, p, l);
			pat[l] = '\0';
			while (rel[0] == '.' && rel[1] == '/')
				rel += 2;
			if (!fnmatch(pat, path, 0) || !fnmatch(pat, rel, 0) ||
			    !fnmatch(pat, base, 0))
				return true;
			/* a trailing slash-star-star also matches everything below the directory */
			if (l > 3 && !strcmp(pat + l - 3, "/**")) {
				pat[l - 3] = '\0';
				if (!strncmp(rel, pat, l - 3) && rel[l - 3] == '/')
					return true;
			}
		}
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* Names carry their d_type in byte 0: compare what follows. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static int walk(struct hd_files *fl, const char *dir, const char *include, const char *exclude,
		int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	unsigned char *types = NULL;
	size_t n = 0, cap = 0, i;
	bool policy_here = false; /* (or cannot tell without a stat) */
	int rc = 0;

	if (depth > 64)
		return 0;
	d = opendir(dir);
	if (!d) {
		struct hd_buf b = HD_BUF_INIT; /* a name cannot drive the terminal */

		hd_buf_add_esc(&b, dir, true);
		fprintf(stderr, "%s: error: cannot read directory: %s\n", b.data, strerror(errno));
		hd_buf_release(&b);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		/* the policy lookup need not stat what the listing shows absent */
		if (hd_policy_file_name(de->d_name))
			policy_here = true;
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "node_modules"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = hd_xrealloc(names, cap * sizeof(*names));
			types = hd_xrealloc(types, cap);
		}
		/* the type in front of the name keeps it through the sort */
		names[n] = hd_xmalloc(strlen(de->d_name) + 2);
		names[n][0] = (char)de->d_type;
		memcpy(names[n] + 1, de->d_name, strlen(de->d_name) + 1);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		types[i] = (unsigned char)names[i][0];
		memmove(names[i], names[i] + 1, strlen(names[i] + 1) + 1);
	}
	for (i = 0; i < n; i++) {
		char *p;
		struct stat st;
		size_t l = strlen(dir) + strlen(names[i]) + 2;

		p = hd_xmalloc(l);
		snprintf(p, l, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (exclude && hd_glob_any(exclude, p)) {
			free(p);
			continue;
		}
		if (types[i] == DT_DIR || types[i] == DT_REG || types[i] == DT_LNK) {
			/* readdir told us: no stat needed */
			st.st_mode = types[i] == DT_DIR	  ? S_IFDIR
				     : types[i] == DT_REG ? S_IFREG
							  : S_IFLNK;
		} else if (lstat(p, &st) != 0) {
			free(p);
			continue;
		}
		{
			if (S_ISDIR(st.st_mode)) {
				if (walk(fl, p, include, exclude, depth + 1) < 0)
					rc = -1;
			} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
				   (include ? hd_glob_any(include, names[i])
					    : hd_glob_any("*.yaml,*.yml", names[i]) ||
						      df_is_dockerfile_name(names[i]))) {
				hd_files_push(fl, p, true, !policy_here, false);
			}
		}
		free(p);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(types);
	return rc;
}

bool hd_files_is_dir(const char *arg)
{
	struct stat st;

	return strcmp(arg, "-") && stat(arg, &st) == 0 && S_ISDIR(st.st_mode);
}

int hd_files_expand(struct hd_files *fl, const char *arg, const char *include, const char *exclude)
{
	if (hd_files_is_dir(arg))
		return walk(fl, arg, include, exclude, 0);
	hd_files_push(fl, arg, false, false, false);
	return 0;
}

void hd_files_release(struct hd_files *fl)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		free(fl->v[i].path);
	free(fl->v);
	fl->v = NULL;
	fl->n = fl->cap = 0;
}
