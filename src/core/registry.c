/* registry.c - the transform table; its order is the execution order */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "transform.h"

extern const struct hd_transform hd_tr_run_as_non_root, hd_tr_no_privileged,
	hd_tr_drop_capabilities, hd_tr_no_privilege_escalation, hd_tr_seccomp,
	hd_tr_read_only_root_fs, hd_tr_resource_limits, hd_tr_read_only_mounts,
	hd_tr_host_namespaces, hd_tr_pss_controls, hd_tr_service_account_token, hd_tr_secret_env,
	hd_tr_ports, hd_tr_image_refs, hd_tr_dockerfile_user, hd_tr_copy_not_add,
	hd_tr_package_hygiene, hd_tr_build_secrets, hd_tr_image_checks;

/*
 * Table order is execution order: a later transform sees what an earlier
 * one added (no-privilege-escalation must see privileged/capabilities
 * fixed first, because the API rejects allowPrivilegeEscalation: false
 * next to privileged: true or an added SYS_ADMIN).
 */
const struct hd_transform *const hd_transforms[] = {
	&hd_tr_run_as_non_root,	  &hd_tr_no_privileged,
	&hd_tr_drop_capabilities, &hd_tr_no_privilege_escalation,
	&hd_tr_seccomp,		  &hd_tr_read_only_root_fs,
	&hd_tr_resource_limits,	  &hd_tr_read_only_mounts,
	&hd_tr_host_namespaces,	  &hd_tr_ports,
	&hd_tr_pss_controls,	  &hd_tr_service_account_token,
	&hd_tr_secret_env,	  &hd_tr_image_refs,
	&hd_tr_dockerfile_user,	  &hd_tr_copy_not_add,
	&hd_tr_package_hygiene,	  &hd_tr_build_secrets,
	&hd_tr_image_checks,	  NULL,
};

const unsigned hd_ntransforms = sizeof(hd_transforms) / sizeof(hd_transforms[0]) - 1;

const struct hd_transform *hd_transform_find(const char *name)
{
	unsigned i;

	for (i = 0; i < hd_ntransforms; i++)
		if (!strcmp(hd_transforms[i]->name, name) ||
		    (hd_transforms[i]->alias && !strcmp(hd_transforms[i]->alias, name)))
			return hd_transforms[i];
	return NULL;
}

const char *hd_transform_suggest(const char *name)
{
	const char *best = NULL;
	size_t bd = SIZE_MAX, limit = strlen(name) / 3 + 1, i;

	for (i = 0; i < hd_ntransforms; i++) {
		const char *cand[2] = { hd_transforms[i]->name, hd_transforms[i]->alias };
		size_t k;

		for (k = 0; k < 2; k++) {
			size_t d =
				cand[k] ? hd_edit_distance(name, strlen(name), cand[k]) : SIZE_MAX;

			if (d < bd) {
				bd = d;
				best = cand[k];
			}
		}
	}
	return bd <= limit ? best : NULL;
}

void hd_unknown_transform(char *buf, size_t n, const char *name)
{
	const char *s = hd_transform_suggest(name);

	if (s)
		snprintf(buf, n,
			 "unknown transform '%s'; did you mean '%s'? "
			 "(see --list-transforms)",
			 name, s);
	else
		snprintf(buf, n, "unknown transform '%s' (see --list-transforms)", name);
}

bool hd_csv_next(const char **p, size_t *n, const char **item, size_t *len)
{
	const char *s = *p, *c;
	size_t l;

	if (!s || !*n)
		return false;
	c = memchr(s, ',', *n);
	l = c ? (size_t)(c - s) : *n;
	*p = s + l + (c != NULL);
	*n -= l + (c != NULL);
	while (l && (*s == ' ' || *s == '\t'))
		s++, l--;
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
		l--;
	*item = s;
	*len = l;
	return true;
}

bool hd_csv_has(const char *list, const char *name)
{
	size_t n = strlen(name), left = list ? strlen(list) : 0, l;
	const char *it;

	while (hd_csv_next(&list, &left, &it, &l))
		if (l == n && !strncmp(it, name, n))
			return true;
	return false;
}

/* Is transform @name (or its alias) in @list? */
bool hd_list_names(const char *list, const char *name)
{
	const struct hd_transform *t = hd_transform_find(name);

	if (hd_csv_has(list, name))
		return true;
	return t && ((t->alias && hd_csv_has(list, t->alias)) || hd_csv_has(list, t->name));
}

bool hd_transform_enabled(const struct hd_opts *o, const char *name)
{
	if (o->only && !hd_list_names(o->only, name))
		return false;
	if (o->skip && hd_list_names(o->skip, name))
		return false;
	return true;
}
