// After `next build`: copies what the standalone server serves but does not trace
// (.next/static and public/) into .next/standalone, as Next.js's with-docker example does,
// plus scripts/graceful.cjs, so that `node --require ./graceful.cjs server.js` there is the whole app.
import { cpSync, existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const standalone = join(root, ".next", "standalone");
if (!existsSync(join(standalone, "server.js"))) {
  console.error("assemble-standalone: .next/standalone/server.js is missing; run `next build` with output: 'standalone' first");
  process.exit(1);
}
for (const [from, to] of [
  [join(root, ".next", "static"), join(standalone, ".next", "static")],
  [join(root, "public"), join(standalone, "public")],
  // the graceful shutdown, loaded before server.js (node --require ./graceful.cjs server.js)
  [join(root, "scripts", "graceful.cjs"), join(standalone, "graceful.cjs")],
]) {
  rmSync(to, { recursive: true, force: true });
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
console.log("assemble-standalone: .next/standalone is ready (cd .next/standalone && node --require ./graceful.cjs server.js)");
