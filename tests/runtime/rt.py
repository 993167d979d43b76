"""rt.py - helpers of the runtime test (run.sh).

  rt.py play IN OUT     podman kube play (4.3) knows Pods, Deployments and
                        PVCs, not StatefulSets: write IN with each StatefulSet
                        as a Deployment of the same pod template plus one PVC
                        per volumeClaimTemplate (the hardened template is
                        what runs, unchanged). kube play makes an emptyDir a
                        named volume that takes the owner and mode of the
                        image's directory; the kubelet makes an empty 0777
                        directory (group fsGroup, setgid, with fsGroup): each
                        emptyDir becomes a hostPath to such a directory
                        under OUT's directory. kube play ignores pod
                        sysctls: they are written to OUT.sysctls, one
                        name=value a line, for run.sh to pass to podman.
  rt.py compose IN OUT  runc older than 1.1.8 (Debian 12's) ignores a tmpfs's
                        mode= over a directory of the image and gives it
                        that directory's mode, owner root (runc#3911; Docker
                        with runc >= 1.1.8 and crun honour it): write IN
                        with podman's U option added to each tmpfs that has
                        a mode= (the tmpfs then belongs to the service's
                        user, who can write it, as with the mode), nothing
                        else changed. run.sh uses it on such a runc only.
  rt.py check FILE      read `podman inspect` JSON of a stack's containers on
                        stdin; print one line per way in which the hardening
                        FILE asks for is not in force (user, read-only root,
                        capabilities), nothing when all is.
"""
import json
import os
import sys

import yaml


def play(src, dst):
    out = []
    for doc in yaml.safe_load_all(open(src)):
        if not doc:
            continue
        if doc.get("kind") == "StatefulSet":
            spec = doc["spec"]
            name = doc["metadata"]["name"]
            vols = spec["template"]["spec"].setdefault("volumes", [])
            for t in spec.pop("volumeClaimTemplates", []) or []:
                claim = "%s-%s" % (name, t["metadata"]["name"])
                out.append({"apiVersion": "v1",
                            "kind": "PersistentVolumeClaim",
                            "metadata": {"name": claim},
                            "spec": t["spec"]})
                vols.append({"name": t["metadata"]["name"],
                             "persistentVolumeClaim": {"claimName": claim}})
            spec.pop("serviceName", None)
            doc["kind"] = "Deployment"
        if doc.get("kind") in ("Deployment", "Pod"):
            emptydirs(doc, os.path.dirname(os.path.abspath(dst)))
        out.append(doc)
    with open(dst, "w") as f:
        yaml.safe_dump_all(out, f, sort_keys=False)
    with open(dst + ".sysctls", "w") as f:
        for doc in out:
            spec = doc.get("spec") or {}
            pod = spec.get("template", {}).get("spec", spec)
            for sc in (pod.get("securityContext") or {}).get("sysctls") or []:
                f.write("%s=%s\n" % (sc["name"], sc["value"]))


def emptydirs(doc, base):
    """each emptyDir as the kubelet makes it: an empty 0777 directory"""
    pod = doc["spec"]["template"]["spec"] if doc["kind"] != "Pod" \
        else doc["spec"]
    fsgroup = (pod.get("securityContext") or {}).get("fsGroup")
    for v in pod.get("volumes") or []:
        if "emptyDir" not in v:
            continue
        d = os.path.join(base, "emptydir", doc["metadata"]["name"],
                         v["name"])
        os.makedirs(d)
        if fsgroup is not None:
            os.chown(d, -1, int(fsgroup))
            os.chmod(d, 0o2777)
        else:
            os.chmod(d, 0o777)
        del v["emptyDir"]
        v["hostPath"] = {"path": d, "type": "Directory"}


def wanted(src):
    """{container or service name: (user, read_only, caps added or None)}"""
    want = {}
    for doc in yaml.safe_load_all(open(src)):
        if not doc:
            continue
        if "services" in doc:
            for name, s in (doc["services"] or {}).items():
                drop = [c.upper() for c in s.get("cap_drop") or []]
                want[name] = (s.get("user"), bool(s.get("read_only")),
                              s.get("cap_add") or []
                              if "ALL" in drop else None)
            continue
        pod = (doc.get("spec") or {}).get("template", {}).get("spec", {})
        psc = pod.get("securityContext") or {}
        for c in pod.get("containers") or []:
            sc = c.get("securityContext") or {}
            uid = sc.get("runAsUser", psc.get("runAsUser"))
            gid = sc.get("runAsGroup", psc.get("runAsGroup"))
            user = None if uid is None else (
                str(uid) if gid is None else "%s:%s" % (uid, gid))
            caps = sc.get("capabilities") or {}
            drop = [x.upper() for x in caps.get("drop") or []]
            want[c["name"]] = (user, bool(sc.get("readOnlyRootFilesystem")),
                               caps.get("add") or [] if "ALL" in drop
                               else None)
    return want


def compose(src, dst):
    docs = list(yaml.safe_load_all(open(src)))
    n = 0
    for doc in docs:
        for svc in ((doc or {}).get("services") or {}).values():
            t = svc.get("tmpfs")
            if isinstance(t, str):
                t = [t]
            if not t:
                continue
            svc["tmpfs"] = [x + ",U" if ":" in x and "mode=" in
                            x.split(":", 1)[1] else x for x in t]
            n += sum(a != b for a, b in zip(t, svc["tmpfs"]))
    yaml.safe_dump_all(docs, open(dst, "w"), sort_keys=False)
    print(n)


def check(src):
    want = wanted(src)
    bad = []
    for c in json.load(sys.stdin):
        labels = c["Config"].get("Labels") or {}
        name = labels.get("com.docker.compose.service")
        if name is None:        # kube play: <pod>-<container>
            name = next((n for n in want if c["Name"].endswith("-" + n)),
                        None)
        if name not in want:
            bad.append("%s: no such service or container in %s"
                       % (c["Name"], src))
            continue
        user, ro, caps = want[name]
        got = c["Config"].get("User") or ""
        if user is not None and str(got) != str(user):
            bad.append("%s: user %r, not %r" % (name, got, user))
        if ro and not c["HostConfig"].get("ReadonlyRootfs"):
            bad.append("%s: root filesystem not read-only" % name)
        if caps is not None:
            eff = {x.replace("CAP_", "") for x in c.get("EffectiveCaps") or []}
            extra = eff - {x.upper().replace("CAP_", "") for x in caps}
            if extra:
                bad.append("%s: capabilities %s not dropped"
                           % (name, ",".join(sorted(extra))))
    for b in bad:
        print(b)


if __name__ == "__main__":
    if sys.argv[1] == "play":
        play(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "compose":
        compose(sys.argv[2], sys.argv[3])
    else:
        check(sys.argv[2])
