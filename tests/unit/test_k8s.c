/* test_k8s.c - every Kubernetes transform, alone and in the chain */
#include "harden_helpers.h"

#define POD(spec) "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" spec

static struct hd_opts unsafe_opts(void)
{
	struct hd_opts o;

	hd_opts_defaults(&o);
	o.unsafe_fixes = true;
	return o;
}

/* ---- model ---- */
static void test_model_finds_all_pod_specs(void **state)
{
	const char *in =
		"apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: batch/v1\n  kind: CronJob\n  metadata: {name: c}\n"
		"  spec:\n    jobTemplate:\n      spec:\n        template:\n          spec:\n"
		"            containers: [{name: a, image: x}]\n"
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n  spec: {ports: [{port: 80}]}\n"
		"---\napiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n"
		"  spec:\n    containers: [{name: b, image: y}]\n";
	struct hres r;

	(void)state;
	r = harden_str(in, NULL, "service-account-token");
	assert_false(r.error);
	/* CronJob in a List and a PodTemplate each get it; the Service not */
	assert_int_equal(r.applied, 2);
	hres_free(&r);
}

static void test_model_kinds_option(void **state)
{
	const char *in = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n"
			 "spec:\n  template:\n    spec:\n      containers: [{name: a, image: x}]\n";
	struct hd_opts o;
	struct hres r;

	(void)state;
	hd_opts_defaults(&o);
	r = harden_str(in, &o, "service-account-token");
	assert_int_equal(r.applied, 0);
	hres_free(&r);
	o.kinds = "Rollout";
	r = harden_str(in, &o, "service-account-token");
	assert_int_equal(r.applied, 1);
	hres_free(&r);
}

/* ---- run-as-non-root ---- */
static void test_run_as_non_root_adds_pod_level(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n    image: x\n"), NULL, "run-as-non-root",
		      POD("  containers:\n  - name: a\n    image: x\n"
			  "  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n"
			  "    runAsGroup: 10001\n    fsGroup: 10001\n"));
}

static void test_run_as_non_root_respects_container_uids(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  securityContext:\n    fsGroup: 2000\n  containers:\n  - name: a\n"
			  "    securityContext: {runAsUser: 1000, runAsGroup: 1000}\n"),
		      NULL, "run-as-non-root",
		      POD("  securityContext:\n    fsGroup: 2000\n    runAsNonRoot: true\n  containers:\n  - name: a\n"
			  "    securityContext: {runAsUser: 1000, runAsGroup: 1000}\n"));
}

static void test_run_as_non_root_changes_root_uid(void **state)
{
	(void)state;
	EXPECT_WARNING(POD("  securityContext:\n    runAsUser: 0\n  containers: [{name: a}]\n"),
		       NULL, "run-as-non-root", "runAsUser: 0 (root) changed to 10001");
	EXPECT_HARDEN(POD("  securityContext:\n    runAsUser: 0\n    runAsNonRoot: false\n"
			  "    runAsGroup: 5\n    fsGroup: 5\n  containers: [{name: a}]\n"),
		      NULL, "run-as-non-root",
		      POD("  securityContext:\n    runAsUser: 10001\n    runAsNonRoot: true\n"
			  "    runAsGroup: 5\n    fsGroup: 5\n  containers: [{name: a}]\n"));
}

static void test_run_as_non_root_uid_option(void **state)
{
	struct hd_opts o;
	struct hres r;

	(void)state;
	hd_opts_defaults(&o);
	o.uid = 4242;
	r = harden_str(POD("  containers: [{name: a}]\n"), &o, "run-as-non-root");
	assert_non_null(strstr(r.out, "runAsUser: 4242"));
	hres_free(&r);
}

/* a low port declared by a container harden makes non-root stays bindable */
static void test_run_as_non_root_keeps_low_ports(void **state)
{
	const char *ctr = "  containers:\n  - name: a\n    ports:\n    - containerPort: 8080\n"
			  "    - containerPort: 443\n";
	const char *own = POD("  securityContext:\n    runAsNonRoot: true\n    runAsUser: 1000\n"
			      "    runAsGroup: 1000\n    fsGroup: 1000\n"
			      "  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n");
	const char *hostnet = POD("  hostNetwork: true\n  containers:\n  - name: a\n"
				  "    ports:\n    - containerPort: 80\n");
	struct hd_opts u = unsafe_opts();
	char in[512], want[1024];
	struct hres r;

	(void)state;
	snprintf(in, sizeof(in), POD("%s"), ctr);
	snprintf(want, sizeof(want),
		 POD("%s  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n"
		     "    runAsGroup: 10001\n    fsGroup: 10001\n    sysctls:\n"
		     "    - name: net.ipv4.ip_unprivileged_port_start\n      value: \"0\"\n"), ctr);
	EXPECT_HARDEN(in, NULL, "run-as-non-root", want);
	/* the author already runs it as a user of their own: nothing to add */
	EXPECT_HARDEN(own, NULL, "run-as-non-root", own);
	/* an existing choice for the sysctl is kept */
	snprintf(in, sizeof(in), POD("  securityContext:\n    sysctls:\n"
				     "    - {name: net.ipv4.ip_unprivileged_port_start, value: \"80\"}\n%s"), ctr);
	r = harden_str(in, NULL, "run-as-non-root");
	assert_false(r.error);
	assert_null(strstr(r.out, "value: \"0\""));
	hres_free(&r);
	/* the host network cannot take the sysctl: reported, not added ... */
	r = harden_str(hostnet, NULL, "run-as-non-root,host-namespaces");
	assert_false(r.error);
	assert_null(strstr(r.out, "sysctls"));
	assert_non_null(strstr(r.warnings, "uses the host network"));
	hres_free(&r);
	/* ... until --unsafe-fixes takes the pod off the host network */
	r = harden_str(hostnet, &u, "run-as-non-root,host-namespaces");
	assert_false(r.error);
	assert_null(strstr(r.out, "hostNetwork"));
	assert_non_null(strstr(r.out, "ip_unprivileged_port_start"));
	assert_null(strstr(r.warnings, "uses the host network"));
	hres_free(&r);
}

/* ---- no-privileged ---- */
/* i18-09: a privileged container keeps root; the pod level does not reach it */
static void test_i18_09_privileged_pod_mixed(void **state)
{
	const char *in = POD("  containers:\n  - name: p\n    securityContext:\n      privileged: true\n"
			     "  - name: n\n");
	struct hd_opts u = unsafe_opts();
	struct hres r;

	(void)state;
	EXPECT_HARDEN(in, NULL, "run-as-non-root,drop-capabilities,read-only-root-fs",
		      POD("  containers:\n  - name: p\n    securityContext:\n      privileged: true\n"
			  "  - name: n\n    securityContext:\n      runAsNonRoot: true\n"
			  "      runAsUser: 10001\n      runAsGroup: 10001\n      capabilities:\n"
			  "        drop:\n        - ALL\n      readOnlyRootFilesystem: true\n"
			  "    volumeMounts:\n    - name: tmp\n      mountPath: /tmp\n"
			  "  securityContext:\n    fsGroup: 10001\n  volumes:\n  - name: tmp\n"
			  "    emptyDir: {}\n"));
	/* --unsafe-fixes removes the privilege and everything applies as before */
	r = harden_str(in, &u, NULL);
	assert_false(r.error);
	assert_non_null(strstr(r.out, "  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n"));
	assert_null(strstr(r.out, "privileged: true"));
	hres_free(&r);
}

/* i18-11: runAsGroup and fsGroup follow the user the manifest chose */
static void test_i18_11_group_follows_user(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  securityContext:\n    runAsUser: 999\n  containers: [{name: a}]\n"), NULL,
		      "run-as-non-root",
		      POD("  securityContext:\n    runAsUser: 999\n    runAsNonRoot: true\n"
			  "    runAsGroup: 999\n    fsGroup: 999\n  containers: [{name: a}]\n"));
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n    securityContext: {runAsUser: 1000}\n"),
		      NULL, "run-as-non-root",
		      POD("  containers:\n  - name: a\n    securityContext: {runAsUser: 1000, runAsGroup: 1000}\n"
			  "  securityContext:\n    runAsNonRoot: true\n    fsGroup: 1000\n"));
	/* an explicit root group is kept in default mode (i18-07) */
	EXPECT_HARDEN(POD("  securityContext:\n    runAsUser: 5\n    runAsGroup: 0\n    fsGroup: 7\n"
			  "  containers: [{name: a}]\n"), NULL, "run-as-non-root",
		      POD("  securityContext:\n    runAsUser: 5\n    runAsGroup: 0\n    fsGroup: 7\n"
			  "    runAsNonRoot: true\n  containers: [{name: a}]\n"));
}

/* i18-10: mounts that are written stay writable */
static void test_i18_10_written_mounts(void **state)
{
	const char *in = POD("  containers:\n  - name: a\n    volumeMounts:\n"
			     "    - {name: b, mountPath: /b, mountPropagation: Bidirectional}\n"
			     "    - {name: s, mountPath: /s}\n    - {name: r, mountPath: /r}\n"
			     "  volumes:\n  - {name: b, hostPath: {path: /mnt/b}}\n"
			     "  - {name: s, hostPath: {path: /run/app}}\n"
			     "  - {name: r, hostPath: {path: /proc}}\n");
	struct hres r;

	(void)state;
	r = harden_str(in, NULL, "read-only-mounts");
	assert_false(r.error);
	assert_non_null(strstr(r.out, "{name: b, mountPath: /b, mountPropagation: Bidirectional}"));
	assert_non_null(strstr(r.out, "{name: s, mountPath: /s}"));
	assert_non_null(strstr(r.out, "{name: r, mountPath: /r, readOnly: true}"));
	assert_non_null(strstr(r.warnings, "mount at /s left writable"));
	hres_free(&r);
}

static void test_no_privileged_sets_false(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n"), NULL, "no-privileged",
		      POD("  containers:\n  - name: a\n    securityContext:\n      privileged: false\n"));
}

static void test_no_privileged_true_is_unsafe(void **state)
{
	struct hd_opts u = unsafe_opts();
	const char *in = POD("  containers:\n  - name: a\n    securityContext:\n      privileged: true\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "no-privileged", in);
	EXPECT_WARNING(in, NULL, "no-privileged", "would become false");
	EXPECT_HARDEN(in, &u, "no-privileged",
		      POD("  containers:\n  - name: a\n    securityContext:\n      privileged: false\n"));
}

/* ---- drop-capabilities ---- */
static void test_drop_capabilities_adds_all(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n    securityContext:\n      capabilities:\n"
			  "        drop: [NET_RAW]\n"), NULL, "drop-capabilities",
		      POD("  containers:\n  - name: a\n    securityContext:\n      capabilities:\n"
			  "        drop: [NET_RAW, ALL]\n"));
}

static void test_drop_capabilities_add_list(void **state)
{
	struct hd_opts u = unsafe_opts();
	const char *in = POD("  containers:\n  - name: a\n    securityContext:\n      capabilities:\n"
			     "        add: [NET_ADMIN, NET_BIND_SERVICE]\n        drop: [ALL]\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "drop-capabilities", in);
	EXPECT_WARNING(in, NULL, "drop-capabilities", "NET_ADMIN added back would be removed");
	EXPECT_HARDEN(in, &u, "drop-capabilities",
		      POD("  containers:\n  - name: a\n    securityContext:\n      capabilities:\n"
			  "        add: [NET_BIND_SERVICE]\n        drop: [ALL]\n"));
}

static void test_drop_capabilities_baseline_level(void **state)
{
	struct hd_opts u = unsafe_opts();
	const char *in = POD("  containers:\n  - name: a\n    securityContext:\n      capabilities:\n"
			     "        add: [CHOWN]\n        drop: [ALL]\n");

	(void)state;
	u.level = HD_LEVEL_BASELINE;
	EXPECT_HARDEN(in, &u, "drop-capabilities", in);
	u.level = HD_LEVEL_RESTRICTED;
	EXPECT_HARDEN(in, &u, "drop-capabilities",
		      POD("  containers:\n  - name: a\n    securityContext:\n      capabilities:\n"
			  "        drop: [ALL]\n"));
}

/* ---- no-privilege-escalation ---- */
static void test_ape_false(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  initContainers:\n  - name: i\n  containers:\n  - name: a\n"), NULL,
		      "no-privilege-escalation",
		      POD("  initContainers:\n  - name: i\n    securityContext:\n"
			  "      allowPrivilegeEscalation: false\n  containers:\n  - name: a\n"
			  "    securityContext:\n      allowPrivilegeEscalation: false\n"));
}

static void test_ape_not_with_privileged(void **state)
{
	const char *in = POD("  containers:\n  - name: a\n    securityContext: {privileged: true}\n");
	const char *sa = POD("  containers:\n  - name: a\n"
			     "    securityContext: {capabilities: {add: [SYS_ADMIN]}}\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "no-privilege-escalation", in);
	/* no-privileged, which reports a kept privileged: true, does not run */
	EXPECT_WARNING(in, NULL, "no-privilege-escalation", "left alone: the container is privileged");
	EXPECT_HARDEN(sa, NULL, "no-privilege-escalation", sa);
	EXPECT_WARNING(sa, NULL, "no-privilege-escalation", "privileged or adds SYS_ADMIN");
}

/* ---- seccomp ---- */
static void test_seccomp_pod_level(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers: [{name: a}]\n"), NULL, "seccomp",
		      POD("  containers: [{name: a}]\n  securityContext:\n    seccompProfile:\n"
			  "      type: RuntimeDefault\n"));
}

static void test_seccomp_unconfined_replaced(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  securityContext:\n    seccompProfile: {type: Unconfined}\n"
			  "  containers: [{name: a}]\n"), NULL, "seccomp",
		      POD("  securityContext:\n    seccompProfile: {type: RuntimeDefault}\n"
			  "  containers: [{name: a}]\n"));
}

static void test_seccomp_all_containers_set(void **state)
{
	const char *in = POD("  containers:\n  - name: a\n    securityContext:\n"
			     "      seccompProfile: {type: Localhost, localhostProfile: p.json}\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "seccomp", in);
}

/* ---- read-only-root-fs ---- */
static void test_rootfs_with_tmp(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n"), NULL, "read-only-root-fs",
		      POD("  containers:\n  - name: a\n    securityContext:\n"
			  "      readOnlyRootFilesystem: true\n    volumeMounts:\n    - name: tmp\n"
			  "      mountPath: /tmp\n  volumes:\n  - name: tmp\n    emptyDir: {}\n"));
}

static void test_rootfs_tmp_already_mounted(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n    volumeMounts:\n    - {name: s, mountPath: /tmp}\n"
			  "  volumes:\n  - {name: s, emptyDir: {}}\n"), NULL, "read-only-root-fs",
		      POD("  containers:\n  - name: a\n    volumeMounts:\n    - {name: s, mountPath: /tmp}\n"
			  "    securityContext:\n      readOnlyRootFilesystem: true\n"
			  "  volumes:\n  - {name: s, emptyDir: {}}\n"));
}

static void test_rootfs_name_clash_and_explicit_false(void **state)
{
	const char *in = POD("  containers:\n  - name: a\n  - name: b\n    securityContext:\n"
			     "      readOnlyRootFilesystem: false\n  volumes:\n  - name: tmp\n"
			     "    configMap: {name: c}\n");
	struct hres r;

	(void)state;
	r = harden_str(in, NULL, "read-only-root-fs");
	assert_false(r.error);
	assert_non_null(strstr(r.out, "- name: harden-tmp\n    emptyDir: {}"));
	assert_non_null(strstr(r.out, "readOnlyRootFilesystem: false"));
	assert_non_null(strstr(r.warnings, "explicit readOnlyRootFilesystem: false kept"));
	hres_free(&r);
}

/* ---- resource-limits ---- */
static void test_limits_defaults(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n"), NULL, "resource-limits",
		      POD("  containers:\n  - name: a\n    resources:\n      limits:\n"
			  "        cpu: 500m\n        memory: 512Mi\n      requests:\n"
			  "        cpu: 100m\n        memory: 128Mi\n"));
}

static void test_limits_keep_existing_and_stay_valid(void **state)
{
	(void)state;
	/* request above the default limit raises it; a low limit caps the request */
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n    resources:\n      requests: {cpu: 2}\n"
			  "      limits: {memory: 64Mi}\n"), NULL, "resource-limits",
		      POD("  containers:\n  - name: a\n    resources:\n      requests: {cpu: 2, memory: 64Mi}\n"
			  "      limits: {memory: 64Mi, cpu: \"2\"}\n"));
}

static void test_limits_skip_ephemeral(void **state)
{
	const char *in = POD("  containers:\n  - name: a\n    resources: {limits: {cpu: 1, memory: 1Gi}, "
			     "requests: {cpu: 1, memory: 1Gi}}\n  ephemeralContainers:\n  - name: dbg\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "resource-limits", in);
}

/* ---- read-only-mounts ---- */
static void test_mounts_read_only(void **state)
{
	(void)state;
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n    volumeMounts:\n    - name: c\n      mountPath: /c\n"
			  "    - name: d\n      mountPath: /d\n  volumes:\n  - name: c\n    configMap: {name: x}\n"
			  "  - name: d\n    emptyDir: {}\n"), NULL, "read-only-mounts",
		      POD("  containers:\n  - name: a\n    volumeMounts:\n    - name: c\n      mountPath: /c\n"
			  "      readOnly: true\n    - name: d\n      mountPath: /d\n  volumes:\n  - name: c\n"
			  "    configMap: {name: x}\n  - name: d\n    emptyDir: {}\n"));
}

static void test_mounts_hostpath_reported(void **state)
{
	(void)state;
	EXPECT_WARNING(POD("  containers:\n  - name: a\n    volumeMounts:\n    - {name: h, mountPath: /h, readOnly: false}\n"
			   "  volumes:\n  - name: h\n    hostPath: {path: /etc}\n"), NULL, "read-only-mounts",
		       "writable hostPath mount at /h");
	EXPECT_WARNING(POD("  containers: [{name: a}]\n  volumes:\n  - name: h\n    hostPath: {path: /etc}\n"),
		       NULL, "read-only-mounts", "sensitive host path /etc");
}

/* ---- host-namespaces ---- */
static void test_host_namespaces_unsafe(void **state)
{
	struct hd_opts u = unsafe_opts();
	const char *in = POD("  hostNetwork: true\n  hostIPC: false\n  containers:\n  - name: a\n"
			     "    ports:\n    - containerPort: 80\n      hostPort: 8080\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "host-namespaces", in);
	EXPECT_WARNING(in, NULL, "host-namespaces", "hostNetwork: true would be removed");
	EXPECT_HARDEN(in, &u, "host-namespaces",
		      POD("  hostIPC: false\n  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n"));
}

/* ---- pss-controls ---- */
static void test_pss_controls(void **state)
{
	struct hd_opts u = unsafe_opts();
	const char *in = POD("  securityContext:\n    sysctls:\n    - {name: kernel.msgmax, value: \"1\"}\n"
			     "    - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n"
			     "    seLinuxOptions: {type: spc_t, level: \"s0:c1\"}\n"
			     "  containers:\n  - name: a\n    securityContext: {procMount: Unmasked}\n"
			     "    livenessProbe:\n      httpGet: {host: 10.0.0.1, port: 80}\n");

	(void)state;
	EXPECT_HARDEN(in, NULL, "pss-controls", in);
	EXPECT_WARNING(in, NULL, "pss-controls", "unsafe sysctl kernel.msgmax");
	EXPECT_HARDEN(in, &u, "pss-controls",
		      POD("  securityContext:\n    sysctls:\n"
			  "    - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n"
			  "    seLinuxOptions: {level: \"s0:c1\"}\n"
			  "  containers:\n  - name: a\n    securityContext: {}\n"
			  "    livenessProbe:\n      httpGet: {port: 80}\n"));
}

/* ---- service-account-token ---- */
static void test_sa_token(void **state)
{
	const char *named = POD("  serviceAccountName: ctl\n  containers: [{name: a}]\n");

	(void)state;
	EXPECT_HARDEN(POD("  containers: [{name: a}]\n"), NULL, "service-account-token",
		      POD("  containers: [{name: a}]\n  automountServiceAccountToken: false\n"));
	EXPECT_HARDEN(named, NULL, "service-account-token", named);
	EXPECT_WARNING(named, NULL, "service-account-token", "uses ServiceAccount 'ctl'");
}

/* ---- secret-env ---- */
static void test_secret_env(void **state)
{
	struct hd_opts s;
	struct hres r;
	const char *kept = POD("  containers:\n  - name: a\n    env:\n    - {name: X_PASSWORD, value: hunter2}\n");

	(void)state;
	hd_opts_defaults(&s);
	s.secrets_out = "s.yaml"; /* moved only where the value is saved */
	/* i18-01: nothing saves it: it stays, reported */
	EXPECT_HARDEN(kept, NULL, "secret-env", kept);
	EXPECT_WARNING(kept, NULL, "secret-env", "rerun with --secrets-out FILE");
	EXPECT_HARDEN(POD("  containers:\n  - name: a\n    env:\n    - name: DB_PASSWORD\n      value: changeme\n"
			  "    - name: PLAIN\n      value: x\n    - name: REF_TOKEN\n      value: $(OTHER)\n"
			  "    - name: EMPTY_SECRET\n      value: \"\"\n    - {name: KEY, value: AKIAIOSFODNN7EXAMPLE}\n"),
		      &s, "secret-env",
		      POD("  containers:\n  - name: a\n    env:\n    - name: DB_PASSWORD\n      valueFrom:\n"
			  "        secretKeyRef:\n          name: p-secrets\n          key: DB_PASSWORD\n"
			  "    - name: PLAIN\n      value: x\n    - name: REF_TOKEN\n      value: $(OTHER)\n"
			  "    - name: EMPTY_SECRET\n      value: \"\"\n"
			  "    - {name: KEY, valueFrom: {secretKeyRef: {name: p-secrets, key: KEY}}}\n"));
	r = harden_str(POD("  containers:\n  - name: a\n    env:\n    - {name: X_PASSWORD, value: hunter2}\n"),
		       &s, "secret-env");
	assert_null(strstr(r.warnings, "hunter2"));
	assert_null(strstr(r.out, "hunter2"));
	hres_free(&r);
}

/* ---- the whole chain ---- */
static void test_chain_idempotent_crlf(void **state)
{
	struct hres r;

	(void)state;
	r = harden_str("apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n"
		       "  containers:\r\n  - name: a\r\n    image: x\r\n", NULL, NULL);
	assert_false(r.error);
	assert_null(strstr(r.out, "\n\n"));
	{
		const char *p;

		for (p = r.out; (p = strchr(p, '\n')) != NULL; p++)
			assert_true(p > r.out && p[-1] == '\r');
	}
	hres_free(&r);
}

static void test_non_workloads_untouched(void **state)
{
	const char *in = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n"
			 "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
			 "metadata: {name: x}\nspec:\n  template:\n    spec: {containers: []}\n";

	(void)state;
	EXPECT_HARDEN(in, NULL, NULL, in);
}

/* "# harden:ignore" keeps a whole change or nothing of it */
static void test_ignore_comment_keeps_whole_changes(void **state)
{
	const char *env = POD("  containers:\n  - name: c\n    image: x\n    env:\n"
			      "    - name: DB_PASSWORD\n      value: hunter2hunter2  # harden:ignore\n");
	const char *root = POD("  securityContext:\n    runAsUser: 0  # harden:ignore\n"
			       "  containers:\n  - name: c\n    image: x\n");
	struct hres r;

	(void)state;
	/* no valueFrom next to the kept value (the API server refuses both) */
	EXPECT_HARDEN(env, NULL, "secret-env", env);
	EXPECT_WARNING(env, NULL, "secret-env", "left alone: exempted by a '# harden:ignore' comment");
	/* a kept UID 0 gets no runAsNonRoot: true (the kubelet would refuse) */
	r = harden_str(root, NULL, "run-as-non-root");
	assert_false(r.error);
	assert_null(strstr(r.out, "runAsNonRoot"));
	assert_non_null(strstr(r.out, "runAsUser: 0  # harden:ignore"));
	assert_non_null(strstr(r.warnings, "runAsNonRoot: true not set"));
	assert_null(strstr(r.warnings, "changed to"));
	hres_free(&r);
	/* a kept line is not grown either: its flow collection, the
	 * collection under its key, or the sequence item it starts */
	{
		const char *in = POD("  containers:\n  - name: c\n    image: x\n"
				     "    securityContext:\n      capabilities:\n"
				     "        drop: [NET_RAW]  # harden:ignore\n"
				     "    resources:  # harden:ignore=resource-limits\n"
				     "      limits: {cpu: 9}\n"
				     "    volumeMounts:\n    - {name: s, mountPath: /s}  # harden:ignore\n"
				     "  volumes:\n  - {name: s, secret: {secretName: s}}\n");

		EXPECT_HARDEN(in, NULL, "drop-capabilities,resource-limits,read-only-mounts", in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ignore_comment_keeps_whole_changes),
		cmocka_unit_test(test_model_finds_all_pod_specs),
		cmocka_unit_test(test_model_kinds_option),
		cmocka_unit_test(test_run_as_non_root_adds_pod_level),
		cmocka_unit_test(test_run_as_non_root_respects_container_uids),
		cmocka_unit_test(test_run_as_non_root_changes_root_uid),
		cmocka_unit_test(test_run_as_non_root_uid_option),
		cmocka_unit_test(test_run_as_non_root_keeps_low_ports),
		cmocka_unit_test(test_i18_09_privileged_pod_mixed),
		cmocka_unit_test(test_i18_11_group_follows_user),
		cmocka_unit_test(test_i18_10_written_mounts),
		cmocka_unit_test(test_no_privileged_sets_false),
		cmocka_unit_test(test_no_privileged_true_is_unsafe),
		cmocka_unit_test(test_drop_capabilities_adds_all),
		cmocka_unit_test(test_drop_capabilities_add_list),
		cmocka_unit_test(test_drop_capabilities_baseline_level),
		cmocka_unit_test(test_ape_false),
		cmocka_unit_test(test_ape_not_with_privileged),
		cmocka_unit_test(test_seccomp_pod_level),
		cmocka_unit_test(test_seccomp_unconfined_replaced),
		cmocka_unit_test(test_seccomp_all_containers_set),
		cmocka_unit_test(test_rootfs_with_tmp),
		cmocka_unit_test(test_rootfs_tmp_already_mounted),
		cmocka_unit_test(test_rootfs_name_clash_and_explicit_false),
		cmocka_unit_test(test_limits_defaults),
		cmocka_unit_test(test_limits_keep_existing_and_stay_valid),
		cmocka_unit_test(test_limits_skip_ephemeral),
		cmocka_unit_test(test_mounts_read_only),
		cmocka_unit_test(test_mounts_hostpath_reported),
		cmocka_unit_test(test_host_namespaces_unsafe),
		cmocka_unit_test(test_pss_controls),
		cmocka_unit_test(test_sa_token),
		cmocka_unit_test(test_secret_env),
		cmocka_unit_test(test_chain_idempotent_crlf),
		cmocka_unit_test(test_non_workloads_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
