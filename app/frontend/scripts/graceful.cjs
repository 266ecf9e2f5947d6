// Graceful shutdown for the standalone Next.js server, loaded before it (it also records each
// request's peer address in the x-taskora-peer header, for the login throttling):
//
//   node --require ./graceful.cjs server.js        (the image; `npm run start` loads it too)
//
// Next.js's own SIGTERM handler stops accepting connections at once. In Kubernetes the Service
// (kube-proxy, an ingress controller) keeps sending new connections to a stopping pod for a
// moment, and clients keep reusing their keep-alive connections to it: those requests fail. So
// Next.js is told to leave the signals alone (NEXT_MANUAL_SIG_HANDLE) and, on SIGTERM or SIGINT:
//   1. readiness fails at once: GET /api/ready answers 503 {"status": "draining"}, and every
//      answer carries `Connection: close`, so keep-alive clients reconnect to another pod;
//   2. the server keeps serving for SHUTDOWN_DRAIN_SECONDS (default 5), while the pod leaves the
//      Service's endpoints;
//   3. it stops accepting connections, lets the requests in flight finish (at most
//      SHUTDOWN_TIMEOUT_SECONDS, default 20) and exits 0.
// A second signal exits at once. The pod's terminationGracePeriodSeconds must cover the drain
// plus the longest request (the chart gives SHUTDOWN_DRAIN_SECONDS + 25 s).
"use strict";
const http = require("node:http");

const DRAINING = Symbol.for("taskora.draining"); // read by the /api/ready route
const PEER_HEADER = "x-taskora-peer"; // read by src/lib/client-address.ts

function seconds(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`graceful: ${name}=${raw} is not a number of seconds; set it to e.g. ${fallback}`);
    process.exit(2);
  }
  return v;
}
const drainSeconds = seconds("SHUTDOWN_DRAIN_SECONDS", 5);
const timeoutSeconds = seconds("SHUTDOWN_TIMEOUT_SECONDS", 20);

process.env.NEXT_MANUAL_SIG_HANDLE = "true"; // Next.js installs no SIGTERM/SIGINT handler
globalThis[DRAINING] = false;

// The servers Next.js creates, so that they can be closed after the drain.
const servers = [];
const createServer = http.createServer;
http.createServer = function (...args) {
  const server = createServer.apply(this, args);
  servers.push(server);
  server.prependListener("request", (req, res) => {
    if (globalThis[DRAINING]) res.shouldKeepAlive = false; // `Connection: close` on the answer
    // The connection's peer address, for the login throttling (src/lib/client-address.ts): set
    // here, before Next.js sees the request, over anything the client sent under this name.
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  });
  return server;
};

function log(msg, fields = {}) {
  console.log(JSON.stringify({ ts: new Date().toISOString(), level: "INFO", logger: "taskora.frontend", msg, ...fields }));
}

function stop() {
  let open = servers.length;
  if (open === 0) process.exit(0);
  setTimeout(() => {
    console.error(`graceful: requests still in flight after ${timeoutSeconds} s: exiting`);
    process.exit(1);
  }, timeoutSeconds * 1000).unref();
  // Connections that finish their request after this point would idle as keep-alive ones and
  // hold the close up: close them as soon as they are idle.
  setInterval(() => servers.forEach((server) => server.closeIdleConnections()), 100).unref();
  for (const server of servers) {
    server.close(() => {
      open -= 1;
      if (open === 0) {
        log("stopped: every request finished");
        process.exit(0);
      }
    });
  }
}

let signalled = false;
function onSignal(signal) {
  if (signalled) {
    log("second signal: exiting now", { signal });
    process.exit(signal === "SIGINT" ? 130 : 143);
  }
  signalled = true;
  globalThis[DRAINING] = true;
  log("signal received: readiness fails now, stopping after the drain", { signal, drain_seconds: drainSeconds });
  setTimeout(stop, drainSeconds * 1000);
}
process.on("SIGTERM", () => onSignal("SIGTERM"));
process.on("SIGINT", () => onSignal("SIGINT"));
