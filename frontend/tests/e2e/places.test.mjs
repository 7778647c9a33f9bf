// Locations and archive in the browser (issue 13): "shelf a" and "Shelf A" are one place, "Shelf" finds
// every shelf, the locations page says what is where with grams, a move and a merge leave a history, a
// location label's QR opens the place, archive has Undo, archived spools are read-only, and "Show archived"
// includes the active ones. Screenshots + axe in light, dark and at 390 px. Runs against the real stack.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { SHOTS, pageHelpers, register, startJourney, waitForText } from "./support.mjs";

const unique = Date.now().toString(36);
const owner = { name: "Mary Anning", shop: `Shelf Life ${unique}`, email: `mary-${unique}@example.com`, password: "correct horse 5" };

/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
let shelfAUrl = "";

/** The last bearer token the app sent, to create many locations directly. */
let bearer = "";
/** The `q` of every request the app made for the locations list. @type {string[]} */
const locationSearches = [];

startJourney(consoleErrors, (opened) => {
  page = opened.page;
  page.on("request", (request) => {
    const authorization = request.headers()["authorization"];
    if (authorization) bearer = authorization;
    const url = new URL(request.url());
    if (url.pathname === "/api/v1/locations" && request.method() === "GET") locationSearches.push(url.searchParams.get("q") ?? "");
  });
});
const { nav, shot } = pageHelpers(() => page);

/** The codes the spool list shows now. */
async function listedCodes() {
  await page.waitForLoadState("networkidle");
  const links = page.getByRole("table").getByRole("link", { name: /^FIL-\d+$/ });
  return (await links.allTextContents()).map((text) => text.trim()).sort();
}

/** Waits until the spool list shows exactly these codes. @param {string[]} expected */
async function expectListed(expected) {
  let seen = /** @type {string[]} */ ([]);
  for (let attempt = 0; attempt < 30; attempt += 1) {
    seen = await listedCodes();
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    await page.waitForTimeout(200);
  }
  assert.deepEqual(seen, expected);
}

/** @param {string} location @param {number} quantity */
async function bulkAdd(location, quantity) {
  await page.getByRole("button", { name: "Bulk add" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Filament type").selectOption({ index: 1 });
  await dialog.getByLabel("Number of spools").fill(String(quantity));
  await dialog.getByLabel("Initial weight (g)").fill("1000");
  await dialog.getByLabel("Location").fill(location);
  await dialog.getByRole("button", { name: "Add spools" }).click();
  await dialog.waitFor({ state: "hidden" });
}

/** The values a location field's <datalist> suggests now. @param {import("playwright-core").Locator} input */
async function suggestions(input) {
  return input.evaluate((element) => Array.from(/** @type {HTMLInputElement} */ (element).list?.options ?? [], (option) => option.value));
}

/** Waits until the field suggests exactly `expected`. @param {import("playwright-core").Locator} input @param {string[]} expected */
async function expectSuggested(input, expected) {
  let seen = /** @type {string[]} */ ([]);
  for (let attempt = 0; attempt < 40; attempt += 1) {
    seen = await suggestions(input);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    await page.waitForTimeout(150);
  }
  assert.deepEqual(seen, expected);
}

/** @param {string} value */
async function filterLocation(value) {
  await page.getByLabel("Location", { exact: true }).fill(value);
}

test("a shop with a filament type and spools on two shelves, typed in two cases", async () => {
  await register(page, owner);
  await nav("Filament types").click();
  await page.getByRole("button", { name: "Add filament type" }).first().click();
  const dialog = page.getByRole("dialog");
  const pla = dialog.getByLabel("Material").locator("option", { hasText: /^PLA\b/ });
  await dialog.getByLabel("Material").selectOption((await pla.getAttribute("value")) ?? "");
  await dialog.getByLabel("Brand").fill("Prusament");
  await dialog.getByLabel("Colour name").fill("Galaxy Black");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
  await nav("Spools").click();
  await page.getByRole("heading", { name: "Spools" }).waitFor();
  await bulkAdd("Shelf A", 2);
  await bulkAdd("shelf a", 1); // the same place, typed in lower case
  await bulkAdd("Shelf B", 1);
  await expectListed(["FIL-001", "FIL-002", "FIL-003", "FIL-004"]);
  // Every spool typed "shelf a" shows the place's one spelling.
  assert.equal(await page.getByRole("row", { name: /FIL-003/ }).getByText("Shelf A", { exact: true }).count(), 1);
});

test('the location filter: "shelf a" is "Shelf A", and "Shelf" finds every shelf', async () => {
  await filterLocation("shelf a");
  await expectListed(["FIL-001", "FIL-002", "FIL-003"]);
  await filterLocation("Shelf");
  await expectListed(["FIL-001", "FIL-002", "FIL-003", "FIL-004"]);
  await filterLocation("shelf b");
  await expectListed(["FIL-004"]);
  await shot("places-01-filter-prefix");
  await filterLocation("");
  await expectListed(["FIL-001", "FIL-002", "FIL-003", "FIL-004"]);
});

test("the location filter suggests the shop's locations as you type; a spool's location opens its page", async () => {
  const field = page.getByLabel("Location", { exact: true });
  await filterLocation("shelf");
  await expectSuggested(field, ["Shelf A", "Shelf B"]);
  await filterLocation("shelf b");
  await expectSuggested(field, ["Shelf B"]);
  assert.ok(locationSearches.includes("shelf b"), `the suggestions were searched on the server: ${JSON.stringify(locationSearches)}`);
  await filterLocation("");
  await expectListed(["FIL-001", "FIL-002", "FIL-003", "FIL-004"]);
  await page.getByRole("row", { name: /FIL-004/ }).getByRole("link", { name: "Shelf B", exact: true }).click();
  await page.waitForURL(/\/locations\/[0-9a-f-]{36}$/);
  await page.getByRole("heading", { name: "Shelf B" }).waitFor();
  await page.goBack();
  await page.getByRole("heading", { name: "Spools" }).waitFor();
});

test("the locations page says what is where, with grams", async () => {
  await nav("Locations").click();
  await page.getByRole("heading", { name: "Locations" }).waitFor();
  const cards = page.getByTestId("location-card");
  await waitForText(cards.filter({ hasText: "Shelf A" }), "3,000 g");
  await waitForText(cards.filter({ hasText: "Shelf B" }), "1,000 g");
  assert.equal(await cards.count(), 2);
  await shot("places-02-locations");
});

test("move one spool from its page: the history records the move, the ledger does not", async () => {
  await page.goto("/spools");
  await page.getByRole("link", { name: "FIL-004" }).click();
  await page.getByRole("heading", { name: "FIL-004" }).waitFor();
  await page.getByRole("button", { name: "Move" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Move to").fill("Drybox");
  await shot("places-03-move-dialog");
  await dialog.getByRole("button", { name: "Move", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
  await waitForText(page.getByTestId("spool-events"), "Moved from Shelf B to Drybox");
});

test("merge Drybox into Shelf A, delete the empty Shelf B", async () => {
  await nav("Locations").click();
  await page.getByRole("button", { name: "Merge Drybox" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Merge into").selectOption({ label: "Shelf A" });
  await dialog.getByRole("button", { name: "Merge" }).click();
  await dialog.waitFor({ state: "hidden" });
  const cards = page.getByTestId("location-card");
  await waitForText(cards.filter({ hasText: "Shelf A" }), "4,000 g");
  await page.getByRole("button", { name: "Delete Shelf B" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete location" }).click();
  await page.getByRole("alertdialog").waitFor({ state: "hidden" });
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=location-card]").length === 1);
  assert.deepEqual(await cards.getByRole("link", { name: "Shelf A", exact: true }).allTextContents(), ["Shelf A"]);
});

test("a location's page lists its spools; its label's QR opens that page", async () => {
  await page.getByRole("link", { name: "Shelf A", exact: true }).click();
  await page.getByRole("heading", { name: "Shelf A" }).waitFor();
  shelfAUrl = page.url();
  await waitForText(page.getByTestId("location-summary"), "4,000 g in 4 spools");
  const stored = page.getByRole("list", { name: "Spools stored here" }).getByRole("listitem");
  await stored.nth(3).waitFor();
  assert.equal(await stored.count(), 4);
  await shot("places-04-location-detail");
  await page.getByRole("link", { name: "Print label" }).click();
  const qr = page.getByTestId("location-label").locator("img");
  await qr.waitFor();
  await page.waitForFunction(() => {
    const img = /** @type {HTMLImageElement | null} */ (document.querySelector("[data-testid=location-label] img"));
    return img !== null && img.complete && img.naturalWidth > 0;
  });
  assert.equal(await qr.getAttribute("data-qr-text"), shelfAUrl);
  await shot("places-05-location-label");
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: join(SHOTS, "places-06-location-label-print.png"), fullPage: true });
  assert.equal(await page.getByRole("button", { name: "Print" }).isVisible(), false, "the print view shows the label only");
  await page.emulateMedia({ media: "screen" });
});

test("archive with Undo restores; archived spools are read-only until restored", async () => {
  await page.goto("/spools");
  await page.getByRole("link", { name: "FIL-001" }).click();
  await page.getByRole("heading", { name: "FIL-001" }).waitFor();
  await page.getByRole("button", { name: "Archive" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Archive spool" }).click();
  await page.getByRole("button", { name: "Undo" }).click();
  await page.getByRole("button", { name: "Weigh" }).waitFor();
  await waitForText(page.getByTestId("spool-events"), "Restored");
  assert.equal(await page.getByTestId("archived-notice").count(), 0);
  // Archive for good: no Weigh or Use any more, a Restore button and a notice instead.
  await page.getByRole("button", { name: "Archive" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Archive spool" }).click();
  await page.getByTestId("archived-notice").waitFor();
  await page.getByRole("button", { name: "Restore" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Weigh", exact: true }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Use", exact: true }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Move", exact: true }).count(), 0);
  await page.getByTestId("spool-events").getByRole("listitem").nth(2).waitFor();
  const events = await page.getByTestId("spool-events").getByRole("listitem").allTextContents();
  assert.deepEqual(
    events.map((text) => text.replace(/^.*?(Archived|Restored)$/, "$1")),
    ["Archived", "Restored", "Archived"],
  );
  // Nothing was booked: the ledger still holds only the purchase.
  const ledger = page.locator("section", { has: page.getByRole("heading", { name: "History", exact: true }) });
  assert.equal(await ledger.getByRole("row").count(), 2); // header + purchase
  await shot("places-07-archived-spool");
});

test('"Show archived" includes the active spools', async () => {
  await nav("Spools").click();
  await expectListed(["FIL-002", "FIL-003", "FIL-004"]);
  await page.getByRole("checkbox", { name: "Show archived" }).click();
  await expectListed(["FIL-001", "FIL-002", "FIL-003", "FIL-004"]);
  await page.getByRole("checkbox", { name: "Show archived" }).click();
  await expectListed(["FIL-002", "FIL-003", "FIL-004"]);
});

test("move a selection of spools from the list", async () => {
  await page.getByRole("checkbox", { name: "Select FIL-002" }).click();
  await page.getByRole("checkbox", { name: "Select FIL-003" }).click();
  await page.getByRole("button", { name: "Move" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Move to").fill("Rack 1");
  await dialog.getByRole("button", { name: "Move", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
  await filterLocation("rack");
  await expectListed(["FIL-002", "FIL-003"]);
  await filterLocation("");
});

test("the new pages in dark mode and at 390 px, with no sideways scrolling", async () => {
  await page.getByRole("button", { name: "Use dark theme" }).click();
  // By address: the nav link is exercised above, and in the full run a toast of the last step could still
  // be settling over the navigation column when this step began.
  await page.goto("/locations");
  await page.getByTestId("location-card").first().waitFor();
  await shot("places-08-locations-dark");
  await page.goto(shelfAUrl);
  await page.getByRole("heading", { name: "Shelf A" }).waitFor();
  await shot("places-09-location-detail-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, name] of [
    ["/locations", "places-10-locations-phone"],
    [new URL(shelfAUrl).pathname, "places-11-location-detail-phone"],
    [`${new URL(shelfAUrl).pathname}/label`, "places-12-location-label-phone"],
  ]) {
    await page.goto(path);
    await page.getByRole("heading").first().waitFor();
    await page.waitForLoadState("networkidle");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${path} scrolls sideways by ${overflow}px at 390 px`);
    await shot(name);
  }
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("the spool form's location field finds a location beyond the first 200", async () => {
  const names = Array.from({ length: 200 }, (_, index) => `Bin ${String(index).padStart(3, "0")}`);
  for (let start = 0; start < names.length; start += 25) {
    await Promise.all(
      names.slice(start, start + 25).map(async (name) => {
        const response = await page.request.post("/api/v1/locations", { data: { name }, headers: { Authorization: bearer, "Idempotency-Key": crypto.randomUUID() } });
        assert.equal(response.status(), 201, `${name}: ${await response.text()}`);
      }),
    );
  }
  const last = await page.request.post("/api/v1/locations", { data: { name: "Zinc drawer" }, headers: { Authorization: bearer, "Idempotency-Key": crypto.randomUUID() } });
  assert.equal(last.status(), 201, await last.text());
  await page.goto("/spools");
  await page.getByRole("button", { name: "Add spool" }).click();
  const dialog = page.getByRole("dialog");
  const field = dialog.getByLabel("Location");
  // Untyped, the first 200 by name are all "Bin …": "Zinc drawer" is not among them.
  await page.waitForFunction(() => (document.querySelector("[role=dialog] [data-testid=location-suggestions]")?.children.length ?? 0) >= 200);
  assert.equal((await suggestions(field)).includes("Zinc drawer"), false);
  await field.fill("zin");
  await expectSuggested(field, ["Zinc drawer"]);
  await shot("places-13-location-picker-search");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
});

test("the places journey logged no errors in the browser console", () => {
  // The 401 of restoring a signed-out session at the start is handled by the app.
  assert.deepEqual(consoleErrors.filter((text) => !/status of 401/.test(text)), []);
});
