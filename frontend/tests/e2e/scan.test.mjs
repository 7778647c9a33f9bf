// Camera scan and labels in the browser, with a fake camera: Chromium plays a Y4M video generated here
// (fakeCamera.mjs) from a QR code of a real spool's address, or from a manufacturer's EAN-13 barcode.
// scan → the spool's page; scan with "weigh" → its weigh dialog; an unknown EAN → remember it for a filament
// type → "Add spool" pre-filled → the next scan of it goes straight there. Then the label templates, printed
// (print media) at each size: no code wraps or overflows, nothing in the sidebar's column.
// Runs against the real stack (tests/e2e/test_web_app.py starts it): E2E_BASE_URL, E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { blankPicture, eanPicture, qrPicture, showCamera } from "./fakeCamera.mjs";
import { BASE_URL, SHOTS, assertAccessible, pageHelpers, register, startJourney, waitForText } from "./support.mjs";

const unique = Date.now().toString(36);
const shop = { name: "Hedy Lamarr", shop: `Scan Works ${unique}`, email: `hedy-${unique}@example.com`, password: "correct horse 3" };
const EAN = "4006381333931";
const LONG_BRAND = "Prusament Galaxy Black Sparkle Limited";
const LONG_COLOUR = "Mystic Midnight Galaxy Blue Limited Edition";
/** The smallest font a label may use for any of its text, px (5 pt): smaller is not readable on a print. */
const MIN_LABEL_PX = (5 * 96) / 72;
const LONG_CODE = "DRYBOX-A-2026-0001";

const camera = join(mkdtempSync(join(tmpdir(), "batchivo-scan-")), "camera.y4m");
showCamera(camera, blankPicture());

/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
/** @type {string[]} */
const spoolIds = [];

startJourney(consoleErrors, (opened) => ({ page } = opened), {
  args: ["--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${camera}`, "--use-fake-ui-for-media-stream"],
  permissions: ["camera"],
});

const { nav, shot } = pageHelpers(() => page);

/**
 * Opens the Scan dialog from the header; the camera shows `picture` (replaced before the camera starts).
 * A spool label's QR code needs no lookup: the dialog may close on its first frame, before a wait for it
 * to be visible has seen it (CI once waited 15 s for a dialog that had come and gone, and left the weigh
 * dialog open over the next tests). `settles: true` returns without that wait; the caller waits for
 * where the scan leads.
 */
async function openScan(/** @type {import("./fakeCamera.mjs").Picture} */ picture, { settles = false } = {}) {
  showCamera(camera, picture);
  await page.getByRole("button", { name: "Scan", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Scan a code" });
  if (!settles) await dialog.waitFor();
  return dialog;
}

async function addFilamentType(/** @type {string} */ brand, /** @type {string} */ colour) {
  await nav("Filament types").click();
  await page.getByRole("heading", { name: "Filament types" }).waitFor();
  await page.getByRole("button", { name: "Add filament type" }).first().click();
  const dialog = page.getByRole("dialog");
  const pla = dialog.getByLabel("Material").locator("option", { hasText: /^PLA\b/ });
  await dialog.getByLabel("Material").selectOption((await pla.getAttribute("value")) ?? "");
  await dialog.getByLabel("Brand").fill(brand);
  await dialog.getByLabel("Colour name").fill(colour);
  await dialog.getByLabel("Colour hex code").fill("#2B2D42");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
}

test("set up: a shop, two filament types, two spools (one with a long code, one with a long brand and colour name)", async () => {
  await register(page, shop);
  await addFilamentType(LONG_BRAND, LONG_COLOUR);
  await addFilamentType("Polymaker", "Jade");
  await nav("Spools").click();
  /** @type {[RegExp, string, string][]} */
  const spools = [[/Prusament/, "", "Shelf A"], [/Polymaker/, LONG_CODE, "Drybox 2"]];
  for (const [type, code, location] of spools) {
    await page.getByRole("button", { name: "Add spool" }).click();
    const dialog = page.getByRole("dialog");
    const option = dialog.getByLabel("Filament type").locator("option", { hasText: type });
    await dialog.getByLabel("Filament type").selectOption((await option.getAttribute("value")) ?? "");
    await dialog.getByLabel("Location").fill(location);
    if (code) await dialog.getByLabel("Code").fill(code);
    await dialog.getByRole("button", { name: "Create spool" }).click();
    await dialog.waitFor({ state: "hidden" });
  }
  for (const code of ["FIL-001", LONG_CODE]) {
    const href = await page.getByRole("link", { name: code }).getAttribute("href");
    spoolIds.push((href ?? "").split("/").pop() ?? "");
  }
  assert.equal(spoolIds.length, 2);
});

test("scanning a spool label's QR code lands on the spool", async () => {
  const dialog = await openScan(qrPicture(`${BASE_URL}/spools/${spoolIds[0]}`), { settles: true });
  await page.waitForURL((url) => url.pathname === `/spools/${spoolIds[0]}`, { timeout: 20_000 });
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("heading", { name: "FIL-001" }).waitFor();
  await shot("scan-01-landed-on-spool");
});

test("with “weigh” ticked, a scan opens the spool's weigh dialog", async () => {
  // Ticked while the camera sees nothing; the choice is kept for the next scan.
  const dialog = await openScan(blankPicture());
  await waitForText(dialog.getByRole("status"), "Scanning");
  await dialog.getByRole("checkbox", { name: "Open the weigh dialog of a scanned spool" }).click();
  await shot("scan-02-dialog-scanning");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await nav("Spools").click();

  await openScan(qrPicture(`${BASE_URL}/spools/${spoolIds[1]}`), { settles: true });
  const weigh = page.getByRole("dialog", { name: `Weigh ${LONG_CODE}` });
  await weigh.waitFor({ timeout: 20_000 });
  assert.equal(new URL(page.url()).pathname, `/spools/${spoolIds[1]}`);
  assert.equal(new URL(page.url()).search, "", "the weigh intent leaves the address");
  await shot("scan-03-weigh-dialog");
  await page.keyboard.press("Escape");
  await weigh.waitFor({ state: "hidden" });
  // Untick for the next tests.
  const again = await openScan(blankPicture());
  await again.getByRole("checkbox", { name: "Open the weigh dialog of a scanned spool" }).click();
  await page.keyboard.press("Escape");
  await again.waitFor({ state: "hidden" });
});

test("an unknown EAN is remembered for a filament type, then Add spool opens pre-filled", async () => {
  await nav("Spools").click();
  const dialog = await openScan(eanPicture(EAN));
  const remember = dialog.getByRole("form", { name: "Remember this retail code" });
  await remember.waitFor({ timeout: 20_000 });
  await waitForText(remember, EAN);
  await shot("scan-04-remember-ean");
  const option = remember.getByLabel("Filament type").locator("option", { hasText: /Polymaker/ });
  const typeId = (await option.getAttribute("value")) ?? "";
  await remember.getByLabel("Filament type").selectOption(typeId);
  await remember.getByRole("button", { name: "Remember and add spool" }).click();

  const add = page.getByRole("dialog", { name: "Add spool" });
  await add.waitFor();
  assert.equal(await add.getByLabel("Filament type").inputValue(), typeId);
  assert.equal(new URL(page.url()).search, "");
  await shot("scan-05-add-spool-prefilled");
  await add.getByRole("button", { name: "Create spool" }).click();
  await add.waitFor({ state: "hidden" });
  await page.getByRole("link", { name: "FIL-002" }).waitFor();

  // The next box of that type: straight to Add spool with its type.
  await openScan(eanPicture(EAN), { settles: true });
  const next = page.getByRole("dialog", { name: "Add spool" });
  await next.waitFor({ timeout: 20_000 });
  assert.equal(await next.getByLabel("Filament type").inputValue(), typeId);
  await page.keyboard.press("Escape");
});

test("the filament type's edit dialog lists the remembered barcode (light, dark, phone)", async () => {
  await nav("Filament types").click();
  /** @type {[string, string, { width: number, height: number }][]} */
  const views = [
    ["light", "scan-08-type-barcodes", { width: 1280, height: 860 }],
    ["dark", "scan-09-type-barcodes-dark", { width: 1280, height: 860 }],
    ["light", "scan-10-type-barcodes-phone", { width: 390, height: 844 }],
  ];
  for (const [theme, name, size] of views) {
    await page.setViewportSize(size);
    if (theme === "dark") await page.getByRole("button", { name: "Use dark theme" }).click();
    await page.getByRole("button", { name: "Edit PLA Polymaker Jade" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit filament type" });
    await dialog.getByRole("list", { name: "Remembered barcodes" }).getByText(EAN).waitFor();
    await shot(name);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    if (theme === "dark") await page.getByRole("button", { name: "Use light theme" }).click();
  }
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("a code can be typed; a mistyped barcode is explained", async () => {
  const dialog = await openScan(blankPicture());
  await dialog.getByLabel("Or type the code").fill("4006381333932");
  await dialog.getByRole("button", { name: "Look up" }).click();
  await waitForText(dialog, "check digit of 4006381333932 is wrong");
  await dialog.getByLabel("Or type the code").fill("fil-001");
  await dialog.getByRole("button", { name: "Look up" }).click();
  await page.waitForURL((url) => url.pathname === `/spools/${spoolIds[0]}`);
});

test("the scan dialog in dark mode and at phone width", async () => {
  await page.getByRole("button", { name: "Use dark theme" }).click();
  const dialog = await openScan(blankPicture());
  await waitForText(dialog.getByRole("status"), "Scanning");
  await shot("scan-06-dialog-dark");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  const phone = await openScan(blankPicture());
  await waitForText(phone.getByRole("status"), "Scanning");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "no sideways scroll at 390 px");
  await shot("scan-07-dialog-phone");
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 1280, height: 860 });
});

/**
 * Every code on one line, inside its label; every text of a label (code, brand, material, colour, location)
 * inside its own box, written in full (no "…", nothing cut) at a readable size; nothing in the sidebar's column.
 */
async function assertLabelsFit(/** @type {string} */ name) {
  const report = await page.evaluate((minPx) => {
    const problems = [];
    const codes = Array.from(document.querySelectorAll("[data-testid=label-code]"), (node) => /** @type {HTMLElement} */ (node));
    for (const code of codes) {
      const style = getComputedStyle(code);
      const fontSize = parseFloat(style.fontSize);
      const height = code.getBoundingClientRect().height;
      if (height > fontSize * 1.6) problems.push(`${code.textContent} is not one line (${height}px at ${fontSize}px)`);
      if (style.whiteSpace !== "nowrap") problems.push(`${code.textContent} may wrap`);
    }
    const selector = ["label-code", "label-brand", "label-material", "label-color", "label-location"].map((id) => `[data-testid=${id}]`).join(",");
    const texts = Array.from(document.querySelectorAll(selector), (node) => /** @type {HTMLElement} */ (node));
    for (const text of texts) {
      const style = getComputedStyle(text);
      const what = `${text.dataset.testid} "${text.textContent}"`;
      if (text.scrollWidth > text.clientWidth) problems.push(`${what} overflows sideways (${text.scrollWidth} > ${text.clientWidth})`);
      if (text.scrollHeight > text.clientHeight) problems.push(`${what} overflows downwards (${text.scrollHeight} > ${text.clientHeight})`);
      if (style.textOverflow === "ellipsis" || (text.textContent ?? "").endsWith("…")) problems.push(`${what} ends in an ellipsis`);
      if (parseFloat(style.fontSize) < minPx - 0.01) problems.push(`${what} is too small to read (${style.fontSize})`);
    }
    for (const text of Array.from(document.querySelectorAll("[data-testid=label-text]"))) {
      if (text.scrollHeight > text.clientHeight + 1) problems.push(`label text spills (${text.scrollHeight} > ${text.clientHeight})`);
    }
    const labels = Array.from(document.querySelectorAll("[data-testid=spool-label]"), (node) => node.getBoundingClientRect());
    const aside = document.querySelector("aside");
    return {
      problems,
      checked: texts.length,
      codes: codes.map((code) => code.textContent),
      brands: Array.from(document.querySelectorAll("[data-testid=label-brand]"), (node) => node.textContent),
      colours: Array.from(document.querySelectorAll("[data-testid=label-color]"), (node) => node.textContent),
      firstLeft: labels[0]?.left ?? -1,
      asideShown: aside ? getComputedStyle(aside).display !== "none" : false,
    };
  }, MIN_LABEL_PX);
  assert.deepEqual(report.problems, [], name);
  assert.ok(report.checked >= 4, `${name}: the label texts were found (${report.checked})`);
  assert.deepEqual(report.codes, ["FIL-001", LONG_CODE], name);
  return report;
}

test("labels: every template, on screen and printed, keeps codes on one line and the sheet out of the sidebar", async () => {
  const templates = ["a4-3x8", "a4-2x7", "brother-62", "brother-29x90", "dymo-54x25", "dymo-89x36"];
  const fields = "qr,brand,material,color,location,weight";
  for (const template of templates) {
    await page.goto(`/spools/labels?ids=${spoolIds.join(",")}&template=${template}&fields=${fields}`);
    await page.getByTestId("spool-label").nth(1).waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll("[data-testid=spool-label] img"), (img) => /** @type {HTMLImageElement} */ (img)).every((img) => img.complete && img.naturalWidth > 0));
    const shown = await assertLabelsFit(`${template} on screen`);
    // The long brand and colour names are written in full.
    assert.deepEqual([shown.brands[0], shown.colours[0]], [LONG_BRAND, LONG_COLOUR], template);
    await shot(`labels-${template}`);

    await page.emulateMedia({ media: "print" });
    const printed = await assertLabelsFit(`${template} printed`);
    assert.equal(printed.asideShown, false, `${template}: the sidebar is not printed`);
    assert.ok(printed.firstLeft < 40, `${template}: the first label starts at the paper's left (${printed.firstLeft}px), not after the sidebar's column`);
    await page.screenshot({ path: join(SHOTS, `labels-${template}-print.png`), fullPage: true });
    await page.emulateMedia({ media: "screen" });
  }
});

test("labels in dark mode and at phone width", async () => {
  await page.goto(`/spools/labels?ids=${spoolIds.join(",")}&template=a4-2x7`);
  await page.getByTestId("spool-label").nth(1).waitFor();
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await shot("labels-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("spool-label").nth(1).waitFor();
  // The labels refit their text after the resize (a frame or two later): wait for the layout to settle,
  // then hold it to no sideways scroll.
  const settled = await page
    .waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, { timeout: 5000 })
    .then(() => true, () => false);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(settled, `no sideways scroll at 390 px (the page is ${overflow}px wider than the screen)`);
  await assertLabelsFit("a4-2x7 at 390 px");
  await shot("labels-phone");
  await assertAccessible(page, "labels-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("no unexpected console errors", () => {
  // A 404 on a look-up is the answer "unknown code", a 401 the signed-out start (the browser logs both).
  const unexpected = consoleErrors.filter((message) => !/status of (401|404)/.test(message));
  assert.deepEqual(unexpected, []);
});
