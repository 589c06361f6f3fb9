// Drives Debian's chromium with playwright-core for a .NET test: one JSON command per stdin line, one JSON answer
// per stdout line ({"ok":true,"value":...} or {"ok":false,"error":"..."}), so the test can act between steps.
// argv: <playwright-core package folder> <chromium executable>
import { createRequire } from "node:module";
import readline from "node:readline";

const [packageFolder, executablePath] = process.argv.slice(2);
const { chromium } = createRequire(import.meta.url)(packageFolder);

// Chromium's background services reach for hosts this machine cannot reach; switched off, it starts quietly.
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
let navigations = 0;
page.on("framenavigated", frame => { if (frame === page.mainFrame()) navigations++; });
const consoleErrors = [];
page.on("console", message => { if (message.type() === "error") consoleErrors.push(message.text()); });
page.on("pageerror", error => consoleErrors.push(String(error)));

const steps = {
  goto: async c => { await page.goto(c.url); return page.url(); },
  waitFor: async c => {
    const locator = page.locator(c.selector, c.text === undefined ? {} : { hasText: c.text }).first();
    await locator.waitFor({ state: "visible", timeout: c.timeout ?? 10000 });
    return await locator.textContent();
  },
  text: async c => await page.locator(c.selector).first().textContent(),
  fill: async c => { await page.locator(c.selector).first().fill(c.value); },
  select: async c => { await page.locator(c.selector).first().selectOption(c.value); },
  click: async c => { await page.locator(c.selector).first().click(); },
  screenshot: async c => { await page.screenshot({ path: c.path, fullPage: true }); return c.path; },
  title: async () => await page.title(),
  url: async () => page.url(),
  navigations: async () => navigations,
  consoleErrors: async () => consoleErrors,
  addScript: async c => { await page.addScriptTag({ path: c.path }); },
  // Calls a function the page's script put on window with one JSON argument; its (awaited) result is the answer.
  call: async c => await page.evaluate(([name, argument]) => window[name](argument), [c.name, c.argument]),
};

const lines = readline.createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ ok: true, value: "ready" }) + "\n");
for await (const line of lines) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  if (command.step === "close") break;
  try {
    const step = steps[command.step];
    if (!step) throw new Error("unknown step " + command.step);
    const value = await step(command);
    process.stdout.write(JSON.stringify({ ok: true, value: value ?? null }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(error && error.message || error) }) + "\n");
  }
}
await browser.close();
// stdin stays open on the test's side until it disposes the process: without this the open reader keeps node alive.
process.exit(0);
