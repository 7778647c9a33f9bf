// Production in the browser, the full loop against the real stack (tests/e2e/test_web_app.py runs every
// service and worker): two filament types and two priced spools → a model with a two-material BOM → a
// product with a channel price → a printer with both spools loaded, linked to its own API key → a run of 5
// planned from the BOM, weighed, completed → the spools, the model's actual cost and stock and the
// product's margin follow, the ledger links back to the run → revert puts everything back. Then: the same
// run failed with waste; a plan that exceeds a spool refused, then allowed with the explicit override.
// E2E_BASE_URL, E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pageHelpers, startJourney, register, waitForText as waitForTextWithin } from "./support.mjs";

const unique = Date.now().toString(36);
const owner = { name: "Grace Hopper", shop: `Cobol Prints ${unique}`, email: `grace-${unique}@example.com`, password: "correct horse 4" };

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
let modelUrl = "";
let productUrl = "";
let runUrl = "";
/** @type {Record<string, string>} spool code → its page */
const spoolUrls = {};

startJourney(consoleErrors, (opened) => ({ browser, page } = opened));

const { nav, shot } = pageHelpers(() => page);

/** Waits until `locator` shows `expected`: up to 20 s here, the events of a run take longer to land. */
function waitForText(/** @type {import("playwright-core").Locator} */ locator, /** @type {string} */ expected, timeout = 20_000) {
  return waitForTextWithin(locator, expected, { timeout });
}

/** Clicks `button` until `done` resolves: the services learn of new spools and models by events. */
async function retryUntil(/** @type {() => Promise<void>} */ act, /** @type {() => Promise<unknown>} */ done, attempts = 15) {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    await act();
    const ok = await done().then(() => true, () => false);
    if (ok) return;
    await page.waitForTimeout(1_000);
  }
  await done();
}

/** @param {import("playwright-core").Locator} select @param {RegExp} text */
async function chooseOption(select, text) {
  const option = select.locator("option", { hasText: text }).first();
  await option.waitFor({ state: "attached" });
  await select.selectOption((await option.getAttribute("value")) ?? "");
}

async function addFilamentType(/** @type {string} */ colour, /** @type {string} */ hex) {
  await nav("Filament types").click();
  await page.getByRole("button", { name: "Add filament type" }).first().click();
  const dialog = page.getByRole("dialog");
  await chooseOption(dialog.getByLabel("Material"), /^PLA\b/);
  await dialog.getByLabel("Brand").fill("Prusament");
  await dialog.getByLabel("Colour name").fill(colour);
  await dialog.getByLabel("Colour hex code").fill(hex);
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
}

async function addSpool(/** @type {RegExp} */ type, /** @type {string} */ price) {
  await nav("Spools").click();
  await page.getByRole("button", { name: "Add spool" }).first().click();
  const dialog = page.getByRole("dialog");
  await chooseOption(dialog.getByLabel("Filament type"), type);
  await dialog.getByLabel("Initial weight (g)").fill("1000");
  await dialog.getByLabel("Purchase price").fill(price);
  await dialog.getByRole("button", { name: "Create spool" }).click();
  await dialog.waitFor({ state: "hidden" });
}

/** The spool's weight as its page shows it. @param {string} code @param {string} grams */
async function expectSpoolWeight(code, grams) {
  await page.goto(spoolUrls[code] ?? "/spools");
  await page.getByRole("heading", { name: code }).waitFor();
  await waitForText(page.locator("main"), grams);
}

test("register, two filament types with a priced spool each", async () => {
  await register(page, owner);

  await addFilamentType("Jungle Green", "#2E7D32");
  await addFilamentType("Galaxy Black", "#1A1A2E");
  await addSpool(/Jungle Green/, "30"); // 0.03 per gram
  await addSpool(/Galaxy Black/, "20"); // 0.02 per gram
  await nav("Spools").click();
  for (const code of ["FIL-001", "FIL-002"]) {
    const link = page.getByRole("link", { name: code, exact: true });
    await link.waitFor();
    spoolUrls[code] = (await link.getAttribute("href")) ?? "";
  }
});

test("a model with a two-material BOM and a product with a channel price", async () => {
  await nav("Sales channels").click();
  await page.getByRole("button", { name: "Add channel" }).first().click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name", { exact: true }).fill("Etsy");
  await dialog.getByLabel("Platform").fill("etsy");
  await dialog.getByLabel("Fee (%)").fill("5");
  await dialog.getByLabel("Fixed fee").fill("0");
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "hidden" });
  await waitForText(page.getByRole("row", { name: /Etsy/ }), "5%");

  await nav("Models").click();
  await page.getByRole("button", { name: "Add model" }).first().click();
  dialog = page.getByRole("dialog");
  await page.waitForFunction(() => /** @type {HTMLInputElement|null} */ (document.querySelector("input[name=sku]"))?.value === "MOD-001");
  await dialog.getByLabel("Name", { exact: true }).fill("Two-tone dragon");
  await chooseOption(dialog.getByLabel("Filament 1", { exact: true }), /Jungle Green/);
  await dialog.getByLabel("Grams 1", { exact: true }).fill("30");
  await dialog.getByRole("button", { name: "Add filament" }).click();
  await chooseOption(dialog.getByLabel("Filament 2", { exact: true }), /Galaxy Black/);
  await dialog.getByLabel("Grams 2", { exact: true }).fill("10");
  await retryUntil(
    () => dialog.getByRole("button", { name: "Add model" }).click(),
    () => page.waitForURL(/\/models\/[0-9a-f-]{36}$/, { timeout: 3_000 }),
  );
  modelUrl = new URL(page.url()).pathname;
  await waitForText(page.getByTestId("units-in-stock"), "0");

  await nav("Products").click();
  await page.getByRole("button", { name: "Add product" }).first().click();
  dialog = page.getByRole("dialog");
  await page.waitForFunction(() => /** @type {HTMLInputElement|null} */ (document.querySelector("input[name=sku]"))?.value === "PRD-001");
  await dialog.getByLabel("Name", { exact: true }).fill("Dragon single");
  await chooseOption(dialog.getByLabel("Model 1", { exact: true }), /MOD-001/);
  await dialog.getByRole("button", { name: "Add product" }).click();
  await page.waitForURL(/\/products\/[0-9a-f-]{36}$/);
  productUrl = new URL(page.url()).pathname;
  await page.getByRole("button", { name: "Set price on Etsy" }).click();
  const price = page.getByRole("dialog", { name: "Price on Etsy" });
  await price.getByLabel("Price").fill("10");
  await price.getByRole("button", { name: "Save price" }).click();
  await price.waitFor({ state: "hidden" });
  await waitForText(page.getByTestId("channel-row").filter({ hasText: "Etsy" }), "%");
});

test("a printer with both spools loaded", async () => {
  await nav("Printers").click();
  await page.getByRole("heading", { name: "Printers" }).waitFor();
  await page.getByText("No printers yet").waitFor();
  await shot("40-printers-empty");
  await page.getByRole("button", { name: "Add printer" }).first().click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Prusa MK4");
  await dialog.getByLabel("Manufacturer").fill("Prusa");
  await dialog.getByRole("button", { name: "Add printer" }).click();
  await dialog.waitFor({ state: "hidden" });

  for (const code of ["FIL-001", "FIL-002"]) {
    await page.getByRole("button", { name: "Load spool" }).click();
    dialog = page.getByRole("dialog");
    // Production learns of new spools by inventory's events: the choice appears within seconds.
    await retryUntil(
      async () => {
        await dialog.getByRole("button", { name: "Cancel" }).click();
        await page.getByRole("button", { name: "Load spool" }).click();
      },
      () => dialog.getByLabel("Spool").locator("option", { hasText: code }).waitFor({ state: "attached", timeout: 1_500 }),
    );
    await chooseOption(dialog.getByLabel("Spool"), new RegExp(code));
    await dialog.getByRole("button", { name: "Load spool" }).click();
    await dialog.waitFor({ state: "hidden" });
  }
  const loaded = page.getByRole("list", { name: "Spools in Prusa MK4" });
  await waitForText(loaded, "Slot 1");
  await waitForText(loaded, "Slot 2");
  await shot("41-printers");
});

test("the printer reports usage with its own API key", async () => {
  // One key per printer, as docs/spoolman.md sets Moonraker up: create it, then link it from the printer form.
  await page.goto("/settings/api-keys");
  await page.getByRole("button", { name: "Create API key" }).first().click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("mk4-spoolman");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await dialog.getByTestId("api-key-secret").waitFor();
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "hidden" });
  await nav("Printers").click();
  await page.getByRole("button", { name: "Edit Prusa MK4" }).click();
  dialog = page.getByRole("dialog");
  const select = dialog.getByLabel("Reports usage with API key");
  await chooseOption(select, /mk4-spoolman/);
  assert.match((await dialog.getByRole("link", { name: "Spoolman set-up guide" }).getAttribute("href")) ?? "", /docs\/spoolman\.md$/);
  await dialog.getByRole("button", { name: "Save printer" }).click();
  await dialog.waitFor({ state: "hidden" });
  await waitForText(page.getByTestId("printer-report"), "Reports usage with API key mk4-spoolman · no report yet");
  await shot("41b-printer-api-key");
});

test("plan a run of 5 from the BOM and the printer's spools", async () => {
  await nav("Production runs").click();
  await page.getByText("No production runs yet").waitFor();
  await shot("42-runs-empty");
  await page.getByRole("link", { name: "Plan a run" }).first().click();
  // The runs list has a "Printer" filter too: wait for the wizard, or the filter gets the choice.
  await page.waitForURL(/\/production-runs\/new$/);
  await page.getByRole("button", { name: "Next: items" }).waitFor();
  await chooseOption(page.getByLabel("Printer"), /Prusa MK4/);
  await page.getByRole("button", { name: "Next: items" }).click();
  await chooseOption(page.getByLabel("Model 1"), /MOD-001/);
  await page.getByLabel("Quantity 1").fill("5");
  // Production learns of the model by the catalog's event.
  await retryUntil(
    () => page.getByRole("button", { name: "Next: materials" }).click(),
    () => page.getByTestId("material-line").first().waitFor({ timeout: 2_000 }),
  );
  assert.equal(await page.getByTestId("material-line").count(), 2);
  const grams = [await page.getByLabel("Grams 1").inputValue(), await page.getByLabel("Grams 2").inputValue()].sort();
  assert.deepEqual(grams, ["150", "50"]);
  await waitForText(page.getByTestId("spool-stock").first(), "Available 1,000 g");
  await shot("43-new-run-materials");
  await page.getByRole("button", { name: "Plan run" }).click();
  await page.waitForURL(/\/production-runs\/[0-9a-f-]{36}$/);
  runUrl = new URL(page.url()).pathname;
  await page.getByRole("heading", { name: /^RUN-\d{8}-\d{3}$/ }).waitFor();
  await waitForText(page.getByTestId("run-status"), "Planned");
  await shot("44-run-planned");
});

test("start, weigh before/after, complete → spools, model and product follow; the ledger links to the run", async () => {
  await page.getByRole("button", { name: "Start run" }).click();
  await waitForText(page.getByTestId("run-status"), "In progress");
  for (const [code, before, afterGrams] of [["FIL-001", "1000", "845"], ["FIL-002", "1000", "948"]]) {
    await page.getByRole("button", { name: `Weigh ${code}` }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Before printing (g)").fill(before);
    await dialog.getByLabel("After printing (g)").fill(afterGrams);
    await dialog.getByRole("button", { name: "Save weights" }).click();
    await dialog.waitFor({ state: "hidden" });
  }
  await waitForText(page.getByTestId("run-actual"), "207 g");
  await waitForText(page.getByTestId("run-variance"), "+7 g");
  await shot("45-run-weighed");
  await page.getByRole("button", { name: "Complete…" }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByLabel("Good MOD-001").inputValue(), "5");
  await dialog.getByRole("button", { name: "Complete run" }).click();
  await dialog.waitFor({ state: "hidden" });
  await waitForText(page.getByTestId("run-status"), "Completed");
  await waitForText(page.getByTestId("deduction-status"), "Booked in inventory", 30_000);
  await shot("46-run-completed");

  await expectSpoolWeight("FIL-001", "845 g");
  const runLink = page.getByTestId("ledger-run-link").first();
  await runLink.waitFor();
  assert.equal(await runLink.getAttribute("href"), runUrl);
  await expectSpoolWeight("FIL-002", "948 g");

  // Actual unit cost: (155 g × 0.03 + 52 g × 0.02) ÷ (5 × 40 g) × 40 g = £1.14; 5 units in stock.
  await page.goto(modelUrl);
  await waitForText(page.getByTestId("units-in-stock"), "5");
  await waitForText(page.locator("main"), "£1.14");
  await page.goto(productUrl);
  await waitForText(page.getByTestId("channel-row").filter({ hasText: "Etsy" }), "%");
});

test("the completed run shows on the dashboard and in the variance analytics, from the real service", async () => {
  await page.goto(runUrl);
  const runNumber = ((await page.getByRole("heading", { level: 1 }).textContent()) ?? "").trim();
  assert.match(runNumber, /^RUN-\d{8}-\d{3}$/);
  await nav("Dashboard").click();
  const recent = page.getByTestId("recent-completions");
  await waitForText(recent, runNumber);
  await waitForText(recent, "+3.5% vs estimate"); // 207 g used against 200 g planned
  await shot("46b-dashboard-with-a-completed-run");
  await nav("Analytics").click();
  await waitForText(page.getByTestId("analytics-runs"), "1");
  await waitForText(page.getByTestId("analytics-success"), "100");
  await waitForText(page.locator("main"), runNumber);
  await shot("46c-analytics-with-a-completed-run");
});

test("an admin reverts the run: spools and stock go back", async () => {
  await page.goto(runUrl);
  await page.getByRole("button", { name: "Revert…" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revert run" }).click();
  await waitForText(page.getByTestId("run-status"), "In progress");
  // The revert's returns are not tracked as a deduction (services/production README): nothing pending.
  await waitForText(page.getByTestId("deduction-status"), "Nothing pending");
  await expectSpoolWeight("FIL-001", "1,000 g");
  await expectSpoolWeight("FIL-002", "1,000 g");
  await page.goto(modelUrl);
  await waitForText(page.getByTestId("units-in-stock"), "0");
});

test("the same run failed: its weighed grams are booked as waste", async () => {
  await page.goto(runUrl);
  await page.getByRole("button", { name: "Fail…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill("Layer shift at 12 mm");
  assert.equal(await dialog.getByLabel("Waste on FIL-001 (g)").inputValue(), "155");
  await dialog.getByRole("button", { name: "Mark failed" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByText("Failed: Layer shift at 12 mm").waitFor();
  await waitForText(page.getByTestId("deduction-status"), "Booked in inventory", 30_000);
  await shot("47-run-failed");
  await expectSpoolWeight("FIL-001", "845 g");
  await waitForText(page.locator("main"), "Waste");
  await page.goto(modelUrl);
  await waitForText(page.getByTestId("units-in-stock"), "0");
});

test("a plan that exceeds a spool is refused, then allowed with the override", async () => {
  await nav("Production runs").click();
  await page.getByRole("link", { name: "Plan a run" }).first().click();
  // The runs list has a "Printer" filter too: wait for the wizard, or the filter gets the choice.
  await page.waitForURL(/\/production-runs\/new$/);
  await page.getByRole("button", { name: "Next: items" }).waitFor();
  await chooseOption(page.getByLabel("Printer"), /Prusa MK4/);
  await page.getByRole("button", { name: "Next: items" }).click();
  await chooseOption(page.getByLabel("Model 1"), /MOD-001/);
  await page.getByLabel("Quantity 1").fill("40"); // 1,200 g of Jungle Green; FIL-001 has 845 g
  await page.getByRole("button", { name: "Next: materials" }).click();
  await waitForText(page.getByTestId("shortfall"), "Short by 355 g");
  await page.getByRole("button", { name: "Plan run" }).click();
  await waitForText(page.locator("main"), "short by 355");
  assert.match(page.url(), /\/production-runs\/new$/);
  await shot("48-new-run-refused");
  await page.getByLabel("Allow insufficient stock (plan it anyway)").check();
  await page.getByRole("button", { name: "Plan run" }).click();
  await page.waitForURL(/\/production-runs\/[0-9a-f-]{36}$/);
  await waitForText(page.getByTestId("run-status"), "Planned");
});

test("the production pages in dark mode and at phone width", async () => {
  // The run planned a moment ago is in the list without a reload (the data layer's refresh rule).
  await nav("Production runs").click();
  await waitForText(page.locator("main"), "Showing 1–2 of 2");
  await shot("49-runs");
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await page.goto("/production-runs"); // no colour transition caught half-way
  await page.getByRole("table").waitFor();
  await shot("50-runs-dark");
  await page.goto("/printers");
  await page.getByRole("list", { name: "Spools in Prusa MK4" }).waitFor();
  await shot("51-printers-dark");
  await page.goto(runUrl);
  await page.getByText("Failed: Layer shift at 12 mm").waitFor();
  await shot("52-run-detail-dark");
  await page.goto("/production-runs/new");
  await page.getByRole("button", { name: "Next: items" }).waitFor();
  await shot("53-new-run-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/production-runs");
  await page.getByRole("table").waitFor();
  await shot("54-runs-phone");
  await page.goto("/printers");
  await page.getByRole("list", { name: "Spools in Prusa MK4" }).waitFor();
  await shot("55-printers-phone");
  await page.goto(runUrl);
  await page.getByText("Failed: Layer shift at 12 mm").waitFor();
  await shot("56-run-detail-phone");
  await page.goto("/production-runs/new");
  await page.getByRole("button", { name: "Next: items" }).waitFor();
  await shot("57-new-run-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("the production pages logged no errors in the browser console", () => {
  // Refusals the pages handled (409 short stock, 404/422 while a service learns of a new spool or model)
  // log the failed request in Chromium's console.
  const unexpected = consoleErrors.filter((text) => !/status of (401|404|409|422)/.test(text));
  assert.deepEqual(unexpected, []);
});
