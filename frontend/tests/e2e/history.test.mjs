// History, weighing sanity and money in the browser: a gross 1,500 g on a 1,000 g spool (tare 220 g) is
// refused with the reason, then booked after "Book anyway"; the History page filters the shop's ledger,
// shows usage per month and material with legends, and downloads the filtered CSV; built-in material costs
// are shown in EUR, per kg. Screenshots + axe in light, dark and at 390 px (no sideways scroll).
// Runs against the real stack (tests/e2e/test_web_app.py starts it): E2E_BASE_URL, E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { pageHelpers, register, startJourney, waitForText } from "./support.mjs";

const unique = Date.now().toString(36);
const owner = { name: "Mary Somerville", shop: `Spool Ledger ${unique}`, email: `mary-${unique}@example.com`, password: "correct horse 3" };

/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];

startJourney(consoleErrors, (opened) => ({ page } = opened));

const { nav, shot } = pageHelpers(() => page);

/** The page never scrolls sideways (the phone check). */
async function assertNoSidewaysScroll(/** @type {string} */ name) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
}

/** Closes the toasts of earlier steps, so screenshots show the page itself. */
async function dismissToasts() {
  const buttons = page.getByRole("button", { name: "Dismiss" });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

test("a shop with a PLA type and one priced spool with a tare", async () => {
  await register(page, owner);
  await nav("Filament types").click();
  await page.getByRole("button", { name: "Add filament type" }).first().click();
  const typeDialog = page.getByRole("dialog");
  const pla = typeDialog.getByLabel("Material").locator("option", { hasText: /^PLA\b/ });
  await typeDialog.getByLabel("Material").selectOption((await pla.getAttribute("value")) ?? "");
  await typeDialog.getByLabel("Brand").fill("Prusament");
  await typeDialog.getByLabel("Colour name").fill("Galaxy Black");
  await typeDialog.getByRole("button", { name: "Save", exact: true }).click();
  await typeDialog.waitFor({ state: "hidden" });

  await nav("Spools").click();
  await page.getByRole("button", { name: "Bulk add" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Filament type").selectOption({ index: 1 });
  await dialog.getByLabel("Number of spools").fill("1");
  await dialog.getByLabel("Initial weight (g)").fill("1000");
  await dialog.getByLabel("Empty spool weight (g)").fill("220");
  await dialog.getByLabel("Purchase price").fill("25");
  await dialog.getByRole("button", { name: "Add spools" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("link", { name: "FIL-001" }).click();
  await page.getByRole("heading", { name: "FIL-001" }).waitFor();
  await waitForText(page.getByText(/£25\.00\/kg/), "£25.00/kg"); // cost per kg, not £0.0250 per gram
});

test("gross 1,500 g on a 1,000 g spool is refused with the reason, then booked after confirmation", async () => {
  await page.getByRole("button", { name: "Weigh" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Gross weight (g)").fill("1500");
  await dialog.getByRole("button", { name: "Book weight" }).click();
  const check = dialog.getByTestId("weigh-check");
  await waitForText(check, "1,280 g");
  const reason = await check.innerText();
  assert.match(reason, /more than the spool's initial 1,000 g/);
  assert.match(reason, /spool holder/);
  assert.equal(await dialog.getByRole("button", { name: "Book weight" }).count(), 0, "no plain booking while the reading is in doubt");
  await shot("history-01-weigh-refused");
  // nothing was booked yet
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await waitForText(page.locator("main"), "1,000 g");

  await page.getByRole("button", { name: "Weigh" }).click();
  await dialog.getByLabel("Gross weight (g)").fill("1500");
  await dialog.getByRole("button", { name: "Book weight" }).click();
  await dialog.getByRole("button", { name: "Book anyway" }).click();
  await dialog.waitFor({ state: "hidden" });
  await waitForText(page.getByText(/Booked \+280 g/), "Booked +280 g");

  await page.getByRole("button", { name: "Use", exact: true }).click();
  const use = page.getByRole("dialog");
  await use.getByLabel("Grams used").fill("80");
  await use.getByRole("button", { name: "Book usage" }).click();
  await use.waitFor({ state: "hidden" });
});

test("the History page lists, filters and shows usage with legends and tables", async () => {
  await nav("History").click();
  await page.getByRole("heading", { name: "History", level: 1 }).waitFor();
  const rows = page.getByTestId("ledger-row");
  await waitForText(page.getByText(/Showing 3 of 3/), "Showing 3 of 3");
  assert.deepEqual(await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-kind"))), ["usage", "adjustment", "purchase"]);
  const months = page.getByTestId("usage-table-month");
  await waitForText(months, "80 g");
  await waitForText(months, "£2.00"); // 80 g at 25 / 1,000 g
  await waitForText(page.getByTestId("usage-table-material"), "PLA");
  assert.equal(await page.getByText("Priced from the spool's price").count(), 2, "each chart has its legend");
  await dismissToasts();
  await shot("history-02-page");

  await page.getByLabel("Kind").selectOption("adjustment");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForURL(/kind=adjustment/);
  await waitForText(page.getByText(/Showing 1 of 1/), "Showing 1 of 1");
  assert.deepEqual(await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-kind"))), ["adjustment"]);
  await waitForText(rows.first(), "+280 g");
  await shot("history-03-filtered");
});

test("Download CSV gives the filtered rows", async () => {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
  assert.equal(download.suggestedFilename(), "transactions.csv");
  const path = await download.path();
  const lines = (await readFile(path, "utf8")).trim().split(/\r\n/);
  assert.match(lines[0] ?? "", /^created_at,spool_code,material,brand,color,kind,grams_before,delta,grams_after,reason/);
  assert.equal(lines.length, 2, "the header and the one adjustment");
  assert.match(lines[1] ?? "", /,FIL-001,PLA,Prusament,Galaxy Black,adjustment,1000\.00,280\.00,1280\.00,weighed,/);
});

test("the page in dark mode and at phone width, never scrolling sideways", async () => {
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await shot("history-04-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("ledger-list").waitFor();
  await assertNoSidewaysScroll("history at 390 px");
  await shot("history-05-phone");
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await assertNoSidewaysScroll("history at 390 px, dark");
  await shot("history-06-phone-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("built-in material costs are EUR per kg until the shop sets its rate", async () => {
  await nav("Material types").click();
  const plaRow = page.getByRole("row", { name: /^PLA\b/ });
  await waitForText(plaRow, "€20.00/kg");
  await page.getByLabel("1 EUR in GBP").fill("0.85");
  await page.getByRole("button", { name: "Save rate" }).click();
  await waitForText(plaRow, "£17.00/kg");
  await shot("history-07-material-costs");
});

test("the app logged no errors in the browser console", () => {
  // The refused weighing answers 400 by design; the dialog shows it.
  const unexpected = consoleErrors.filter((text) => !/status of (400|401)/.test(text));
  assert.deepEqual(unexpected, []);
});
