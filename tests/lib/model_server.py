#!/usr/bin/env python3
"""A scripted OpenAI-compatible model server on 127.0.0.1 (or --host), in place of a hosted LLM in the tests.

    python3 tests/lib/model_server.py --script SCRIPT.json --record CALLS.jsonl --port-file PORT

It answers POST .../chat/completions (streamed as server-sent events when the request asks for
`stream`, else one JSON answer) with the next step of its script, and records every request it
gets, whole, as one JSON line. A test points kubectl-ai (`--llm-provider openai`, OPENAI_ENDPOINT)
or any other OpenAI client at it, then reads the record: what tools the client offered, with
their descriptions, and what it sent back from them.

The script is a JSON list of steps, used in order, one per request:

    [{"expect": ["text the request must contain", ...],          optional
      "reply": {"content": "an answer",                          optional
                "tool_calls": [{"name": "kubectl", "arguments": {"command": "kubectl get pods"}}],
                "delay": 5}}]                                            optional, seconds (at most 60)

A request that does not contain what its step expects, or one past the end of the script, gets
HTTP 500 and is recorded with "unexpected": the test fails on it (check_record below, or by
reading the record). Nothing here calls any other address.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Script:
    def __init__(self, steps, record):
        self.steps = steps
        self.record = record
        self.lock = threading.Lock()
        self.next = 0

    def take(self, body):
        with self.lock:
            n = self.next
            self.next += 1
            entry = {"n": n, "time": time.time(), "request": body}
            problem = None
            if n >= len(self.steps):
                problem = f"request {n + 1} is past the end of the script ({len(self.steps)} steps)"
            else:
                text = json.dumps(body)
                missing = [e for e in self.steps[n].get("expect", []) if e not in text and json.dumps(e)[1:-1] not in text]
                if missing:
                    problem = f"request {n + 1} lacks what its step expects: {missing}"
            if problem:
                entry["unexpected"] = problem
            with open(self.record, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")
            return (None, problem) if problem else (self.steps[n].get("reply", {}), None)


def tool_calls(reply, n):
    return [{"id": f"call_{n}_{i}", "type": "function",
             "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments", {}))}}
            for i, c in enumerate(reply.get("tool_calls", []))]


class Handler(BaseHTTPRequestHandler):
    script: Script = None
    model = "scripted"

    def log_message(self, fmt, *args):  # quiet: the record is the log
        pass

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            return self.send_json(200, {"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "tests"}]})
        self.send_json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self.send_json(400, {"error": {"message": "not JSON"}})
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self.send_json(404, {"error": {"message": f"no route {self.path}"}})
        reply, problem = self.script.take(body)
        if problem:
            return self.send_json(500, {"error": {"message": "scripted model server: " + problem, "type": "server_error"}})
        time.sleep(min(float(reply.get("delay", 0)), 60))  # a slow model, for a test that interrupts its client (bounded)
        n = self.script.next
        calls = tool_calls(reply, n)
        content = reply.get("content")
        finish = "tool_calls" if calls else "stop"
        created = int(time.time())
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            base = {"id": f"chatcmpl-{n}", "object": "chat.completion.chunk", "created": created, "model": body.get("model", self.model)}
            chunks = [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]
            if content:
                chunks.append({"index": 0, "delta": {"content": content}, "finish_reason": None})
            for i, c in enumerate(calls):
                chunks.append({"index": 0, "delta": {"tool_calls": [dict(c, index=i)]}, "finish_reason": None})
            chunks.append({"index": 0, "delta": {}, "finish_reason": finish})
            for ch in chunks:
                self.wfile.write(b"data: " + json.dumps(dict(base, choices=[ch])).encode() + b"\n\n")
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            return
        message = {"role": "assistant", "content": content}
        if calls:
            message["tool_calls"] = calls
        self.send_json(200, {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": created, "model": body.get("model", self.model),
                             "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                             "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

    def send_json(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--script", required=True, help="JSON list of steps")
    ap.add_argument("--record", required=True, help="JSON lines: every request, as received")
    ap.add_argument("--host", default="127.0.0.1",
                    help="the address to listen on: 127.0.0.1, or the test cluster's node address for pods (tests/e2e/kagent.sh)")
    ap.add_argument("--port", type=int, default=0, help="0: a free port (written to --port-file)")
    ap.add_argument("--port-file", help="where to write the port once listening")
    ap.add_argument("--lifetime", type=float, default=600, help="seconds before the server stops by itself")
    a = ap.parse_args()
    with open(a.script, encoding="utf-8") as f:
        Handler.script = Script(json.load(f), a.record)
    srv = ThreadingHTTPServer((a.host, a.port), Handler)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(tmp, a.port_file)
    threading.Timer(a.lifetime, srv.shutdown).start()  # bounded: it never outlives its test
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
