/* resource_limits.c - CPU and memory requests and limits */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tr.h"

#define TR "resource-limits"

/* Kubernetes quantity -> number (cores or bytes); NAN when unparsable. */
static double quantity(const struct yn *n)
{
	static const struct {
		const char *suf;
		double mul;
	} sufs[] = {
		{ "Ki", 1024.0 },
		{ "Mi", 1048576.0 },
		{ "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 },
		{ "Pi", 1125899906842624.0 },
		{ "Ei", 1152921504606846976.0 },
		{ "m", 1e-3 },
		{ "k", 1e3 },
		{ "M", 1e6 },
		{ "G", 1e9 },
		{ "T", 1e12 },
		{ "P", 1e15 },
		{ "E", 1e18 },
		{ "", 1.0 },
	};
	const char *s = hd_str(n);
	char *end;
	double v;
	size_t i;

	if (!s)
		return NAN;
	v = strtod(s, &end);
	if (end == s)
		return NAN;
	for (i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++)
		if (!strcmp(end, sufs[i].suf))
			return v * sufs[i].mul;
	return NAN;
}

static void one(struct hd_ctx *ctx, struct hd_pod *pod, struct hd_container *c, const char *res,
		const char *dlimit, const char *drequest)
{
	struct hd_fref r = CTR_REF(TR, "resources", pod, c);
	struct yn *L = hd_getp(c->node, "resources", "limits", res, NULL);
	struct yn *R = hd_getp(c->node, "resources", "requests", res, NULL);
	struct yn dl = { 0 }, dr = { 0 };
	const char *ltext = NULL, *rtext = NULL;
	double lv, rv;

	dl.kind = dr.kind = YN_SCALAR;
	dl.text = dlimit;
	dl.tlen = strlen(dlimit);
	dr.text = drequest;
	dr.tlen = strlen(drequest);
	if (L && R)
		return;
	if (!L) {
		/* a request above the default limit raises the limit */
		rv = R ? quantity(R) : NAN;
		ltext = (!isnan(rv) && rv > quantity(&dl)) ? R->text : dlimit;
		lv = quantity(
			&(struct yn){ .kind = YN_SCALAR, .text = ltext, .tlen = strlen(ltext) });
	} else {
		lv = quantity(L);
	}
	if (!R) {
		/* never request more than the limit */
		rtext = (!isnan(lv) && quantity(&dr) > lv) ? (L ? L->text : ltext) : drequest;
	}
	{
		struct yn *resources = hd_want_map(ctx, TR, c->node, "resources");
		struct yn *lim =
			resources && ltext ? hd_want_map(ctx, TR, resources, "limits") : NULL;
		struct yn *req =
			resources && rtext ? hd_want_map(ctx, TR, resources, "requests") : NULL;

		if (lim) {
			hd_put(ctx, TR, lim, res, ltext, YT_STR);
			hd_find(ctx, &r, c->node, HD_SEV_LOW, true, false, "limits.%s: %s", res,
				ltext);
		}
		if (req) {
			hd_put(ctx, TR, req, res, rtext, YT_STR);
			hd_find(ctx, &r, c->node, HD_SEV_LOW, true, false, "requests.%s: %s", res,
				rtext);
		}
	}
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	size_t i;

	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];

		if (!strcmp(c->list, "ephemeralContainers"))
			continue; /* the API forbids resources there */
		one(ctx, pod, c, "cpu", ctx->opts->cpu_limit, ctx->opts->cpu_request);
		one(ctx, pod, c, "memory", ctx->opts->mem_limit, ctx->opts->mem_request);
	}
}

/* Which form does the file use: deploy.resources.limits or mem_limit/cpus? */
static bool file_uses_short_form(const struct yn *top)
{
	const struct yn *svcs = hd_get(top, "services");
	size_t i;
	int shortf = 0, deployf = 0;

	for (i = 0; svcs && i + 1 < svcs->nkids; i += 2) {
		const struct yn *s = yn_deref(svcs->kids[i + 1]);

		/* a reservation counts as its form: the limit goes beside it
		 * (run_service), so the next run sees that form (idempotence) */
		if (hd_get(s, "mem_limit") || hd_get(s, "cpus") || hd_get(s, "pids_limit") ||
		    hd_get(s, "mem_reservation"))
			shortf++;
		if (hd_getp(s, "deploy", "resources", "limits", NULL) ||
		    hd_getp(s, "deploy", "resources", "reservations", NULL))
			deployf++;
	}
	return shortf > deployf;
}

/*
 * Compose byte value ("512M", "2g", "1.5GB", "1024 kb", 1073741824) in
 * bytes, the way Docker reads it (binary multiples, units b, k, kb, m,
 * mb, g, gb, t, tb, p, pb in any case); NAN when unreadable.
 */
static double compose_bytes(const char *s)
{
	static const char units[] = "bkmgtp";
	const char *u;
	char *end;
	double v;

	if (!s)
		return NAN;
	v = strtod(s, &end);
	if (end == s || v < 0)
		return NAN;
	if (*end == ' ')
		end++;
	if (!*end)
		return v;
	u = strchr(units, end[0] | 0x20);
	if (!u)
		return NAN;
	if (*u != 'b') {
		end++;
		if ((*end | 0x20) == 'i')
			end++;
		if ((*end | 0x20) == 'b')
			end++;
	} else {
		end++;
	}
	return *end ? NAN : v * pow(1024.0, (double)(u - units));
}

/* Compose cpus ("0.5", 2) as a number; NAN when unreadable. */
static double compose_cpus(const char *s)
{
	char *end;
	double v;

	if (!s)
		return NAN;
	v = strtod(s, &end);
	return end == s || *end ? NAN : v;
}

/*
 * The limit to write for a resource: the default, or the reservation
 * (@res) when it asks for more, since Docker refuses a limit below the
 * reservation.  Its YAML type in *@t.
 */
static const char *limit_for(const struct yn *res, const char *dflt, double (*value)(const char *),
			     enum yn_type *t)
{
	double rv = value(hd_str(res));

	*t = YT_STR;
	if (isnan(rv) || !(rv > value(dflt)))
		return dflt;
	*t = hd_node_type(yn_deref(res));
	return hd_str(res);
}

/* Compose: memory, cpu and pids limits where the file keeps them. */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct hd_fref r = SVC_REF(TR, "limits", svc);
	struct yn *lim = hd_getp(svc->node, "deploy", "resources", "limits", NULL);
	struct yn *resv = hd_getp(svc->node, "deploy", "resources", "reservations", NULL);
	struct yn *rmem = hd_get(resv, "memory") ? hd_get(resv, "memory")
						 : hd_get(svc->node, "mem_reservation");
	bool mem = hd_get(svc->node, "mem_limit") || hd_get(lim, "memory");
	bool cpu = hd_get(svc->node, "cpus") || hd_get(lim, "cpus");
	bool pids = hd_get(svc->node, "pids_limit") || hd_get(lim, "pids");
	enum yn_type mt, ct;
	const char *mtext = limit_for(rmem, ctx->opts->compose_mem, compose_bytes, &mt);
	const char *ctext =
		limit_for(hd_get(resv, "cpus"), ctx->opts->compose_cpus, compose_cpus, &ct);
	char num[32];

	if (mem && cpu && pids)
		return;
	snprintf(num, sizeof(num), "%ld", ctx->opts->pids_limit);
	if (ctx->short_form_doc != ctx->doc) {
		/* one look at all services per document, not per service */
		ctx->short_form = file_uses_short_form(svc->top);
		ctx->short_form_doc = ctx->doc;
	}
	/* beside the service's own reservation, else where the file keeps limits */
	if (resv ? false : hd_get(svc->node, "mem_reservation") ? true : ctx->short_form) {
		if (!mem)
			hd_put(ctx, TR, svc->node, "mem_limit", mtext, mt);
		if (!cpu)
			hd_put(ctx, TR, svc->node, "cpus", ctext, ct);
		if (!pids)
			hd_put(ctx, TR, svc->node, "pids_limit", num, YT_INT);
	} else {
		struct yn *d = hd_want_map(ctx, TR, svc->node, "deploy");
		struct yn *res = d ? hd_want_map(ctx, TR, d, "resources") : NULL;
		struct yn *l = res ? hd_want_map(ctx, TR, res, "limits") : NULL;

		if (!l)
			return;
		if (!cpu)
			hd_put(ctx, TR, l, "cpus", ctext, ct);
		if (!mem)
			hd_put(ctx, TR, l, "memory", mtext, mt);
		if (!pids)
			hd_put(ctx, TR, l, "pids", num, YT_INT);
	}
	hd_find(ctx, &r, svc->node, HD_SEV_MEDIUM, true, false, "limits set:%s%s%s%s",
		mem ? "" : " memory", cpu ? "" : " cpus", pids ? "" : " pids",
		(!mem && mtext != ctx->opts->compose_mem) ||
				(!cpu && ctext != ctx->opts->compose_cpus)
			? " (raised to the reservation)"
			: "");
}

const struct hd_transform hd_tr_resource_limits = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.summary = "CPU/memory requests and limits (Compose: memory/cpus/pids)",
	.explain = "Why: without limits one container can starve the node (denial of\n"
		   "service, noisy neighbours); without requests scheduling is blind.\n"
		   "What: adds resources.limits and requests for cpu and memory where\n"
		   "missing (defaults 500m/512Mi limits, 100m/128Mi requests). Existing\n"
		   "values are never overwritten; a request above the default limit\n"
		   "raises the limit, and a default request never exceeds the limit.\n"
		   "Breaks: workloads needing more than the defaults get throttled or\n"
		   "OOM-killed: set real values.\n"
		   "Compose: memory 512M, cpus \"0.5\", pids 100, written where the file keeps\n"
		   "limits (deploy.resources.limits, or mem_limit/cpus/pids_limit), the\n"
		   "deploy form when it has neither; existing values are kept. A reservation\n"
		   "above the default (deploy.resources.reservations, mem_reservation)\n"
		   "becomes the limit, as Docker refuses a limit below the reservation.\n"
		   "Opt out: --skip resource-limits.",
	.run_pod = run_pod,
	.run_service = run_service,
	.alias = "limits",
};
