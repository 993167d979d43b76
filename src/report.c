/* report.c - JSON, SARIF 2.1.0 and Markdown reports (no secret ever in them) */
#include "report.h"

#include <string.h>

#include "cli.h"
#include "transform.h"

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
	return f->control && !strcmp(f->control, "exemption");
}

/* ---- JSON ---------------------------------------------------------------- */

static void write_json(FILE *fp, struct hd_result *const *res, size_t n)
{
	size_t i, j, changed = 0, errors = 0, skipped = 0, nf = 0, applied = 0, review = 0;

	for (i = 0; i < n; i++) {
		changed += res[i]->status == HD_R_CHANGED;
		errors += res[i]->status == HD_R_ERROR;
		skipped += res[i]->status == HD_R_SKIPPED;
		for (j = 0; j < res[i]->nf; j++) {
			nf++;
			applied += res[i]->f[j].applied;
			review += needs_review(&res[i]->f[j]);
		}
	}
	fprintf(fp, "{\n  \"version\": %d,\n  \"tool\": {\"name\": \"harden\", \"version\": \"%s\"},\n",
		HD_REPORT_VERSION, HARDEN_VERSION);
	fprintf(fp, "  \"summary\": {\"files\": %zu, \"changed\": %zu, \"unchanged\": %zu, "
		"\"errors\": %zu, \"skipped\": %zu, \"findings\": %zu, \"applied\": %zu, "
		"\"needs_review\": %zu},\n  \"files\": [", n, changed,
		n - changed - errors - skipped, errors, skipped, nf, applied, review);
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
		for (j = 0; j < r->nf; j++) {
			const struct hd_finding *f = &r->f[j];

			fprintf(fp, "%s\n      {\"transform\": ", j ? "," : "");
			jstr(fp, f->transform);
			fputs(", \"control\": ", fp);
			jstr(fp, f->control);
			fprintf(fp, ", \"severity\": \"%s\", \"line\": %d, \"column\": %d, \"document\": %d, "
				"\"object\": ", sev_name(f->severity), f->line, f->col, f->doc);
			jstr(fp, f->object);
			fputs(", \"container\": ", fp);
			jstr(fp, f->container);
			fputs(", \"message\": ", fp);
			jstr(fp, f->message);
			fprintf(fp, ", \"applied\": %s, \"unsafe\": %s, \"needs_review\": %s, "
				"\"exemption\": %s}", f->applied ? "true" : "false",
				f->unsafe ? "true" : "false", needs_review(f) ? "true" : "false",
				is_exemption(f) ? "true" : "false");
		}
		fprintf(fp, "%s]}", r->nf ? "\n    " : "");
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

/* Rules: the transforms, then harden-fix, then harden-exemption. */
static int rule_index(const char *name)
{
	unsigned i;

	for (i = 0; i < hd_ntransforms; i++)
		if (!strcmp(hd_transforms[i]->name, name))
			return (int)i;
	if (!strcmp(name, "harden-exemption"))
		return (int)hd_ntransforms + 1;
	return -1;
}

static void write_sarif(FILE *fp, struct hd_result *const *res, size_t n)
{
	size_t i, j;
	unsigned t;
	bool first = true;

	fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
	      "\"name\": \"harden\", ", fp);
	fprintf(fp, "\"version\": \"%s\", \"semanticVersion\": \"%s\", \"rules\": [",
		HARDEN_VERSION, HARDEN_VERSION);
	for (t = 0; t < hd_ntransforms; t++) {
		const struct hd_transform *tr = hd_transforms[t];

		fprintf(fp, "%s\n      {\"id\": ", t ? "," : "");
		jstr(fp, tr->name);
		fputs(", \"name\": ", fp);
		jstr(fp, tr->name);
		fputs(", \"shortDescription\": {\"text\": ", fp);
		jstr(fp, tr->summary);
		fputs("}, \"fullDescription\": {\"text\": ", fp);
		jstr(fp, tr->explain);
		fputs("}, \"help\": {\"text\": ", fp);
		jstr(fp, tr->explain);
		fprintf(fp, "}, \"defaultConfiguration\": {\"level\": \"warning\"}, "
			"\"properties\": {\"tags\": [\"security\"%s]}}", tr->unsafe ? ", \"unsafe-fix\"" : "");
	}
	fprintf(fp, ",\n      {\"id\": \"harden-fix\", \"name\": \"harden-fix\", "
		"\"shortDescription\": {\"text\": \"harden can rewrite this file to follow the "
		"hardening policy\"}, \"defaultConfiguration\": {\"level\": \"note\"}}");
	fprintf(fp, ",\n      {\"id\": \"harden-exemption\", \"name\": \"harden-exemption\", "
		"\"shortDescription\": {\"text\": \"an exemption (harden.dev/skip, x-harden.skip, "
		"# harden:ignore=) names no transform and exempts nothing\"}, \"defaultConfiguration\": "
		"{\"level\": \"warning\"}}");
	fputs("\n    ]}},\n    \"results\": [", fp);
	for (i = 0; i < n; i++) {
		const struct hd_result *r = res[i];

		for (j = 0; j < r->nf; j++) {
			const struct hd_finding *f = &r->f[j];
			int ri = rule_index(f->transform);

			fprintf(fp, "%s\n      {\"ruleId\": ", first ? "" : ",");
			first = false;
			jstr(fp, f->transform);
			if (ri >= 0)
				fprintf(fp, ", \"ruleIndex\": %d", ri);
			fprintf(fp, ", \"level\": \"%s\", \"message\": {\"text\": ",
				!needs_review(f) ? "note" : f->severity == HD_SEV_HIGH ? "error" : "warning");
			{
				char buf[1400];

				snprintf(buf, sizeof(buf), "%s%s%s%s%s%s", f->object ? f->object : "",
					 f->container ? " container '" : "",
					 f->container ? f->container : "", f->container ? "'" : "",
					 f->object ? ": " : "", f->message);
				jstr(fp, buf);
			}
			fputs("}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", fp);
			uri(fp, r->path);
			fprintf(fp, "}, \"region\": {\"startLine\": %d, \"startColumn\": %d}}}], "
				"\"properties\": {\"control\": ", f->line > 0 ? f->line : 1,
				f->col > 0 ? f->col : 1);
			jstr(fp, f->control);
			fprintf(fp, ", \"applied\": %s, \"unsafe\": %s}}", f->applied ? "true" : "false",
				f->unsafe ? "true" : "false");
		}
		if (r->status != HD_R_CHANGED || !r->ne)
			continue;
		fprintf(fp, "%s\n      {\"ruleId\": \"harden-fix\", \"ruleIndex\": %u, \"level\": "
			"\"note\", \"message\": {\"text\": \"%zu edit(s) harden this file\"}, "
			"\"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ",
			first ? "" : ",", hd_ntransforms, r->ne);
		first = false;
		uri(fp, r->path);
		fputs("}, \"region\": {\"startLine\": 1}}}], \"fixes\": [{\"description\": "
		      "{\"text\": \"apply harden's edits\"}, \"artifactChanges\": [{"
		      "\"artifactLocation\": {\"uri\": ", fp);
		uri(fp, r->path);
		fputs("}, \"replacements\": [", fp);
		for (j = 0; j < r->ne; j++) {
			fprintf(fp, "%s\n        {\"deletedRegion\": {\"byteOffset\": %zu, "
				"\"byteLength\": %zu}, \"insertedContent\": {\"text\": ",
				j ? "," : "", r->e[j].off, r->e[j].len);
			jstrn(fp, r->e[j].text, strlen(r->e[j].text));
			fputs("}}", fp);
		}
		fputs("]}]}]}", fp);
	}
	fputs("\n    ]\n  }]\n}\n", fp);
}

/* ---- Markdown ------------------------------------------------------------ */

static void md_cell(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_' ||
		    *s == '<' || *s == '>' || *s == '[' || *s == ']')
			fputc('\\', fp);
		if (*s == '\n')
			fputc(' ', fp);
		else
			fputc(*s, fp);
	}
}

/* "- `path:line` **transform** (unsafe) object container 'c': message" */
static void md_item(FILE *fp, const char *path, const struct hd_finding *f)
{
	fprintf(fp, "- `%s:%d` **%s**%s", path, f->line, f->transform,
		f->unsafe ? " (unsafe)" : "");
	if (f->object) {
		fputc(' ', fp);
		md_cell(fp, f->object);
	}
	if (f->container) {
		fputs(" container ", fp);
		md_cell(fp, f->container);
	}
	fputs(": ", fp);
	md_cell(fp, f->message);
	fputc('\n', fp);
}

static void write_markdown(FILE *fp, struct hd_result *const *res, size_t n)
{
	size_t i, j, changed = 0, applied = 0, review = 0, exempt = 0;
	unsigned t;
	const struct hd_opts *o = n ? res[0]->opts : NULL;

	for (i = 0; i < n; i++) {
		changed += res[i]->status == HD_R_CHANGED;
		for (j = 0; j < res[i]->nf; j++) {
			const struct hd_finding *f = &res[i]->f[j];

			applied += f->applied && !is_exemption(f);
			review += needs_review(f) && !is_exemption(f);
			exempt += is_exemption(f);
		}
	}
	fprintf(fp, "## harden: container-security hardening\n\n"
		"harden changed **%zu** of **%zu** file(s): **%zu** fix(es) applied, "
		"**%zu** finding(s) need review, %zu exemption(s) honoured.\n\n",
		changed, n, applied, review, exempt);
	fputs("| File | Status | Applied | Needs review |\n|---|---|---:|---:|\n", fp);
	for (i = 0; i < n; i++) {
		size_t a = 0, rv = 0;

		for (j = 0; j < res[i]->nf; j++) {
			a += res[i]->f[j].applied && !is_exemption(&res[i]->f[j]);
			rv += needs_review(&res[i]->f[j]) && !is_exemption(&res[i]->f[j]);
		}
		fputs("| ", fp);
		md_cell(fp, res[i]->path);
		fprintf(fp, " | %s | %zu | %zu |\n", status_name(res[i]->status), a, rv);
	}
	fputs("\n### By transform\n\n| Transform | Applied | Needs review |\n|---|---:|---:|\n", fp);
	for (t = 0; t < hd_ntransforms; t++) {
		size_t a = 0, rv = 0;

		for (i = 0; i < n; i++)
			for (j = 0; j < res[i]->nf; j++) {
				const struct hd_finding *f = &res[i]->f[j];

				if (strcmp(f->transform, hd_transforms[t]->name) || is_exemption(f))
					continue;
				a += f->applied;
				rv += needs_review(f);
			}
		if (a || rv)
			fprintf(fp, "| `%s` | %zu | %zu |\n", hd_transforms[t]->name, a, rv);
	}
	fputs("\n### Needs review\n\n", fp);
	if (!review)
		fputs("Nothing: every change is a safe addition.\n", fp);
	for (i = 0; i < n; i++)
		for (j = 0; j < res[i]->nf; j++) {
			const struct hd_finding *f = &res[i]->f[j];

			if (!needs_review(f) || is_exemption(f))
				continue;
			md_item(fp, res[i]->path, f);
		}
	if (o) {
		fprintf(fp, "\n### Defaults chosen\n\n"
			"- user and group: UID %ld, GID %ld\n"
			"- Kubernetes limits/requests: cpu %s/%s, memory %s/%s\n"
			"- Compose limits: memory %s, cpus %s, pids %ld\n"
			"- capabilities kept: %s\n", o->uid, o->gid, o->cpu_limit, o->cpu_request,
			o->mem_limit, o->mem_request, o->compose_mem, o->compose_cpus,
			o->pids_limit, o->cap_allow);
	}
	fputs("\n### Exemptions\n\n", fp);
	if (!exempt)
		fputs("None.\n", fp);
	for (i = 0; i < n; i++)
		for (j = 0; j < res[i]->nf; j++) {
			const struct hd_finding *f = &res[i]->f[j];

			if (!is_exemption(f))
				continue;
			md_item(fp, res[i]->path, f);
		}
	fprintf(fp, "\n<sub>Generated by harden %s. Secret values are never included.</sub>\n",
		HARDEN_VERSION);
}

void hd_report_write(FILE *fp, enum hd_format fmt, struct hd_result *const *res,
		     size_t n)
{
	switch (fmt) {
	case HD_FMT_JSON:
		write_json(fp, res, n);
		break;
	case HD_FMT_SARIF:
		write_sarif(fp, res, n);
		break;
	case HD_FMT_MARKDOWN:
		write_markdown(fp, res, n);
		break;
	default:
		break;
	}
}
