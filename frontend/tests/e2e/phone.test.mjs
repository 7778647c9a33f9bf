// The shop owner at the shelf with a phone (390 × 844): an empty shop is led from the dashboard to its first
// filament type and its first spool, three types are added in a row with "Save and add another", the spools
// list shows cards with what is left, the weight and the place, and no page of the app scrolls sideways — in
// the light and the dark theme, each screenshotted and scanned by axe-core.
// Runs against the real stack (tests/e2e/test_web_app.py starts it): E2E_BASE_URL, E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { pageHelpers, register, startJourney } from "./support.mjs";

const PHONE = { width: 390, height: 844 };
const unique = Date.now().toString(36);
const owner = { name: "Mary Anning", shop: `Shelf Side ${unique}`, email: `mary-${unique}@example.com`, password: "correct horse 3" };

/**
 * EVERY route of src/router.tsx, as the path pattern written there. A new page adds one line here: `visit` is the
 * address to open (ids of the objects the journey creates are filled in), `signedOut` for the sign-in pages.
 * The last test fails when router.tsx has a route this list misses.
 * @type {{ route: string, visit: (ids: Record<string, string>) => string, signedOut?: boolean }[]}
 */
const ROUTES = [
  { route: "/login", visit: () => "/login", signedOut: true },
  { route: "/register", visit: () => "/register", signedOut: true },
  { route: "/", visit: () => "/" },
  { route: "spools", visit: () => "/spools" },
  { route: "spools/labels", visit: (ids) => `/spools/labels?ids=${ids.spool}` },
  { route: "spools/:spoolId", visit: (ids) => `/spools/${ids.spool}` },
  { route: "locations", visit: () => "/locations" },
  { route: "locations/:locationId", visit: (ids) => `/locations/${ids.location}` },
  { route: "locations/:locationId/label", visit: (ids) => `/locations/${ids.location}/label` },
  { route: "filament-types", visit: () => "/filament-types" },
  { route: "material-types", visit: () => "/material-types" },
  { route: "history", visit: () => "/history" },
  { route: "import-export", visit: () => "/import-export" },
  { route: "models", visit: () => "/models" },
  { route: "models/:modelId", visit: (ids) => `/models/${ids.model}` },
  { route: "products", visit: () => "/products" },
  { route: "products/:productId", visit: (ids) => `/products/${ids.product}` },
  { route: "categories", visit: () => "/categories" },
  { route: "analytics", visit: () => "/analytics" },
  { route: "printers", visit: () => "/printers" },
  { route: "production-runs", visit: () => "/production-runs" },
  { route: "production-runs/new", visit: () => "/production-runs/new" },
  { route: "production-runs/:runId", visit: (ids) => `/production-runs/${ids.run}` },
  { route: "settings/members", visit: () => "/settings/members" },
  { route: "settings/api-keys", visit: () => "/settings/api-keys" },
  { route: "settings/webhooks", visit: () => "/settings/webhooks" },
  { route: "settings/webhooks/:endpointId", visit: (ids) => `/settings/webhooks/${ids.webhook}` },
  { route: "sales-channels", visit: () => "/sales-channels" },
  { route: "settings/catalog", visit: () => "/settings/catalog" },
  { route: "*", visit: () => "/no-such-page" },
];

/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
/** The ids of what this journey creates, for the detail pages. @type {Record<string, string>} */
const ids = {};
/** The last bearer token the app sent, to create the few objects the phone pages need directly. */
let bearer = "";

startJourney(consoleErrors, (opened) => {
  page = opened.page;
  page.on("request", (request) => {
    const authorization = request.headers()["authorization"];
    if (authorization) bearer = authorization;
  });
});

const { shot } = pageHelpers(() => page);

/** Nothing wider than the screen: the document never scrolls sideways. Names the widest elements when it does. */
async function assertNoSidewaysScroll(/** @type {string} */ where) {
  const found = await page.evaluate(() => {
    const root = /** @type {Element} */ (document.scrollingElement);
    const wide = Array.from(document.querySelectorAll("body *"))
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 0.5)
      .slice(-5)
      .map((element) => `${element.tagName.toLowerCase()}.${String(element.className).slice(0, 60)} → ${Math.round(element.getBoundingClientRect().right)}px`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
  });
  assert.ok(found.scrollWidth <= found.clientWidth, `${where} scrolls sideways by ${found.scrollWidth - found.clientWidth}px: ${found.wide.join("; ")}`);
}

/** Whether two boxes share any area. @param {{x:number,y:number,width:number,height:number} | null} a @param {{x:number,y:number,width:number,height:number} | null} b */
function overlaps(a, b) {
  if (!a || !b) return false;
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Opens a page of the app and waits until it has settled (its heading shown, no request running). */
async function open(/** @type {string} */ path) {
  await page.goto(path);
  await page.getByRole("heading").first().waitFor();
  await page.waitForLoadState("networkidle");
}

/** A POST to the app's API as the signed-in owner; returns the created object's id. */
async function create(/** @type {string} */ path, /** @type {object} */ body) {
  const response = await page.request.post(path, {
    data: body,
    headers: { Authorization: bearer, "Idempotency-Key": crypto.randomUUID() },
  });
  assert.equal(response.status(), 201, `${path}: ${await response.text()}`);
  return String((await response.json()).id);
}

test("the sign-in pages fit a phone", async () => {
  await page.setViewportSize(PHONE);
  for (const { route, visit } of ROUTES.filter((r) => r.signedOut)) {
    await open(visit(ids));
    await assertNoSidewaysScroll(route);
  }
});

test("an empty shop's dashboard leads to the first filament type, and its dialog adds three in a row", async () => {
  await register(page, owner);
  await assertNoSidewaysScroll("the empty dashboard");
  await shot("phone-01-dashboard-empty");
  const first = page.getByRole("link", { name: "Add your first filament type" });
  await first.click();
  await page.waitForURL((url) => url.pathname === "/filament-types" && url.searchParams.get("add") === "first");
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Add filament type" }).waitFor();
  const pla = dialog.getByLabel("Material").locator("option", { hasText: /^PLA\b/ });
  const plaId = (await pla.getAttribute("value")) ?? "";
  await dialog.getByLabel("Material").selectOption(plaId);
  await dialog.getByLabel("Brand").fill("Prusament");
  // Typed out of order: the list sorts them by colour name within the brand.
  const colours = [
    ["Signal White", "#FFFFFF"],
    ["Galaxy Black", "#1A1A1A"],
    ["Jet Black", "#000000"],
  ];
  for (const [index, [colour, hex]] of colours.entries()) {
    await dialog.getByLabel("Colour name").fill(colour);
    await dialog.getByLabel("Colour hex code").fill(hex);
    if (index === 0) await shot("phone-02-type-dialog");
    await dialog.getByRole("button", { name: "Save and add another" }).click();
    // Saved, and the dialog is ready for the next colour: material and brand kept, the colour cleared and focused.
    const notice = page.getByTestId("toast-viewport").locator("li").filter({ hasText: colour });
    await notice.waitFor();
    // The notice covers none of the dialog's buttons, and at most two notices show.
    for (const name of ["Save and add another", "Save", "Cancel"]) {
      const button = await dialog.getByRole("button", { name, exact: true }).boundingBox();
      assert.ok(!overlaps(await notice.boundingBox(), button), `the notice covers "${name}"`);
    }
    assert.ok((await page.getByTestId("toast-viewport").locator("li").count()) <= 2, "two notices at most");
    await page.waitForFunction(() => (document.activeElement?.getAttribute("name") ?? "") === "color_name");
    assert.equal(await dialog.getByLabel("Colour name").inputValue(), "");
    assert.equal(await dialog.getByLabel("Colour hex code").inputValue(), "");
    assert.equal(await dialog.getByLabel("Material").inputValue(), plaId);
    assert.equal(await dialog.getByLabel("Brand").inputValue(), "Prusament");
    assert.equal(await dialog.getByLabel("Diameter (mm)").inputValue(), "1.75");
  }
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });
  const cards = page.getByRole("row").filter({ hasText: "Prusament" });
  await cards.nth(2).waitFor();
  assert.deepEqual(
    (await cards.allInnerTexts()).map((text) => ["Galaxy Black", "Jet Black", "Signal White"].find((c) => text.includes(c))),
    ["Galaxy Black", "Jet Black", "Signal White"],
  );
  await assertNoSidewaysScroll("filament types");
  await shot("phone-03-filament-types");
});

test("then the dashboard leads to the first spool, with the filament type already chosen", async () => {
  await open("/");
  const next = page.getByRole("link", { name: "Add your first spool" });
  await next.waitFor();
  await shot("phone-04-dashboard-first-spool");
  await next.click();
  await page.waitForURL((url) => url.pathname === "/spools" && (url.searchParams.get("add") ?? "") !== "");
  const typeId = new URL(page.url()).searchParams.get("add") ?? "";
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Add spool" }).waitFor();
  const typeSelect = dialog.getByLabel("Filament type");
  assert.equal(await typeSelect.inputValue(), typeId, "the type of the link is preselected");
  assert.ok((await typeSelect.locator("option").count()) > 1, "the type list is never empty");
  assert.equal(await dialog.getByLabel("Initial weight (g)").inputValue(), "1000");
  await dialog.getByLabel("Empty spool weight (g)").fill("230");
  await dialog.getByLabel("Location").fill("Shelf A");
  await dialog.getByRole("button", { name: "Save and add another" }).click();
  await page.getByRole("status").filter({ hasText: "FIL-001" }).first().waitFor();
  // The next spool keeps the type, the weights and the place.
  assert.equal(await typeSelect.inputValue(), typeId);
  assert.equal(await dialog.getByLabel("Empty spool weight (g)").inputValue(), "230");
  assert.equal(await dialog.getByLabel("Location").inputValue(), "Shelf A");
  await dialog.getByRole("button", { name: "Create spool" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("link", { name: "FIL-002" }).waitFor();
  ids.spool = (await page.getByRole("link", { name: "FIL-001" }).getAttribute("href"))?.split("/").pop() ?? "";
});

test("the spools list is cards showing what is left, the weight and the place, with thumb-sized targets", async () => {
  await open("/spools");
  const card = page.getByRole("row").filter({ has: page.getByRole("link", { name: "FIL-001" }) });
  await card.waitFor();
  const box = await card.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `the card fits the screen: ${JSON.stringify(box)}`);
  for (const text of ["Remaining", "Weight", "Location", "1,000 g", "Shelf A", "Prusament Galaxy Black"]) {
    const shown = card.getByText(text, { exact: true });
    await shown.first().waitFor();
    const within = await shown.first().boundingBox();
    assert.ok(within && within.x >= 0 && within.x + within.width <= PHONE.width, `${text} is on screen`);
  }
  assert.ok(await card.getByRole("progressbar").isVisible(), "the remaining bar is shown");
  // Thumb targets: the code link, the select box's touch area and the page's buttons are at least 44 px.
  for (const target of [card.getByRole("link", { name: "FIL-001" }), page.getByRole("button", { name: "Add spool" })]) {
    const size = await target.boundingBox();
    assert.ok(size && size.height >= 44, `a thumb-sized target: ${JSON.stringify(size)}`);
  }
  const hit = await card.getByRole("checkbox").evaluate((element) => {
    const after = getComputedStyle(element, "::after");
    const rect = element.getBoundingClientRect();
    return rect.height - parseFloat(after.top) - parseFloat(after.bottom);
  });
  assert.ok(hit >= 44, `the checkbox's touch area is ${hit}px`);
  await shot("phone-05-spool-cards");
  // The menu's links are thumb-sized too.
  await page.getByRole("button", { name: "Menu" }).click();
  const menuLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Filament types", exact: true });
  const menuBox = await menuLink.boundingBox();
  assert.ok(menuBox && menuBox.height >= 44, `a thumb-sized menu link: ${JSON.stringify(menuBox)}`);
});

/**
 * The buttons, checkboxes and links a thumb could press now: shown, inside the screen and
 * not part of the notices themselves.
 */
async function visibleActionBoxes() {
  return page.evaluate(() => {
    const viewport = document.querySelector("[data-testid=toast-viewport]");
    return Array.from(document.querySelectorAll("button, [role=button], [role=checkbox], a[href]"))
      .filter((element) => !viewport?.contains(element))
      .map((element) => ({ name: (element.getAttribute("aria-label") ?? element.textContent ?? "").trim().slice(0, 40), box: element.getBoundingClientRect().toJSON() }))
      .filter(({ box }) => box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < window.innerHeight);
  });
}

/** The notice titled `title` is shown and covers none of the buttons on the screen. */
async function assertNoticeCoversNothing(/** @type {string} */ title, /** @type {string} */ where) {
  const notice = page.getByTestId("toast-viewport").locator("li").filter({ hasText: title });
  await notice.waitFor();
  const box = await notice.boundingBox();
  assert.ok(box && box.height > 0, `${where}: the notice is shown`);
  const buttons = await visibleActionBoxes();
  assert.ok(buttons.length >= 3, `${where}: the page's buttons were found (${buttons.length})`);
  const covered = buttons.filter(({ box: button }) => overlaps(box, { x: button.x, y: button.y, width: button.width, height: button.height })).map(({ name }) => name);
  assert.deepEqual(covered, [], `${where}: the notice ${JSON.stringify(box)} covers these buttons`);
}

test("on a phone, every spool shown can be selected with a thumb, and a notice covers no button", async () => {
  await open("/spools");
  const cards = page.getByRole("row").filter({ has: page.getByRole("link", { name: /^FIL-\d+$/ }) });
  await cards.nth(1).waitFor();
  const all = page.getByRole("checkbox", { name: /^Select all \d+ spools shown$/ });
  assert.ok(await all.isVisible(), "a select-all box is shown above the cards");
  // The whole line (box and its words) is the target: at least 44 px high, inside the screen.
  const line = page.getByTestId("select-all-cards");
  const lineBox = await line.boundingBox();
  assert.ok(lineBox && lineBox.height >= 44 && lineBox.x >= 0 && lineBox.x + lineBox.width <= PHONE.width, `a thumb-sized select-all: ${JSON.stringify(lineBox)}`);
  await page.getByText(/^Select all \d+ spools shown$/).click();
  await page.getByText("2 selected").waitFor();
  for (const code of ["FIL-001", "FIL-002"]) assert.equal(await page.getByRole("checkbox", { name: `Select ${code}` }).isChecked(), true, `${code} is selected`);
  assert.equal(await all.isChecked(), true);
  await shot("phone-06-spools-all-selected");
  await all.click();
  assert.equal(await page.getByText("2 selected").count(), 0, "a second press clears the selection");

  // A notice after adding a spool, on the list, at the top of the page where its buttons are.
  await page.getByRole("button", { name: "Add spool" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Filament type").selectOption({ index: 1 });
  await dialog.getByRole("button", { name: "Create spool" }).click();
  await dialog.waitFor({ state: "hidden" });
  await assertNoticeCoversNothing("Added FIL-003", "the spools page");
  await shot("phone-07-spools-notice");

  // And on a spool's page, after booking a weight.
  await open(`/spools/${ids.spool}`);
  await page.getByRole("button", { name: "Weigh" }).click();
  const weigh = page.getByRole("dialog");
  await weigh.getByLabel("Gross weight (g)").fill("900");
  await weigh.getByRole("button", { name: "Book weight" }).click();
  await weigh.waitFor({ state: "hidden" });
  await assertNoticeCoversNothing("weighed", "a spool's page");
  await shot("phone-08-spool-notice");
});

test("every page of the app fits the phone's width, in the light and the dark theme", async () => {
  ids.model = await create("/api/v1/models", { sku: `M-${unique}`, name: "Benchy with a rather long name for a phone screen" });
  ids.product = await create("/api/v1/products", { sku: `P-${unique}`, name: "Benchy gift box" });
  ids.run = await create("/api/v1/production-runs", {});
  // A public address literal (nothing to resolve) and an event this journey never causes: nothing is sent.
  ids.webhook = await create("/api/v1/webhooks/endpoints", { url: "https://93.184.215.14/hooks/phone", event_types: ["production.run.reverted.v1"] });
  const locations = await page.request.get("/api/v1/locations", { headers: { Authorization: bearer } });
  assert.equal(locations.status(), 200, await locations.text());
  ids.location = String((await locations.json()).items.find((/** @type {{name: string}} */ l) => l.name === "Shelf A")?.id);
  for (const theme of ["light", "dark"]) {
    await page.evaluate((value) => localStorage.setItem("batchivo.theme", value), theme);
    for (const { route, visit } of ROUTES.filter((r) => !r.signedOut)) {
      await open(visit(ids));
      await assertNoSidewaysScroll(`${route} (${theme})`);
      const name = route === "/" ? "dashboard" : route === "*" ? "not-found" : route.replace(/[/:]+/g, "-");
      await shot(`phone-${theme}-${name}`);
    }
  }
  await page.evaluate(() => localStorage.setItem("batchivo.theme", "light"));
});

test("the route list above covers every route of the app", () => {
  const source = readFileSync(fileURLToPath(new URL("../../src/router.tsx", import.meta.url)), "utf8");
  const declared = [...source.matchAll(/path:\s*"([^"]+)"/g)].map((match) => match[1]);
  assert.ok(declared.length > 10, "router.tsx was read");
  const missing = declared.filter((route) => !ROUTES.some((r) => r.route === route));
  assert.deepEqual(missing, [], "add these routes to ROUTES in tests/e2e/phone.test.mjs");
});

test("the app logged no errors in the browser console", () => {
  const unexpected = consoleErrors.filter((text) => !/status of (401|404)/.test(text));
  assert.deepEqual(unexpected, []);
});
