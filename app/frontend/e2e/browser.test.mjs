// The browser test: Debian's Chromium, driven by playwright-core, against a running Taskora
// (frontend at BASE_URL, default http://127.0.0.1:3000, with its backend and MCP server).
//
//   BASE_URL=http://127.0.0.1:3000 node e2e/browser.test.mjs
//
// Signs up a fresh user, adds a task on the task page, asks the assistant "add a task to buy
// milk", sees the answer and its add_task tool call, sees the new task on the task page, resumes
// the conversation after a reload, completes, filters, edits and deletes tasks, logs out.
// On failure it saves a screenshot and the page's HTML under e2e/artifacts/.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 20_000);
const CHAT_TIMEOUT = Number(process.env.E2E_CHAT_TIMEOUT_MS ?? 60_000);
const artifacts = join(dirname(fileURLToPath(import.meta.url)), "artifacts");

if (!/^https?:\/\/[^/]+$/.test(BASE_URL)) {
  console.error(`browser test: BASE_URL=${BASE_URL} is not an origin; set it like http://127.0.0.1:3000`);
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`browser test: no Chromium at ${CHROMIUM}; install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  process.exit(2);
}

const results = [];
let currentStep = "start";
async function step(name, fn) {
  currentStep = name;
  const t0 = Date.now();
  await fn();
  results.push({ name, ms: Date.now() - t0 });
  console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
}

function fail(msg) {
  throw new Error(msg);
}

const profile = mkdtempSync(join(tmpdir(), "taskora-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1200, height: 900 },
});
context.setDefaultTimeout(TIMEOUT);
const page = context.pages()[0] ?? (await context.newPage());

// Everything the page loads must come from the frontend's own origin (no CDNs, no web fonts,
// no direct calls to the backend).
const foreign = [];
const pageErrors = [];
const origin = new URL(BASE_URL).origin;
page.on("request", (r) => {
  const u = r.url();
  if (!u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:")) foreign.push(u);
});
page.on("pageerror", (e) => pageErrors.push(String(e)));

const email = `e2e-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
const password = "correct-horse-battery";
const t0 = Date.now();
let failed = null;

try {
  await step("visiting /tasks without a session leads to /login", async () => {
    await page.goto(`${BASE_URL}/tasks`);
    await page.waitForURL(/\/login\?next=%2Ftasks$/);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
  });

  await step("sign up", async () => {
    await page.goto(`${BASE_URL}/signup`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${BASE_URL}/tasks`);
    await page.getByRole("heading", { name: "Your tasks" }).waitFor();
    await page.getByTestId("no-tasks").waitFor();
    const cookies = await context.cookies(BASE_URL);
    const session = cookies.find((c) => c.name === "taskora_session");
    if (!session || !session.httpOnly) fail("no httpOnly taskora_session cookie after sign-up");
    if (await page.evaluate(() => document.cookie.includes("taskora_session"))) fail("the session cookie is readable from JavaScript");
  });

  await step("add a task on the task page", async () => {
    await page.getByLabel("Title", { exact: true }).fill("Water the plants");
    await page.getByLabel("Description (optional)").fill("the ferns first");
    await page.getByRole("button", { name: "Add task" }).click();
    if (await page.locator(".error[role=alert]").isVisible()) fail(`adding a task showed an error: ${await page.locator(".error[role=alert]").innerText()}`);
    await page.getByTestId("task").filter({ hasText: "Water the plants" }).waitFor();
    if ((await page.getByTestId("task").count()) !== 1) fail("expected exactly one task after adding one");
  });

  let conversationId = "";
  await step('chat: "add a task to buy milk" answers with its add_task tool call', async () => {
    await page.getByRole("link", { name: "Chat" }).click();
    await page.waitForURL(/\/chat/);
    await page.getByLabel("Message", { exact: true }).fill("add a task to buy milk");
    await page.getByRole("button", { name: "Send" }).click();
    const answer = page.getByTestId("message-assistant").last();
    const alert = page.locator(".error[role=alert]");
    await answer.or(alert).first().waitFor({ timeout: CHAT_TIMEOUT });
    if (await alert.isVisible()) fail(`the chat showed an error: ${await alert.innerText()}`);
    const call = answer.getByTestId("tool-call").filter({ has: page.locator("code", { hasText: /^add_task$/ }) });
    await call.waitFor();
    const args = await call.innerText();
    if (!/buy milk/i.test(args)) fail(`the add_task call does not carry the title 'buy milk': ${args}`);
    const text = (await answer.innerText()).trim();
    if (!/milk/i.test(text)) fail(`the assistant's answer does not mention milk: ${text}`);
    conversationId = (await page.getByTestId("conversation-id").getAttribute("data-conversation-id")) ?? "";
    if (!/^\d+$/.test(conversationId)) fail(`no conversation id shown after the first answer (got '${conversationId}')`);
    if (!page.url().includes(`c=${conversationId}`)) fail(`the URL does not keep the conversation: ${page.url()}`);
  });

  await step("the conversation resumes after a reload (history from the backend)", async () => {
    await page.goto(`${BASE_URL}/chat`); // no ?c=: the id comes back from localStorage
    await page.getByTestId("message-user").filter({ hasText: "add a task to buy milk" }).waitFor();
    await page.getByTestId("message-assistant").getByTestId("tool-call").filter({ hasText: "add_task" }).first().waitFor();
    const shown = await page.getByTestId("conversation-id").getAttribute("data-conversation-id");
    if (shown !== conversationId) fail(`resumed conversation ${shown}, expected ${conversationId}`);
    await page.getByRole("button", { name: /add a task to buy milk|Conversation \d+/ }).first().waitFor();
  });

  await step("the chat's task is on the task page", async () => {
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.waitForURL(`${BASE_URL}/tasks`);
    await page.getByTestId("task").filter({ hasText: /buy milk/i }).waitFor();
    await page.getByTestId("task").filter({ hasText: "Water the plants" }).waitFor();
    const n = await page.getByTestId("task").count();
    if (n !== 2) fail(`expected 2 tasks, the page shows ${n}`);
  });

  await step("complete a task and filter by status", async () => {
    const milk = page.getByTestId("task").filter({ hasText: /buy milk/i });
    await milk.getByRole("checkbox", { name: /Mark as complete/ }).click();
    await page.locator('[data-testid="task"][data-completed="true"]').filter({ hasText: /buy milk/i }).waitFor();
    await page.getByTestId("filter-completed").click();
    await page.locator('[data-testid="task"]').filter({ hasText: "Water the plants" }).waitFor({ state: "detached" });
    if ((await page.getByTestId("task").count()) !== 1) fail("the Completed filter does not show exactly the completed task");
    await page.getByTestId("task").filter({ hasText: /buy milk/i }).waitFor();
    await page.getByTestId("filter-pending").click();
    await page.getByTestId("task").filter({ hasText: /buy milk/i }).waitFor({ state: "detached" });
    await page.getByTestId("task").filter({ hasText: "Water the plants" }).waitFor();
    if ((await page.getByTestId("task").count()) !== 1) fail("the Pending filter does not show exactly the pending task");
    await page.getByTestId("filter-all").click();
    await page.getByTestId("task").nth(1).waitFor();
  });

  await step("edit a task, then delete it", async () => {
    await page.getByRole("button", { name: "Edit: Water the plants" }).click();
    const title = page.getByRole("form", { name: "Edit task Water the plants" }).getByLabel("Title");
    await title.fill("Water the garden");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("task-title").filter({ hasText: /^Water the garden$/ }).waitFor();
    await page.getByRole("button", { name: "Delete: Water the garden" }).click();
    await page.getByTestId("task").filter({ hasText: "Water the garden" }).waitFor({ state: "detached" });
    if ((await page.getByTestId("task").count()) !== 1) fail("after the delete one task should remain");
  });

  await step("log out ends the session", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login/);
    const cookies = await context.cookies(BASE_URL);
    if (cookies.some((c) => c.name === "taskora_session" && c.value)) fail("the session cookie survived log-out");
    await page.goto(`${BASE_URL}/tasks`);
    await page.waitForURL(/\/login/);
  });

  await step("log in with a ?next= to another origin stays here (no open redirect)", async () => {
    // Requests to other origins are answered here and recorded, never sent (tests talk only to 127.0.0.1).
    const escaped = [];
    await context.route((url) => url.origin !== origin, (route) => {
      escaped.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html", body: "<h1>elsewhere</h1>" });
    });
    try {
      for (const next of ["/\\evil.example/x", "//evil.example", "/\\/evil.example", "https://evil.example/"]) {
        await page.goto(`${BASE_URL}/login?next=${encodeURIComponent(next)}`);
        await page.getByLabel("Email").fill(email);
        await page.getByLabel("Password").fill(password);
        await page.getByRole("button", { name: "Log in" }).click();
        await page.waitForURL((u) => u.origin !== origin || !u.pathname.startsWith("/login"));
        const at = new URL(page.url());
        if (at.origin !== origin) fail(`?next=${next} sent the browser to ${page.url()}`);
        if (at.pathname !== "/tasks") fail(`?next=${next} led to ${page.url()}`);
        await page.getByRole("button", { name: "Log out" }).click();
        await page.waitForURL(/\/login/);
      }
      await page.goto(`${BASE_URL}/login?next=${encodeURIComponent("/chat?c=1#x")}`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(`${BASE_URL}/chat?c=1#x`);
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(/\/login/);
      if (escaped.length) fail(`the page went to other origins: ${escaped.join(", ")}`);
    } finally {
      await context.unrouteAll().catch(() => {});
    }
  });

  await step("log back in: the task is still there", async () => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${BASE_URL}/tasks`);
    await page.getByTestId("task").filter({ hasText: /buy milk/i }).waitFor();
  });

  await step("the page loaded nothing from other origins and threw no errors", async () => {
    if (foreign.length) fail(`requests to other origins: ${foreign.slice(0, 5).join(", ")}`);
    if (pageErrors.length) fail(`errors in the page: ${pageErrors.slice(0, 3).join(" | ")}`);
  });
} catch (err) {
  failed = err;
  try {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "failure.png"), fullPage: true });
    writeFileSync(join(artifacts, "failure.html"), await page.content());
  } catch {
    // the page itself may be gone
  }
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

if (failed) {
  console.error(`  FAIL ${currentStep}: ${failed.message.split("\n")[0]}`);
  console.error(`       at ${page.url()}; screenshot and HTML in ${artifacts}/`);
  process.exit(1);
}
console.log(`browser test: ${results.length} steps passed in ${((Date.now() - t0) / 1000).toFixed(1)} s (user ${email})`);
