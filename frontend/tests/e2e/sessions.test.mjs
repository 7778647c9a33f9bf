// Several tabs, one session: a browser restoring its tabs opens three at once, each restoring the session
// with the same refresh cookie; all three must end up signed in (and stay so after a reload). Signing out
// in one tab signs the others out; signing in again in one tab brings the others back.
// Runs against the real stack (tests/e2e/test_web_app.py starts it): E2E_BASE_URL, E2E_ARTIFACTS.
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "../browser.mjs";
import { BASE_URL, register, SHOTS } from "./support.mjs";

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const who = { name: "Hedy Lamarr", shop: `Tab Works ${unique}`, email: `hedy-${unique}@example.com`, password: "correct horse 3" };

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").BrowserContext} */
let context;
/** @type {import("playwright-core").Page[]} */
let tabs = [];
/** Uncaught errors of any tab: none is expected. @type {string[]} */
const pageErrors = [];

before(async () => {
  browser = await launchBrowser();
  // One context = one browser profile: the tabs share its cookie jar, Web Locks and BroadcastChannels.
  context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1100, height: 760 } });
  context.setDefaultTimeout(15_000);
  context.on("page", (page) => page.on("pageerror", (error) => pageErrors.push(String(error))));
});

after(async () => {
  await browser?.close();
});

/** @param {import("playwright-core").Page} page */
async function assertSignedIn(page) {
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.getByTestId("tenant-name").filter({ hasText: who.shop }).first().waitFor();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** The refresh calls the tabs made, with their answers. @param {import("playwright-core").Page[]} pages */
function recordRefreshes(pages) {
  /** @type {number[]} */
  const statuses = [];
  for (const page of pages) {
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/api/v1/auth/refresh") statuses.push(response.status());
    });
  }
  return statuses;
}

/** One picture of the three tabs side by side, each captioned with its address. @param {string} name */
async function screenshotTabs(name) {
  const shots = await Promise.all(tabs.map(async (tab) => ({ url: tab.url(), png: (await tab.screenshot()).toString("base64") })));
  const board = await context.newPage();
  await board.setViewportSize({ width: 1700, height: 420 });
  const figures = shots
    .map((s, i) => `<figure><img alt="" src="data:image/png;base64,${s.png}"><figcaption>Tab ${i + 1}: ${s.url}</figcaption></figure>`)
    .join("");
  await board.setContent(
    `<style>body{margin:8px;display:flex;gap:8px;font:14px sans-serif}figure{margin:0;flex:1}img{width:100%;border:1px solid #888}</style>${figures}`,
  );
  await board.screenshot({ path: join(SHOTS, `${name}.png`) });
  await board.close();
}

test("register a shop, then close its tab (the refresh cookie stays in the browser)", async () => {
  const page = await context.newPage();
  await register(page, who);
  await assertSignedIn(page);
  await page.close();
});

test("three tabs opened at once all restore the session and stay signed in after a reload", async () => {
  tabs = await Promise.all([1, 2, 3].map(() => context.newPage()));
  const refreshes = recordRefreshes(tabs);
  // As a browser restoring its tabs: three page loads at the same moment, one refresh cookie between them.
  await Promise.all(tabs.map((tab, i) => tab.goto(["/", "/spools", "/filament-types"][i] ?? "/")));
  await Promise.all(tabs.map((tab) => tab.getByRole("button", { name: "Sign out" }).waitFor()));
  await Promise.all(tabs.map((tab) => tab.goto("/")));
  await Promise.all(tabs.map(assertSignedIn));
  await screenshotTabs("sessions-three-tabs");

  await Promise.all(tabs.map((tab) => tab.reload()));
  await Promise.all(tabs.map(assertSignedIn));
  assert.ok(refreshes.length >= 1, "the tabs restored the session with the refresh cookie");
  assert.deepEqual(refreshes.filter((status) => status !== 200), [], `refresh answers: ${refreshes}`);
});

test("signing out in one tab signs out the others; signing in in one brings the others back", async () => {
  const [first, second, third] = tabs;
  assert.ok(first && second && third);
  const others = [second, third];
  await first.getByRole("button", { name: "Sign out" }).click();
  await first.waitForURL(/\/login$/);
  // Nobody touches the other tabs: they follow on their own.
  // (Their change of address is the app's own, not a page load: wait for the address, not for "load".)
  await Promise.all(others.map((tab) => tab.waitForURL(/\/login$/, { waitUntil: "commit" })));
  await Promise.all(others.map((tab) => tab.getByRole("button", { name: "Sign in" }).waitFor()));
  await screenshotTabs("sessions-signed-out-everywhere");
  // Really signed out, not just a page: a reload finds no session (the cookie went with it).
  await second.reload();
  await second.waitForURL(/\/login$/);
  await second.getByRole("button", { name: "Sign in" }).waitFor();

  await first.getByLabel("Email").fill(who.email);
  await first.getByLabel("Password").fill(who.password);
  await first.getByRole("button", { name: "Sign in" }).click();
  await first.getByRole("button", { name: "Sign out" }).waitFor();
  await Promise.all(others.map((tab) => tab.getByRole("button", { name: "Sign out" }).waitFor()));
  assert.deepEqual(pageErrors, []);
});
