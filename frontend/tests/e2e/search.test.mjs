// Issue 13's search failures, reproduced in the browser: a shop with three filament types and seven spools
// searches "red pla", "Prusa", "FIL-0", a supplier and a misspelt colour from the spools page's search box.
// Before the search rework each of these found nothing (or missed spools); now each finds exactly the spools
// meant, says how many, keeps the query in the URL, and clears. Light, dark and 390 px, with axe scans.
// Runs against the real stack (tests/e2e/test_web_app.py starts it): E2E_BASE_URL, E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pageHelpers, register, startJourney, waitForText } from "./support.mjs";

const unique = Date.now().toString(36);
const shop = { name: "Mae Jemison", shop: `Spool Search ${unique}`, email: `mae-${unique}@example.com`, password: "correct horse 3" };

/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];

startJourney(consoleErrors, (opened) => ({ page } = opened));

const { nav, shot } = pageHelpers(() => page);

/** brand, colour, material; then the spools of it: how many, supplier, location */
const TYPES = [
  { brand: "Prusament", color: "Galaxy Black", material: "PETG", count: 2, supplier: "Prusa Store", location: "Drybox 2" },
  { brand: "Polymaker", color: "Fire Red", material: "PLA", count: 3, supplier: "3DJake", location: "Shelf A" },
  { brand: "eSun", color: "Jet Black", material: "PLA", count: 2, supplier: "Amazon", location: "Shelf B" },
];

/** The codes the spools table shows, in order. */
async function listedCodes() {
  return page.locator("table").getByRole("link", { name: /^FIL-\d+$/ }).allTextContents();
}

/**
 * Types a query into the search box and waits for the list and its summary to follow: the answer to this
 * query, not the previous one still shown (dimmed, `aria-busy`) while it loads, when both have as many rows.
 */
async function search(/** @type {string} */ q, /** @type {number} */ expected) {
  const box = page.getByRole("searchbox", { name: "Search spools" });
  await box.fill(q);
  await page.waitForURL((url) => url.searchParams.get("q") === q);
  await waitForText(page.getByTestId("search-summary"), `${expected} result`);
  await page.waitForFunction(
    (n) => document.querySelectorAll("table a[href^='/spools/']").length === n && !document.querySelector("table[aria-busy='true']"),
    expected,
  );
  return listedCodes();
}

test("a shop with three filament types and seven spools", async () => {
  await register(page, shop);
  await nav("Filament types").click();
  await page.getByRole("heading", { name: "Filament types" }).waitFor();
  for (const type of TYPES) {
    await page.getByRole("button", { name: "Add filament type" }).first().click();
    const dialog = page.getByRole("dialog");
    const material = dialog.getByLabel("Material").locator("option", { hasText: new RegExp(`^${type.material}\\b`) });
    await dialog.getByLabel("Material").selectOption((await material.getAttribute("value")) ?? "");
    await dialog.getByLabel("Brand").fill(type.brand);
    await dialog.getByLabel("Colour name").fill(type.color);
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
  }
  await nav("Spools").click();
  await page.getByRole("heading", { name: "Spools" }).waitFor();
  for (const type of TYPES) {
    await page.getByRole("button", { name: "Bulk add" }).click();
    const dialog = page.getByRole("dialog");
    const option = dialog.getByLabel("Filament type").locator("option", { hasText: `${type.brand} ${type.color} · ${type.material}` });
    await dialog.getByLabel("Filament type").selectOption((await option.getAttribute("value")) ?? "");
    await dialog.getByLabel("Number of spools").fill(String(type.count));
    await dialog.getByLabel("Initial weight (g)").fill("1000");
    await dialog.getByLabel("Supplier").fill(type.supplier);
    await dialog.getByLabel("Location").fill(type.location);
    await dialog.getByRole("button", { name: "Add spools" }).click();
    await dialog.waitFor({ state: "hidden" });
  }
  await page.getByRole("link", { name: "FIL-007" }).waitFor();
  await shot("search-00-spools");
});

test('"red pla" finds the red PLA spools, the words in different fields', async () => {
  assert.deepEqual(await search("red pla", 3), ["FIL-003", "FIL-004", "FIL-005"]);
  await waitForText(page.getByTestId("search-summary"), "3 results for “red pla”");
  await shot("search-01-red-pla");
});

test('"Prusa" finds Prusament; a misspelt colour still finds it', async () => {
  assert.deepEqual(await search("Prusa", 2), ["FIL-001", "FIL-002"]);
  assert.deepEqual(await search("glaxy black petg", 2), ["FIL-001", "FIL-002"]);
  await shot("search-02-typo");
});

test('"FIL-0" finds codes by their beginning, and a supplier is searched', async () => {
  assert.deepEqual(await search("FIL-0", 7), ["FIL-001", "FIL-002", "FIL-003", "FIL-004", "FIL-005", "FIL-006", "FIL-007"]);
  assert.deepEqual(await search("3djake", 3), ["FIL-003", "FIL-004", "FIL-005"]);
  assert.deepEqual(await search("amazon black", 2), ["FIL-006", "FIL-007"]);
});

test("the search is in the URL: a reload shows the same results", async () => {
  await search("drybox 2", 2);
  await page.reload();
  await waitForText(page.getByTestId("search-summary"), "2 results for “drybox 2”");
  assert.equal(await page.getByRole("searchbox", { name: "Search spools" }).inputValue(), "drybox 2");
  // both are in Drybox 2; FIL-002 also has the number 2 in its code, so it may rank first
  assert.deepEqual((await listedCodes()).sort(), ["FIL-001", "FIL-002"]);
});

test("nothing found says so; clearing the search shows every spool again", async () => {
  const box = page.getByRole("searchbox", { name: "Search spools" });
  await box.fill("unicorn");
  await page.getByText("No spools match these filters").waitFor();
  await waitForText(page.getByTestId("search-summary"), "0 results for “unicorn”");
  await shot("search-05-nothing");
  await search("pla", 5);
  await page.getByRole("button", { name: "Clear search" }).click();
  await page.waitForURL((url) => !url.searchParams.has("q"));
  await page.waitForFunction(() => document.querySelectorAll("table a[href^='/spools/']").length === 7);
  assert.deepEqual(await listedCodes(), ["FIL-001", "FIL-002", "FIL-003", "FIL-004", "FIL-005", "FIL-006", "FIL-007"]);
  assert.equal(await box.inputValue(), "");
  assert.equal(await page.getByTestId("search-summary").count(), 0);
});

test("search results in dark mode and at phone width", async () => {
  await search("black", 4);
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await shot("search-03-dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot("search-04-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.getByRole("button", { name: "Use light theme" }).click();
  // the reload above refreshes the session: its first call answers 401 before the refresh
  assert.deepEqual(consoleErrors.filter((text) => !/status of 401/.test(text)), []);
});
