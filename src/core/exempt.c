/* exempt.c - exemption annotations and "# harden:ignore" comments */
#include "exempt.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scalar.h"
#include "transform.h"

/* Other tools' check names -> the harden transform that does the same. */
static const struct {
	const char *check, *tr;
} checks[] = {
	/* Polaris (<check>-exempt) */
	{ "runAsRootAllowed", "run-as-non-root" },
	{ "runAsPrivileged", "no-privileged" },
	{ "notReadOnlyRootFilesystem", "read-only-root-fs" },
	{ "privilegeEscalationAllowed", "no-privilege-escalation" },
	{ "insecureCapabilities", "drop-capabilities" },
	{ "dangerousCapabilities", "drop-capabilities" },
	{ "hostNetworkSet", "host-namespaces" },
	{ "hostPIDSet", "host-namespaces" },
	{ "hostIPCSet", "host-namespaces" },
	{ "hostPortSet", "host-namespaces" },
	{ "hostPathSet", "read-only-mounts" },
	{ "cpuRequestsMissing", "resource-limits" },
	{ "cpuLimitsMissing", "resource-limits" },
	{ "memoryRequestsMissing", "resource-limits" },
	{ "memoryLimitsMissing", "resource-limits" },
	{ "sensitiveContainerEnvVar", "secret-env" },
	{ "procMount", "pss-controls" },
	{ "linuxHardening", "seccomp" },
	{ "tagNotSpecified", "image-refs" },
	/* kube-linter (ignore-check.kube-linter.io/<check>) */
	{ "run-as-non-root", "run-as-non-root" },
	{ "privileged-container", "no-privileged" },
	{ "privilege-escalation-container", "no-privilege-escalation" },
	{ "no-read-only-root-fs", "read-only-root-fs" },
	{ "unset-cpu-requirements", "resource-limits" },
	{ "unset-memory-requirements", "resource-limits" },
	{ "env-var-secret", "secret-env" },
	{ "read-secret-from-env-var", "secret-env" },
	{ "host-network", "host-namespaces" },
	{ "host-pid", "host-namespaces" },
	{ "host-ipc", "host-namespaces" },
	{ "sensitive-host-mounts", "read-only-mounts" },
	{ "docker-sock", "read-only-mounts" },
	{ "writable-host-mount", "read-only-mounts" },
	{ "drop-net-raw-capability", "drop-capabilities" },
	{ "unsafe-proc-mount", "pss-controls" },
	{ "unsafe-sysctls", "pss-controls" },
	{ "latest-tag", "image-refs" },
	/* kube-score (kube-score/ignore: a,b) */
	{ "container-security-context-user-group-id", "run-as-non-root" },
	{ "container-security-context-privileged", "no-privileged" },
	{ "container-security-context-readonlyrootfilesystem", "read-only-root-fs" },
	{ "container-resources", "resource-limits" },
	{ "container-seccomp-profile", "seccomp" },
	{ "container-image-tag", "image-refs" },
	/* Checkov (checkov.io/skipN: CKV_K8S_N=reason) */
	{ "CKV_K8S_10", "resource-limits" },
	{ "CKV_K8S_11", "resource-limits" },
	{ "CKV_K8S_12", "resource-limits" },
	{ "CKV_K8S_13", "resource-limits" },
	{ "CKV_K8S_16", "no-privileged" },
	{ "CKV_K8S_17", "host-namespaces" },
	{ "CKV_K8S_18", "host-namespaces" },
	{ "CKV_K8S_19", "host-namespaces" },
	{ "CKV_K8S_26", "host-namespaces" },
	{ "CKV_K8S_20", "no-privilege-escalation" },
	{ "CKV_K8S_22", "read-only-root-fs" },
	{ "CKV_K8S_23", "run-as-non-root" },
	{ "CKV_K8S_40", "run-as-non-root" },
	{ "CKV_K8S_24", "drop-capabilities" },
	{ "CKV_K8S_25", "drop-capabilities" },
	{ "CKV_K8S_28", "drop-capabilities" },
	{ "CKV_K8S_37", "drop-capabilities" },
	{ "CKV_K8S_39", "drop-capabilities" },
	{ "CKV_K8S_27", "read-only-mounts" },
	{ "CKV_K8S_31", "seccomp" },
	{ "CKV_K8S_32", "seccomp" },
	{ "CKV_K8S_35", "secret-env" },
	{ "CKV_K8S_38", "service-account-token" },
	{ "CKV_K8S_14", "image-refs" },
	{ "CKV_K8S_43", "image-refs" },
};

static bool check_means(const char *check, size_t n, const char *tr)
{
	size_t i;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (strlen(checks[i].check) == n && !strncmp(checks[i].check, check, n) &&
		    !strcmp(checks[i].tr, tr))
			return true;
	return false;
}

static bool truthy(const struct yn *v)
{
	const char *s = hd_str(v);

	return hd_true(v) || (s && !strcasecmp(s, "true"));
}

static bool csv_means(const char *list, const char *tr)
{
	const char *p = list;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		while (l && *p == ' ')
			p++, l--;
		while (l && p[l - 1] == ' ')
			l--;
		if (check_means(p, l, tr))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

const struct yn *hd_annotation_exempts(const struct yn *ann, const char *tr, const char **why)
{
	size_t i;

	ann = ann ? yn_deref(ann) : NULL;
	if (!ann || ann->kind != YN_MAP)
		return NULL;
	for (i = 0; i + 1 < ann->nkids; i += 2) {
		const struct yn *k = ann->kids[i], *v = ann->kids[i + 1];
		const char *key = k->kind == YN_SCALAR ? k->text : NULL, *val = hd_str(v);
		size_t kl;

		if (!key || (k->flags & YF_DELETED))
			continue;
		kl = strlen(key);
		*why = key;
		if (!strcmp(key, "harden.dev/skip")) {
			if (val && (hd_list_names(val, tr) || hd_csv_has(val, "all")))
				return v;
		} else if (!strcmp(key, "polaris.fairwinds.com/exempt") ||
			   !strcmp(key, "kube-linter.io/ignore-all")) {
			if (!strcmp(key, "kube-linter.io/ignore-all") || truthy(v))
				return v;
		} else if (!strncmp(key, "polaris.fairwinds.com/", 22) && kl > 29 &&
			   !strcmp(key + kl - 7, "-exempt")) {
			if (truthy(v) && check_means(key + 22, kl - 29, tr))
				return v;
		} else if (!strncmp(key, "ignore-check.kube-linter.io/", 28)) {
			if (check_means(key + 28, kl - 28, tr))
				return v;
		} else if (!strcmp(key, "kube-score/ignore")) {
			if (val && csv_means(val, tr))
				return v;
		} else if (!strncmp(key, "checkov.io/skip", 15)) {
			if (val && check_means(val, strcspn(val, "="), tr))
				return v;
		}
	}
	return NULL;
}

const char *hd_ignore_comment(const struct ystream *ys, size_t ls, char *buf, size_t n)
{
	size_t i;
	char q = 0;
	const char *s = ys->buf;

	if (!ys->ignores || ls > ys->len || n == 0)
		return NULL;
	for (i = ls; i < ys->len && s[i] != '\n'; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
			continue;
		}
		if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
			continue;
		}
		if (s[i] == '#' && (i == ls || s[i - 1] == ' ' || s[i - 1] == '\t')) {
			const char *c = s + i + 1;
			const char *end = memchr(c, '\n', ys->len - (size_t)(c - s));
			size_t len = end ? (size_t)(end - c) : ys->len - (size_t)(c - s);
			const char *m;

			if (len >= n)
				len = n - 1;
			memcpy(buf, c, len);
			buf[len] = '\0';
			if (len && buf[len - 1] == '\r')
				buf[--len] = '\0';
			m = strstr(buf, "harden:ignore");
			if (!m)
				return NULL;
			m += 13;
			return *m == '=' || *m == '\0' || *m == ' ' ? m : NULL;
		}
	}
	return NULL;
}

bool hd_line_ignores(const struct ystream *ys, size_t off, const char *tr)
{
	char buf[256];
	const char *m;

	if (off == HD_NOPOS || off > ys->len || !ys->ignores)
		return false;
	m = hd_ignore_comment(ys, ys_line_start(ys, off), buf, sizeof(buf));
	if (!m)
		return false;
	if (*m != '=')
		return true;
	return hd_list_names(m + 1, tr) || hd_csv_has(m + 1, "all");
}
