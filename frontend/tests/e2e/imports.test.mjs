// Import and export in the browser, through the gateway: a 5,000-row spools CSV (dry run, then the real
// import, then the same file again, which creates nothing new), a file with bad rows reported by line and
// field, a Spoolman export imported with its weights and ledger, and the exports (the page's and the spools
// list's, which applies the list's filters). The page in light, dark and at 390 px, each with axe-core.
// Runs against the real stack (tests/e2e/test_web_app.py): E2E_BASE_URL, E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { pageHelpers, register, startJourney, waitForText } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SPOOLMAN_EXPORT = readFileSync(join(here, "../../../services/inventory/tests/fixtures/spoolman_export.json"));
const unique = Date.now().toString(36);
const owner = { name: "Margaret Hamilton", shop: `Apollo Prints ${unique}`, email: `margaret-${unique}@example.com`, password: "correct horse 5" };
const ROWS = 5000;

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];

startJourney(consoleErrors, (opened) => ({ browser, page } = opened));

const { nav, shot } = pageHelpers(() => page);

/** A shop's spreadsheet: 5,000 spools of 24 filament types on 10 shelves, each row with its own id. */
function spoolsCsv() {
  const colours = ["Galaxy Black", "Jet Black", "Signal Red", "Ocean Blue", "Lime Green", "Arctic White"];
  const brands = ["Prusament", "Polymaker"];
  const materials = ["PLA", "PETG"];
  const lines = ["external_id,material,brand,color_name,initial_weight,current_weight,location,purchase_price,lot_number"];
  for (let i = 1; i <= ROWS; i += 1) {
    const colour = colours[i % colours.length];
    const brand = brands[Math.floor(i / 6) % brands.length];
    const material = materials[Math.floor(i / 12) % materials.length];
    const current = 200 + (i % 800);
    lines.push(`row-${i},${material},${brand},${colour},1000,${current},Shelf ${String.fromCharCode(65 + (i % 10))},${(19 + (i % 7)).toFixed(2)},L${i % 97}`);
  }
  return Buffer.from(lines.join("\n") + "\n");
}

/** The count shown for `label` in the report ("created", "rows", …). @param {string} label */
async function count(label) {
  const text = await page.getByTestId("import-counts").locator(`[data-count="${label}"] dd`).innerText();
  return Number(text.replace(/[^\d]/g, ""));
}

/** Picks the import kind and the file. @param {string} kind @param {string} name @param {string} mimeType @param {Buffer} buffer */
async function choose(kind, name, mimeType, buffer) {
  await page.getByLabel("What to import").selectOption(kind);
  await page.getByTestId("import-file").setInputFiles({ name, mimeType, buffer });
}

/** Clicks a button and waits for the report of that run; answers the seconds it took. @param {"Check (dry run)" | "Import"} button */
async function run(button) {
  const dryRun = button !== "Import";
  const started = performance.now();
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.locator(`[data-testid="import-report"][data-dry-run="${dryRun}"]`).waitFor({ timeout: 120_000 });
  return (performance.now() - started) / 1000;
}

test("register a shop and open the import & export page", async () => {
  await register(page, owner);
  await nav("Import & export").click();
  await page.getByRole("heading", { name: "Import & export" }).waitFor();
  await shot("60-import-export");
});

test("a 5,000-row spools CSV: dry run, real import, and a second run that creates nothing new", async () => {
  const file = spoolsCsv();
  await choose("spools", "spools.csv", "text/csv", file);
  const dry = await run("Check (dry run)");
  assert.equal(await count("rows"), ROWS);
  assert.equal(await count("created"), ROWS);
  assert.equal(await count("with errors"), 0);
  await waitForText(page.getByTestId("import-report"), "Filament types: 24 new");
  await shot("61-import-dry-run");

  const real = await run("Import");
  assert.equal(await count("created"), ROWS);
  assert.equal(await count("updated"), 0);
  await page.getByText("The import was written.").waitFor();
  console.log(`imports journey: ${ROWS}-row spool CSV — dry run ${dry.toFixed(1)} s, import ${real.toFixed(1)} s (browser click to report)`);
  await shot("62-import-done");

  await run("Check (dry run)");
  const again = await run("Import");
  assert.equal(await count("created"), 0);
  assert.equal(await count("updated"), 0);
  assert.equal(await count("unchanged"), ROWS);
  await waitForText(page.getByTestId("import-report"), "Imported.");
  console.log(`imports journey: the same file again — ${again.toFixed(1)} s, nothing created`);

  await nav("Spools").click();
  await waitForText(page.locator("main"), "FIL-001");
  // The pager: "Showing 1–50 of 1000+" (a list counts up to 1,000 matches: docs/adr/0018-spool-list-scale.md).
  await waitForText(page.locator("main"), ROWS > 1000 ? "of 1000+" : `of ${ROWS}`);
});

test("bad rows are reported by line and field, and the import writes nothing", async () => {
  await nav("Import & export").click();
  const bad = Buffer.from(
    "code,material,brand,color_name,initial_weight,current_weight,purchase_date\n" +
      "OK-1,PLA,Acme,Red,1000,,\n" +
      "BAD 1,PLA,,Red,abc,,2026-13-01\n" +
      "OK-2,UNOBTAINIUM,Acme,Red,1000,2000,\n",
  );
  await choose("spools", "bad.csv", "text/csv", bad);
  await run("Check (dry run)");
  const errors = page.getByTestId("import-errors");
  for (const [line, field] of [["3", "code"], ["3", "brand"], ["3", "initial_weight"], ["3", "purchase_date"], ["4", "current_weight"]]) {
    await errors.getByRole("row").filter({ has: page.getByRole("cell", { name: line, exact: true }) }).filter({ has: page.getByRole("cell", { name: field, exact: true }) }).first().waitFor();
  }
  assert.equal(await count("with errors"), 2);
  assert.equal(await page.getByRole("button", { name: "Import", exact: true }).isDisabled(), true, "a file with bad rows cannot be imported");
  await shot("63-import-errors");
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await shot("64-import-errors-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(fits, "no sideways scrolling at phone width");
  await shot("65-import-errors-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("a Spoolman export is imported with its weights and ledger intact", async () => {
  await choose("spoolman", "spoolman-spools.json", "application/json", SPOOLMAN_EXPORT);
  await run("Check (dry run)");
  assert.equal(await count("created"), 3);
  assert.equal(await count("with errors"), 1); // the spool without any weight is reported, and skipped
  await run("Import");
  assert.equal(await count("created"), 3);
  const results = page.getByTestId("import-results");
  const charcoal = results.getByRole("row").filter({ hasText: "PolyTerra Charcoal Black" }).filter({ hasText: "FIL-" });
  const code = ((await charcoal.innerText()).match(/FIL-\d+/) ?? [""])[0];
  assert.match(code, /^FIL-\d+$/);
  await shot("66-spoolman-imported");

  // Again: Spoolman's ids are the keys, so nothing is duplicated.
  await run("Check (dry run)");
  await run("Import");
  assert.equal(await count("created"), 0);
  assert.equal(await count("unchanged"), 3);

  // A real run's spools link to their pages.
  await results.getByRole("link", { name: new RegExp(`^${code} `) }).click();
  await page.getByRole("heading", { name: code }).waitFor();
  await waitForText(page.locator("main"), "650.5");
  const history = page.locator("section", { has: page.getByRole("heading", { name: "History" }) });
  await waitForText(history, "purchase", { ignoreCase: true });
  await waitForText(history, "adjustment", { ignoreCase: true });
  await waitForText(history, "349.5");
  await shot("67-spoolman-spool-ledger");
});

test("the exports: the page's buttons and the spools list's filters", async () => {
  await nav("Import & export").click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Filament types CSV" }).click()]);
  const types = readFileSync(/** @type {string} */ (await download.path()), "utf8").trim().split(/\r?\n/);
  assert.equal(types[0], "material,brand,color_name,color_hex,finish,diameter_mm,density,extruder_temp,bed_temp,min_stock_grams");
  // the header, the CSV's 24 types, and 2 of Spoolman (its Prusament PETG Galaxy Black is the CSV's type)
  assert.equal(types.length, 1 + 24 + 2);

  await page.goto("/spools?location=Shelf%20B");
  await waitForText(page.locator("main"), "Shelf B");
  const [spools] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  const lines = readFileSync(/** @type {string} */ (await spools.path()), "utf8").trim().split(/\r?\n/);
  assert.equal(lines.length, 1 + ROWS / 10 + 1); // the 500 CSV spools on Shelf B and Spoolman's spool 2
  assert.ok(lines.slice(1).every((line) => line.includes(",Shelf B,")), "every exported spool is on Shelf B");
  await shot("68-spools-export-filtered");
});

test("the import & export page in dark mode and at phone width", async () => {
  await nav("Import & export").click();
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await shot("69-import-export-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("heading", { name: "Import & export" }).waitFor();
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(fits, "no sideways scrolling at phone width");
  await shot("70-import-export-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("another Spoolman instance with the same ids is other spools; an archived spool is skipped, not restored", async () => {
  await nav("Import & export").click();
  await choose("spoolman", "office-spools.json", "application/json", SPOOLMAN_EXPORT);
  await page.getByTestId("import-instance-name").fill("Office");
  await run("Check (dry run)");
  assert.equal(await count("created"), 3, "the office's spools 1-3 are not the default instance's spools 1-3");
  await waitForText(page.getByTestId("import-instance"), "Spoolman instance: Office");
  await run("Import");
  assert.equal(await count("created"), 3);
  const results = page.getByTestId("import-results");
  const charcoal = results.getByRole("row").filter({ hasText: "PolyTerra Charcoal Black" }).filter({ hasText: "FIL-" });
  const code = ((await charcoal.innerText()).match(/FIL-\d+/) ?? [""])[0];
  await results.getByRole("link", { name: new RegExp(`^${code} `) }).click();
  await page.getByRole("heading", { name: code }).waitFor();
  await page.getByRole("button", { name: "Archive", exact: true }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Archive spool" }).click();
  await page.getByRole("alertdialog").waitFor({ state: "hidden" });

  await nav("Import & export").click();
  await choose("spoolman", "office-spools.json", "application/json", SPOOLMAN_EXPORT);
  await page.getByTestId("import-instance-name").fill("office");
  await run("Check (dry run)");
  assert.equal(await count("created"), 0);
  assert.equal(await count("skipped"), 1);
  const skipped = page.getByTestId("import-results").getByRole("row").filter({ hasText: code });
  await waitForText(skipped, "Skipped: archived here");
  await shot("71-import-archived-skipped");
});

test("the imports journey logged no unexpected errors in the browser console", () => {
  assert.deepEqual(
    consoleErrors.filter((text) => !/status of (401)/.test(text)),
    [],
  );
});

