// What every browser journey needs, written once: the stack's address and the screenshot folder from the
// environment, a page of the real app with its console errors collected, the main navigation, screenshots
// with an axe-core scan, waiting for text, and registering a shop through the form.
// (Not a test file: `node --test tests/e2e/` runs only the *.test.mjs files.)
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before } from "node:test";
import { launchBrowser } from "../browser.mjs";

const base = process.env.E2E_BASE_URL;
if (!base) throw new Error("E2E_BASE_URL is not set (run through `make test` or tests/e2e/test_web_app.py)");
export const BASE_URL = base;
export const SHOTS = join(process.env.E2E_ARTIFACTS ?? "test-results", "screenshots");
mkdirSync(SHOTS, { recursive: true });

/** @type {string | undefined} read on the first scan only (the sessions journey never scans) */
let axeSource;

/**
 * A browser with one desktop-sized page of the app; the page's console errors and uncaught errors land in
 * `consoleErrors` (each journey's last test decides which of them the app is expected to log).
 * `options.args` adds Chromium flags and `options.permissions` grants the page's context permissions (the scan
 * journey's fake camera).
 * @param {string[]} consoleErrors
 * @param {{ args?: string[], permissions?: string[] }} [options]
 */
export async function openPage(consoleErrors, { args = [], permissions = [] } = {}) {
  const browser = await launchBrowser(args);
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1280, height: 860 }, permissions });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  return { browser, page };
}

/**
 * Opens the journey's page before its first test (handing it to `onOpen`) and closes the browser after the last.
 * @param {string[]} consoleErrors
 * @param {(opened: { browser: import("playwright-core").Browser, page: import("playwright-core").Page }) => void} onOpen
 * @param {{ args?: string[], permissions?: string[] }} [options] see openPage
 */
export function startJourney(consoleErrors, onOpen, options) {
  /** @type {import("playwright-core").Browser | undefined} */
  let browser;
  before(async () => {
    const opened = await openPage(consoleErrors, options);
    browser = opened.browser;
    onOpen(opened);
  });
  after(async () => {
    await browser?.close();
  });
}

/**
 * Helpers on the journey's page (read when called: the page is opened in `before`).
 * With `settle`, a screenshot first moves the pointer away (no hover state left on the last button clicked)
 * and waits for the network to be idle.
 * @param {() => import("playwright-core").Page} currentPage
 * @param {{ settle?: boolean }} [options]
 */
export function pageHelpers(currentPage, { settle = true } = {}) {
  /** A link of the main navigation (pages may link to the same place in their text). @param {string} name */
  function nav(name) {
    return currentPage().getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
  }

  /** A full-page screenshot in SHOTS, then the accessibility scan of what it shows. @param {string} name */
  async function shot(name) {
    const page = currentPage();
    if (settle) {
      await page.mouse.move(0, 0);
      await page.waitForLoadState("networkidle");
    }
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    await assertAccessible(page, name);
  }

  return { nav, shot };
}

/**
 * axe-core's WCAG 2 A/AA rules on the page as shown: serious and critical findings fail the test.
 * (page.evaluate runs outside the page's Content-Security-Policy, which forbids injected scripts.)
 * @param {import("playwright-core").Page} page
 * @param {string} name
 */
export async function assertAccessible(page, name) {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  /** @type {{ id: string, impact: string, help: string, nodes: { target: unknown[] }[] }[]} */
  const violations = await page.evaluate(async (source) => {
    if (!("axe" in window)) (0, eval)(source);
    // @ts-expect-error axe is defined by the source evaluated above
    const result = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] });
    return result.violations.map((/** @type {any} */ v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((/** @type {any} */ n) => ({ target: n.target })) }));
  }, axeSource);
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious, [], `${name}: accessibility violations ${JSON.stringify(serious.map((v) => [v.id, v.nodes.map((n) => n.target)]))}`);
}

/**
 * Waits until `locator` shows `expected` (the page may still be refreshing); never showing fails on timeout.
 * @param {import("playwright-core").Locator} locator
 * @param {string} expected
 * @param {{ timeout?: number, ignoreCase?: boolean }} [options]
 */
export async function waitForText(locator, expected, { timeout = 15_000, ignoreCase = false } = {}) {
  const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await locator.filter({ hasText: new RegExp(escaped, ignoreCase ? "i" : "") }).first().waitFor({ timeout });
}

/**
 * Registers a shop through the form and waits for its dashboard. With `keyboardOnly`, no pointer: the first
 * field has focus, Tab moves on, Enter submits (the order of the form must make sense without a mouse).
 * @param {import("playwright-core").Page} page
 * @param {{ name: string, shop: string, email: string, password: string }} who
 * @param {{ keyboardOnly?: boolean }} [options]
 */
export async function register(page, who, { keyboardOnly = false } = {}) {
  await page.goto("/register");
  if (keyboardOnly) {
    await page.getByLabel("Your name").waitFor();
    for (const value of [who.name, who.shop, who.email, who.password]) {
      await page.keyboard.type(value);
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter"); // from the currency field, which keeps its default
  } else {
    await page.getByLabel("Your name").fill(who.name);
    await page.getByLabel("Shop name").fill(who.shop);
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Create shop" }).click();
  }
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
}

/**
 * One call of the API as the signed-in user (the journey reads the bearer token from the app's own requests):
 * a POST carries a fresh Idempotency-Key; a non-2xx answer fails with its body; answers the JSON body.
 * @param {import("playwright-core").Page} page
 * @param {string} bearer
 * @param {"GET" | "POST"} method
 * @param {string} path
 * @param {object | undefined} [body]
 */
export async function callApi(page, bearer, method, path, body = undefined) {
  const headers = { Authorization: bearer, ...(method === "POST" ? { "Idempotency-Key": crypto.randomUUID() } : {}) };
  const response = await page.request.fetch(path, { method, data: body, headers });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}
