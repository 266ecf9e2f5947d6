// Starts the built standalone frontend (`npm run start`'s script) on a free 127.0.0.1 port for a
// test, and stops it. BACKEND_URL is given here, at run time: the build never saw it.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startFrontend({ backendUrl, env = {} }) {
  const port = await freePort();
  // No drain on stop unless a test asks for one (SHUTDOWN_DRAIN_SECONDS, scripts/graceful.cjs).
  const childEnv = { ...process.env, PORT: String(port), HOSTNAME: "127.0.0.1", SHUTDOWN_DRAIN_SECONDS: "0", ...env };
  if (backendUrl === undefined) delete childEnv.BACKEND_URL;
  else childEnv.BACKEND_URL = backendUrl;
  const child = spawn(process.execPath, [join(root, "scripts", "start.mjs")], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the frontend exited (${child.exitCode}) before answering:\n${output}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the frontend did not answer /api/health within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    url,
    output: () => output,
    signal: (sig) => child.kill(sig),
    exited,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
