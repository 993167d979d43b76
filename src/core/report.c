/* report.c - JSON, SARIF 2.1.0 and Markdown reports (no secret ever in them) */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#include "transform.h"
#include "version.h"

static const char *sev_name(enum hd_severity s)
{
	return s == HD_SEV_HIGH ? "high" : s == HD_SEV_MEDIUM ? "medium" : "low";
}

static const char *status_name(enum hd_status s)
{
	switch (s) {
	case HD_R_CHANGED:
		return "changed";
	case HD_R_ERROR:
		return "error";
	case HD_R_SKIPPED:
		return "skipped";
	default:
		return "unchanged";
	}
}

static void jstrn(FILE *fp, const char *s, size_t n)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\r')
			fputs("\\r", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static void jstr(FILE *fp, const char *s)
{
	if (s)
		jstrn(fp, s, strlen(s));
	else
		fputs("null", fp);
}

/* A finding needs a human when it was not applied, or is marked notable. */
static bool needs_review(const struct hd_finding *f)
{
	return !f->applied || f->notable;
}

static bool is_exemption(const struct hd_finding *f)
{
	return hd_finding_exemption(f);
}

/* ---- JSON ---------------------------------------------------------------- */

/*
 * Why a policy file's skip: suppresses a finding: "skip: in PATH", PATH
 * relative to the working directory when under it (as code scanning and
 * the other paths of a run in a checkout read it).
 */
static void policy_why(struct hd_buf *b, const char *policy)
{
	char cwd[4096];
	size_t l;

	hd_buf_adds(b, "skip: in ");
	if (policy[0] == '/' && getcwd(cwd, sizeof(cwd)) && (l = strlen(cwd)) > 1 &&
	    !strncmp(policy, cwd, l) && policy[l] == '/')
		policy += l + 1;
	hd_buf_adds(b, policy);
}

/* The JSON of finding @f; @policy: a policy file's skip: suppressed it. */
static void json_finding(FILE *fp, const struct hd_finding *f, const char *policy, bool first)
{
	bool sup = policy != NULL;

	fprintf(fp, "%s\n      {\"transform\": ", first ? "" : ",");
	jstr(fp, f->transform);
	fputs(", \"control\": ", fp);
	jstr(fp, f->control);
	fprintf(fp,
		", \"severity\": \"%s\", \"line\": %d, \"column\": %d, \"document\": %d, "
		"\"object\": ",
		sev_name(f->severity), f->line, f->col, f->doc);
	jstr(fp, f->object);
	fputs(", \"container\": ", fp);
	jstr(fp, f->container);
	fputs(", \"message\": ", fp);
	jstr(fp, f->message);
	fprintf(fp,
		", \"applied\": %s, \"unsafe\": %s, \"needs_review\": %s, "
		"\"exemption\": %s",
		f->applied && !sup ? "true" : "false", f->unsafe ? "true" : "false",
		needs_review(f) && !sup ? "true" : "false",
		sup || is_exemption(f) ? "true" : "false");
	if (sup) {
		struct hd_buf why = HD_BUF_INIT;

		policy_why(&why, policy);
		fputs(", \"suppression\": {\"kind\": \"external\", \"justification\": ", fp);
		jstrn(fp, why.data, why.len);
		fputc('}', fp);
		hd_buf_release(&why);
	} else if (is_exemption(f)) {
		fputs(", \"suppression\": {\"kind\": \"inSource\", \"justification\": ", fp);
		jstr(fp, f->message);
		fputc('}', fp);
	}
	fputc('}', fp);
}

static void write_json(FILE *fp, struct hd_result *const *res, size_t n)
{
	size_t i, j, changed = 0, errors = 0, skipped = 0, nf = 0, applied = 0, review = 0;
	size_t suppressed = 0, unknown = 0;

	for (i = 0; i < n; i++) {
		changed += res[i]->status == HD_R_CHANGED;
		errors += res[i]->status == HD_R_ERROR;
		skipped += res[i]->status == HD_R_SKIPPED;
		for (j = 0; j < res[i]->nf; j++) {
			nf++;
			applied += res[i]->f[j].applied;
			review += needs_review(&res[i]->f[j]);
			suppressed += is_exemption(&res[i]->f[j]);
			unknown += !strcmp(res[i]->f[j].transform, "image-unknown");
		}
		nf += res[i]->nsf;
		suppressed += res[i]->nsf;
	}
	fprintf(fp,
		"{\n  \"version\": %d,\n  \"tool\": {\"name\": \"harden\", \"version\": \"%s\"},\n",
		HD_REPORT_VERSION, HARDEN_VERSION);
	fprintf(fp,
		"  \"summary\": {\"files\": %zu, \"changed\": %zu, \"unchanged\": %zu, "
		"\"errors\": %zu, \"skipped\": %zu, \"findings\": %zu, \"applied\": %zu, "
		"\"needs_review\": %zu, \"suppressed\": %zu, \"image_unknown\": %zu},\n  "
		"\"files\": [",
		n, changed, n - changed - errors - skipped, errors, skipped, nf, applied, review,
		suppressed, unknown);
	for (i = 0; i < n; i++) {
		const struct hd_result *r = res[i];

		fprintf(fp, "%s\n    {\"path\": ", i ? "," : "");
		jstr(fp, r->path);
		fprintf(fp, ", \"status\": \"%s\"", status_name(r->status));
		if (r->opts && r->opts->policy) {
			fputs(", \"policy\": ", fp);
			jstr(fp, r->opts->policy);
		}
		if (r->status == HD_R_ERROR) {
			fprintf(fp, ", \"error\": {\"line\": %d, \"column\": %d, \"message\": ",
				r->err_line, r->err_col);
			jstr(fp, r->errmsg);
			fputc('}', fp);
		}
		fputs(", \"findings\": [", fp);
		for (j = 0; j < r->nf; j++)
			json_finding(fp, &r->f[j], NULL, j == 0);
		for (j = 0; j < r->nsf; j++)
			json_finding(fp, &r->sf[j], r->opts->policy, r->nf + j == 0);
		fprintf(fp, "%s]}", r->nf + r->nsf ? "\n    " : "");
	}
	fprintf(fp, "%s]\n}\n", n ? "\n  " : "");
}

/* ---- SARIF --------------------------------------------------------------- */

static void uri(FILE *fp, const char *path)
{
	const char *p;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	fputc('"', fp);
	for (p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c))
			fputc(c, fp);
		else
			fprintf(fp, "%%%02X", c);
	}
	fputc('"', fp);
}

/* Rules: the transforms, then harden-exemption, harden-merge, image-unknown. */
static int rule_index(const char *name)
{
	unsigned i;

	for (i = 0; i < hd_ntransforms; i++)
		if (!strcmp(hd_transforms[i]->name, name))
			return (int)i;
	if (!strcmp(name, "harden-exemption"))
		return (int)hd_ntransforms;
	if (!strcmp(name, "harden-merge"))
		return (int)hd_ntransforms + 1;
	if (!strcmp(name, "image-unknown"))
		return (int)hd_ntransforms + 2;
	return -1;
}

/*
 * GitHub code scanning ranks alerts by a rule's "security-severity" (a CVSS-
 * like score: >= 7 high, >= 4 medium).  A rule's score is that of the worst
 * thing it reports: privileges, the node, and secrets are high.
 */
static const char *rule_score(const char *name)
{
	static const char *const high[] = {
		"run-as-non-root",   "no-privileged",
		"drop-capabilities", "no-privilege-escalation",
		"read-only-mounts",  "host-namespaces",
		"secret-env",	     "ports",
	};
	static const char *const low[] = { "service-account-token", "harden-exemption",
					   "image-unknown" };
	size_t i;

	for (i = 0; i < sizeof(high) / sizeof(high[0]); i++)
		if (!strcmp(name, high[i]))
			return "8.0";
	for (i = 0; i < sizeof(low) / sizeof(low[0]); i++)
		if (!strcmp(name, low[i]))
			return "3.0";
	return "5.5";
}

static void sarif_rule(FILE *fp, const char *id, const char *summary, const char *help, bool unsafe,
		       bool first)
{
	fprintf(fp, "%s\n      {\"id\": ", first ? "" : ",");
	jstr(fp, id);
	fputs(", \"name\": ", fp);
	jstr(fp, id);
	fputs(", \"shortDescription\": {\"text\": ", fp);
	jstr(fp, summary);
	fputs("}, \"help\": {\"text\": ", fp);
	jstr(fp, help);
	fprintf(fp,
		"}, \"defaultConfiguration\": {\"level\": \"warning\"}, \"properties\": "
		"{\"tags\": [\"security\"%s], \"precision\": \"high\", "
		"\"security-severity\": \"%s\"}}",
		unsafe ? ", \"unsafe-fix\"" : "", rule_score(id));
}

/* FNV-1a, 64 bits: fingerprints that do not depend on the line a finding is on. */
static unsigned long long fnv(unsigned long long h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h * 1099511628211ULL; /* a separator between fields */
}

/*
 * partialFingerprints: the file, rule, control, object, container and
 * message (line and column left out, so that an edit elsewhere in the file
 * keeps the alert), and which occurrence of that it is in the file.
 */
static unsigned long long base_print(const char *path, const struct hd_finding *f)
{
	unsigned long long h = fnv(14695981039346656037ULL, path);

	return fnv(fnv(fnv(fnv(fnv(h, f->transform), f->control), f->object), f->container),
		   f->message);
}

static int by_print(const void *a, const void *b)
{
	const unsigned long long *x = a, *y = b; /* {print, index} pairs */

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/*
 * The fingerprint of each of @path's @n findings @fs, in @out (n log n: big
 * files have many).  A finding a policy file's skip: suppresses keeps the
 * print it has when its transform runs.
 */
static void fingerprints(const char *path, const struct hd_finding *fs, size_t n,
			 unsigned long long *out)
{
	unsigned long long *p = hd_xmalloc((2 * n + 2) * sizeof(*p)), nth = 0;
	size_t j;

	for (j = 0; j < n; j++) {
		p[2 * j] = base_print(path, &fs[j]);
		p[2 * j + 1] = j;
	}
	qsort(p, n, 2 * sizeof(*p), by_print);
	for (j = 0; j < n; j++) {
		nth = j && p[2 * j] == p[2 * j - 2] ? nth + 1 : 0;
		out[p[2 * j + 1]] = p[2 * j] ^ (nth * 0x9e3779b97f4a7c15ULL);
	}
	free(p);
}

/*
 * What is wrong now: an unapplied finding says so itself; an applied fix
 * (nothing written yet) names what -i would do, in the conditional.
 */
static void sarif_message(FILE *fp, const struct hd_finding *f, bool suppressed)
{
	struct hd_buf b = HD_BUF_INIT, m = HD_BUF_INIT;

	if (f->object) {
		hd_buf_adds(&b, f->object);
		if (f->container)
			hd_buf_printf(&b, " container '%s'", f->container);
		hd_buf_adds(&b, ": ");
	}
	if (is_exemption(f)) {
		hd_buf_printf(&b, "%s not applied: ", f->transform);
		hd_buf_adds(&b, f->message);
	} else if (hd_finding_message(&m, f, true)) {
		hd_buf_add(&b, m.data ? m.data : "", m.len);
	} else if (suppressed) {
		hd_buf_printf(&b, "not hardened (%s); the policy file skips %s, which would set ",
			      f->control ? f->control : f->transform, f->transform);
		hd_buf_add(&b, m.data ? m.data : "", m.len);
	} else {
		hd_buf_printf(&b, "not hardened (%s); harden -i would set ",
			      f->control ? f->control : f->transform);
		hd_buf_add(&b, m.data ? m.data : "", m.len);
	}
	jstrn(fp, b.data ? b.data : "", b.len);
	hd_buf_release(&b);
	hd_buf_release(&m);
}

static void sarif_fix(FILE *fp, const struct hd_result *r)
{
	size_t j;

	fprintf(fp,
		", \"fixes\": [{\"description\": {\"text\": \"harden -i: the %zu edit(s) "
		"that harden this file\"}, \"artifactChanges\": [{\"artifactLocation\": "
		"{\"uri\": ",
		r->ne);
	uri(fp, r->path);
	fputs("}, \"replacements\": [", fp);
	for (j = 0; j < r->ne; j++) {
		fprintf(fp,
			"%s\n        {\"deletedRegion\": {\"byteOffset\": %zu, "
			"\"byteLength\": %zu}, \"insertedContent\": {\"text\": ",
			j ? "," : "", r->e[j].off, r->e[j].len);
		jstrn(fp, r->e[j].text, strlen(r->e[j].text));
		fputs("}}", fp);
	}
	fputs("]}]}]", fp);
}

/*
 * Result @f of @r; @policy: suppressed by the skip: of that policy file
 * (never fixed, whatever -i did); @fix: it carries the file's fix.
 */
static void sarif_result(FILE *fp, const struct hd_cli *cli, const struct hd_result *r,
			 const struct hd_finding *f, const char *policy, unsigned long long print,
			 bool fix)
{
	int ri = rule_index(f->transform);

	fputs("\n      {\"ruleId\": ", fp);
	jstr(fp, f->transform);
	if (ri >= 0)
		fprintf(fp, ", \"ruleIndex\": %d", ri);
	fprintf(fp, ", \"level\": \"%s\", \"message\": {\"text\": ",
		f->severity == HD_SEV_HIGH     ? "error"
		: f->severity == HD_SEV_MEDIUM ? "warning"
					       : "note");
	sarif_message(fp, f, policy != NULL);
	fputs("}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", fp);
	uri(fp, r->path);
	fputc('}', fp);
	/* a finding without a position has no region, not a made-up line 1 */
	if (f->line > 0)
		fprintf(fp, ", \"region\": {\"startLine\": %d, \"startColumn\": %d}", f->line,
			f->col > 0 ? f->col : 1);
	fprintf(fp, "}}], \"partialFingerprints\": {\"harden/v1\": \"%016llx\"}", print);
	if (is_exemption(f) || policy)
		fputs(", \"suppressions\": [", fp);
	if (is_exemption(f)) {
		/* annotations, x-harden and comments live in the file itself */
		fputs("{\"kind\": \"inSource\", \"justification\": ", fp);
		jstr(fp, f->message);
		fputc('}', fp);
	}
	if (policy) {
		/* the policy file is beside the manifests, not in them */
		struct hd_buf why = HD_BUF_INIT;

		policy_why(&why, policy);
		fprintf(fp, "%s{\"kind\": \"external\", \"justification\": ",
			is_exemption(f) ? ", " : "");
		jstrn(fp, why.data, why.len);
		fputc('}', fp);
		hd_buf_release(&why);
	}
	if (is_exemption(f) || policy)
		fputc(']', fp);
	fputs(", \"properties\": {\"control\": ", fp);
	jstr(fp, f->control);
	fprintf(fp, ", \"severity\": \"%s\", \"fixable\": %s, \"unsafe\": %s}",
		sev_name(f->severity), f->applied && !cli->in_place && !policy ? "true" : "false",
		f->unsafe ? "true" : "false");
	if (fix)
		sarif_fix(fp, r);
	fputc('}', fp);
}

/*
 * The file's fix goes on its first result that -i fixes: applying the fixes
 * of a run gives what -i writes.  With -i they are written already: no fix,
 * and the findings it fixed are no results.
 */
static void write_sarif(FILE *fp, const struct hd_cli *cli, struct hd_result *const *res, size_t n)
{
	size_t i, j;
	unsigned t;
	bool first = true;

	fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
	      "\"name\": \"harden\", ",
	      fp);
	fprintf(fp, "\"version\": \"%s\", \"semanticVersion\": \"%s\", \"rules\": [",
		HARDEN_VERSION, HARDEN_VERSION);
	for (t = 0; t < hd_ntransforms; t++)
		sarif_rule(fp, hd_transforms[t]->name, hd_transforms[t]->summary,
			   hd_transforms[t]->explain, hd_transforms[t]->unsafe, t == 0);
	sarif_rule(fp, "harden-exemption",
		   "an exemption (harden.dev/skip, x-harden.skip, "
		   "# harden:ignore=) names no transform and exempts nothing",
		   "Fix the name (see harden --list-transforms) or remove it.", false, false);
	sarif_rule(fp, "harden-merge",
		   "a Compose service's base (extends, an override's "
		   "base file) could not be read: the service was not hardened",
		   "Give the files together (harden -f base.yml -f override.yml) or make "
		   "the extends file readable.",
		   false, false);
	sarif_rule(fp, "image-unknown",
		   "an image with no image profile: harden does not know "
		   "the user it runs as or the paths it writes",
		   "Review the user and the writable paths it got, and declare the image under "
		   "images: in .harden.yaml (see harden(1), IMAGE PROFILES).",
		   false, false);
	fputs("\n    ]}},\n    \"results\": [", fp);
	for (i = 0; i < n; i++) {
		const struct hd_result *r = res[i];
		bool fix = r->status == HD_R_CHANGED && r->ne && !cli->in_place;
		size_t nmax = r->nf > r->nsf ? r->nf : r->nsf;
		unsigned long long *prints = hd_xmalloc((nmax + 1) * sizeof(*prints));

		fingerprints(r->path, r->f, r->nf, prints);
		for (j = 0; j < r->nf; j++) {
			const struct hd_finding *f = &r->f[j];

			if (f->applied && cli->in_place)
				continue; /* fixed */
			if (!first)
				fputc(',', fp);
			first = false;
			sarif_result(fp, cli, r, f, NULL, prints[j], fix && f->applied);
			if (f->applied)
				fix = false;
		}
		fingerprints(r->path, r->sf, r->nsf, prints);
		for (j = 0; j < r->nsf; j++) {
			if (!first)
				fputc(',', fp);
			first = false;
			sarif_result(fp, cli, r, &r->sf[j], r->opts->policy, prints[j], false);
		}
		free(prints);
	}
	fputs("\n    ]\n  }]\n}\n", fp);
}

/* ---- Markdown ------------------------------------------------------------ */

/* GitHub refuses a pull-request body over 65,536 characters: stay well under. */
#define MD_CAP 60000

static void md_cell(struct hd_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (strchr("|\\`*_<>[]", c))
			hd_buf_addc(b, '\\');
		if (c == '\n')
			hd_buf_addc(b, ' ');
		else if (c < 0x20 || c == 0x7f)
			hd_buf_printf(b, "\\%03o", c);
		else
			hd_buf_addc(b, (char)c);
	}
}

/* "- line N **transform** (unsafe) object container 'c': message" */
static void md_item(struct hd_buf *b, const struct hd_finding *f)
{
	struct hd_buf m = HD_BUF_INIT;

	hd_buf_printf(b, "- line %d **%s**%s", f->line, f->transform, f->unsafe ? " (unsafe)" : "");
	if (f->object) {
		hd_buf_addc(b, ' ');
		md_cell(b, f->object);
	}
	if (f->container) {
		hd_buf_adds(b, " container ");
		md_cell(b, f->container);
	}
	hd_buf_adds(b, ": ");
	hd_finding_message(&m, f, false);
	md_cell(b, m.data ? m.data : "");
	hd_buf_release(&m);
	hd_buf_addc(b, '\n');
}

struct md_counts {
	size_t applied, review, exempt;
	size_t suppressed; /* findings of transforms a policy file's skip: disables */
	size_t sev[3];	   /* needing review, by severity */
	bool k8s_limits, compose_limits, ids, caps_kept;
};

static void md_count(struct md_counts *c, const struct hd_result *r, const char *cap_allow)
{
	size_t j;

	c->suppressed += r->nsf;
	for (j = 0; j < r->nf; j++) {
		const struct hd_finding *f = &r->f[j];

		if (is_exemption(f)) {
			c->exempt++;
			continue;
		}
		c->applied += f->applied;
		if (needs_review(f)) {
			c->review++;
			c->sev[f->severity]++;
		}
		if (!f->applied)
			continue;
		/* the defaults that apply: what harden set, not what it could set */
		if (!strcmp(f->transform, "resource-limits")) {
			if (f->control && !strcmp(f->control, "resources"))
				c->k8s_limits = true;
			else
				c->compose_limits = true;
		} else if (!strcmp(f->transform, "run-as-non-root")) {
			c->ids = true;
		}
	}
	for (j = 0; j < r->nf && cap_allow && *cap_allow; j++) {
		const char *p = cap_allow, *item;
		size_t n = strlen(cap_allow), len;

		if (strcmp(r->f[j].transform, "drop-capabilities"))
			continue;
		while (hd_csv_next(&p, &n, &item, &len))
			if (len && memmem(r->f[j].message, strlen(r->f[j].message), item, len))
				c->caps_kept = true;
	}
}

static void md_defaults(struct hd_buf *b, const struct hd_opts *o, const struct md_counts *c)
{
	if (!o || !(c->ids || c->k8s_limits || c->compose_limits || c->caps_kept))
		return;
	hd_buf_adds(b,
		    "\n### Defaults chosen\n\nReview these where an image needs other values:\n\n");
	if (c->ids)
		hd_buf_printf(b, "- user and group: UID %ld, GID %ld\n", o->uid, o->gid);
	if (c->k8s_limits)
		hd_buf_printf(b, "- Kubernetes limits/requests: cpu %s/%s, memory %s/%s\n",
			      o->cpu_limit, o->cpu_request, o->mem_limit, o->mem_request);
	if (c->compose_limits)
		hd_buf_printf(b, "- Compose limits: memory %s, cpus %s, pids %ld\n", o->compose_mem,
			      o->compose_cpus, o->pids_limit);
	if (c->caps_kept)
		hd_buf_printf(b, "- capabilities kept when added: %s\n", o->cap_allow);
}

static int md_by_line(const void *a, const void *b, void *arg)
{
	const struct hd_finding *f = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (f[i].line != f[j].line)
		return f[i].line < f[j].line ? -1 : 1;
	return i < j ? -1 : i > j;
}

/*
 * One file, folded: what needs review and the exemptions, one line each in
 * line order; the fixes counted by transform (the diff shows them).
 */
static void md_file(struct hd_buf *b, const struct hd_result *r)
{
	struct md_counts c;
	size_t j, *ix = hd_xmalloc((r->nf + 1) * sizeof(*ix));
	unsigned t;
	const char *sep = "- fixes: ";

	memset(&c, 0, sizeof(c));
	md_count(&c, r, NULL);
	hd_buf_adds(b, "<details><summary>");
	md_cell(b, r->path);
	hd_buf_printf(b, ": %s, %zu fix(es), %zu need review</summary>\n\n", status_name(r->status),
		      c.applied, c.review);
	if (r->status == HD_R_ERROR) {
		hd_buf_printf(b, "- line %d: error: ", r->err_line);
		md_cell(b, r->errmsg);
		hd_buf_addc(b, '\n');
	}
	for (j = 0; j < r->nf; j++)
		ix[j] = j;
	qsort_r(ix, r->nf, sizeof(*ix), md_by_line, r->f);
	for (j = 0; j < r->nf; j++)
		if (needs_review(&r->f[ix[j]]) || is_exemption(&r->f[ix[j]]))
			md_item(b, &r->f[ix[j]]);
	for (t = 0; t < hd_ntransforms; t++) {
		size_t a = 0;

		for (j = 0; j < r->nf; j++)
			a += r->f[j].applied && !strcmp(r->f[j].transform, hd_transforms[t]->name);
		if (a) {
			hd_buf_printf(b, "%s`%s` %zu", sep, hd_transforms[t]->name, a);
			sep = ", ";
		}
	}
	if (strcmp(sep, "- fixes: "))
		hd_buf_addc(b, '\n');
	hd_buf_adds(b, "\n</details>\n");
	free(ix);
}

static void md_head(struct hd_buf *b, const struct hd_cli *cli, struct hd_result *const *res,
		    size_t n, const struct md_counts *c)
{
	size_t i, changed = 0, errors = 0;
	unsigned t;

	for (i = 0; i < n; i++) {
		changed += res[i]->status == HD_R_CHANGED;
		errors += res[i]->status == HD_R_ERROR;
	}
	hd_buf_printf(b,
		      "## harden: container-security hardening\n\n"
		      "harden %s **%zu** of **%zu** file(s): **%zu** fix(es), **%zu** finding(s) "
		      "need review, %zu exemption(s) honoured",
		      cli->in_place ? "changed" : "would change", changed, n, c->applied, c->review,
		      c->exempt);
	/* accepted in a policy file: counted, not listed (the SARIF has them) */
	if (c->suppressed)
		hd_buf_printf(b, ", %zu finding(s) suppressed by `skip:` in a policy file",
			      c->suppressed);
	hd_buf_printf(b, "%s.\n\n", errors ? ", some files could not be processed" : "");
	hd_buf_printf(b,
		      "| | high | medium | low |\n|---|---:|---:|---:|\n"
		      "| needs review | %zu | %zu | %zu |\n\n",
		      c->sev[HD_SEV_HIGH], c->sev[HD_SEV_MEDIUM], c->sev[HD_SEV_LOW]);
	hd_buf_adds(b, "| Transform | Fixes | Needs review |\n|---|---:|---:|\n");
	for (t = 0; t < hd_ntransforms; t++) {
		size_t a = 0, rv = 0, j;

		for (i = 0; i < n; i++)
			for (j = 0; j < res[i]->nf; j++) {
				const struct hd_finding *f = &res[i]->f[j];

				if (strcmp(f->transform, hd_transforms[t]->name) || is_exemption(f))
					continue;
				a += f->applied;
				rv += needs_review(f);
			}
		if (a || rv)
			hd_buf_printf(b, "| `%s` | %zu | %zu |\n", hd_transforms[t]->name, a, rv);
	}
	/* images with no profile: one per container or service */
	for (t = 0, i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < res[i]->nf; j++)
			t += !strcmp(res[i]->f[j].transform, "image-unknown");
	}
	if (t)
		hd_buf_printf(b, "| `image-unknown` (no image profile) | 0 | %u |\n", t);
}

/*
 * A pull-request body: the summary tables first, each file's findings
 * folded in <details> (files needing review first), the defaults harden
 * chose for these files, and a hard cap under GitHub's 65,536 characters
 * that says what it left out.
 */
static void write_markdown(FILE *fp, const struct hd_cli *cli, struct hd_result *const *res,
			   size_t n)
{
	struct hd_buf b = HD_BUF_INIT, item = HD_BUF_INIT, tail = HD_BUF_INIT;
	struct md_counts c;
	const struct hd_opts *o = n ? res[0]->opts : NULL;
	size_t i, left = 0, shown = 0;
	int pass;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++)
		md_count(&c, res[i], o ? o->cap_allow : NULL);
	md_head(&b, cli, res, n, &c);
	md_defaults(&tail, o, &c);
	hd_buf_printf(&tail,
		      "\n<sub>Generated by harden %s. Secret values are never included.</sub>\n",
		      HARDEN_VERSION);
	hd_buf_adds(&b, "\n### Files\n\n");
	if (!c.review)
		hd_buf_adds(&b, "Nothing needs review: every change is a safe addition.\n\n");
	/* files needing review first, then changed ones; unchanged ones without findings are counted only */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			struct md_counts fc;

			memset(&fc, 0, sizeof(fc));
			md_count(&fc, res[i], NULL);
			if ((pass == 0) != (fc.review > 0 || res[i]->status == HD_R_ERROR))
				continue;
			if (pass == 1 && !res[i]->nf)
				continue;
			hd_buf_reset(&item);
			md_file(&item, res[i]);
			if (left || b.len + item.len + tail.len + 400 > MD_CAP) {
				left++;
				continue;
			}
			hd_buf_add(&b, item.data, item.len);
			shown++;
		}
	if (left)
		hd_buf_printf(
			&b,
			"\n**%zu more file(s) left out** to keep this under GitHub's "
			"65,536-character limit (%zu shown); `harden --format json` or the SARIF "
			"report has every finding.\n",
			left, shown);
	hd_buf_add(&b, tail.data ? tail.data : "", tail.len);
	fwrite(b.data ? b.data : "", 1, b.len, fp);
	hd_buf_release(&b);
	hd_buf_release(&item);
	hd_buf_release(&tail);
}

void hd_report_write(FILE *fp, const struct hd_cli *cli, struct hd_result *const *res, size_t n)
{
	switch (cli->format) {
	case HD_FMT_JSON:
		write_json(fp, res, n);
		break;
	case HD_FMT_SARIF:
		write_sarif(fp, cli, res, n);
		break;
	case HD_FMT_MARKDOWN:
		write_markdown(fp, cli, res, n);
		break;
	default:
		break;
	}
}
