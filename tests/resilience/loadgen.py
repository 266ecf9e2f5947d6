#!/usr/bin/env python3
"""A bounded load generator for the resilience suite: the browser's traffic, at a fixed rate.

    python3 loadgen.py --url http://taskora-frontend.taskora.svc:3000 --rate 20 --duration 90

It signs up a few users through the frontend (before the measured window), then sends
rate x duration requests, one every 1/rate seconds whatever the answers (an open loop: a slow
or failing server does not slow the load down), drawn from a fixed mix of what the browser does:
log in, list the tasks, create a task, chat. It stops by itself: the last request is sent at
`duration`, and none waits longer than `--timeout`. The result is one JSON line on stdout:
requests, failures by kind (`http_<status>`, `connection_error`, `timeout`), latency
percentiles, the failure windows (when failures started and when requests succeeded again),
and the id of every task the API acknowledged with 201, so that a check can look for each one
in the database. Progress and errors go to stderr.

Like a browser it keeps connections alive, and like a browser it resends a request once on a
fresh connection when a reused connection turns out to be closed before any answer came back
(counted as `stale_retries`). Nothing else is retried. Only the Python standard library is used,
so it runs in the backend image or any Python 3.9+.
"""
from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import socket
import sys
import threading
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie

# What the browser does, in shares of the requests (the task page lists and adds; a chat now and then).
MIXES = {
    "browse": {"list": 55, "create": 35, "login": 5, "chat": 5},
    "write": {"create": 85, "list": 15},
}
EXPECTED = {"login": 200, "list": 200, "create": 201, "chat": 200}
CHAT_MESSAGE = "What's pending?"  # read-only: the chat's tasks would not be 201-acknowledged ones
PASSWORD = "resilience-load-9"
# A reused keep-alive connection that the server already closed: the errors a browser retries on.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Bounded load through the Taskora frontend; prints one JSON line.")
    p.add_argument("--url", required=True, help="the frontend's base URL, e.g. http://taskora-frontend.taskora.svc:3000")
    p.add_argument("--rate", type=float, default=20.0, help="requests per second (default 20)")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    p.add_argument("--mix", choices=sorted(MIXES), default="browse", help="request mix (default browse)")
    p.add_argument("--users", type=int, default=8, help="users signed up and used in turn (default 8)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds a request may take before it counts as a timeout")
    p.add_argument("--workers", type=int, default=64, help="concurrent connections at most (default 64)")
    p.add_argument("--run-id", default=uuid.uuid4().hex[:8], help="names this run's users and task titles")
    p.add_argument("--merge-gap", type=float, default=3.0,
                   help="failures less than this many seconds apart belong to one failure window (default 3)")
    a = p.parse_args(argv)
    u = urllib.parse.urlsplit(a.url)
    if u.scheme != "http" or not u.hostname:
        p.error(f"--url {a.url!r}: give an http:// URL of the frontend, e.g. http://taskora-frontend:3000")
    problems = [f"--{k} must be > 0" for k in ("rate", "duration", "users", "timeout", "workers") if getattr(a, k) <= 0]
    if a.rate * a.duration > 100_000:
        problems.append("--rate x --duration is above 100000 requests: keep the load bounded")
    if a.duration > 3600:
        problems.append("--duration is above 3600 s: keep the load bounded")
    if problems:
        p.error("; ".join(problems))
    a.host, a.port = u.hostname, u.port or 80
    return a


class User:
    def __init__(self, run_id: str, n: int):
        self.email = f"load-{run_id}-{n}@example.com"
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def cookie_header(self) -> str:
        with self.lock:
            return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def take_cookies(self, headers) -> None:
        for raw in headers.get_all("Set-Cookie") or []:
            c = SimpleCookie()
            c.load(raw)
            with self.lock:
                for k, m in c.items():
                    if m.value == "" or m["max-age"] == "0":
                        self.cookies.pop(k, None)
                    else:
                        self.cookies[k] = m.value


class Client:
    """One keep-alive connection per worker thread, as a browser keeps a few per origin."""

    def __init__(self, args):
        self.args = args
        self.local = threading.local()
        self.stale_retries = 0
        self.lock = threading.Lock()

    def close(self):
        c = getattr(self.local, "conn", None)
        if c is not None:
            c.close()
            self.local.conn = None

    def _conn(self, fresh=False):
        c = getattr(self.local, "conn", None)
        if fresh or c is None:
            if c is not None:
                c.close()
            c = http.client.HTTPConnection(self.args.host, self.args.port, timeout=self.args.timeout)
            self.local.conn, self.local.used = c, 0
        return c

    def request(self, method, path, user: User | None, body=None):
        """(status, headers, parsed JSON or None). Raises OSError/HTTPException on a transport failure."""
        headers = {"accept": "application/json", "user-agent": "taskora-loadgen"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        if user is not None and user.cookies:
            headers["cookie"] = user.cookie_header()
        for attempt in (1, 2):
            conn = self._conn(fresh=attempt == 2)
            reused = self.local.used > 0
            try:
                conn.request(method, path, body=data, headers=headers)
                res = conn.getresponse()
                raw = res.read()
            except STALE:
                conn.close()
                self.local.conn = None
                if reused and attempt == 1:
                    with self.lock:
                        self.stale_retries += 1
                    continue
                raise
            except BaseException:
                conn.close()
                self.local.conn = None
                raise
            self.local.used += 1
            if res.will_close:
                conn.close()
                self.local.conn = None
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            return res.status, res.headers, parsed
        raise AssertionError("unreachable")


def classify(exc: BaseException) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timeout"
    return "connection_error"


def answer_summary(headers, body) -> str:
    """What a failed answer said, and who said it: its detail (the app's error shape) and the
    headers that name the server, so that a failure can be traced to the frontend, the backend
    or something else on the way."""
    detail = body.get("detail") if isinstance(body, dict) else None
    said = json.dumps(detail)[:160] if detail is not None else ("no JSON body" if body is None else json.dumps(body)[:160])
    who = [f"{h}: {headers.get(h)}" for h in ("server", "x-powered-by", "x-request-id") if headers is not None and headers.get(h)]
    return "; ".join([said, *who])


def failure_samples(records, per_outcome=5):
    """The first few failures of each outcome: when, which request, what the answer said."""
    out: dict[str, list] = {}
    for r in sorted((r for r in records if r["outcome"] != "ok"), key=lambda r: r["start"]):
        bucket = out.setdefault(r["outcome"], [])
        if len(bucket) < per_outcome:
            bucket.append({"at_s": round(r["start"], 2), "kind": r["kind"], "said": r["why"]})
    return out


def percentile(sorted_vals, q):
    if not sorted_vals:
        return None
    i = min(len(sorted_vals) - 1, max(0, int(round(q * len(sorted_vals) + 0.5)) - 1))
    return round(sorted_vals[i], 1)


def failure_windows(records, kinds, gap):
    """Failures of `kinds` merged into windows (< gap s apart); each with the first success after it."""
    recs = sorted((r for r in records if r["kind"] in kinds), key=lambda r: r["start"])
    fails = [r for r in recs if r["outcome"] != "ok"]
    windows = []
    for f in fails:
        if windows and f["start"] - windows[-1]["_last_end"] <= gap:
            w = windows[-1]
            w["failures"] += 1
            w["_last_start"] = f["start"]
            w["_last_end"] = max(w["_last_end"], f["end"])
            w["kinds"][f["outcome"]] = w["kinds"].get(f["outcome"], 0) + 1
        else:
            windows.append({"from_s": f["start"], "failures": 1, "_last_start": f["start"], "_last_end": f["end"],
                            "kinds": {f["outcome"]: 1}})
    out = []
    for w in windows:
        nxt = next((r for r in recs if r["outcome"] == "ok" and r["start"] >= w["_last_start"]), None)
        out.append({"from_s": round(w["from_s"], 2), "to_s": round(w["_last_end"], 2), "failures": w["failures"],
                    "kinds": w["kinds"],
                    # the first request sent after the last failure began that succeeded
                    "recovered_s": round(nxt["end"], 2) if nxt else None})
    return out


def summarize(records, kinds):
    recs = [r for r in records if r["kind"] in kinds]
    fails: dict[str, int] = {}
    for r in recs:
        if r["outcome"] != "ok":
            fails[r["outcome"]] = fails.get(r["outcome"], 0) + 1
    return {"requests": len(recs), "ok": len(recs) - sum(fails.values()), "failed": sum(fails.values()),
            "failures": dict(sorted(fails.items()))}


def main(argv=None) -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv)
    client = Client(a)
    users = [User(a.run_id, n) for n in range(a.users)]

    def log(msg):
        print(f"loadgen[{a.run_id}] {msg}", file=sys.stderr, flush=True)

    # --- set-up, outside the measured window: the users sign up (retried while the app starts)
    deadline = time.monotonic() + 120
    for u in users:
        while True:
            try:
                st, hd, _ = client.request("POST", "/api/auth/signup", u, {"email": u.email, "password": PASSWORD})
                if st == 409:  # a rerun with the same --run-id: log in instead
                    st, hd, _ = client.request("POST", "/api/auth/login", u, {"email": u.email, "password": PASSWORD})
                if st in (200, 201):
                    u.take_cookies(hd)
                    break
                why = f"HTTP {st}"
            except (OSError, http.client.HTTPException) as exc:
                why = f"{type(exc).__name__}: {exc}"
            if time.monotonic() > deadline:
                print(json.dumps({"error": f"could not sign up {u.email} through {a.url} within 120 s ({why})",
                                  "run_id": a.run_id}), flush=True)
                return 2
            time.sleep(1)
    client.stale_retries = 0
    log(f"{len(users)} users signed up; {a.rate:g} req/s for {a.duration:g} s, mix {a.mix}")

    # --- the fixed schedule: request i is due at i / rate, its kind drawn from the mix (seeded)
    rng = random.Random(a.run_id)
    mix = MIXES[a.mix]
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=int(a.rate * a.duration))
    records: list[dict] = []
    acked: list[int] = []
    rec_lock = threading.Lock()
    todo: queue.Queue = queue.Queue()
    t0 = time.monotonic()
    started_at = time.time()

    def one(i, kind, due):
        u = users[i % len(users)]
        start = time.monotonic()
        outcome, task_id, why = "ok", None, None
        try:
            if kind == "list":
                st, hd, body = client.request("GET", "/api/tasks?status=all", u)
            elif kind == "create":
                st, hd, body = client.request("POST", "/api/tasks", u,
                                             {"title": f"load {a.run_id} {i}", "description": "resilience suite"})
                if st == 201:
                    task_id = body.get("id") if isinstance(body, dict) else None
                    if not isinstance(task_id, int):
                        outcome = "bad_body"
            elif kind == "login":
                st, hd, body = client.request("POST", "/api/auth/login", u, {"email": u.email, "password": PASSWORD})
                if st == 200:
                    u.take_cookies(hd)
            else:
                st, hd, body = client.request("POST", "/api/chat", u, {"message": CHAT_MESSAGE})
            if st != EXPECTED[kind]:
                outcome = f"http_{st}"
                why = answer_summary(hd, body)
        except (OSError, http.client.HTTPException) as exc:
            outcome, why = classify(exc), f"{type(exc).__name__}: {exc}"[:200]
        end = time.monotonic()
        with rec_lock:
            records.append({"kind": kind, "outcome": outcome, "start": start - t0, "end": end - t0,
                            "ms": (end - start) * 1000, "late": start - due, "why": why})
            if task_id is not None and outcome == "ok":
                acked.append(task_id)

    def worker():
        while True:
            item = todo.get()
            if item is None:
                client.close()
                return
            one(*item)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.workers)]
    for t in threads:
        t.start()
    next_report = 10.0
    for i, kind in enumerate(kinds):
        due = t0 + i / a.rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        todo.put((i, kind, due))
        if due - t0 >= next_report:
            with rec_lock:
                bad = sum(1 for r in records if r["outcome"] != "ok")
            log(f"{due - t0:.0f} s: {len(records)} answered, {bad} failed")
            next_report += 10.0
    for _ in threads:
        todo.put(None)
    # Every request ends within its timeout (twice, with the one stale-connection retry).
    hard_stop = time.monotonic() + 2 * a.timeout + 10
    for t in threads:
        t.join(max(0.0, hard_stop - time.monotonic()))
    with rec_lock:
        recs = list(records)
        ids = sorted(acked)
    unanswered = len(kinds) - len(recs)

    lat = sorted(r["ms"] for r in recs)
    api_kinds = {"login", "list", "create"}
    result = {
        "run_id": a.run_id,
        "url": a.url,
        "mix": a.mix,
        "rate": a.rate,
        "duration_s": a.duration,
        "started_at": round(started_at, 3),
        "elapsed_s": round(time.monotonic() - t0, 2),
        **summarize(recs, set(EXPECTED)),
        "unanswered": unanswered,
        "by_kind": {k: summarize(recs, {k}) for k in EXPECTED if any(r["kind"] == k for r in recs)},
        "api": summarize(recs, api_kinds),
        "task_api": summarize(recs, {"list", "create"}),
        "chat": summarize(recs, {"chat"}),
        "latency_ms": {"p50": percentile(lat, 0.50), "p95": percentile(lat, 0.95), "max": round(lat[-1], 1) if lat else None},
        "late_requests": sum(1 for r in recs if r["late"] > 1.0),
        "stale_retries": client.stale_retries,
        "failure_windows": {"api": failure_windows(recs, api_kinds, a.merge_gap),
                            "create": failure_windows(recs, {"create"}, a.merge_gap),
                            "chat": failure_windows(recs, {"chat"}, a.merge_gap)},
        "failure_samples": failure_samples(recs),
        "acknowledged_task_ids": ids,
    }
    log(f"done: {result['requests']} requests, {result['failed']} failed, {len(ids)} tasks acknowledged")
    print(json.dumps(result, separators=(",", ":")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
