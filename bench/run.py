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


def run(cmd, stdin=None):
    """Run cmd once; return (wall s, cpu s, maxrss KiB, exit code)."""
    t0 = time.perf_counter()
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdin=fin, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if stdin:
        fin.close()
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


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
        })
    return out


def measure(cmd, ok=(0, 1)):
    return measure_many([cmd], ok)[0]


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
    subprocess.check_call(["make", "-s", "-C", ROOT, "harden", "build/bench/floor"])
    build_inputs()
    subprocess.check_call(["/usr/bin/python3", os.path.join(ROOT, "bench", "gen.py"), WORK, SHARED])
    results, notes, checks = [], [], []

    def row(group, name, m, base=None):
        results.append((group, name, m, base))
        ratio = f"{m['wall'] / base['wall']:.2f}x floor" if base else ""
        print(f"{group:34s} {name:38s} wall {fmt_ms(m['wall']):>9s} ms  "
              f"cpu {fmt_ms(m['cpu']):>9s} ms  rss {m['rss'] / 1024:7.1f} MiB  {ratio}",
              flush=True)
        return m

    def vs_floor(group, floor_args, name, cmd, ok=(0, 1)):
        """The floor (libfyaml parse of floor_args) and cmd, taking turns."""
        fm, m = measure_many([[FLOOR, *floor_args], cmd], ok)
        floor = row(group, "floor: libfyaml event parse", fm)
        return floor, row(group, name, m, floor)

    def check(label, ok, figure):
        checks.append((label, ok, figure))
        print(f"  [{'ok' if ok else 'MISSED'}] {label}: {figure}", flush=True)

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
                        [H, "-q", big])
    check("issue 6: 10 MB manifest <= 4x floor", m["wall"] <= 4 * floor["wall"],
          f"{m['wall'] / floor['wall']:.2f}x")
    check("issue 6: peak RSS <= 8x file size", m["rss"] * 1024 <= 8 * bsize,
          f"{m['rss'] / 1024:.1f} MiB = {m['rss'] * 1024 / bsize:.2f}x of {bsize / 1e6:.1f} MB")

    peer = os.path.join(WORK, "peer.yaml")
    g = f"peers, same input ({os.path.getsize(peer) / 1e6:.2f} MB)"
    floor, hm = vs_floor(g, [peer], "harden (all transforms, verified, diff)",
                         [H, "-q", peer])
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
    vs_floor(g, [cf], "harden (all transforms, verified, diff)", [H, "-q", cf])

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

    write_results(results, checks, notes)


def write_results(results, checks, notes):
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
        f.write("| case | command | wall ms | cpu ms | peak RSS MiB | ratio |\n")
        f.write("|---|---|---:|---:|---:|---|\n")
        for group, name, m, base in results:
            ratio = f"{m['wall'] / base['wall']:.2f}x floor" if base else ""
            f.write(f"| {group} | {name} | {fmt_ms(m['wall'])} | {fmt_ms(m['cpu'])} | "
                    f"{m['rss'] / 1024:.1f} | {ratio} |\n")
        f.write("\n## Acceptance figures\n\n")
        for label, ok, figure in checks:
            f.write(f"- {'met' if ok else '**not met**'}: {label}: {figure}\n")
        for n in notes:
            f.write(f"- note: {n}\n")
        f.write("\nThe floor is `build/bench/floor` (bench/floor.c): libfyaml's event parser "
                "over the same bytes, nothing else. harden's figures are whole processes: "
                "start-up, policy lookup, reading, parsing, all transforms, rendering, "
                "verification of every changed document (libfyaml and libyaml re-parse and "
                "typed-tree comparison) and the diff on stdout (to /dev/null). "
                "Reproduce with `make bench` (inputs are generated under bench/work/).\n")


if __name__ == "__main__":
    main()
