#!/usr/bin/env python3
"""bench/run.py - harden benchmarks: floor vs harden vs peers, same bytes, same run.

Builds its inputs under bench/work/, runs every command once to warm up and
then REPEAT times, taking turns with the other commands of its case, takes
medians of wall and CPU time and the peak RSS of each process (wait4), and
writes bench/RESULTS.md with the machine, compiler and date.
"""
import os, platform, shutil, statistics, subprocess, sys, time, datetime, glob

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
REPEAT = int(os.environ.get("REPEAT", "7"))
H = os.path.join(ROOT, "harden")
FLOOR = os.path.join(ROOT, "build", "bench", "floor")
DFFLOOR = os.path.join(ROOT, "build", "bench", "dffloor")


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
TIME_OUT = os.path.join(WORK, ".time")


def run(cmd, stdin=None):
    """Run cmd once; return (wall s, cpu s, maxrss KiB, exit code, page faults).
    Through GNU time when there is one: the peak RSS and page faults that
    a child of this Python process reports start from Python's own (an
    exec keeps the high-water mark of the process image it replaces)."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    full = [GNU_TIME, "-q", "-f", "%M %R %F", "-o", TIME_OUT, *cmd] if GNU_TIME else cmd
    t0 = time.perf_counter()
    p = subprocess.Popen(full, stdin=fin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if stdin:
        fin.close()
    rss, faults = ru.ru_maxrss, ru.ru_minflt + ru.ru_majflt
    if GNU_TIME:
        try:
            f = open(TIME_OUT).read().split()
            rss, faults = int(f[-3]), int(f[-2]) + int(f[-1])
        except (OSError, ValueError, IndexError):
            pass
    return (wall, ru.ru_utime + ru.ru_stime, rss, os.waitstatus_to_exitcode(status), faults)


def measure_many(cmds, ok=(0, 1)):
    """Run each command once to warm up, then all of them in turn REPEAT
    times (A B A B ...), so that a slow spell of the machine hits each alike;
    medians of wall and CPU time, the largest peak RSS."""
    for cmd in cmds:
        run(cmd)
    rows = [[] for _ in cmds]
    for _ in range(REPEAT):
        for i, cmd in enumerate(cmds):
            rows[i].append(run(cmd))
    out = []
    for cmd, rs in zip(cmds, rows):
        codes = {r[3] for r in rs}
        if not codes <= set(ok):
            raise SystemExit(f"command failed ({codes}): {' '.join(cmd)}")
        out.append({
            "wall": statistics.median(r[0] for r in rs),
            "cpu": statistics.median(r[1] for r in rs),
            "rss": max(r[2] for r in rs),
            "faults": statistics.median(r[4] for r in rs),
        })
    return out


def measure(cmd, ok=(0, 1)):
    return measure_many([cmd], ok)[0]


def perf_stat(cmd, runs=5):
    """`perf stat` task clock (ms) and page faults of cmd (mean of runs),
    or None without a usable perf."""
    if not shutil.which("perf"):
        return None
    p = subprocess.run(["perf", "stat", "-x", ",", "-r", str(runs), "-e", "task-clock,page-faults",
                        *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    vals = {}
    for line in p.stderr.splitlines():
        f = line.split(",")
        if len(f) > 2 and f[0].replace(".", "", 1).isdigit():
            vals[f[2]] = float(f[0])
    if "task-clock" not in vals or "page-faults" not in vals:
        return None
    return vals["task-clock"], vals["page-faults"]


def argo_install():
    """argo-cd's manifests/install.yaml (third-party: read at bench time,
    never committed): $ARGO_INSTALL, else a mirror of the repository
    ($ARGO_REPO, a git directory), else None."""
    path = os.environ.get("ARGO_INSTALL")
    if path and os.path.isfile(path):
        return path
    repo = os.environ.get("ARGO_REPO", "/work/.mirror/argoproj+argo-cd/repo")
    if os.path.isdir(repo):
        out = os.path.join(WORK, "argo-install.yaml")
        p = subprocess.run(["git", "--git-dir", repo, "show", "HEAD:manifests/install.yaml"],
                           capture_output=True)
        if p.returncode == 0 and p.stdout:
            open(out, "wb").write(p.stdout)
            return out
    return None


def corpus_files(kind):
    return sorted(glob.glob(os.path.join(SHARED, "corpus", kind, "*")))


def join_docs(files, out, copies=1):
    with open(out, "wb") as w:
        first = True
        for _ in range(copies):
            for f in files:
                data = open(f, "rb").read().replace(b"\r\n", b"\n")
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                if not first:
                    w.write(b"\n---\n")
                w.write(data)
                first = False
        w.write(b"\n")
    return out


def build_inputs():
    os.makedirs(WORK, exist_ok=True)
    k8s = corpus_files("k8s")
    if not k8s:
        raise SystemExit(f"corpus not found under {SHARED} (set SHARED=)")
    inputs = {}
    inputs["k8s-joined-2x"] = join_docs(k8s, os.path.join(WORK, "k8s-joined-2x.yaml"), 2)
    return inputs


def fmt_ms(s):
    return f"{s * 1000:.1f}"


def have_ruamel():
    return subprocess.run(["/usr/bin/python3", "-c", "import ruamel.yaml"],
                          capture_output=True).returncode == 0


def main():
    subprocess.check_call(["make", "-s", "-C", ROOT, "harden", "build/bench/floor",
                           "build/bench/dffloor"])
    build_inputs()
    subprocess.check_call(["/usr/bin/python3", os.path.join(ROOT, "bench", "gen.py"), WORK, SHARED])
    results, notes, checks = [], [], []

    def row(group, name, m, base=None):
        results.append((group, name, m, base))
        ratio = f"{m['wall'] / base['wall']:.2f}x floor" if base else ""
        print(f"{group:34s} {name:38s} wall {fmt_ms(m['wall']):>9s} ms  "
              f"cpu {fmt_ms(m['cpu']):>9s} ms  rss {m['rss'] / 1024:7.1f} MiB  "
              f"faults {m['faults']:7.0f}  {ratio}", flush=True)
        return m

    def vs_floor(group, floor_args, name, cmd, ok=(0, 1), verified=None):
        """The floor (libfyaml parse of floor_args) and cmd, taking turns.
        With verified=INPUT, also the floor of a verified rewrite: INPUT
        parsed once, harden's output of it by libfyaml and by libyaml, one
        after another (what promise 3 makes harden read at least)."""
        cmds = [[FLOOR, *floor_args], cmd]
        if verified:
            out = os.path.join(WORK, "out-" + os.path.basename(verified))
            with open(out, "wb") as f:
                subprocess.run([H, "--stdout", verified], stdout=f, stderr=subprocess.DEVNULL)
            cmds.append([FLOOR, verified, out, "-y", out])
        ms = measure_many(cmds, ok)
        floor = row(group, "floor: libfyaml event parse", ms[0])
        m = row(group, name, ms[1], floor)
        if verified:
            vf = row(group, "floor of a verified rewrite: input once, output by both parsers",
                     ms[2], floor)
            vfloor.append((group, m["wall"] / vf["wall"]))
            print(f"  harden = {m['wall'] / vf['wall']:.2f}x the floor of a verified rewrite",
                  flush=True)
        return floor, m

    def check(label, ok, figure):
        checks.append((label, ok, figure))
        print(f"  [{'ok' if ok else 'MISSED'}] {label}: {figure}", flush=True)

    perf_rows = []
    vfloor = []

    def perf_row(group, name, cmd):
        v = perf_stat(cmd)
        if v:
            perf_rows.append((group, name, v[0], v[1]))
            print(f"  perf stat {name}: task-clock {v[0]:.1f} ms, page-faults {v[1]:.0f}", flush=True)

    def faults_ok(label, m, path):
        """page faults <= 2x the input's pages (plus the floor's start-up)"""
        pages = os.path.getsize(path) / 4096
        check(label, m["faults"] <= 2 * pages,
              f"{m['faults']:.0f} faults, input {pages:.0f} pages ({m['faults'] / pages:.2f}x)")

    # --- issue 23: loading a big real manifest, no operation, vs the bare parse
    argo = argo_install()
    if argo:
        lname = "argo-cd install.yaml"
    else:
        argo = os.path.join(WORK, "peer.yaml")
        lname = "peer.yaml (argo-cd install.yaml not found: ARGO_INSTALL=)"
        notes.append("load-only case on the generated peer.yaml: set ARGO_INSTALL to argo-cd's "
                     "manifests/install.yaml for the issue 23 file")
    g = f"load only, {lname} ({os.path.getsize(argo) / 1e6:.2f} MB)"
    fm, lm, hm = measure_many([[FLOOR, argo], [H, "edit", argo], [H, "-q", "--stdout", argo]])
    floor = row(g, "floor: libfyaml event parse", fm)
    row(g, "harden edit FILE (load, no operation)", lm, floor)
    row(g, "harden --stdout (all transforms)", hm, floor)
    check("issue 23: no-op load <= 2x floor", lm["wall"] <= 2 * floor["wall"],
          f"{lm['wall'] / floor['wall']:.2f}x")
    check("issue 23: full hardening <= 3x floor", hm["wall"] <= 3 * floor["wall"],
          f"{hm['wall'] / floor['wall']:.2f}x")
    faults_ok("issue 23: no-op load page faults <= 2x the input's pages", lm, argo)
    perf_row(g, "floor", [FLOOR, argo])
    perf_row(g, "harden edit FILE", [H, "edit", argo])
    perf_row(g, "harden --stdout", [H, "-q", "--stdout", argo])

    # --- issue 2: one --set on a >= 1.5 MB multi-document manifest
    big2 = os.path.join(WORK, "k8s-joined-2x.yaml")
    g = f"edit --set, corpus joined ({os.path.getsize(big2) / 1e6:.2f} MB)"
    floor, m = vs_floor(g, [big2], "harden edit --set (1 path)",
                        [H, "edit", big2, "--if", ".spec.template.spec", "--set",
                         ".spec.template.spec.securityContext.runAsNonRoot=true"])
    check("issue 2: harden edit --set <= 3x floor", m["wall"] <= 3 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")

    # --- issue 3: all transforms on the joined corpus Kubernetes files
    joined = join_docs(corpus_files("k8s"), os.path.join(WORK, "k8s-joined.yaml"))
    g = f"k8s corpus joined ({os.path.getsize(joined) / 1e6:.2f} MB)"
    floor, m = vs_floor(g, [joined], "harden (all transforms, diff)",
                        [H, "-q", joined])
    check("issue 3: k8s corpus, all transforms <= 5x floor", m["wall"] <= 5 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")

    # --- issue 4: all corpus Compose files in one process
    comp = corpus_files("compose")
    size = sum(os.path.getsize(f) for f in comp)
    g = f"compose corpus, {len(comp)} files ({size / 1e6:.2f} MB)"
    floor, m = vs_floor(g, comp, "harden (all transforms, diff)",
                        [H, "-q", "-j", "1", *comp], ok=(0, 1, 2))
    check("issue 4: compose corpus <= 5x floor", m["wall"] <= 5 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")

    # --- issue 5: a pre-commit style run over the whole corpus
    allc = corpus_files("k8s") + corpus_files("compose")
    size = sum(os.path.getsize(f) for f in allc)
    g = f"corpus --check, {len(allc)} files ({size / 1e6:.2f} MB)"
    floor, m = vs_floor(g, allc, "harden --check -q (pre-commit)",
                        [H, "--check", "-q", *allc])
    check("issue 5: corpus --check <= 5x floor", m["wall"] <= 5 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")

    # --- issue 6: scale
    big = os.path.join(WORK, "big.yaml")
    bsize = os.path.getsize(big)
    g = f"generated manifest ({bsize / 1e6:.1f} MB)"
    floor, m = vs_floor(g, [big], "harden (all transforms, verified, diff)",
                        [H, "-q", big], verified=big)
    check("issue 6: 10 MB manifest <= 4x floor", m["wall"] <= 4 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")
    check("issue 6: peak RSS <= 8x file size", m["rss"] * 1024 <= 8 * bsize,
          f"{m['rss'] / 1024:.1f} MiB = {m['rss'] * 1024 / bsize:.2f}x of {bsize / 1e6:.1f} MB")
    check("issue 23: 10 MB manifest <= 3x floor", m["wall"] <= 3 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")
    check("issue 23: peak RSS <= 4x file size", m["rss"] * 1024 <= 4 * bsize,
          f"{m['rss'] / 1024:.1f} MiB = {m['rss'] * 1024 / bsize:.2f}x of {bsize / 1e6:.1f} MB")
    faults_ok("issue 23: 10 MB manifest page faults <= 2x the input's pages", m, big)
    perf_row(g, "floor", [FLOOR, big])
    perf_row(g, "harden (all transforms)", [H, "-q", big])

    peer = os.path.join(WORK, "peer.yaml")
    g = f"peers, same input ({os.path.getsize(peer) / 1e6:.2f} MB)"
    floor, hm = vs_floor(g, [peer], "harden (all transforms, verified, diff)",
                         [H, "-q", peer], verified=peer)
    global REPEAT
    saved, REPEAT = REPEAT, 3
    if have_ruamel():
        rm = row(g, "ruamel.yaml round-trip script", measure(
            ["/usr/bin/python3", os.path.join(ROOT, "bench", "peers", "ruamel_harden.py"), peer]), floor)
        check("issue 6: >= 100x faster than the ruamel.yaml script", rm["wall"] >= 100 * hm["wall"],
              f"{rm['wall'] / hm['wall']:.0f}x")
    else:
        notes.append("ruamel.yaml peer skipped: Debian python3-ruamel.yaml is not installed")
    if shutil.which("kubectl"):
        km = row(g, "kubectl kustomize with JSON patches", measure(
            ["kubectl", "kustomize", os.path.join(WORK, "kustomize")]), floor)
        check("issue 6: >= 30x faster than kustomize", km["wall"] >= 30 * hm["wall"],
              f"{km['wall'] / hm['wall']:.0f}x")
    else:
        notes.append("kustomize peer skipped: kubectl is not installed")
    REPEAT = saved

    cf = os.path.join(WORK, "compose.yaml")
    g = f"compose, 1000 services ({os.path.getsize(cf) / 1e6:.2f} MB)"
    floor, m = vs_floor(g, [cf], "harden (all transforms, verified, diff)", [H, "-q", cf],
                        verified=cf)
    check("issue 23: 1,000-service Compose file <= 3x floor", m["wall"] <= 3 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")

    repo = os.path.join(WORK, "repo")
    files = sorted(glob.glob(os.path.join(repo, "apps", "*", "*.yaml")))
    listf = os.path.join(WORK, "repo.list")
    open(listf, "w").write("\n".join(files) + "\n")
    g = f"repository, {len(files)} small files"
    fm, j2, j2c, j1 = measure_many([["xargs", "-a", listf, FLOOR],
                                    [H, "-q", "-j", "2", repo],
                                    [H, "--check", "-q", "-j", "2", repo],
                                    [H, "-q", "-j", "1", repo]])
    floor = row(g, "floor: one process parses all", fm)
    m2 = row(g, "harden -j 2 (diff)", j2, floor)
    row(g, "harden -j 2 --check (pre-commit)", j2c, floor)
    row(g, "harden -j 1 (diff)", j1, floor)
    check("issue 6: 5,000 files with -j 2 <= 1.5x floor", m2["wall"] <= 1.5 * floor["wall"],
          f"{m2['wall'] / floor['wall']:.2f}x")

    # --- issue 20: the Dockerfile front end on the real Dockerfiles of tests/
    src = sorted(glob.glob(os.path.join(ROOT, "tests", "data", "dockerfiles", "[0-9]*")))
    dfs = []
    os.makedirs(os.path.join(WORK, "dockerfiles"), exist_ok=True)
    for f in src:  # named as Dockerfiles are (the corpus names carry their origin)
        dst = os.path.join(WORK, "dockerfiles", os.path.basename(f)[:3] + ".Dockerfile")
        shutil.copyfile(f, dst)
        dfs.append(dst)
    if dfs:
        size = sum(os.path.getsize(f) for f in dfs)
        g = f"Dockerfiles, {len(dfs)} real files ({size / 1e6:.2f} MB)"
        fm, dm = measure_many([[DFFLOOR, *dfs], [H, "-q", "-j", "1", "--unsafe-fixes", *dfs]])
        floor = row(g, "floor: Dockerfile parse alone", fm)
        row(g, "harden (all passes, verified, diff)", dm, floor)

    others = [r for r in results if r[3] is not None and r[1].startswith("harden")]
    worst = max(others, key=lambda r: r[2]["wall"] / r[3]["wall"])
    check("issue 23: every harden case <= 3x its floor (worst shown)",
          all(r[2]["wall"] <= 3 * r[3]["wall"] for r in others),
          f"{worst[1]} on {worst[0]}: {worst[2]['wall'] / worst[3]['wall']:.2f}x")
    write_results(results, checks, notes, perf_rows, vfloor)


def write_results(results, checks, notes, perf_rows=(), vfloor=()):
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with open(os.path.join(ROOT, "bench", "RESULTS.md"), "w") as f:
        f.write("# Benchmark results\n\n")
        f.write(f"- date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}\n")
        f.write(f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {cpu}\n")
        f.write(f"- kernel: {platform.release()}\n- compiler: {cc}\n")
        f.write(f"- method: each command once to warm up, then {REPEAT} times (the slow peers 3), "
                "taking turns with the other commands of its case so that a slow spell of the "
                "machine hits them alike; medians of wall and CPU time, peak RSS (max); whole "
                "process (start-up and file I/O included)\n\n")
        f.write("| case | command | wall ms | cpu ms | peak RSS MiB | page faults | ratio |\n")
        f.write("|---|---|---:|---:|---:|---:|---|\n")
        for group, name, m, base in results:
            ratio = f"{m['wall'] / base['wall']:.2f}x floor" if base else ""
            f.write(f"| {group} | {name} | {fmt_ms(m['wall'])} | {fmt_ms(m['cpu'])} | "
                    f"{m['rss'] / 1024:.1f} | {m['faults']:.0f} | {ratio} |\n")
        if perf_rows:
            f.write("\n## perf stat, big files (mean of 5 runs)\n\n")
            f.write("| case | command | task-clock ms | page faults |\n|---|---|---:|---:|\n")
            for group, name, tc, pf in perf_rows:
                f.write(f"| {group} | {name} | {tc:.1f} | {pf:.0f} |\n")
        if vfloor:
            f.write("\n## Against the floor of a verified rewrite\n\n"
                    "Promise 3 makes harden read every changed document's output again, "
                    "with libfyaml and with libyaml, and hardening roughly doubles a "
                    "document's bytes; the floor of a verified rewrite (`floor IN OUT -y "
                    "OUT`: the input parsed once, the output by both parsers, one after "
                    "another, nothing else) is what any tool keeping that promise must "
                    "spend. harden does all its work besides, on two cores:\n\n")
            for group, r in vfloor:
                f.write(f"- {group}: harden = {r:.2f}x the floor of a verified rewrite\n")
        f.write("\n## Acceptance figures\n\n")
        for label, ok, figure in checks:
            f.write(f"- {'met' if ok else '**not met**'}: {label}: {figure}\n")
        for n in notes:
            f.write(f"- note: {n}\n")
        f.write("\nThe floor is `build/bench/floor` (bench/floor.c): libfyaml's event parser "
                "over the same bytes, nothing else. harden's figures are whole processes: "
                "start-up, policy lookup, reading, parsing, all transforms, rendering, "
                "verification of every changed document (libfyaml and libyaml re-parse and "
                "typed-tree comparison) and the diff on stdout (to /dev/null). Page faults are "
                "the median of the process's minor and major faults (getrusage); the input's own "
                "pages are its size / 4 KiB. "
                "Reproduce with `make bench` (inputs are generated under bench/work/).\n")


if __name__ == "__main__":
    main()
