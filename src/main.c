/* main.c - `harden` command line: options, files, exit codes */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "harden.h"
#include "job.h"
#include "secrets.h"
#include "transform.h"
#include "secrets_out.h"

static void usage(FILE *fp)
{
	fputs("usage: harden [OPTIONS] FILE...\n"
	      "       harden edit FILE [--set PATH=VALUE]... [--delete PATH]...\n"
	      "\n"
	      "Rewrite Kubernetes manifests and Docker Compose files to follow\n"
	      "container-security practice; print a unified diff of the changes.\n"
	      "Untouched bytes stay identical. FILE may be '-' for stdin.\n"
	      "\n"
	      "Modes:\n"
	      "  (default)            print a unified diff\n"
	      "  -i, --in-place       rewrite the files (atomic, mode kept)\n"
	      "      --check          exit 1 and list files that would change\n"
	      "      --diff           with --check: also print the diff\n"
	      "      --stdout         print the resulting documents\n"
	      "  -q, --quiet          no warnings or notes on stderr\n"
	      "\n"
	      "Transforms:\n"
	      "      --unsafe-fixes   also apply fixes that remove explicit settings\n"
	      "      --level L        restricted (default) or baseline\n"
	      "      --only LIST      run only these transforms (comma-separated)\n"
	      "      --skip LIST      do not run these transforms\n"
	      "      --kinds LIST     also treat these kinds as pod templates\n"
	      "                       (their spec.template.spec), e.g. Rollout\n"
	      "      --uid N          UID for runAsUser / Compose user (10001)\n"
	      "      --gid N          GID for runAsGroup / fsGroup (10001)\n"
	      "      --secrets-out P  write moved secret values to P (mode 0600)\n"
	      "      --list-transforms  print the transforms and exit\n"
	      "      --explain NAME   why a transform exists, what it changes, what\n"
	      "                       can break, how to opt out\n"
	      "\n"
	      "      --no-follow      refuse to write through symbolic links\n"
	      "  -h, --help           show this help\n"
	      "      --version        show the version\n"
	      "\n"
	      "Exit status: 0 no change or success, 1 changes found (--check),\n"
	      "2 error (the file is left untouched).\n", fp);
}

enum {
	OPT_CHECK = 256, OPT_STDOUT, OPT_DIFF, OPT_UNSAFE, OPT_LEVEL, OPT_ONLY,
	OPT_SKIP, OPT_KINDS, OPT_UID, OPT_GID, OPT_SECRETS, OPT_LIST,
	OPT_VERSION, OPT_NOFOLLOW, OPT_EXPLAIN,
};

static const char *applies_str(const struct hd_transform *t)
{
	return t->applies == (HD_APPLIES_K8S | HD_APPLIES_COMPOSE) ? "k8s,compose"
	       : t->applies == HD_APPLIES_K8S ? "k8s" : "compose";
}

/* The registry as a table (also pasted into README.md). */
static void list_transforms(FILE *fp)
{
	unsigned i;

	fprintf(fp, "%-24s %-18s %-12s %-7s %s\n", "NAME", "COMPOSE NAME", "APPLIES TO",
		"FIXES", "SUMMARY");
	for (i = 0; i < hd_ntransforms; i++) {
		const struct hd_transform *t = hd_transforms[i];

		fprintf(fp, "%-24s %-18s %-12s %-7s %s\n", t->name,
			t->alias ? t->alias : (t->applies & HD_APPLIES_COMPOSE) ? t->name : "-",
			applies_str(t), t->unsafe ? "unsafe" : "safe", t->summary);
	}
}

static int explain(const char *name)
{
	const struct hd_transform *t = hd_transform_find(name);

	if (!t) {
		fprintf(stderr, "harden: error: unknown transform '%s' (see --list-transforms)\n",
			name);
		return HD_EXIT_ERROR;
	}
	printf("%s%s%s%s - %s\n\napplies to: %s; fixes: %s\n\n%s", t->name,
	       t->alias ? " (Compose: " : "", t->alias ? t->alias : "", t->alias ? ")" : "",
	       t->summary, applies_str(t),
	       t->unsafe ? "safe ones by default, unsafe ones with --unsafe-fixes" : "safe",
	       t->explain);
	return HD_EXIT_OK;
}

static long parse_id(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v <= 0 || v > 2147483647L) {
		fprintf(stderr, "harden: error: %s must be a positive number, got '%s'\n",
			what, s);
		return -1;
	}
	return v;
}

int cmd_harden(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "in-place", no_argument, NULL, 'i' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "stdout", no_argument, NULL, OPT_STDOUT },
		{ "diff", no_argument, NULL, OPT_DIFF },
		{ "quiet", no_argument, NULL, 'q' },
		{ "unsafe-fixes", no_argument, NULL, OPT_UNSAFE },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "kinds", required_argument, NULL, OPT_KINDS },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "gid", required_argument, NULL, OPT_GID },
		{ "secrets-out", required_argument, NULL, OPT_SECRETS },
		{ "list-transforms", no_argument, NULL, OPT_LIST },
		{ "explain", required_argument, NULL, OPT_EXPLAIN },
		{ "no-follow", no_argument, NULL, OPT_NOFOLLOW },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct hd_opts o;
	struct hd_secret_store store = { NULL, 0, 0 };
	bool in_place = false, check = false, to_stdout = false, diff = false;
	bool quiet = false, no_follow = false;
	int c, i, rc = HD_EXIT_OK;

	hd_opts_defaults(&o);
	while ((c = getopt_long(argc, argv, "iqh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			in_place = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_STDOUT:
			to_stdout = true;
			break;
		case OPT_DIFF:
			diff = true;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_UNSAFE:
			o.unsafe_fixes = true;
			break;
		case OPT_LEVEL:
			if (!strcmp(optarg, "restricted")) {
				o.level = HD_LEVEL_RESTRICTED;
			} else if (!strcmp(optarg, "baseline")) {
				o.level = HD_LEVEL_BASELINE;
			} else {
				fprintf(stderr, "harden: error: --level must be restricted or "
					"baseline, got '%s'\n", optarg);
				return HD_EXIT_ERROR;
			}
			break;
		case OPT_ONLY:
		case OPT_SKIP: {
			char *dup = strdup(optarg), *tok, *save = NULL;

			for (tok = strtok_r(dup, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (!hd_transform_find(tok)) {
					fprintf(stderr, "harden: error: unknown transform '%s' "
						"(see --list-transforms)\n", tok);
					free(dup);
					return HD_EXIT_ERROR;
				}
			}
			free(dup);
			if (c == OPT_ONLY)
				o.only = optarg;
			else
				o.skip = optarg;
			break;
		}
		case OPT_KINDS:
			o.kinds = optarg;
			break;
		case OPT_UID:
			if ((o.uid = parse_id(optarg, "--uid")) < 0)
				return HD_EXIT_ERROR;
			break;
		case OPT_GID:
			if ((o.gid = parse_id(optarg, "--gid")) < 0)
				return HD_EXIT_ERROR;
			break;
		case OPT_SECRETS:
			o.secrets_out = optarg;
			break;
		case OPT_LIST:
			list_transforms(stdout);
			return HD_EXIT_OK;
		case OPT_EXPLAIN:
			return explain(optarg);
		case OPT_NOFOLLOW:
			no_follow = true;
			break;
		case 'h':
			usage(stdout);
			return HD_EXIT_OK;
		case OPT_VERSION:
			printf("harden %s\n", HARDEN_VERSION);
			return HD_EXIT_OK;
		default:
			usage(stderr);
			return HD_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return HD_EXIT_ERROR;
	}
	if ((in_place && (check || to_stdout)) || (check && to_stdout)) {
		fprintf(stderr, "harden: error: -i, --check and --stdout are exclusive\n");
		return HD_EXIT_ERROR;
	}
	if (hd_secrets_init(NULL) < 0) {
		fprintf(stderr, "harden: error: cannot compile secret patterns\n");
		return HD_EXIT_ERROR;
	}
	for (i = optind; i < argc; i++) {
		const char *file = argv[i];
		struct hd_job job;
		struct hd_ctx ctx;

		if (hd_job_load(&job, file) < 0) {
			hd_job_report(stderr, file, &job.err);
			hd_job_release(&job);
			rc = HD_EXIT_ERROR;
			continue;
		}
		hd_ctx_init(&ctx, &job, &o);
		if (hd_harden(&ctx) < 0 || hd_job_finish(&job) < 0) {
			hd_job_report(stderr, file, &job.err);
			hd_ctx_release(&ctx);
			hd_job_release(&job);
			rc = HD_EXIT_ERROR;
			continue;
		}
		if (!quiet)
			hd_ctx_print_findings(&ctx, stderr);
		if (to_stdout) {
			if (job.changed)
				fwrite(job.out.data, 1, job.out.len, stdout);
			else
				fwrite(job.in.data, 1, job.in.len, stdout);
		} else if (in_place) {
			if (job.changed &&
			    hd_write_in_place(&job.in, job.out.data, job.out.len,
					      no_follow, &job.err) < 0) {
				hd_job_report(stderr, file, &job.err);
				rc = HD_EXIT_ERROR;
			}
		} else if (!check || diff) {
			struct hd_buf db = HD_BUF_INIT;

			if (job.changed) {
				struct hd_span *red = hd_xmalloc((ctx.nsec + 1) * sizeof(*red));
				size_t k;

				for (k = 0; k < ctx.nsec; k++) {
					red[k].off = ctx.sec[k].off;
					red[k].len = ctx.sec[k].len;
				}
				hd_diff(&db, file, job.in.data, job.in.len, job.out.data,
					job.out.len, &job.sp, red, ctx.nsec);
				free(red);
			}
			fwrite(db.data ? db.data : "", 1, db.len, stdout);
			hd_buf_release(&db);
		}
		if (job.changed && o.secrets_out && !check)
			hd_secrets_keep(&store, &ctx);
		if (check && job.changed) {
			if (!diff)
				printf("%s\n", file);
			if (rc == HD_EXIT_OK)
				rc = HD_EXIT_CHANGED;
		}
		hd_ctx_release(&ctx);
		hd_job_release(&job);
	}
	if (o.secrets_out && store.n && rc != HD_EXIT_ERROR &&
	    hd_secrets_write(&store, o.secrets_out) < 0)
		rc = HD_EXIT_ERROR;
	hd_secrets_store_release(&store);
	hd_secrets_free();
	if (fflush(stdout) != 0) {
		perror("harden: error: stdout");
		rc = HD_EXIT_ERROR;
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "edit"))
		return cmd_edit(argc - 1, argv + 1);
	return cmd_harden(argc, argv);
}
