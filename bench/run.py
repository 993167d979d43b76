#!/usr/bin/env python3
"""bench/run.py - harden benchmarks: floor vs harden vs peers, same bytes, same run.

Builds its inputs under bench/work/, runs every command REPEAT times, takes
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


def measure(cmd, ok=(0, 1), stdin=None):
    rows = [run(cmd, stdin) for _ in range(REPEAT)]
    codes = {r[3] for r in rows}
    if not codes <= set(ok):
        raise SystemExit(f"command failed ({codes}): {' '.join(cmd)}")
    return {
        "wall": statistics.median(r[0] for r in rows),
        "cpu": statistics.median(r[1] for r in rows),
        "rss": max(r[2] for r in rows),
    }


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


def main():
    subprocess.check_call(["make", "-s", "-C", ROOT, "harden", "build/bench/floor"])
    inputs = build_inputs()
    results = []

    def row(group, name, m, base=None):
        results.append((group, name, m, base))
        ratio = f"{m['wall'] / base['wall']:.2f}x floor" if base else ""
        print(f"{group:28s} {name:34s} wall {fmt_ms(m['wall']):>8s} ms  "
              f"cpu {fmt_ms(m['cpu']):>8s} ms  rss {m['rss'] / 1024:7.1f} MiB  {ratio}",
              flush=True)
        return m

    # --- issue 2: one --set on a >= 1.5 MB multi-document manifest
    big = inputs["k8s-joined-2x"]
    size = os.path.getsize(big)
    g = f"edit-set ({size / 1e6:.2f} MB)"
    floor = row(g, "floor: libfyaml event parse", measure([FLOOR, big]))
    row(g, "harden edit --set (1 path)", measure(
        [H, "edit", big, "--if", ".spec.template.spec", "--set",
         ".spec.template.spec.securityContext.runAsNonRoot=true"]), floor)

    # --- issue 3: all transforms on the joined corpus Kubernetes files
    joined = join_docs(corpus_files("k8s"), os.path.join(WORK, "k8s-joined.yaml"))
    g = f"k8s corpus joined ({os.path.getsize(joined) / 1e6:.2f} MB)"
    floor = row(g, "floor: libfyaml event parse", measure([FLOOR, joined]))
    row(g, "harden (all transforms, diff)", measure([H, "-q", joined]), floor)

    # --- issue 4: all corpus Compose files in one process
    comp = corpus_files("compose")
    size = sum(os.path.getsize(f) for f in comp)
    g = f"compose corpus, {len(comp)} files ({size / 1e6:.2f} MB)"
    floor = row(g, "floor: libfyaml event parse", measure([FLOOR, *comp]))
    row(g, "harden (all transforms, diff)", measure([H, "-q", *comp], ok=(0, 1, 2)), floor)

    # --- issue 5: a pre-commit style run over the whole corpus
    allc = corpus_files("k8s") + corpus_files("compose")
    size = sum(os.path.getsize(f) for f in allc)
    g = f"corpus --check, {len(allc)} files ({size / 1e6:.2f} MB)"
    floor = row(g, "floor: libfyaml event parse", measure([FLOOR, *allc]))
    row(g, "harden --check -q (pre-commit)", measure([H, "--check", "-q", *allc]), floor)

    write_results(results)


def write_results(results):
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
        f.write(f"- method: each command {REPEAT} times, medians of wall and CPU "
                "time, peak RSS (max); whole process (start-up and file I/O included)\n\n")
        f.write("| case | command | wall ms | cpu ms | peak RSS MiB | ratio |\n")
        f.write("|---|---|---:|---:|---:|---|\n")
        for group, name, m, base in results:
            ratio = f"{m['wall'] / base['wall']:.2f}x floor" if base else ""
            f.write(f"| {group} | {name} | {fmt_ms(m['wall'])} | {fmt_ms(m['cpu'])} | "
                    f"{m['rss'] / 1024:.1f} | {ratio} |\n")


if __name__ == "__main__":
    main()
