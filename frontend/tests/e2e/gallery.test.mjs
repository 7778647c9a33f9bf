// A product's image gallery, categories, analytics and the dashboard in the browser, through the gateway:
// upload two images (the file picker, then drag and drop), make the second primary, move it first, refuse a
// PDF renamed .png in plain words; filter products by category, merge a category; the analytics page and the
// dashboard's production cards. Runs against the real stack (tests/e2e/test_web_app.py): E2E_BASE_URL,
// E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { test } from "node:test";
import { pageHelpers, startJourney, register, waitForText } from "./support.mjs";

const unique = Date.now().toString(36);
const owner = { name: "Grace Hopper", shop: `Compiler Prints ${unique}`, email: `grace-${unique}@example.com`, password: "correct horse 4" };

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
let productUrl = "";

startJourney(consoleErrors, (opened) => ({ browser, page } = opened));

const { nav, shot } = pageHelpers(() => page);

// ---- A real PNG, made here (no binary fixtures in the repository) ---------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Buffer} bytes */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A width×height PNG: a diagonal two-colour split, so the thumbnails are told apart in the screenshots.
 * @param {number} width @param {number} height @param {number[]} first @param {number[]} second
 */
function png(width, height, first, second) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) row.set(x / width + y / height < 1 ? first : second, 1 + x * 3);
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

// ---- Helpers as in the other journeys -------------------------------------------------------------------

const tiles = () => page.getByTestId("gallery-image");

/** Nothing sticks out of the viewport (the layout settles after a resize), else names what does. */
async function noSidewaysScroll() {
  const fits = await page
    .waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, { timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  if (fits) return;
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll("body *"))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 8)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.getAttribute("class") ?? "").slice(0, 60)} → ${Math.round(el.getBoundingClientRect().right)}px`),
  );
  assert.fail(`sideways scrolling at phone width: ${wide.join("; ")}`);
}

/** The image ids in the gallery's order. */
async function order() {
  return tiles().evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-image-id")));
}

/** Waits until every thumbnail in the gallery has loaded (object URLs of the authorised bytes). @param {number} count */
async function thumbnailsLoaded(count) {
  await page.waitForFunction(
    (n) => {
      const images = Array.from(document.querySelectorAll('[data-testid="gallery-image"] img'));
      return images.length === n && images.every((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0);
    },
    count,
  );
}

/** A variance report of the API's shape: 14 days, over and under, with runs and models. */
const SEEDED_REPORT = (() => {
  const daily = Array.from({ length: 14 }, (_, i) => {
    const estimated = 300 + ((i * 37) % 120);
    const pct = [4.2, -2.5, 7.8, 1.1, -6.4, 12.5, 3.3, -1.2, 0.4, 9.6, -3.8, 2.2, 5.1, -0.7][i] ?? 0;
    const actual = Math.round(estimated * (1 + pct / 100) * 10) / 10;
    return { day: new Date(Date.UTC(2026, 10, 20 + i)).toISOString().slice(0, 10), estimated_grams: estimated, actual_grams: actual, variance_grams: Math.round((actual - estimated) * 10) / 10, variance_pct: pct, success_rate: 100 - (i % 3) * 10 };
  });
  const top_runs = daily.map((day, i) => ({
    run_id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
    run_number: `RUN-${String(i + 1).padStart(4, "0")}`,
    run_date: day.day,
    estimated_grams: day.estimated_grams,
    actual_grams: day.actual_grams,
    variance_grams: day.variance_grams,
    variance_pct: day.variance_pct,
    success_rate: day.success_rate,
    time_variance_hours: null,
  }));
  const models = [
    { model_id: "00000000-0000-4000-8000-0000000000a1", sku: "MOD-001", runs: 9, avg_variance_pct: 3.4, success_rate: 93.3 },
    { model_id: "00000000-0000-4000-8000-0000000000a2", sku: "MOD-002", runs: 5, avg_variance_pct: -1.8, success_rate: 86 },
    { model_id: "00000000-0000-4000-8000-0000000000a3", sku: null, runs: 1, avg_variance_pct: 12.5, success_rate: 100 },
  ];
  return { days: 90, runs: top_runs.length, daily, top_runs, models };
})();

// ---- The journey ----------------------------------------------------------------------------------------

test("register a shop and add a product with categories", async () => {
  await register(page, owner);

  await nav("Products").click();
  await page.getByRole("button", { name: "Add product" }).first().click();
  const dialog = page.getByRole("dialog");
  await page.waitForFunction(() => /** @type {HTMLInputElement|null} */ (document.querySelector("input[name=sku]"))?.value === "PRD-001");
  await dialog.getByLabel("Name", { exact: true }).fill("Lighthouse lamp");
  await dialog.getByLabel("Categories").fill("Lamps, Gifts");
  await dialog.getByRole("button", { name: "Remove model 1" }).click();
  await dialog.getByRole("button", { name: "Add product" }).click();
  await page.waitForURL(/\/products\/[0-9a-f-]{36}$/);
  productUrl = new URL(page.url()).pathname;
  await page.getByRole("heading", { name: /PRD-001 Lighthouse lamp/ }).waitFor();
  await page.getByText("No images yet.").waitFor();
});

test("upload two images (file picker, then drag and drop) with progress; the first is primary", async () => {
  await page.getByTestId("image-input").setInputFiles({ name: "lamp-front.png", mimeType: "image/png", buffer: png(640, 480, [37, 99, 235], [250, 204, 21]) });
  await tiles().first().waitFor();
  await thumbnailsLoaded(1);

  // Drag and drop: a real DataTransfer with a File dropped on the zone.
  const side = png(480, 640, [22, 163, 74], [244, 63, 94]).toString("base64");
  const dataTransfer = await page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "lamp-side.png", { type: "image/png" }));
    return transfer;
  }, side);
  await page.dispatchEvent('[data-testid="drop-zone"]', "drop", { dataTransfer });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="gallery-image"]').length === 2);
  await thumbnailsLoaded(2);
  assert.equal(await page.getByTestId("upload-row").count(), 0, "finished uploads leave the list");
  assert.equal(await tiles().nth(0).getByTestId("primary-badge").count(), 1, "the first image is the primary one");
  assert.equal(await tiles().nth(1).getByTestId("primary-badge").count(), 0);
});

test("make the second image primary, then move it first", async () => {
  const [first, second] = await order();
  await page.getByRole("button", { name: "Make image 2 of 2 the primary image" }).click();
  await tiles().nth(1).getByTestId("primary-badge").waitFor();
  assert.equal(await tiles().nth(0).getByTestId("primary-badge").count(), 0, "one primary at a time");

  await page.getByRole("button", { name: "Move image 2 of 2 left" }).click();
  await page.waitForFunction((id) => document.querySelector('[data-testid="gallery-image"]')?.getAttribute("data-image-id") === id, second);
  assert.deepEqual(await order(), [second, first]);
  // The order is the server's: it holds after a reload.
  await page.reload();
  await thumbnailsLoaded(2);
  assert.deepEqual(await order(), [second, first]);
  await tiles().nth(0).getByTestId("primary-badge").waitFor();

  await page.getByRole("button", { name: "Edit the alt text of image 1 of 2" }).click();
  const dialog = page.getByRole("dialog", { name: "Alt text" });
  await dialog.getByLabel("Description of the image").fill("The lamp from the side, lit");
  await dialog.getByRole("button", { name: "Save alt text" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("img", { name: "The lamp from the side, lit" }).waitFor();
});

test("a PDF renamed .png is refused in plain words and nothing is added", async () => {
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  await page.getByTestId("image-input").setInputFiles({ name: "brochure.png", mimeType: "image/png", buffer: pdf });
  await waitForText(page.getByTestId("upload-row").getByRole("alert"), "“brochure.png” is not a JPEG, PNG or WebP image");
  assert.equal(await tiles().count(), 2);
  await shot("40-product-gallery");
  await page.getByRole("button", { name: "Dismiss brochure.png" }).click();
});

test("the gallery in dark mode and at phone width", async () => {
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await page.goto(productUrl);
  await thumbnailsLoaded(2);
  await shot("41-product-gallery-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(productUrl);
  await thumbnailsLoaded(2);
  await noSidewaysScroll();
  await shot("42-product-gallery-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("delete an image after confirming; the other stays primary", async () => {
  await page.goto(productUrl);
  await thumbnailsLoaded(2);
  await page.getByRole("button", { name: "Delete image 2 of 2" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete image" }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="gallery-image"]').length === 1);
  await tiles().nth(0).getByTestId("primary-badge").waitFor();
});

test("filter products by category, and merge a category into another", async () => {
  await nav("Products").click();
  await page.getByRole("link", { name: "PRD-001" }).waitFor();
  const category = page.getByLabel("Category");
  await category.locator("option", { hasText: "Lamps (1)" }).waitFor({ state: "attached" });
  await category.selectOption({ label: "Lamps (1)" });
  await page.waitForURL(/category=Lamps/);
  await page.getByRole("link", { name: "PRD-001" }).waitFor();

  await nav("Categories").click();
  await page.getByRole("heading", { name: "Categories" }).waitFor();
  await page.getByRole("button", { name: "Rename Lamps" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("New name").fill("Gifts");
  await dialog.getByText(/the two will be merged/).waitFor();
  await dialog.getByRole("button", { name: "Merge categories" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("cell", { name: "Lamps", exact: true }).waitFor({ state: "detached" });
  await page.getByRole("cell", { name: "Gifts", exact: true }).waitFor();
  await shot("43-categories");
});

test("the analytics page and the dashboard's production cards", async () => {
  await nav("Analytics").click();
  await page.getByRole("heading", { name: "Analytics" }).waitFor();
  await page.getByText("No completed runs in this period").waitFor();
  await page.getByLabel("Period").selectOption({ label: "Last 90 days" });
  await page.waitForURL(/days=90/);
  await shot("44-analytics-empty");

  // The chart, tables and figures with data. No journey here completes runs (that needs the production
  // worker and the run pages), so this one answer of the real API's shape is served by the browser itself:
  // it checks the rendering (layout, both themes, phone width, axe), not the service.
  await page.route("**/api/v1/production/analytics/variance?*", (route) => route.fulfill({ json: SEEDED_REPORT }));
  await page.reload();
  await page.getByTestId("variance-chart").waitFor();
  await shot("45-analytics");
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await shot("46-analytics-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("variance-chart").waitFor();
  await noSidewaysScroll();
  await shot("47-analytics-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.unroute("**/api/v1/production/analytics/variance?*");

  await nav("Dashboard").click();
  await page.getByText("Nothing is printing.").waitFor();
  await page.getByText("No completed runs yet.").waitFor();
  await page.getByTestId("finished-goods").waitFor();
  await shot("48-dashboard-production");
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await shot("49-dashboard-production-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
});

test("the gallery journey logged no unexpected errors in the browser console", () => {
  // The refused PDF (415) logs the failed request in Chromium's console; the page said it in words.
  const unexpected = consoleErrors.filter((text) => !/status of (401|415)/.test(text));
  assert.deepEqual(unexpected, []);
});
