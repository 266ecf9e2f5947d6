#!/usr/bin/env python3
"""The load generator against a scripted frontend on 127.0.0.1: what it counts is what happened.

    python3 tests/resilience/test_loadgen.py        (tests/resilience/run runs it first)

The scripted frontend answers like the real one, except: task lists answer 503 between 0.5 s
and 1.0 s into the load, chats close the connection without answering, and one create in ten
(after 1.4 s) takes longer than the load's timeout. The test checks the counts by kind, that every task the
server created and answered 201 for is among the acknowledged ids (and nothing else), the
failure windows, and that the load stops on time. Timeouts are 1.5 s, so that a busy machine
does not make the counts wrong.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import time
import unittest
from contextlib import redirect_stdout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen  # noqa: E402


class Frontend(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Node's server
    t0 = 0.0
    lock = threading.Lock()
    created: list[int] = []   # ids answered with 201
    slow: list[int] = []      # ids created but answered too late (not acknowledged)
    counts: dict[str, int] = {}

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status, body=None, cookie=False):
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        if cookie:
            self.send_header("set-cookie", "taskora_session=tok; Path=/; Max-Age=86400; HttpOnly; SameSite=lax")
        self.end_headers()
        self.wfile.write(raw)

    def _count(self, kind):
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            return self.counts[kind]

    def do_GET(self):
        if self.path.startswith("/api/tasks"):
            if "taskora_session=tok" not in (self.headers.get("cookie") or ""):
                return self._send(401, {"detail": "not logged in"})
            self._count("list")
            if 0.5 <= time.monotonic() - self.t0 < 1.0:
                return self._send(503, {"detail": "the database is unavailable"})
            return self._send(200, [])
        self._send(404, {"detail": "Not Found"})

    def do_POST(self):
        n = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(n) or b"{}")
        if self.path == "/api/auth/signup":
            return self._send(201, {"user": {"id": "u", "email": body["email"]}}, cookie=True)
        if self.path == "/api/auth/login":
            self._count("login")
            return self._send(200, {"user": {"id": "u", "email": body["email"]}}, cookie=True)
        if self.path == "/api/tasks":
            k = self._count("create")
            if k % 10 == 0 and time.monotonic() - self.t0 > 1.4:  # after the lists' outage
                with self.lock:
                    self.slow.append(1000 + k)
                time.sleep(2.0)  # past the load's 1.5 s timeout: stored, but never acknowledged
                return self._send(201, {"id": 1000 + k, "title": body["title"]})
            with self.lock:
                self.created.append(1000 + k)
            return self._send(201, {"id": 1000 + k, "title": body["title"]})
        if self.path == "/api/chat":
            self._count("chat")
            self.close_connection = True  # no answer at all
            return
        self._send(404, {"detail": "Not Found"})


class LoadgenTest(unittest.TestCase):
    def test_counts_what_happened(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Frontend)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        Frontend.t0 = time.monotonic() + 0.05  # about when the signed-up users start the load
        out = io.StringIO()
        started = time.monotonic()
        try:
            with redirect_stdout(out):
                rc = loadgen.main(["--url", url, "--rate", "100", "--duration", "2", "--timeout", "1.5",
                                   "--users", "2", "--run-id", "t1", "--merge-gap", "0.2"])
        finally:
            server.shutdown()
        took = time.monotonic() - started
        self.assertEqual(rc, 0)
        r = json.loads(out.getvalue().strip().splitlines()[-1])
        self.assertEqual(r["requests"], 200)
        self.assertEqual(r["unanswered"], 0)
        self.assertLess(took, 2 + 2 * 1.5 + 3, "the load stops on its own, on time")
        kinds = r["by_kind"]
        self.assertEqual(sum(k["requests"] for k in kinds.values()), 200)
        # lists: the 503s of the scripted outage, nothing else
        self.assertGreater(kinds["list"]["failures"].get("http_503", 0), 5)
        self.assertLessEqual(set(kinds["list"]["failures"]), {"http_503", "timeout"})  # timeouts: a busy machine
        # chats: a connection closed without an answer is a connection error (after the one
        # resend a browser makes on a reused connection)
        self.assertEqual(kinds["chat"]["failed"], kinds["chat"]["requests"])
        self.assertEqual(set(kinds["chat"]["failures"]), {"connection_error"})
        self.assertGreater(r["stale_retries"], 0)
        # creates: the slow tenth ones are timeouts, never acknowledged; every acknowledged id is
        # one the server answered 201 for, and each other one is a timeout the load counted
        acked, timeouts = set(r["acknowledged_task_ids"]), kinds["create"]["failures"].get("timeout", 0)
        self.assertTrue(Frontend.slow)
        self.assertEqual(set(kinds["create"]["failures"]), {"timeout"})
        self.assertEqual(len(acked), len(r["acknowledged_task_ids"]), "no id twice")
        self.assertLessEqual(acked, set(Frontend.created))
        self.assertFalse(acked & set(Frontend.slow))
        self.assertEqual(len(acked) + timeouts, len(Frontend.created) + len(Frontend.slow))
        self.assertEqual(len(acked), kinds["create"]["ok"])
        self.assertEqual(kinds["login"]["failed"], 0)
        # the outage of the lists is one window, 0.5 s to 1.0 s in, with its recovery after it
        self.assertEqual(r["task_api"]["requests"], kinds["list"]["requests"] + kinds["create"]["requests"])
        api = [w for w in r["failure_windows"]["api"] if "http_503" in w["kinds"]]
        self.assertEqual(len(api), 1, r["failure_windows"]["api"])
        self.assertEqual(api[0]["kinds"]["http_503"], kinds["list"]["failures"]["http_503"], api)
        self.assertTrue(0.35 <= api[0]["from_s"] <= 0.8 and api[0]["to_s"] >= 0.9, api)
        self.assertTrue(api[0]["recovered_s"] is not None and api[0]["recovered_s"] >= 0.9, api)
        self.assertIsNotNone(r["latency_ms"]["p95"])
        # the first failures of each outcome, with what the answer said and who said it
        samples = r["failure_samples"]
        self.assertEqual(set(samples), set(r["failures"]))
        self.assertTrue(all(1 <= len(v) <= 5 for v in samples.values()), samples)
        first_503 = samples["http_503"][0]
        self.assertEqual(first_503["kind"], "list")
        self.assertIn("the database is unavailable", first_503["said"])
        self.assertIn("server: BaseHTTP", first_503["said"])
        self.assertTrue(samples["connection_error"][0]["said"].startswith("RemoteDisconnected"), samples)

    def test_bad_arguments_are_one_line(self):
        p = subprocess.run([sys.executable, str(Path(loadgen.__file__)), "--url", "ftp://x", "--rate", "0"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("give an http:// URL", p.stderr)
        p = subprocess.run([sys.executable, str(Path(loadgen.__file__)), "--url", "http://x", "--rate", "1000",
                            "--duration", "3600"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("keep the load bounded", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
