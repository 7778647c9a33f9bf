// How fast a list page becomes usable: a fresh browser context (cold HTTP cache) with a signed-in
// refresh cookie opens the page (/spools unless told, e.g. /products); the clock stops when the first page
// of rows (50 links to items of that list) is on screen and the main thread is free to answer input (the
// next frame and a task after it ran).
//   node tests/bench/spools-interactive.mjs <base url> <email> <password> <runs> [path]
// Prints one JSON object: {"runs_ms": [...], "rows": N}.
import { launchBrowser } from "../browser.mjs";

const [baseUrl, email, password, runsText, path = "/spools"] = process.argv.slice(2);
if (!baseUrl || !email || !password) {
  console.error("usage: spools-interactive.mjs <base url> <email> <password> [runs] [path]");
  process.exit(2);
}
const runs = Number(runsText ?? "7");
const browser = await launchBrowser();
const timings = [];
let rows = 0;
try {
  for (let run = 0; run < runs; run += 1) {
    const context = await browser.newContext({ baseURL: baseUrl });
    const login = await context.request.post("/api/v1/auth/login", {
      data: { email, password },
      headers: { "X-Batchivo-Auth": "cookie" },
    });
    if (!login.ok()) throw new Error(`login answered ${login.status()}: ${await login.text()}`);
    const page = await context.newPage();
    await page.goto(path, { waitUntil: "commit" });
    await page.waitForFunction((prefix) => document.querySelectorAll(`main table tbody tr a[href^='${prefix}/']`).length >= 50, path, {
      timeout: 30_000,
      polling: "raf",
    });
    const interactiveAt = await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))),
    );
    rows = await page.locator("main table tbody tr").count();
    timings.push(Math.round(Number(interactiveAt)));
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ runs_ms: timings, rows }));
