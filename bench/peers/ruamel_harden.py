#!/usr/bin/env python3
"""bench/peers/ruamel_harden.py - what a user would write instead of harden:
a ruamel.yaml round-trip script applying the same hardening edits to every
pod spec (Debian python3-ruamel.yaml).  Benchmark peer only."""
import sys
from ruamel.yaml import YAML

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
             "ReplicationController"}

def pod_specs(doc):
    if not isinstance(doc, dict):
        return
    kind = doc.get("kind", "")
    if kind.endswith("List"):
        for item in doc.get("items") or []:
            yield from pod_specs(item)
    elif kind == "Pod":
        yield doc.get("spec")
    elif kind == "CronJob":
        yield doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    elif kind in WORKLOADS:
        yield doc["spec"]["template"]["spec"]

def harden(spec):
    sc = spec.setdefault("securityContext", {})
    sc.setdefault("runAsNonRoot", True)
    sc.setdefault("runAsUser", 10001)
    sc.setdefault("runAsGroup", 10001)
    sc.setdefault("fsGroup", 10001)
    sc.setdefault("seccompProfile", {"type": "RuntimeDefault"})
    spec.setdefault("automountServiceAccountToken", False)
    vols = spec.setdefault("volumes", [])
    if not any(v.get("name") == "tmp" for v in vols):
        vols.append({"name": "tmp", "emptyDir": {}})
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            csc = c.setdefault("securityContext", {})
            csc.setdefault("privileged", False)
            csc.setdefault("capabilities", {}).setdefault("drop", ["ALL"])
            csc.setdefault("allowPrivilegeEscalation", False)
            csc.setdefault("readOnlyRootFilesystem", True)
            mounts = c.setdefault("volumeMounts", [])
            if not any(m.get("mountPath") == "/tmp" for m in mounts):
                mounts.append({"name": "tmp", "mountPath": "/tmp"})
            res = c.setdefault("resources", {})
            res.setdefault("limits", {}).update({"cpu": "500m", "memory": "512Mi"})
            res.setdefault("requests", {}).update({"cpu": "100m", "memory": "128Mi"})

def main(path):
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    with open(path) as f:
        docs = list(yaml.load_all(f))
    for d in docs:
        for spec in pod_specs(d):
            if spec is not None:
                harden(spec)
    yaml.dump_all(docs, sys.stdout)

if __name__ == "__main__":
    main(sys.argv[1])
