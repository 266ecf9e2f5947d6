// `npm run start`: runs the standalone server built by `npm run build`, with its graceful
// shutdown (graceful.cjs: drain on SIGTERM, as in the image).
// PORT (default 3000) and HOSTNAME (default 0.0.0.0) choose where it listens; BACKEND_URL is
// read by the server at run time.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const server = join(dirname(fileURLToPath(import.meta.url)), "..", ".next", "standalone", "server.js");
if (!existsSync(server)) {
  console.error(`start: ${server} is missing; run \`npm run build\` first`);
  process.exit(1);
}
const port = process.env.PORT ?? "3000";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`start: PORT=${port} is not a port number; set PORT to 1-65535`);
  process.exit(2);
}
process.env.PORT = port;
process.env.HOSTNAME = process.env.HOSTNAME || "0.0.0.0";
process.env.NEXT_TELEMETRY_DISABLED = "1";
if (!process.env.BACKEND_URL) {
  console.warn("start: BACKEND_URL is not set; /api/* will answer 502 until it is (e.g. BACKEND_URL=http://127.0.0.1:8000)");
}
createRequire(import.meta.url)(join(dirname(server), "graceful.cjs"));
await import(server);
