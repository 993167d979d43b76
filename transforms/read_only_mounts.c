/* read_only_mounts.c - read-only volume mounts; host paths reported */
#include <fnmatch.h>
#include <stdio.h>

#include "tr.h"

#define TR "read-only-mounts"

static const char *const ro_types[] = { "configMap", "secret", "downwardAPI", "projected", NULL };
static const char *const restricted_ok[] = {
	"configMap", "csi",   "downwardAPI",	       "emptyDir",
	"ephemeral", "image", "persistentVolumeClaim", "projected",
	"secret",    NULL
};
static const char *const restricted_bad[] = { "hostPath",
					      "gcePersistentDisk",
					      "awsElasticBlockStore",
					      "gitRepo",
					      "nfs",
					      "iscsi",
					      "glusterfs",
					      "rbd",
					      "flexVolume",
					      "cinder",
					      "cephfs",
					      "flocker",
					      "fc",
					      "azureFile",
					      "vsphereVolume",
					      "quobyte",
					      "azureDisk",
					      "photonPersistentDisk",
					      "portworxVolume",
					      "scaleIO",
					      "storageos",
					      NULL };
static const char *const sensitive[] = {
	"/etc", "/proc", "/sys",     "/boot",		"/root",
	"/dev", "/run",	 "/var/run", "/var/lib/docker", "/var/lib/kubelet",
	"/usr", "/lib",	 "/bin",     "/sbin",		"/home",
	NULL
};
static const char *const sockets[] = { "/var/run/docker.sock",
				       "/run/docker.sock",
				       "/run/containerd/containerd.sock",
				       "/var/run/containerd/containerd.sock",
				       "/run/crio/crio.sock",
				       "/var/run/crio/crio.sock",
				       NULL };

static const char *vol_type(const struct yn *vol, const char *const *types)
{
	size_t i;

	for (i = 0; types[i]; i++)
		if (hd_get(vol, types[i]))
			return types[i];
	return NULL;
}

/* Why a host path is sensitive, or NULL. */
static const char *sensitive_path(const char *p, char *buf, size_t n)
{
	size_t i, l;
	char norm[512];

	l = strlen(p);
	while (l > 1 && p[l - 1] == '/')
		l--;
	if (l >= sizeof(norm))
		l = sizeof(norm) - 1;
	memcpy(norm, p, l);
	norm[l] = '\0';
	if (!strcmp(norm, "/"))
		return "the host's root filesystem";
	for (i = 0; sockets[i]; i++)
		if (!strcmp(norm, sockets[i]))
			return "the container runtime socket (root on the node)";
	for (i = 0; sensitive[i]; i++) {
		size_t sl = strlen(sensitive[i]);

		if (!strncmp(norm, sensitive[i], sl) && (norm[sl] == '\0' || norm[sl] == '/')) {
			snprintf(buf, n, "sensitive host path %s", sensitive[i]);
			return buf;
		}
	}
	return NULL;
}

/*
 * Why a host path is written by what mounts it, or NULL: devices, the
 * runtime's sockets and locks, kubelet plugin sockets, CNI plugins and
 * configuration that installers copy in.  Only mounts that are read are
 * made read-only.
 */
static const char *written_path(const char *p)
{
	static const struct {
		const char *dir, *why;
	} written[] = {
		{ "/dev", "devices are written" },
		{ "/run", "sockets and locks live there" },
		{ "/var/run", "sockets and locks live there" },
		{ "/tmp/.X11-unix", "sockets live there" },
		{ "/var/lib/kubelet", "kubelet plugin sockets and pod volumes live there" },
		{ "/opt/cni", "CNI plugins are installed there" },
		{ "/etc/cni", "CNI configuration is written there" },
	};
	const char *base;
	size_t i, l;

	if (!p)
		return NULL;
	base = strrchr(p, '/');
	base = base ? base + 1 : p;
	if (strstr(base, ".sock") || strstr(base, "sockets"))
		return "a socket (connecting writes to it)";
	for (i = 0; i < sizeof(written) / sizeof(written[0]); i++) {
		l = strlen(written[i].dir);
		if (!strncmp(p, written[i].dir, l) && (p[l] == '\0' || p[l] == '/'))
			return written[i].why;
	}
	return NULL;
}

/* Why hostPath mount @m of volume @vol is written, or NULL. */
static const char *written_mount(const struct yn *m, const struct yn *vol)
{
	const char *type = hd_str(hd_getp(vol, "hostPath", "type", NULL));
	const char *why = written_path(hd_str(hd_getp(vol, "hostPath", "path", NULL)));

	if (hd_str_is(hd_get(m, "mountPropagation"), "Bidirectional"))
		return "mountPropagation: Bidirectional (it mounts there)";
	if (why)
		return why;
	if (type && (!strcmp(type, "Socket") || !strcmp(type, "CharDevice") ||
		     !strcmp(type, "BlockDevice")))
		return "a socket or device (written to)";
	if (type && (!strcmp(type, "DirectoryOrCreate") || !strcmp(type, "FileOrCreate")))
		return "created on the node for the pod (its state)";
	return NULL;
}

static void run_pod(struct hd_ctx *ctx, struct hd_pod *pod)
{
	struct yn *vols = hd_get(pod->spec, "volumes");
	size_t i, j;
	char why[200];

	/* volumes the restricted profile forbids: reported, never removed */
	if (vols && vols->kind == YN_SEQ) {
		for (i = 0; i < vols->nkids; i++) {
			struct yn *v = (struct yn *)yn_deref(vols->kids[i]);
			const char *bad = vol_type(v, restricted_bad);
			const char *name = hd_str(hd_get(v, "name"));
			struct hd_fref r =
				POD_REF(TR,
					bad && !strcmp(bad, "hostPath") ? "hostPathVolumes"
									: "restrictedVolumes",
					pod);

			if (!hd_live(vols->kids[i]) || !bad || vol_type(v, restricted_ok))
				continue;
			if (!strcmp(bad, "hostPath")) {
				const char *path = hd_str(hd_getp(v, "hostPath", "path", NULL));
				const char *s =
					path ? sensitive_path(path, why, sizeof(why)) : NULL;

				hd_find(ctx, &r, v, s ? HD_SEV_HIGH : HD_SEV_MEDIUM, false, false,
					"hostPath volume '%s' (%s)%s%s: not allowed by the "
					"restricted profile; harden never removes it",
					name ? name : "?", path ? path : "?", s ? " mounts " : "",
					s ? s : "");
			} else {
				hd_find(ctx, &r, v, HD_SEV_MEDIUM, false, false,
					"%s volume '%s' is not allowed by the restricted "
					"profile; use a PersistentVolumeClaim",
					bad, name ? name : "?");
			}
		}
	}
	for (i = 0; i < pod->nctrs; i++) {
		struct hd_container *c = &pod->ctrs[i];
		struct yn *vm = hd_get(c->node, "volumeMounts");

		if (!vm || vm->kind != YN_SEQ)
			continue;
		for (j = 0; j < vm->nkids; j++) {
			struct yn *m = (struct yn *)yn_deref(vm->kids[j]);
			struct yn *ro = hd_get(m, "readOnly");
			struct yn *vol = volume_named(pod->spec, hd_str(hd_get(m, "name")));
			const char *t = vol ? vol_type(vol, ro_types) : NULL;
			struct hd_fref r = CTR_REF(TR, "volumeMounts", pod, c);
			bool host = vol && hd_get(vol, "hostPath");
			const char *w;

			if (!hd_live(vm->kids[j]) || (!t && !host) || hd_true(ro))
				continue;
			if (ro) {
				if (host)
					hd_find(ctx, &r, ro, HD_SEV_HIGH, false, false,
						"writable hostPath mount at %s (explicit readOnly: "
						"false kept)",
						hd_str(hd_get(m, "mountPath"))
							? hd_str(hd_get(m, "mountPath"))
							: "?");
				continue;
			}
			if (host && (w = written_mount(m, vol)) != NULL) {
				hd_find(ctx, &r, m, HD_SEV_MEDIUM, false, false,
					"hostPath mount at %s left writable: %s",
					hd_str(hd_get(m, "mountPath"))
						? hd_str(hd_get(m, "mountPath"))
						: "?",
					w);
				continue;
			}
			hd_put(ctx, TR, m, "readOnly", "true", YT_BOOL);
			if (host) {
				hd_find(ctx, &r, m, HD_SEV_MEDIUM, true, false,
					"hostPath mount at %s made read-only; set readOnly: "
					"false if the container writes there",
					hd_str(hd_get(m, "mountPath"))
						? hd_str(hd_get(m, "mountPath"))
						: "?");
				ctx->f[ctx->nf - 1].notable = true;
			} else {
				hd_find(ctx, &r, m, HD_SEV_LOW, true, false,
					"%s mount made read-only", t);
			}
		}
	}
}

/* Is @src a configuration path per the --ro patterns (globs, CSV)? */
static bool config_like(const char *patterns, const char *src, const char *dst)
{
	const char *p = patterns;
	char pat[256];

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *base = strrchr(src, '/');

		if (l >= sizeof(pat))
			l = sizeof(pat) - 1;
		memcpy(pat, p, l);
		pat[l] = '\0';
		if (l &&
		    (fnmatch(pat, src, 0) == 0 || fnmatch(pat, base ? base + 1 : src, 0) == 0 ||
		     (dst && fnmatch(pat, dst, 0) == 0)))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static bool is_bind_source(const char *s)
{
	return s && (s[0] == '/' || s[0] == '.' || s[0] == '~' || s[0] == '$');
}

/*
 * Does the file put "ro" first in the modes it writes ("ro,Z" rather than
 * "Z,ro")?  A new "ro" then goes first too: new options follow the file.
 */
static bool file_puts_ro_first(const struct yn *top)
{
	const struct yn *svcs = hd_get(top, "services");
	size_t i, j;
	int first = 0, last = 0;

	for (i = 0; svcs && svcs->kind == YN_MAP && i + 1 < svcs->nkids; i += 2) {
		const struct yn *vols = hd_get(yn_deref(svcs->kids[i + 1]), "volumes");

		for (j = 0; vols && vols->kind == YN_SEQ && j < vols->nkids; j++) {
			const char *v = hd_str(vols->kids[j]), *c1, *c2;

			if (!v || !(c1 = strchr(v, ':')) || !(c2 = strchr(c1 + 1, ':')) ||
			    !hd_csv_has(c2 + 1, "ro") || !strchr(c2 + 1, ','))
				continue;
			if (!strncmp(c2 + 1, "ro,", 3))
				first++;
			else
				last++;
		}
	}
	return first > last;
}

/* Does Compose volume @v mount with shared propagation (mounts flow back)? */
static bool shared_propagation(const struct yn *v, const char *opts, bool shortf)
{
	const char *p = shortf ? NULL : hd_str(hd_getp(v, "bind", "propagation", NULL));

	if (shortf)
		return hd_csv_has(opts, "shared") || hd_csv_has(opts, "rshared");
	return p && (!strcmp(p, "shared") || !strcmp(p, "rshared"));
}

/* Compose: config binds made read-only; sockets and host paths reported. */
static void run_service(struct hd_ctx *ctx, struct hd_service *svc)
{
	struct yn *vols = as_seq(hd_get(svc->node, "volumes"));
	size_t i;
	char why[200];

	for (i = 0; vols && i < vols->nkids; i++) {
		struct yn *v = (struct yn *)yn_deref(vols->kids[i]);
		struct hd_fref r = SVC_REF(TR, "volumes", svc);
		const char *src, *dst;
		bool ro, bind, shortf = v->kind == YN_SCALAR;
		char sbuf[1024], dbuf[1024];
		const char *opts = "";
		const char *sens, *w = NULL;

		if (!hd_live(vols->kids[i]))
			continue;
		if (shortf) {
			const char *s = hd_str(v), *c1, *c2;

			if (!s || !(c1 = strchr(s, ':')))
				continue; /* anonymous volume */
			c2 = strchr(c1 + 1, ':');
			snprintf(sbuf, sizeof(sbuf), "%.*s", (int)(c1 - s), s);
			snprintf(dbuf, sizeof(dbuf), "%.*s",
				 (int)(c2 ? c2 - c1 - 1 : (long)strlen(c1 + 1)), c1 + 1);
			if (c2)
				opts = c2 + 1; /* the mode, read in place: "ro,z" */
			src = sbuf;
			dst = dbuf;
			bind = is_bind_source(src);
			ro = hd_csv_has(opts, "ro");
			if (hd_csv_has(opts, "rw"))
				continue; /* explicitly writable: the author's call */
		} else if (v->kind == YN_MAP) {
			src = hd_str(hd_get(v, "source"));
			dst = hd_str(hd_get(v, "target"));
			bind = hd_str_is(hd_get(v, "type"), "bind");
			ro = hd_true(hd_get(v, "read_only"));
			if (hd_false(hd_get(v, "read_only")))
				continue;
		} else {
			continue;
		}
		if (!bind || !src || ro)
			goto report;
		sens = sensitive_path(src, why, sizeof(why));
		if (sens && strstr(sens, "socket"))
			goto report;
		w = shared_propagation(v, opts, shortf) ? "shared propagation (it mounts there)"
							: written_path(src);
		if (w && sens)
			goto report; /* reported, never made read-only */
		if (w) {
			if (config_like(ctx->opts->ro_patterns, src, dst))
				hd_find(ctx, &r, v, HD_SEV_MEDIUM, false, false,
					"bind of %s left writable: %s", src, w);
			continue;
		}
		if (sens || config_like(ctx->opts->ro_patterns, src, dst)) {
			char msg[1400];
			bool apply = true;

			if (sens) {
				snprintf(msg, sizeof(msg),
					 "writable bind of %s (%s) would become read-only", src,
					 sens);
				apply = tr_unsafe(ctx, &r, v, msg);
			}
			if (!apply)
				continue;
			if (shortf) {
				char *nv;

				if (opts[0] && file_puts_ro_first(svc->top))
					nv = hd_arena_printf(&ctx->job->arena, "%.*sro,%s",
							     (int)(opts - hd_str(v)), hd_str(v),
							     opts);
				else
					nv = hd_arena_printf(&ctx->job->arena, "%s%s%s", v->text,
							     opts[0] ? "," : ":", "ro");

				hd_want_seq(ctx, TR, svc->node, "volumes");
				hd_set_str(ctx, v, nv);
			} else {
				hd_put(ctx, TR, v, "read_only", "true", YT_BOOL);
			}
			if (!sens)
				hd_find(ctx, &r, v, HD_SEV_LOW, true, false,
					"configuration bind %s mounted read-only", src);
			continue;
		}
	report:
		if (src && (sens = sensitive_path(src, why, sizeof(why))) != NULL &&
		    (strstr(sens, "socket") || !ro))
			hd_find(ctx, &r, v, HD_SEV_HIGH, false, false,
				"bind mount of %s: %s; harden does not remove it%s%s", src, sens,
				w ? " and leaves it writable: " : "", w ? w : "");
	}
}

const struct hd_transform hd_tr_read_only_mounts = {
	.name = TR,
	.applies = HD_APPLIES_K8S | HD_APPLIES_COMPOSE,
	.unsafe = false,
	.summary = "read-only config/secret mounts; host paths and sockets reported",
	.explain = "Why: configuration and credentials should not be writable, and a\n"
		   "writable host path lets a container change the node.\n"
		   "What: sets readOnly: true on mounts of configMap, secret, downwardAPI,\n"
		   "projected and hostPath volumes that do not say otherwise. hostPath\n"
		   "volumes (and other types the restricted profile forbids) are reported,\n"
		   "never removed; sensitive host paths (/, /etc, /proc, the runtime\n"
		   "socket, ...) and explicit writable hostPath mounts are reported.\n"
		   "Only mounts that are read are made read-only: a hostPath mount with\n"
		   "mountPropagation: Bidirectional, of a socket or device, of /dev, /run,\n"
		   "/var/run, /var/lib/kubelet, the CNI paths (/opt/cni, /etc/cni) or a\n"
		   "*OrCreate path stays writable and is reported.\n"
		   "Breaks: containers writing to a hostPath (log shippers' position\n"
		   "files): set readOnly: false explicitly there.\n"
		   "Compose: binds of configuration files (*.conf, *.yml, /etc/..., ...) get\n"
		   ":ro / read_only: true; writable binds of sensitive host paths become\n"
		   "read-only with --unsafe-fixes; the Docker socket is reported. Binds\n"
		   "that are written (the paths above, shared propagation) stay writable.\n"
		   "Opt out: --skip read-only-mounts.",
	.run_pod = run_pod,
	.run_service = run_service,
};
