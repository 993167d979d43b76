/* main.c - `harden` command line: options, files, exit codes */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "files.h"
#include "images.h"
#include "policy.h"
#include "process.h"
#include "report.h"
#include "diff.h"
#include "secrets.h"
#include "transform.h"
#include "secrets_out.h"
#include "pin.h"

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
	      "      --fail-on LEVEL  also exit 1 on findings left unfixed: low,\n"
	      "                       medium, high (and above), unsafe, or none\n"
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
	      "      --pin-images     resolve image tags to digests and write\n"
	      "                       name:tag@sha256:... (registry over HTTPS; http\n"
	      "                       for localhost); an image not resolved is an\n"
	      "                       error and its file is left untouched\n"
	      "      --digests FILE   pin from FILE instead (lines NAME:TAG DIGEST),\n"
	      "                       offline; implies --pin-images\n"
	      "      --insecure-registry HOST  a registry spoken to over http\n"
	      "                       (repeatable; $HARDEN_INSECURE_REGISTRIES)\n"
	      "      --list-transforms  print the transforms and exit\n"
	      "      --explain NAME   why a transform exists, what it changes, what\n"
	      "                       can break, how to opt out\n"
	      "\n"
	      "Reports and files:\n"
	      "      --format F       text (warnings on stderr), json, sarif, markdown\n"
	      "      --report FILE    write the --format report to FILE (diff on stdout)\n"
	      "      --color WHEN     auto (terminal, unless NO_COLOR), always, never\n"
	      "      --config FILE    policy file (default: nearest .harden.yaml above\n"
	      "                       each file)\n"
	      "      --image-profiles FILE  what known images need (user, writable\n"
	      "                       paths, capabilities; default: the installed\n"
	      "                       images.yaml, or $HARDEN_IMAGE_PROFILES)\n"
	      "      --no-image-profiles  treat every image alike (10001, /tmp only)\n"
	      "  -v, --verbose        say which image profiles are used\n"
	      "      --include GLOBS  files picked in directories (*.yaml,*.yml)\n"
	      "      --exclude GLOBS  paths skipped in directories\n"
	      "  -j, --jobs N         files processed in parallel (default: CPUs)\n"
	      "      --no-follow      refuse to write through symbolic links\n"
	      "  -f, --file FILE      a Compose file merged over the earlier -f files\n"
	      "                       (like docker compose -f); each is hardened on\n"
	      "                       the merged services, edits go where they apply\n"
	      "      --max-size N     per-file limits (an error for that file):\n"
	      "      --max-nodes N    input bytes (128M), nodes of one document\n"
	      "      --max-aliases N  (1000000) and aliases in one (100000)\n"
	      "  -h, --help           show this help\n"
	      "  -V, --version        show the version\n"
	      "\n"
	      "FILE may be a directory: YAML files below it are processed.\n"
	      "Exit status: 0 no change or success, 1 changes found (--check) or\n"
	      "findings at the --fail-on level left, 2 error (the file is left\n"
	      "untouched).\n",
	      fp);
}

enum {
	OPT_CHECK = 256,
	OPT_STDOUT,
	OPT_DIFF,
	OPT_UNSAFE,
	OPT_LEVEL,
	OPT_ONLY,
	OPT_SKIP,
	OPT_KINDS,
	OPT_UID,
	OPT_GID,
	OPT_SECRETS,
	OPT_LIST,
	OPT_VERSION,
	OPT_NOFOLLOW,
	OPT_EXPLAIN,
	OPT_FORMAT,
	OPT_REPORT,
	OPT_COLOR,
	OPT_CONFIG,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_MAX_SIZE,
	OPT_MAX_NODES,
	OPT_MAX_ALIASES,
	OPT_FAIL_ON,
	OPT_NO_IMAGES,
	OPT_IMAGES,
	OPT_PIN,
	OPT_DIGESTS,
	OPT_INSECURE,
};

/* A usage error: one line and a hint, not the whole help. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("harden: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'harden --help' for more information.\n", stderr);
	return -1;
}

/* "unknown option '--chek'; did you mean '--check'?" */
static int unknown_option(const char *arg, const struct option *opts)
{
	const char *name = arg + 2, *best = NULL;
	size_t len = strcspn(name, "="), bd = SIZE_MAX;

	if (!strncmp(arg, "--", 2))
		for (; opts->name; opts++) {
			size_t d = hd_edit_distance(name, len, opts->name);

			if (d < bd) {
				bd = d;
				best = opts->name;
			}
		}
	if (best && bd == 0 && name[len] == '=')
		return usage_error("option '--%s' takes no value", best);
	if (best && bd <= len / 3 + 1)
		return usage_error("unknown option '%s'; did you mean '--%s'?", arg, best);
	return usage_error("unknown option '%s'", arg);
}

static int parse_fail_on(const char *s)
{
	static const char *const names[] = { "none", "low", "medium", "high", "unsafe" };
	int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return i; /* HD_FAIL_* in that order */
	fprintf(stderr,
		"harden: error: --fail-on must be low, medium, high, unsafe or "
		"none, got '%s'\n",
		s);
	return -1;
}

static const char *applies_str(const struct hd_transform *t)
{
	static const char *const names[] = { "-",
					     "k8s",
					     "compose",
					     "k8s,compose",
					     "dockerfile",
					     "k8s,dockerfile",
					     "compose,dockerfile",
					     "k8s,compose,dockerfile" };

	return names[t->applies & 7];
}

/* The registry as a table (also pasted into README.md). */
static void list_transforms(FILE *fp)
{
	unsigned i;

	fprintf(fp, "%-24s %-18s %-12s %-7s %s\n", "NAME", "COMPOSE NAME", "APPLIES TO", "FIXES",
		"SUMMARY");
	for (i = 0; i < hd_ntransforms; i++) {
		const struct hd_transform *t = hd_transforms[i];

		fprintf(fp, "%-24s %-18s %-12s %-7s %s\n", t->name,
			t->alias			    ? t->alias
			: (t->applies & HD_APPLIES_COMPOSE) ? t->name
							    : "-",
			applies_str(t), t->unsafe ? "unsafe" : "safe", t->summary);
	}
}

static int explain(const char *name)
{
	const struct hd_transform *t = hd_transform_find(name);
	size_t n;

	if (!t) {
		char msg[300];

		hd_unknown_transform(msg, sizeof(msg), name);
		fprintf(stderr, "harden: error: %s\n", msg);
		return HD_EXIT_ERROR;
	}
	printf("%s%s%s%s - %s\n\napplies to: %s; fixes: %s\n\n%s", t->name,
	       t->alias ? " (Compose: " : "", t->alias ? t->alias : "", t->alias ? ")" : "",
	       t->summary, applies_str(t),
	       t->unsafe ? "safe ones by default, unsafe ones with --unsafe-fixes" : "safe",
	       t->explain);
	/* the opt-out that code scanning still shows (report.c) */
	n = strlen(t->explain);
	printf("%s\nA policy file's skip: [%s] opts the files below it out\n"
	       "too; the reports (json, sarif, markdown) still list what it\n"
	       "would fix there, as suppressed findings (SARIF: external).\n",
	       n && t->explain[n - 1] == '\n' ? "" : "\n", t->name);
	return HD_EXIT_OK;
}

static long parse_id(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v <= 0 || v > 2147483647L) {
		fprintf(stderr, "harden: error: %s must be a positive number, got '%s'\n", what, s);
		return -1;
	}
	return v;
}

static int check_names(const char *list)
{
	char *dup = strdup(list), *tok, *save = NULL;
	int rc = 0;

	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!hd_transform_find(tok)) {
			char msg[300];

			hd_unknown_transform(msg, sizeof(msg), tok);
			fprintf(stderr, "harden: error: %s\n", msg);
			rc = -1;
			break;
		}
	}
	free(dup);
	return rc;
}

/* image profiles: --no-image-profiles, --image-profiles FILE; -v says which */
static bool no_images, verbose;
static const char *images_file;

/*
 * Read the image profiles once, before any file (workers share them):
 * --image-profiles, else $HARDEN_IMAGE_PROFILES, else the installed file.
 * A bad file is an error; a missing default only switches them off.
 */
static int load_images(const char *argv0)
{
	const char *file = images_file, *errpath = NULL, *missing = NULL;
	const struct hd_images *set;
	struct hd_err err;

	if (!file && getenv("HARDEN_IMAGE_PROFILES") && *getenv("HARDEN_IMAGE_PROFILES"))
		file = getenv("HARDEN_IMAGE_PROFILES");
	hd_images_configure(file, no_images, argv0);
	set = hd_images_default(&err, &errpath, &missing);
	if (errpath) {
		if (err.line)
			fprintf(stderr, "%s:%d:%d: error: %s\n", errpath, err.line, err.col,
				err.msg);
		else
			fprintf(stderr, "%s: error: %s\n", errpath, err.msg);
		return -1;
	}
	if (!verbose)
		return 0;
	if (no_images)
		fprintf(stderr, "harden: image profiles: off (--no-image-profiles)\n");
	else if (missing)
		fprintf(stderr,
			"harden: image profiles: none (%s not found): every image is "
			"treated alike\n",
			missing);
	else
		fprintf(stderr, "harden: image profiles: %zu from %s\n", set ? set->np : 0,
			set && set->file ? set->file : "?");
	return 0;
}

/* --pin-images: the --digests file read (a bad line is an error), libcurl set up */
static int load_pin(const struct hd_opts *o)
{
	const char *errpath;
	struct hd_err err;

	if (hd_pin_init(o, &err, &errpath) == 0)
		return 0;
	if (errpath && err.line)
		fprintf(stderr, "%s:%d:%d: error: %s\n", errpath, err.line, err.col, err.msg);
	else
		fprintf(stderr, "%s: error: %s\n", errpath ? errpath : "harden", err.msg);
	return -1;
}

/*
 * Long (about 220 lines) on purpose: the option table and one switch with a
 * case of a few lines per option, as curl's tool_getparam.c and git's
 * parse-options callers read; the cases share nothing but @cli.
 */
/* Returns 0 to go on, 1 when done (help, version, list), -1 on error. */
static int parse_args(int argc, char **argv, struct hd_cli *cli)
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
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "max-nodes", required_argument, NULL, OPT_MAX_NODES },
		{ "max-aliases", required_argument, NULL, OPT_MAX_ALIASES },
		{ "jobs", required_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "no-image-profiles", no_argument, NULL, OPT_NO_IMAGES },
		{ "image-profiles", required_argument, NULL, OPT_IMAGES },
		{ "pin-images", no_argument, NULL, OPT_PIN },
		{ "digests", required_argument, NULL, OPT_DIGESTS },
		{ "insecure-registry", required_argument, NULL, OPT_INSECURE },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *compose_files[64]; /* -f, in order (argv strings) */
	const char *color = "auto";
	int c;

	opterr = 0; /* usage_error() says it in one line */
	while ((c = getopt_long(argc, argv, ":iqhvVj:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cli->in_place = true;
			break;
		case OPT_CHECK:
			cli->check = true;
			break;
		case OPT_FAIL_ON:
			if ((cli->fail_on = parse_fail_on(optarg)) < 0)
				return -1;
			break;
		case OPT_STDOUT:
			cli->to_stdout = true;
			break;
		case OPT_DIFF:
			cli->diff = true;
			break;
		case 'q':
			cli->quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_NO_IMAGES:
			no_images = true;
			break;
		case OPT_IMAGES:
			images_file = optarg;
			break;
		case OPT_PIN:
			cli->opts.pin_images = true;
			break;
		case OPT_DIGESTS:
			cli->opts.pin_images = true;
			cli->opts.pin_digests = optarg;
			break;
		case OPT_INSECURE: {
			static char hosts[2048]; /* the hosts given, comma-separated */
			size_t l = strlen(hosts);

			if (l + strlen(optarg) + 2 > sizeof(hosts)) {
				fprintf(stderr, "harden: error: too many --insecure-registry\n");
				return -1;
			}
			snprintf(hosts + l, sizeof(hosts) - l, "%s%s", l ? "," : "", optarg);
			cli->opts.insecure_registries = hosts;
			break;
		}
		case OPT_UNSAFE:
			cli->opts.unsafe_fixes = true;
			cli->set |= HD_SET_UNSAFE;
			break;
		case OPT_LEVEL:
			if (!strcmp(optarg, "restricted")) {
				cli->opts.level = HD_LEVEL_RESTRICTED;
			} else if (!strcmp(optarg, "baseline")) {
				cli->opts.level = HD_LEVEL_BASELINE;
			} else {
				fprintf(stderr,
					"harden: error: --level must be restricted or "
					"baseline, got '%s'\n",
					optarg);
				return -1;
			}
			cli->set |= HD_SET_LEVEL;
			break;
		case OPT_ONLY:
		case OPT_SKIP:
			if (check_names(optarg) < 0)
				return -1;
			if (c == OPT_ONLY) {
				cli->opts.only = optarg;
				cli->set |= HD_SET_ONLY;
			} else {
				cli->opts.skip = optarg;
				cli->set |= HD_SET_SKIP;
			}
			break;
		case OPT_KINDS:
			cli->opts.kinds = optarg;
			cli->set |= HD_SET_KINDS;
			break;
		case OPT_UID:
			if ((cli->opts.uid = parse_id(optarg, "--uid")) < 0)
				return -1;
			cli->set |= HD_SET_UID;
			break;
		case OPT_GID:
			if ((cli->opts.gid = parse_id(optarg, "--gid")) < 0)
				return -1;
			cli->set |= HD_SET_GID;
			break;
		case OPT_SECRETS:
			cli->opts.secrets_out = optarg;
			break;
		case OPT_LIST:
			list_transforms(stdout);
			return 1;
		case OPT_EXPLAIN:
			return explain(optarg) == HD_EXIT_OK ? 1 : -1;
		case OPT_NOFOLLOW:
			cli->no_follow = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text")) {
				cli->format = HD_FMT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				cli->format = HD_FMT_JSON;
			} else if (!strcmp(optarg, "sarif")) {
				cli->format = HD_FMT_SARIF;
			} else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md")) {
				cli->format = HD_FMT_MARKDOWN;
			} else {
				fprintf(stderr,
					"harden: error: --format must be text, json, "
					"sarif or markdown, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case OPT_REPORT:
			cli->report = optarg;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never")) {
				fprintf(stderr,
					"harden: error: --color must be auto, always or "
					"never, got '%s'\n",
					optarg);
				return -1;
			}
			color = optarg;
			break;
		case OPT_CONFIG:
			cli->config = optarg;
			break;
		case OPT_INCLUDE:
			cli->include = optarg;
			break;
		case OPT_EXCLUDE:
			cli->exclude = optarg;
			break;
		case OPT_MAX_SIZE:
		case OPT_MAX_NODES:
		case OPT_MAX_ALIASES: {
			char msg[200];

			if (hd_limit_option(c == OPT_MAX_SIZE	 ? "max-size"
					    : c == OPT_MAX_NODES ? "max-nodes"
								 : "max-aliases",
					    optarg, msg, sizeof(msg)) < 0) {
				fprintf(stderr, "harden: error: %s\n", msg);
				return -1;
			}
			break;
		}
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || n < 1 || n > 256) {
				fprintf(stderr, "harden: error: -j needs 1..256, got '%s'\n",
					optarg);
				return -1;
			}
			cli->jobs = (int)n;
			break;
		}
		case 'f':
			if (cli->opts.ncompose == sizeof(compose_files) / sizeof(*compose_files)) {
				fprintf(stderr, "harden: error: at most 64 -f files\n");
				return -1;
			}
			compose_files[cli->opts.ncompose++] = optarg;
			cli->opts.compose_files = compose_files;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
		case OPT_VERSION:
			printf("harden %s\n", HARDEN_VERSION);
			return 1;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256) {
				char o[3] = { '-', (char)optopt, '\0' };

				return usage_error("unknown option '%s'", o);
			}
			return unknown_option(argv[optind - 1], opts);
		}
	}
	if (optind >= argc && !cli->opts.ncompose)
		return usage_error("no FILE given (a file, a directory, or - for stdin)");
	if ((cli->in_place && (cli->check || cli->to_stdout)) || (cli->check && cli->to_stdout)) {
		fprintf(stderr, "harden: error: -i, --check and --stdout are exclusive\n");
		return -1;
	}
	if (!strcmp(color, "always"))
		cli->color = true;
	else if (!strcmp(color, "auto"))
		cli->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	return 0;
}

/*
 * Move a result's kept secrets into the run-wide store, in input order (so
 * -j N decides as -j 1 does): a file whose values clash with those kept
 * before is refused and stays as it was.
 */
static void take_secrets(const struct hd_cli *cli, struct hd_secret_store *store,
			 struct hd_result *r)
{
	char why[512];

	if (r->secrets.n && hd_secrets_take(store, &r->secrets, why, sizeof(why)) < 0)
		hd_result_refuse(cli, r, why);
}

static int write_report(const struct hd_cli *cli, struct hd_result **res, size_t n)
{
	FILE *fp = stdout;

	if (cli->report && !(fp = fopen(cli->report, "w"))) {
		fprintf(stderr, "harden: error: cannot write report '%s': %s\n", cli->report,
			strerror(errno));
		return -1;
	}
	hd_report_write(fp, cli, res, n);
	if (fp != stdout && fclose(fp) != 0) {
		fprintf(stderr, "harden: error: cannot write report '%s'\n", cli->report);
		return -1;
	}
	return 0;
}

/* What the summary line counts. */
struct tally {
	size_t changed, unchanged, errors, written;
	unsigned left[3];
};

static void tally_result(struct tally *t, const struct hd_result *r)
{
	int k;

	t->changed += r->status == HD_R_CHANGED;
	t->unchanged += r->status == HD_R_UNCHANGED;
	t->errors += r->status == HD_R_ERROR;
	for (k = 0; k < 3; k++)
		t->left[k] += r->left[k];
}

static void plural(struct hd_buf *b, size_t n, const char *what, const char *sep)
{
	hd_buf_printf(b, "%s%zu %s%s", sep, n, what, n == 1 ? "" : "s");
}

/*
 * "harden: 2 files would change, 5 unchanged; findings left: 1 high, 3 low"
 * on stderr: what a run did at a glance, after the per-file lines.  Errors
 * are named only when there are some (scripts grep stderr for "error").
 */
static void summary_line(const struct hd_cli *cli, const struct tally *t, FILE *fp)
{
	struct hd_buf b = HD_BUF_INIT;
	static const char *const sev[] = { "low", "medium", "high" };
	const char *sep = "; findings left: ";
	int k;

	if (t->changed + t->unchanged + t->errors == 0)
		return; /* nothing was hardened (no files, or none a manifest) */
	hd_buf_adds(&b, "harden: ");
	plural(&b, cli->in_place ? t->written : t->changed, "file", "");
	hd_buf_adds(&b, cli->in_place ? " written" : " would change");
	hd_buf_printf(&b, ", %zu unchanged", t->unchanged);
	if (t->errors)
		plural(&b, t->errors, "error", ", ");
	for (k = 2; k >= 0; k--)
		if (t->left[k]) {
			hd_buf_printf(&b, "%s%u %s", sep, t->left[k], sev[k]);
			sep = ", ";
		}
	if (!strcmp(sep, "; findings left: "))
		hd_buf_adds(&b, "; no findings left");
	hd_buf_addc(&b, '\n');
	fwrite(b.data, 1, b.len, fp);
	hd_buf_release(&b);
}

/*
 * --fail-on: the reason for the exit status, even with -q (as --check
 * lists the files that would change).
 */
static void failing(const struct hd_cli *cli, const struct hd_result *r, FILE *report)
{
	static const char *const lvl[] = { "", "low", "medium", "high", "unsafe" };
	struct hd_buf b = HD_BUF_INIT;
	unsigned n = r->left_unsafe;

	if (cli->fail_on != HD_FAIL_UNSAFE) {
		int k;

		for (n = 0, k = cli->fail_on - 1; k < 3; k++)
			n += r->left[k];
	}
	hd_buf_add_esc(&b, hd_display_path(r->path), true);
	hd_buf_printf(&b, ": %u finding%s left unfixed at --fail-on %s\n", n, n == 1 ? "" : "s",
		      lvl[cli->fail_on]);
	fwrite(b.data, 1, b.len, stderr);
	if (report)
		fwrite(b.data, 1, b.len, report);
	hd_buf_release(&b);
}

/* -i: name each file written, as it is written. */
static void wrote(const struct hd_cli *cli, const struct hd_result *r, FILE *report,
		  struct tally *t)
{
	struct hd_buf b = HD_BUF_INIT;

	t->written++;
	if (cli->quiet)
		return;
	hd_buf_adds(&b, "harden: wrote ");
	hd_buf_add_esc(&b, hd_display_path(r->path), true);
	hd_buf_addc(&b, '\n');
	fwrite(b.data, 1, b.len, stderr);
	if (report)
		fwrite(b.data, 1, b.len, report);
	hd_buf_release(&b);
}

/*
 * -j: the main thread walks the directories while the other workers already
 * process the files found so far; every thread (the main one too, once the
 * walk is over) claims the next file under the pool's lock, and the main
 * thread prints finished results strictly in input order.  The order of the
 * output and the exit code are those of -j 1.
 */
struct pool {
	const struct hd_cli *cli;
	struct hd_files *files; /* grows while @walking (under @mu) */
	size_t next;		/* the next file to claim */
	bool walking;		/* more files may come */
	bool main_waiting;
	int busy; /* atomic: files being processed */
	pthread_mutex_t mu;
	pthread_cond_t grew; /* files were added, or the walk is over */
	pthread_cond_t done; /* a result is there */
};

/* Claim and process one file; false when none is left (@wait: or will come). */
static bool pool_step(struct pool *p, bool wait)
{
	struct hd_result *r;
	struct hd_file f;
	size_t i;

	pthread_mutex_lock(&p->mu);
	while (wait && p->walking && p->next >= p->files->n)
		pthread_cond_wait(&p->grew, &p->mu);
	if (p->next >= p->files->n) {
		pthread_mutex_unlock(&p->mu);
		return false;
	}
	i = p->next++;
	f = p->files->v[i];
	pthread_mutex_unlock(&p->mu);
	r = hd_xmalloc(sizeof(*r));
	__atomic_add_fetch(&p->busy, 1, __ATOMIC_RELAXED);
	hd_process(p->cli, &f, r);
	__atomic_sub_fetch(&p->busy, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&p->mu);
	p->files->v[i].result = r;
	p->files->v[i].done = true;
	if (p->main_waiting)
		pthread_cond_signal(&p->done);
	pthread_mutex_unlock(&p->mu);
	return true;
}

static void *file_worker(void *arg)
{
	struct pool *p = arg;

	while (pool_step(p, true))
		;
	hd_secrets_free();
	hd_policy_cache_free();
	hd_yaml_thread_done();
	return NULL;
}

/* Wait until result @i is there (the walk is over), working on other files meanwhile. */
static struct hd_result *pool_wait(struct pool *p, size_t i)
{
	struct hd_result *r;

	pthread_mutex_lock(&p->mu);
	while (!p->files->v[i].done) {
		if (p->next < p->files->n) {
			pthread_mutex_unlock(&p->mu);
			pool_step(p, false);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		p->main_waiting = true;
		pthread_cond_wait(&p->done, &p->mu);
		p->main_waiting = false;
	}
	r = p->files->v[i].result;
	pthread_mutex_unlock(&p->mu);
	return r;
}

/*
 * Long (about 200 lines) on purpose: the run in the order it happens
 * (options, policy, the walk of the operands, the worker pool, results in
 * operand order, secrets before the files that lose them, reports, the exit
 * code); each step is a call or a few lines, and the state they share (the
 * pool, the results, the tally, the secret store) stays in plain locals.
 */
int cmd_harden(int argc, char **argv)
{
	struct hd_cli cli;
	struct hd_files files;
	struct hd_result **res = NULL;
	struct hd_secret_store store = { NULL, 0, 0 };
	struct hd_stdout_join join;
	struct pool pool;
	pthread_t th[256];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	bool walk_while_working = false, secrets_saved = true, failed = false;
	struct tally tally;
	FILE *text_report = NULL;
	int nth = 0;
	size_t i;
	int rc = HD_EXIT_OK, a;

	memset(&cli, 0, sizeof(cli));
	memset(&files, 0, sizeof(files));
	memset(&join, 0, sizeof(join));
	hd_opts_defaults(&cli.opts);
	/* keep freed memory: per-document arenas come and go all the time */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20); /* big buffers grow by mremap */
	if (ncpu < 1)
		ncpu = 1;
	cli.jobs = (int)(ncpu > 256 ? 256 : ncpu);
	memset(&tally, 0, sizeof(tally));
	a = parse_args(argc, argv, &cli);
	if (a != 0)
		return a > 0 ? HD_EXIT_OK : HD_EXIT_ERROR;
	if (cli.to_stdout)
		cli.join = &join; /* the files' documents make one stream */
	/* --format text --report FILE: the warnings (and the summary) go there too */
	if (cli.format == HD_FMT_TEXT && cli.report && !(text_report = fopen(cli.report, "w"))) {
		fprintf(stderr, "harden: error: cannot write report '%s': %s\n", cli.report,
			strerror(errno));
		return HD_EXIT_ERROR;
	}
	if (load_images(argv[0]) < 0)
		return HD_EXIT_ERROR;
	if (cli.opts.pin_images && load_pin(&cli.opts) < 0)
		return HD_EXIT_ERROR;
	if (hd_secrets_init(NULL) < 0) {
		fprintf(stderr, "harden: error: cannot compile secret patterns\n");
		return HD_EXIT_ERROR;
	}
	/* a directory is walked while the workers already process what it
	 * holds; a list of files is known at once */
	if (cli.jobs > 1)
		for (a = optind; a < argc; a++)
			if (hd_files_is_dir(argv[a]))
				walk_while_working = true;
	/* -f files first, in their order, then the operands */
	for (i = 0; i < cli.opts.ncompose; i++)
		if (hd_files_expand(&files, cli.opts.compose_files[i], cli.include, cli.exclude) <
		    0)
			rc = HD_EXIT_ERROR;
	if (!walk_while_working) {
		for (a = optind; a < argc; a++)
			if (hd_files_expand(&files, argv[a], cli.include, cli.exclude) < 0)
				rc = HD_EXIT_ERROR;
		/* the Dockerfiles the Compose files build, after them */
		hd_files_add_builds(&files, 0, cli.opts.compose_files, cli.opts.ncompose);
		if ((size_t)cli.jobs > files.n)
			cli.jobs = files.n ? (int)files.n : 1;
	}
	/* cores not busy with files help verify a big file's documents */
	memset(&pool, 0, sizeof(pool));
	cli.ncpu = (int)(ncpu > 256 ? 256 : ncpu);
	cli.busy = &pool.busy;
	cli.verify_threads = -1;
	if (getenv("HARDEN_VERIFY_THREADS"))
		cli.verify_threads = (int)strtol(getenv("HARDEN_VERIFY_THREADS"), NULL, 10);
	pool.cli = &cli;
	pool.files = &files;
	pool.walking = walk_while_working;
	pthread_mutex_init(&pool.mu, NULL);
	pthread_cond_init(&pool.grew, NULL);
	pthread_cond_init(&pool.done, NULL);
	cli.direct = cli.jobs <= 1; /* set before any worker reads it */
	if (cli.direct)
		pool.busy = 1; /* the main thread, one file at a time */
	/* the main thread is one of the -j workers (once it has walked) */
	if (cli.jobs > 1)
		for (nth = 0; nth < cli.jobs - 1; nth++)
			if (pthread_create(&th[nth], NULL, file_worker, &pool) != 0)
				break;
	if (walk_while_working) {
		files.mu = &pool.mu;
		files.grew = &pool.grew;
		for (a = optind; a < argc; a++)
			if (hd_files_expand(&files, argv[a], cli.include, cli.exclude) < 0)
				rc = HD_EXIT_ERROR;
		hd_files_add_builds(&files, 0, cli.opts.compose_files, cli.opts.ncompose);
		pthread_mutex_lock(&pool.mu);
		pool.walking = false;
		pthread_cond_broadcast(&pool.grew);
		pthread_mutex_unlock(&pool.mu);
		files.mu = NULL; /* the list does not change any more */
		files.grew = NULL;
	}
	for (i = 0; i < files.n; i++) {
		struct hd_result *r;

		if (cli.jobs > 1) {
			r = pool_wait(&pool, i);
		} else {
			r = hd_xmalloc(sizeof(*r));
			hd_process(&cli, &files.v[i], r);
			files.v[i].result = r;
		}
		take_secrets(&cli, &store, r);
		fwrite(r->err.data ? r->err.data : "", 1, r->err.len, stderr);
		if (text_report)
			fwrite(r->err.data ? r->err.data : "", 1, r->err.len, text_report);
		if (cli.join)
			hd_stdout_put(cli.join, r->out.data, r->out.len, stdout);
		else
			fwrite(r->out.data ? r->out.data : "", 1, r->out.len, stdout);
		if (r->status == HD_R_CHANGED && cli.in_place && !r->pending)
			wrote(&cli, r, text_report, &tally);
		tally_result(&tally, r);
		if (r->status != HD_R_ERROR && hd_result_fails(r, cli.fail_on)) {
			failing(&cli, r, text_report);
			failed = true;
		}
		if (r->status == HD_R_ERROR)
			rc = HD_EXIT_ERROR;
		else if (r->status == HD_R_CHANGED && cli.check && rc == HD_EXIT_OK)
			rc = HD_EXIT_CHANGED;
		if (cli.format == HD_FMT_TEXT && !r->pending) {
			/* nothing more is needed: memory stays per file */
			hd_result_release(r);
			free(r);
			files.v[i].result = NULL;
		} else {
			hd_buf_release(&r->out);
			hd_buf_release(&r->err);
		}
	}
	while (nth > 0)
		pthread_join(th[--nth], NULL);
	pthread_mutex_destroy(&pool.mu);
	pthread_cond_destroy(&pool.grew);
	pthread_cond_destroy(&pool.done);
	if (files.n == 0 && !cli.quiet)
		fprintf(stderr, "harden: note: no YAML files found\n");
	/* secret values first, then the files they leave (-i): never lost */
	if (cli.opts.secrets_out && store.n &&
	    hd_secrets_write(&store, cli.opts.secrets_out, cli.quiet ? NULL : stderr) < 0) {
		rc = HD_EXIT_ERROR;
		secrets_saved = false;
	}
	for (i = 0; i < files.n; i++) {
		struct hd_result *r = files.v[i].result;

		if (!r || !r->pending)
			continue;
		if (hd_result_write_pending(&cli, r, secrets_saved) < 0) {
			fwrite(r->err.data ? r->err.data : "", 1, r->err.len, stderr);
			if (text_report)
				fwrite(r->err.data ? r->err.data : "", 1, r->err.len, text_report);
			tally.changed--;
			tally.errors++;
			rc = HD_EXIT_ERROR;
		} else {
			wrote(&cli, r, text_report, &tally);
		}
	}
	/* gofmt -l: 1 when a file would change; kube-linter: 1 on findings */
	if (failed && rc == HD_EXIT_OK)
		rc = HD_EXIT_CHANGED;
	if (!cli.quiet && !cli.to_stdout)
		summary_line(&cli, &tally, stderr);
	if (text_report) {
		summary_line(&cli, &tally, text_report);
		if (fclose(text_report) != 0) {
			fprintf(stderr, "harden: error: cannot write report '%s'\n", cli.report);
			rc = HD_EXIT_ERROR;
		}
	}
	if (cli.format != HD_FMT_TEXT) {
		res = hd_xmalloc((files.n + 1) * sizeof(*res));
		for (i = 0; i < files.n; i++)
			res[i] = files.v[i].result;
		if (write_report(&cli, res, files.n) < 0)
			rc = HD_EXIT_ERROR;
	}
	for (i = 0; i < files.n; i++) {
		struct hd_result *r = files.v[i].result;

		if (!r)
			continue;
		hd_result_release(r);
		free(r);
	}
	free(res);
	hd_secrets_store_release(&store);
	hd_files_release(&files);
	hd_secrets_free();
	hd_policy_cache_free();
	hd_pin_done(); /* process-wide: once every worker has ended */
	hd_yaml_thread_done();
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
