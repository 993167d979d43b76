/* cmd_edit.c - `harden edit`: the engine as a minimal-diff YAML editor */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diff.h"
#include "job.h"
#include "path.h"
#include "scalar.h"

enum edit_op_kind {
	OP_SET,
	OP_DELETE
};

struct edit_op {
	enum edit_op_kind kind;
	const char *path;
	const char *value;
};

static void edit_usage(FILE *fp)
{
	fputs("usage: harden edit FILE [--set PATH=VALUE]... [--delete PATH]...\n"
	      "                        [--doc N] [--kind K]... [--if PATH]... [--all-docs]\n"
	      "                        [-i | --diff]\n"
	      "\n"
	      "Edit YAML with minimal changes: untouched bytes stay identical.\n"
	      "Prints the resulting document(s); with no operation the output is\n"
	      "byte-identical to the input.\n"
	      "\n"
	      "  --set PATH=VALUE  make PATH equal to VALUE (YAML), creating missing\n"
	      "                    mappings; collections change only where they differ\n"
	      "  --delete PATH     remove PATH (a missing path is a no-op)\n"
	      "  --doc N           only edit document N (0-based; an error if there is none)\n"
	      "  --kind K          only edit documents of kind K (repeatable, or K1,K2)\n"
	      "  --if PATH         only edit documents where PATH exists (repeatable)\n"
	      "  --all-docs        --set may create PATH in every document\n"
	      "  -i, --in-place    write the file instead of printing it\n"
	      "  --diff            print a unified diff instead of the document\n"
	      "\n"
	      "In a file of several documents, --set without --doc, --kind, --if or\n"
	      "--all-docs only changes what exists: a document without PATH is an error.\n"
	      "\n"
	      "PATH: .spec.template.spec.containers[0].image, [*] for every item,\n"
	      "quoted keys as .\"app.kubernetes.io/name\".\n",
	      fp);
}

struct edit_run {
	const struct edit_op *ops;
	size_t nops;
	const char **ifs;
	size_t nifs;
	const char **kinds;
	size_t nkinds;
	long only_doc;
	bool all_docs;
	size_t content_docs; /* documents that are more than a null */
	/* the first document a --set created its path in, with no selector */
	const char *created_path;
	size_t created_doc;
	int created_line, created_col;
	char created_kind[64];
};

/* Is the `kind` of @root one of @er's --kind names? */
static bool kind_selected(const struct edit_run *er, const struct yn *root)
{
	const struct yn *k = yn_map_get(root, "kind");
	size_t i;

	k = k ? yn_deref(k) : NULL;
	if (!k || k->kind != YN_SCALAR)
		return false;
	for (i = 0; i < er->nkinds; i++) {
		const char *s = er->kinds[i];

		while (*s) { /* a comma-separated list */
			size_t l = strcspn(s, ",");

			if (l == k->tlen && !memcmp(s, k->text, l))
				return true;
			s += l + (s[l] == ',');
		}
	}
	return false;
}

/* Apply the operations to document @d when it is selected. */
static int edit_doc(void *ud, struct hd_job *job, size_t d)
{
	struct edit_run *er = ud;
	struct yn *root = job->ys.docs[d].root;
	bool sel = er->only_doc < 0 || (size_t)er->only_doc == d;
	bool chosen = er->only_doc >= 0 || er->nkinds || er->nifs || er->all_docs;
	size_t k;

	if (root && root->kind == YN_SCALAR && hd_node_type(root) == YT_NULL && er->only_doc < 0)
		root = NULL; /* `---` with nothing after it (ending a file) */
	er->content_docs += root != NULL;
	if (sel && er->nkinds)
		sel = root && kind_selected(er, root);
	for (k = 0; k < er->nifs && sel; k++) {
		struct hd_path p;

		if (hd_path_parse(&job->arena, er->ifs[k], &p, &job->err) < 0)
			return -1;
		sel = hd_path_exists(root, &p);
	}
	if (!sel || !root)
		return 0;
	for (k = 0; k < er->nops; k++) {
		struct hd_path p;

		if (hd_path_parse(&job->arena, er->ops[k].path, &p, &job->err) < 0)
			return -1;
		if (er->ops[k].kind == OP_SET) {
			struct yn *val = ye_value_parse(&job->ys, er->ops[k].value, &job->err);

			if (!val) {
				size_t l = strlen(job->err.msg);

				snprintf(job->err.msg + l, sizeof(job->err.msg) - l,
					 " (in --set value '%s')", er->ops[k].value);
				job->err.line = 0;
				return -1;
			}
			if (!chosen && !er->created_path && !hd_path_exists(root, &p)) {
				/* fine in a file of one document: known at the end */
				const struct yn *kn = yn_map_get(root, "kind");

				er->created_path = er->ops[k].path;
				er->created_doc = d;
				ys_pos(&job->ys, root->start, &er->created_line, &er->created_col);
				kn = kn ? yn_deref(kn) : NULL;
				snprintf(er->created_kind, sizeof(er->created_kind), "%.*s",
					 kn && kn->kind == YN_SCALAR ? (int)kn->tlen : 0,
					 kn && kn->kind == YN_SCALAR ? kn->text : "");
			}
			if (hd_path_set(&job->ys, root, &p, val, &job->err) < 0)
				return -1;
		} else if (hd_path_delete(&job->ys, root, &p, &job->err) < 0) {
			return -1;
		}
	}
	return 0;
}

/*
 * After the run: --doc N names a document of the file, and a --set with no
 * selector created its path in no document of a file of several (which
 * would add `spec.template` to every Service of a multi-document file).
 */
static int edit_check(const struct edit_run *er, struct hd_job *job)
{
	struct hd_err *e = &job->err;

	if (er->only_doc >= 0 && (size_t)er->only_doc >= job->ys.ndocs) {
		e->line = e->col = 0;
		snprintf(e->msg, sizeof(e->msg), "--doc %ld: the file has %zu document%s",
			 er->only_doc, job->ys.ndocs, job->ys.ndocs == 1 ? "" : "s");
		return -1;
	}
	if (er->created_path && er->content_docs > 1) {
		e->line = er->created_line;
		e->col = er->created_col;
		snprintf(e->msg, sizeof(e->msg),
			 "--set %s would create the path in "
			 "document %zu%s%s%s, which has none: in a file of %zu documents, "
			 "choose where with --doc N, --kind K or --if PATH (or --all-docs)",
			 er->created_path, er->created_doc, *er->created_kind ? " (" : "",
			 er->created_kind, *er->created_kind ? ")" : "", er->content_docs);
		return -1;
	}
	return 0;
}

/*
 * Long (about 160 lines) on purpose: `harden edit` from its options to its
 * exit code, one file at a time; the steps (options, paths, load, edit each
 * document, render, write or diff) are calls and share the job and its
 * document choice in locals.
 */
int cmd_edit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "delete", required_argument, NULL, 'd' },
		{ "if", required_argument, NULL, 'f' },
		{ "doc", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "all-docs", no_argument, NULL, 'a' },
		{ "in-place", no_argument, NULL, 'i' },
		{ "diff", no_argument, NULL, 'D' },
		{ "no-follow", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "max-size", required_argument, NULL, 'S' },
		{ "max-nodes", required_argument, NULL, 'N' },
		{ "max-aliases", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	struct edit_op *ops = hd_xmalloc((size_t)argc * sizeof(*ops));
	const char **ifs = hd_xmalloc((size_t)argc * sizeof(*ifs));
	const char **kinds = hd_xmalloc((size_t)argc * sizeof(*kinds));
	size_t nops = 0, nifs = 0, nkinds = 0;
	long only_doc = -1;
	bool in_place = false, diff = false, no_follow = false, all_docs = false;
	struct hd_job job;
	int c, rc = HD_EXIT_OK;
	const char *file;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ih", opts, NULL)) != -1) {
		switch (c) {
		case 's': {
			char *eq = strchr(optarg, '=');

			if (!eq) {
				fprintf(stderr, "harden: error: --set needs PATH=VALUE, got '%s'\n",
					optarg);
				rc = HD_EXIT_ERROR;
				goto out;
			}
			*eq = '\0';
			ops[nops].kind = OP_SET;
			ops[nops].path = optarg;
			ops[nops++].value = eq + 1;
			break;
		}
		case 'S':
		case 'N':
		case 'A': {
			char msg[200];

			if (hd_limit_option(c == 'S'   ? "max-size"
					    : c == 'N' ? "max-nodes"
						       : "max-aliases",
					    optarg, msg, sizeof(msg)) < 0) {
				fprintf(stderr, "harden: error: %s\n", msg);
				rc = HD_EXIT_ERROR;
				goto out;
			}
			break;
		}
		case 'd':
			ops[nops].kind = OP_DELETE;
			ops[nops].path = optarg;
			ops[nops++].value = NULL;
			break;
		case 'f':
			ifs[nifs++] = optarg;
			break;
		case 'k':
			kinds[nkinds++] = optarg;
			break;
		case 'a':
			all_docs = true;
			break;
		case 'n': {
			char *end;

			only_doc = strtol(optarg, &end, 10);
			if (*end || only_doc < 0) {
				fprintf(stderr, "harden: error: --doc needs a number, got '%s'\n",
					optarg);
				rc = HD_EXIT_ERROR;
				goto out;
			}
			break;
		}
		case 'i':
			in_place = true;
			break;
		case 'D':
			diff = true;
			break;
		case 'L':
			no_follow = true;
			break;
		case 'h':
			edit_usage(stdout);
			goto out;
		default:
			edit_usage(stderr);
			rc = HD_EXIT_ERROR;
			goto out;
		}
	}
	if (optind + 1 != argc) {
		edit_usage(stderr);
		rc = HD_EXIT_ERROR;
		goto out;
	}
	file = argv[optind];
	if (hd_job_load(&job, file) < 0) {
		hd_job_report(stderr, file, &job.err);
		hd_job_release(&job);
		rc = HD_EXIT_ERROR;
		goto out;
	}
	{
		struct edit_run er;

		memset(&er, 0, sizeof(er));
		er.ops = ops;
		er.nops = nops;
		er.ifs = ifs;
		er.nifs = nifs;
		er.kinds = kinds;
		er.nkinds = nkinds;
		er.only_doc = only_doc;
		er.all_docs = all_docs;
		if (hd_job_run(&job, edit_doc, &er) < 0 || edit_check(&er, &job) < 0)
			goto fail;
	}
	if (in_place) {
		if (job.changed &&
		    hd_write_in_place(&job.in, job.out.data, job.out.len, no_follow, &job.err) < 0)
			goto fail;
	} else if (diff) {
		struct hd_buf db = HD_BUF_INIT;

		if (job.changed)
			hd_diff(&db, file, job.in.data, job.in.len, job.out.data, job.out.len,
				&job.sp, NULL);
		fwrite(db.data ? db.data : "", 1, db.len, stdout);
		hd_buf_release(&db);
	} else if (job.changed) {
		fwrite(job.out.data, 1, job.out.len, stdout);
	} else {
		fwrite(job.in.data, 1, job.in.len, stdout);
	}
	hd_job_release(&job);
	goto out;
fail:
	hd_job_report(stderr, file, &job.err);
	hd_job_release(&job);
	rc = HD_EXIT_ERROR;
out:
	free(ops);
	free(ifs);
	free(kinds);
	if (fflush(stdout) != 0)
		rc = HD_EXIT_ERROR;
	return rc;
}
