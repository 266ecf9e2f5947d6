"""Scores rendered manifests with kube-score and fails on any critical finding that
tests/chart/kube-score.yaml does not justify. Run by tests/chart/run.

    python kube_score.py KUBE_SCORE RULES.yaml RENDER.yaml...

Prints, per render, the checks that passed, warned and were ignored; exits 1 on a critical
finding that is not ignored, or on an ignore rule that matched nothing (stale).
"""
import json
import pathlib
import subprocess
import sys

import yaml

CRITICAL, WARNING = 1, 5


def score(kube_score, path):
    proc = subprocess.run([kube_score, "score", "--kubernetes-version", "v1.33", "--output-format", "json",
                           "--disable-ignore-checks-annotations", str(path)], capture_output=True, text=True)
    # kube-score exits 1 when it finds a critical problem; anything else is its own failure
    if proc.returncode not in (0, 1):
        raise SystemExit(f"kube_score.py: kube-score failed on {path} (exit {proc.returncode}): {proc.stderr.strip()}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        raise SystemExit(f"kube_score.py: kube-score's JSON output for {path} is unreadable ({e}): {proc.stdout[:200]!r}")


def main(kube_score, rules_path, renders):
    rules = yaml.safe_load(pathlib.Path(rules_path).read_text())["ignore"]
    for r in rules:
        if not r.get("reason", "").strip():
            raise SystemExit(f"kube_score.py: the ignore of {r.get('check')} in {rules_path} has no reason")
    used = [0] * len(rules)
    bad = 0
    for path in renders:
        ok = warned = ignored = 0
        for obj in score(kube_score, path):
            component = ((obj.get("object_meta") or {}).get("labels") or {}).get("app.kubernetes.io/component")
            where = obj["object_name"]
            for c in obj["checks"]:
                if c["skipped"]:
                    continue
                check_id = c["check"]["id"]
                if c["grade"] > WARNING:
                    ok += 1
                    continue
                comments = "; ".join(f"({x.get('path') or '-'}) {x['summary']}" for x in c.get("comments") or [])
                if c["grade"] == WARNING:
                    warned += 1
                    print(f"  warning  {pathlib.Path(path).stem}: {where}: {check_id}: {comments}")
                    continue
                match = [i for i, r in enumerate(rules)
                         if r["check"] == check_id and (not r.get("components") or component in r["components"])]
                if match:
                    ignored += 1
                    for i in match:
                        used[i] += 1
                else:
                    bad += 1
                    print(f"  CRITICAL {pathlib.Path(path).stem}: {where}: {check_id}: {comments}")
        print(f"kube-score {pathlib.Path(path).stem}: {ok} ok, {warned} warnings, {ignored} critical ignored (justified)")
    for r, n in zip(rules, used):
        if n == 0:
            bad += 1
            print(f"  stale ignore in {rules_path}: {r['check']} {r.get('components', '')} matched nothing: remove it")
    print(f"kube-score: {len(renders)} renders, {bad} unjustified critical finding(s) or stale ignore(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
