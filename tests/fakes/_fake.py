"""Shared plumbing of the fake tools: argv recording and a JSON state file.

Every fake appends {"tool": ..., "argv": [...]} as one JSON line to $TASKORA_FAKE_STATE/calls.jsonl
and keeps what it "created" in $TASKORA_FAKE_STATE/state.json, so a test can assert on both and
several fakes (minikube, kubectl, helm) see one consistent little world.
"""
import json
import os
import sys

STATE_DIR = os.environ.get("TASKORA_FAKE_STATE") or os.path.join(
    os.environ.get("TMPDIR", "/tmp"), "taskora-fake-state-%d" % os.getuid())


def record(tool, argv):
    os.makedirs(STATE_DIR, exist_ok=True)
    # The docker-env variables a call ran with: they belong to docker's commands only.
    env = {k: os.environ[k] for k in ("DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "MINIKUBE_ACTIVE_DOCKERD") if k in os.environ}
    with open(os.path.join(STATE_DIR, "calls.jsonl"), "a") as f:
        f.write(json.dumps({"tool": tool, "argv": argv, "env": env}) + "\n")


def load():
    try:
        with open(os.path.join(STATE_DIR, "state.json")) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def save(state):
    os.makedirs(STATE_DIR, exist_ok=True)
    # (one temporary file per process: ai-ops runs several fakes at once, and a shared name let one
    # fake's rename find the file already gone, failing a read-only call after its output)
    tmp = os.path.join(STATE_DIR, "state.json.%d.tmp" % os.getpid())
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(STATE_DIR, "state.json"))


def flag(argv, *names, default=None):
    """Value of --name=value, --name value or -n value."""
    for i, a in enumerate(argv):
        for n in names:
            if a == n and i + 1 < len(argv):
                return argv[i + 1]
            if a.startswith(n + "="):
                return a[len(n) + 1:]
    return default


def die(msg, code=1):
    sys.stderr.write(msg + "\n")
    sys.exit(code)
