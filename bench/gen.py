#!/usr/bin/env python3
"""bench/gen.py - deterministic benchmark inputs (written under bench/work/).

  big.yaml       >= 10 MB multi-document manifest: Deployments (comments,
                 env, probes, volumes), CronJobs, Lists (Deployment + Service
                 + ConfigMap), Services, and the CRDs found in the shared
                 corpus (read at bench time, never committed)
  compose.yaml   one Compose file with 1,000 services (anchors, env, ports)
  repo/          5,000 small files: 1,250 apps x {deployment, service,
                 configmap, hpa}, the layout of a typical GitOps repository
"""
import glob, os, random, sys

def deployment(i, r):
    env = "\n".join(f"""            - name: VAR_{k}
              value: "value-{i}-{k}\"""" for k in range(r.randint(1, 4)))
    return f"""# Deployment {i}: generated
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  labels:
    app.kubernetes.io/name: app-{i}
    app.kubernetes.io/part-of: bench
spec:
  replicas: {r.randint(1, 5)}
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
        - name: app
          image: registry.example.com/team/app-{i}:1.{i % 97}.{i % 13}
          ports:
            - containerPort: {8000 + i % 1000}
              name: http
          env:
{env}
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
          volumeMounts:
            - name: config
              mountPath: /etc/app
        - name: proxy   # sidecar
          image: envoyproxy/envoy:v1.30.{i % 7}
          args: ["--config-path", "/etc/envoy/envoy.yaml"]
      volumes:
        - name: config
          configMap:
            name: app-{i}-config
"""

def cronjob(i, r):
    return f"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: job-{i}
spec:
  schedule: "{i % 60} {i % 24} * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: registry.example.com/jobs/job-{i}:2.{i % 31}
            command: ["/bin/job", "--run", "{i}"]
"""

def service(i):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: app-{i}
spec:
  selector:
    app: app-{i}
  ports:
    - port: 80
      targetPort: http
"""

def configmap(i):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
data:
  app.yaml: |
    server:
      port: {8000 + i % 1000}
    log:
      level: info
"""

def hpa(i):
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: app-{i}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 80
"""

def lst(i, r):
    def indent(t):
        lines = t.strip("\n").split("\n")
        return "\n".join(("- " if n == 0 else "  ") + l for n, l in enumerate(lines))
    d = "\n".join(l for l in deployment(i, r).split("\n") if not l.startswith("#"))
    return "apiVersion: v1\nkind: List\nitems:\n" + "\n".join(
        indent(x) for x in (d, service(i), configmap(i))) + "\n"

def crds(shared):
    out = []
    for f in sorted(glob.glob(os.path.join(shared, "corpus", "k8s", "*"))):
        data = open(f, encoding="utf-8").read().replace("\r\n", "\n").lstrip("\ufeff")
        for doc in data.split("\n---\n"):
            if "kind: CustomResourceDefinition" in doc:
                out.append(doc.strip("\n").removeprefix("---\n") + "\n")
    return out

def big(r, shared, target=10_500_000):
    """The >= 10 MB manifest (also tests/t34-i23-footprint.sh's input)."""
    crd = crds(shared)
    parts, size, i = [], 0, 0
    while size < target:
        k = i % 10
        doc = (deployment(i, r) if k < 5 else cronjob(i, r) if k < 7 else lst(i, r) if k < 8
               else service(i) if k < 9 else (crd[i % len(crd)] if crd else configmap(i)))
        parts.append(doc)
        size += len(doc) + 4
        i += 1
    return "---\n".join(parts)

def compose(n):
    """One Compose file of n services (a shared anchor, env, ports, volumes)."""
    svcs = ["x-logging: &logging\n  driver: json-file\n  options:\n    max-size: 10m\n\nservices:"]
    for s in range(n):
        svcs.append(f"""  svc-{s}:
    image: registry.example.com/svc-{s}:1.{s % 50}
    logging: *logging
    environment:
      - LOG_LEVEL=info
      - PORT={9000 + s}
    ports:
      - "{10000 + s}:{9000 + s}"
    volumes:
      - ./config/svc-{s}.yml:/etc/svc/config.yml
    depends_on: [svc-{(s + 1) % n}]""")
    return "\n".join(svcs) + "\n"


def main(work, shared):
    r = random.Random(42)
    os.makedirs(work, exist_ok=True)
    open(os.path.join(work, "big.yaml"), "w").write(big(r, shared))
    # the peers' input: ~1.6 MB, unique object names (kustomize needs them)
    peer, size, i = [], 0, 0
    while size < 1_600_000:
        k = i % 10
        doc = (deployment(i, r) if k < 6 else cronjob(i, r) if k < 8 else lst(i, r) if k < 9
               else service(i + 100000))
        peer.append(doc)
        size += len(doc) + 4
        i += 1
    open(os.path.join(work, "peer.yaml"), "w").write("---\n".join(peer))
    kdir = os.path.join(work, "kustomize")
    os.makedirs(kdir, exist_ok=True)
    open(os.path.join(kdir, "peer.yaml"), "w").write("---\n".join(peer))
    pod_sc = ('{runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, '
              'seccompProfile: {type: RuntimeDefault}}')
    csc = ('{privileged: false, capabilities: {drop: [ALL]}, allowPrivilegeEscalation: false, '
           'readOnlyRootFilesystem: true}')
    res = '{limits: {cpu: 500m, memory: 512Mi}, requests: {cpu: 100m, memory: 128Mi}}'
    def ops(base, ncont):
        o = [f"- {{op: add, path: {base}/securityContext, value: {pod_sc}}}",
             f"- {{op: add, path: {base}/automountServiceAccountToken, value: false}}",
             f"- {{op: add, path: {base}/volumes/-, value: {{name: tmp, emptyDir: {{}}}}}}"]
        for c in range(ncont):
            o += [f"- {{op: add, path: {base}/containers/{c}/securityContext, value: {csc}}}",
                  f"- {{op: add, path: {base}/containers/{c}/resources, value: {res}}}"]
            if c == 0 and ncont == 2:   # the app container has mounts already
                o.append(f"- {{op: add, path: {base}/containers/0/volumeMounts/-, value: {{name: tmp, mountPath: /tmp}}}}")
            else:
                o.append(f"- {{op: add, path: {base}/containers/{c}/volumeMounts, value: [{{name: tmp, mountPath: /tmp}}]}}")
        return "\n".join("      " + x for x in o)
    open(os.path.join(kdir, "kustomization.yaml"), "w").write(
        "resources:\n- peer.yaml\npatches:\n"
        "- target: {kind: Deployment}\n  patch: |-\n" + ops("/spec/template/spec", 2) + "\n"
        "- target: {kind: CronJob}\n  patch: |-\n" +
        ops("/spec/jobTemplate/spec/template/spec", 1).replace("/volumes/-, value", "/volumes, value")
        .replace("{name: tmp, emptyDir: {}}}", "[{name: tmp, emptyDir: {}}]}") + "\n")
    open(os.path.join(work, "compose.yaml"), "w").write(compose(1000))
    repo = os.path.join(work, "repo")
    if not os.path.isdir(repo):
        for a in range(1250):
            d = os.path.join(repo, f"apps/app-{a:04d}")
            os.makedirs(d)
            open(os.path.join(d, "deployment.yaml"), "w").write(deployment(a, r))
            open(os.path.join(d, "service.yaml"), "w").write(service(a))
            open(os.path.join(d, "configmap.yaml"), "w").write(configmap(a))
            open(os.path.join(d, "hpa.yaml"), "w").write(hpa(a))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
