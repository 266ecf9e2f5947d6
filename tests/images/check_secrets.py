#!/usr/bin/env python3
"""check_secrets.py IMAGE [VALUE...]: fails when an image's metadata holds a secret.

Looks at `docker image inspect` (Env, Labels, Cmd, Entrypoint, ...) and every `docker history`
line (which shows each RUN with its build args) for
  - any of the given VALUEs (the secrets the test run used at run time), verbatim;
  - NAME=value pairs whose NAME looks like a credential (password, secret, token, api key, ...)
    with a non-empty value;
  - well-known credential shapes (private key blocks, AWS access keys, OpenAI-style sk- keys,
    URLs with a password).
Prints one line per finding; exit 1 when there is any, 0 otherwise.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

SECRET_NAME = re.compile(r"(?i)(pass(word|wd)?|secret|token|api[_-]?key|credential|private[_-]?key)")
PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*)=(\"[^\"]*\"|'[^']*'|[^\s\"']*)")
SHAPES = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key block"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{20,}\b"), "an sk- API key"),
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL with a password"),
]
# Build-time mounts are named in history lines but hold no value: not findings.
ALLOWED_NAMES = {"--mount=type", "id", "target"}


def texts(image: str) -> list[tuple[str, str]]:
    inspect = json.loads(subprocess.run(["docker", "image", "inspect", image], check=True,
                                        capture_output=True, text=True).stdout)[0]
    cfg = inspect.get("Config") or {}
    out = [(f"ENV {e}", e) for e in cfg.get("Env") or []]
    out += [(f"LABEL {k}", f"{k}={v}") for k, v in (cfg.get("Labels") or {}).items()]
    for key in ("Cmd", "Entrypoint", "OnBuild"):
        if cfg.get(key):
            out.append((key, " ".join(cfg[key])))
    if (cfg.get("Healthcheck") or {}).get("Test"):
        out.append(("HEALTHCHECK", " ".join(cfg["Healthcheck"]["Test"])))
    hist = subprocess.run(["docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image],
                          check=True, capture_output=True, text=True).stdout.splitlines()
    out += [(f"history: {line[:90]}", line) for line in hist]
    return out


def findings(items: list[tuple[str, str]], values: list[str]) -> list[str]:
    found = []
    for where, text in items:
        for v in values:
            if v and v in text:
                found.append(f"{where}: contains a secret value used by the test run")
        for name, value in PAIR.findall(text):
            value = value.strip("\"'")
            if name in ALLOWED_NAMES or not value:
                continue
            if SECRET_NAME.search(name):
                found.append(f"{where}: {name} has a value")
        for shape, what in SHAPES:
            if shape.search(text):
                found.append(f"{where}: looks like {what}")
    return found


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: check_secrets.py IMAGE [SECRET_VALUE...]", file=sys.stderr)
        return 2
    image, values = sys.argv[1], sys.argv[2:]
    found = findings(texts(image), values)
    for f in found:
        print(f"{image}: {f}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
