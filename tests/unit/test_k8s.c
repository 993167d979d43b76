/* test_k8s.c - Kubernetes transforms: what a data case cannot say (tests/data/k8s.test holds the rest) */
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
	/* --unsafe-fixes removes the privilege and everything applies as before */
	r = harden_str(in, &u, NULL);
	assert_false(r.error);
	assert_non_null(strstr(r.out, "  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n"));
	assert_null(strstr(r.out, "privileged: true"));
	hres_free(&r);
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

/* ---- secret-env ---- */
static void test_secret_env(void **state)
{
	struct hd_opts s;
	struct hres r;

	(void)state;
	hd_opts_defaults(&s);
	s.secrets_out = "s.yaml"; /* moved only where the value is saved */
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

/* "# harden:ignore" keeps a whole change or nothing of it */
static void test_ignore_comment_keeps_whole_changes(void **state)
{
	const char *root = POD("  securityContext:\n    runAsUser: 0  # harden:ignore\n"
			       "  containers:\n  - name: c\n    image: x\n");
	struct hres r;

	(void)state;
	/* a kept UID 0 gets no runAsNonRoot: true (the kubelet would refuse) */
	r = harden_str(root, NULL, "run-as-non-root");
	assert_false(r.error);
	assert_null(strstr(r.out, "runAsNonRoot"));
	assert_non_null(strstr(r.out, "runAsUser: 0  # harden:ignore"));
	assert_non_null(strstr(r.warnings, "runAsNonRoot: true not set"));
	assert_null(strstr(r.warnings, "changed to"));
	hres_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ignore_comment_keeps_whole_changes),
		cmocka_unit_test(test_model_finds_all_pod_specs),
		cmocka_unit_test(test_model_kinds_option),
		cmocka_unit_test(test_run_as_non_root_uid_option),
		cmocka_unit_test(test_run_as_non_root_keeps_low_ports),
		cmocka_unit_test(test_i18_09_privileged_pod_mixed),
		cmocka_unit_test(test_i18_10_written_mounts),
		cmocka_unit_test(test_rootfs_name_clash_and_explicit_false),
		cmocka_unit_test(test_secret_env),
		cmocka_unit_test(test_chain_idempotent_crlf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
