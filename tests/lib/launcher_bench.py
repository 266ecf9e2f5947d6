#!/usr/bin/env python3
"""How long a script takes through ./jbang, and the same command run by java directly.

    tests/lib/launcher_bench.py [--runs N] [--exit-only] LABEL ALIAS@taskora [ARG...]

Prints one line (median and p95 of N runs each, interleaved: launcher, java, launcher, ...):

    benchmark LABEL: ./jbang p50 0.45 s, p95 0.52 s; direct java p50 0.47 s, p95 0.55 s; ratio 0.96 (20 runs each, ...)

"Direct java" is what JBang itself reports for the script (`./jbang info tools ALIAS`): its JDK,
its //JAVA_OPTIONS, its jar and resolved dependencies, its main class, no class-data archive of
its own. Both are warmed up once first. A benchmark prints, it does not judge the times; it
fails (exit 1) only when the two do not answer alike (exit code, and stdout unless --exit-only:
an answer about a live cluster may change between runs), which would make the comparison
meaningless. Used by the toolkit suite (LauncherBenchmarkTest) and e2e (ai-ops.sh).
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def direct_command(launcher, ref, env):
    # JBang reports the main class only of a script it has built: from a fresh clone (a new path,
    # so a new cache entry) nothing is built yet
    build = subprocess.run([launcher, "build", ref], capture_output=True, text=True, env=env, timeout=600)
    if build.returncode != 0:
        sys.exit("launcher_bench: %s build %s failed (exit %d): %s" % (launcher, ref, build.returncode, build.stderr.strip()))
    info = subprocess.run([launcher, "info", "tools", ref], capture_output=True, text=True, env=env, timeout=600)
    if info.returncode != 0:
        sys.exit("launcher_bench: %s info tools %s failed (exit %d): %s" % (launcher, ref, info.returncode, info.stderr.strip()))
    i = json.loads(info.stdout)
    java = os.path.join(i["availableJdkPath"], "bin", "java") if i.get("availableJdkPath") else "java"
    cp = os.pathsep.join([i["applicationJar"]] + i.get("resolvedDependencies", []))
    if "mainClass" not in i or "applicationJar" not in i:
        sys.exit("launcher_bench: %s info tools %s names no main class or jar: %s" % (launcher, ref, info.stdout.strip()[:300]))
    return [java] + i.get("runtimeOptions", []) + ["-classpath", cp, i["mainClass"]]


def percentile(sorted_times, q):
    # nearest rank: the smallest value with at least q of the runs at or below it
    k = max(0, min(len(sorted_times) - 1, int(-(-q * len(sorted_times) // 1)) - 1))
    return sorted_times[k]


def main(argv):
    runs, exit_only = 20, False
    while argv and argv[0].startswith("--"):
        if argv[0] == "--runs" and len(argv) >= 2:
            runs, argv = int(argv[1]), argv[2:]
        elif argv[0] == "--exit-only":
            exit_only, argv = True, argv[1:]
        else:
            sys.exit(__doc__)
    if len(argv) < 2:
        sys.exit(__doc__)
    label, ref, args = argv[0], argv[1], argv[2:]
    launcher = os.environ.get("JBANG", str(REPO / "jbang"))
    env = dict(os.environ)
    env.setdefault("TASKORA_HOME", str(REPO))  # ./jbang exports it; the direct run needs it too
    direct = direct_command(launcher, ref, env)
    commands = {"./jbang": [launcher, ref] + args, "direct java": direct + args}
    times = {k: [] for k in commands}
    answers = {}
    for i in range(runs + 1):  # run 0 warms up (a first run through the launcher may record its command)
        for name, cmd in commands.items():
            t0 = time.monotonic()
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
            dt = time.monotonic() - t0
            if i == 0:
                answers[name] = (p.returncode, b"" if exit_only else p.stdout)
            elif (p.returncode, b"" if exit_only else p.stdout) != answers[name]:
                sys.exit("launcher_bench: %s answered differently between runs (exit %d):\n%s" % (name, p.returncode, p.stderr.decode(errors="replace")))
            else:
                times[name].append(dt)
    if answers["./jbang"] != answers["direct java"]:
        sys.exit("launcher_bench: ./jbang and direct java answer differently: exit %d vs %d\n--- ./jbang\n%s\n--- direct java\n%s"
                 % (answers["./jbang"][0], answers["direct java"][0], answers["./jbang"][1].decode(errors="replace"),
                    answers["direct java"][1].decode(errors="replace")))
    stats = {}
    for name, t in times.items():
        t.sort()
        stats[name] = (statistics.median(t), percentile(t, 0.95))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("benchmark %s: ./jbang p50 %.2f s, p95 %.2f s; direct java p50 %.2f s, p95 %.2f s; ratio %.2f "
          "(%d runs each, interleaved; exit %d; load %.1f on %d cores)"
          % (label, stats["./jbang"][0], stats["./jbang"][1], stats["direct java"][0], stats["direct java"][1],
             stats["./jbang"][0] / stats["direct java"][0], runs, answers["./jbang"][0], load, os.cpu_count() or 0), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
