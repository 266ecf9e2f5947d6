"""A small latency bench on 127.0.0.1: p50/p95 of listing tasks, creating a task and one
offline chat turn, against a running backend. Bounded: COUNT requests per operation with
CONCURRENCY clients, and never longer than MAX_SECONDS per operation.

    python bench.py http://127.0.0.1:8000 [COUNT] [CONCURRENCY]
"""
from __future__ import annotations

import statistics
import sys
import threading
import time
import uuid

import httpx

MAX_SECONDS = 90.0


def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def run(name, fn, count, concurrency):
    lat, errors, lock = [], [], threading.Lock()
    next_i = iter(range(count))
    deadline = time.monotonic() + MAX_SECONDS

    def worker():
        with httpx.Client(timeout=30) as c:
            while time.monotonic() < deadline:
                with lock:
                    i = next(next_i, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                r = fn(c, i)
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    (lat if r.status_code < 400 else errors).append(dt if r.status_code < 400 else r.status_code)

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    print(f"{name:<22} n={len(lat):<4} errors={len(errors):<3} p50={pct(lat, 50):7.1f} ms  "
          f"p95={pct(lat, 95):7.1f} ms  mean={statistics.mean(lat):7.1f} ms  {len(lat) / wall:6.1f} req/s")
    if errors:
        raise SystemExit(f"{name}: {len(errors)} requests failed (statuses {sorted(set(errors))})")


def main() -> None:
    base = sys.argv[1].rstrip("/")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    conc = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    if not (base.startswith("http://127.0.0.1:") or base.startswith("http://localhost:")):
        raise SystemExit("bench: only 127.0.0.1 may be benchmarked (traffic rule); give http://127.0.0.1:PORT")
    r = httpx.post(f"{base}/api/auth/signup", json={"email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
                                                    "password": "bench-password-1"})
    r.raise_for_status()
    uid, tok = r.json()["user"]["id"], r.json()["access_token"]
    h = {"Authorization": f"Bearer {tok}"}
    with httpx.Client() as c:
        for i in range(20):  # a realistic list to read back
            c.post(f"{base}/api/{uid}/tasks", headers=h, json={"title": f"seed task {i}"}).raise_for_status()
    print(f"bench: {base}, {count} requests per operation, {conc} concurrent clients, 20 seeded tasks")
    run("list tasks (GET)", lambda c, i: c.get(f"{base}/api/{uid}/tasks", headers=h), count, conc)
    run("create task (POST)", lambda c, i: c.post(f"{base}/api/{uid}/tasks", headers=h,
                                                  json={"title": f"bench task {i}"}), count, conc)
    run("offline chat turn", lambda c, i: c.post(f"{base}/api/{uid}/chat", headers=h,
                                                 json={"message": f"add a task to bench item {i}"}),
        max(1, count // 2), conc)


if __name__ == "__main__":
    main()
