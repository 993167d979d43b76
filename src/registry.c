/* registry.c - the transform table; its order is the execution order */
#include <string.h>

#include "transform.h"

/* Table order is execution order. */
const struct hd_transform *const hd_transforms[] = {
	NULL,
};

const unsigned hd_ntransforms = sizeof(hd_transforms) / sizeof(hd_transforms[0]) - 1;

const struct hd_transform *hd_transform_find(const char *name)
{
	unsigned i;

	for (i = 0; i < hd_ntransforms; i++)
		if (!strcmp(hd_transforms[i]->name, name))
			return hd_transforms[i];
	return NULL;
}

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && !strncmp(p, name, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

bool hd_transform_enabled(const struct hd_opts *o, const char *name)
{
	if (o->only && !in_list(o->only, name))
		return false;
	if (o->skip && in_list(o->skip, name))
		return false;
	return true;
}
