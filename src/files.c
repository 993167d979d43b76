/* files.c - expand directories into the files to harden */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static void push(struct hd_files *fl, const char *path, bool from_dir)
{
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 64;
		fl->v = hd_xrealloc(fl->v, fl->cap * sizeof(*fl->v));
	}
	fl->v[fl->n].path = strdup(path);
	fl->v[fl->n].from_dir = from_dir;
	fl->n++;
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct hd_files *fl, const char *dir, const char *include,
		const char *exclude, int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (depth > 64)
		return 0;
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: error: cannot read directory: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "node_modules"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = hd_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
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
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (walk(fl, p, include, exclude, depth + 1) < 0)
					rc = -1;
			} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
				   hd_glob_any(include ? include : "*.yaml,*.yml", names[i])) {
				push(fl, p, true);
			}
		}
		free(p);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int hd_files_expand(struct hd_files *fl, const char *arg, const char *include,
		    const char *exclude)
{
	struct stat st;

	if (strcmp(arg, "-") && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return walk(fl, arg, include, exclude, 0);
	push(fl, arg, false);
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
