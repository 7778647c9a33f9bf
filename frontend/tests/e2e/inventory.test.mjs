// The print shop's day in the browser: register → filament type → bulk-add 3 spools → weigh one (new
// weight, ledger row, low-stock badge) → labels with QR codes → sign out → another shop sees none of it.
// Runs against the real stack (tests/e2e/test_web_app.py starts it): E2E_BASE_URL, E2E_ARTIFACTS.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE_URL, pageHelpers, startJourney, register as registerShop, waitForText } from "./support.mjs";

const unique = Date.now().toString(36);
const shopA = { name: "Ada Lovelace", shop: `Filament Forge ${unique}`, email: `ada-${unique}@example.com`, password: "correct horse 1" };
const shopB = { name: "Grace Hopper", shop: `Layer Lab ${unique}`, email: `grace-${unique}@example.com`, password: "correct horse 2" };

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
let firstShopSpoolUrl = "";

startJourney(consoleErrors, (opened) => ({ browser, page } = opened));

const { nav, shot } = pageHelpers(() => page, { settle: false });

/** Registers through the form (see support.mjs), then the header names the new shop. */
async function register(/** @type {{ name: string, shop: string, email: string, password: string }} */ who, { keyboardOnly = false } = {}) {
  await registerShop(page, who, { keyboardOnly });
  await assertText(page.getByTestId("tenant-name"), who.shop);
}

/** @param {{ email: string, password: string, shop: string }} who */
async function signIn(who) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The app returns to the page that asked for sign-in (it may be the one left at sign-out), not always "/".
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  await assertText(page.getByTestId("tenant-name"), who.shop);
}

/** Waits for the text to show, in any case (the page may still be updating). */
function assertText(/** @type {import("playwright-core").Locator} */ locator, /** @type {string} */ expected) {
  return waitForText(locator, expected, { ignoreCase: true });
}

test("register a shop and land on the dashboard", async () => {
  await page.goto("/");
  await page.waitForURL(/\/login$/); // signed out: the app asks to sign in
  await shot("01-sign-in");
  await register(shopA);
  await shot("02-dashboard-empty");
});

test("a bad registration is explained next to the field", async () => {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const other = await context.newPage();
  await other.goto("/register");
  await other.getByLabel("Email").fill("not-an-email");
  await other.getByLabel("Password").fill("short");
  await other.getByRole("button", { name: "Create shop" }).click();
  await assertText(other.getByText("At least 8 characters"), "At least 8 characters");
  await context.close();
});

test("create a filament type with a reorder level", async () => {
  await nav("Filament types").click();
  await page.getByRole("heading", { name: "Filament types" }).waitFor();
  await page.getByRole("button", { name: "Add filament type" }).first().click();
  const dialog = page.getByRole("dialog");
  const pla = dialog.getByLabel("Material").locator("option", { hasText: /^PLA\b/ });
  await dialog.getByLabel("Material").selectOption((await pla.getAttribute("value")) ?? "");
  await dialog.getByLabel("Brand").fill("Prusament");
  await dialog.getByLabel("Colour name").fill("Galaxy Black");
  await dialog.getByLabel("Colour hex code").fill("#2B2D42");
  await dialog.getByLabel("Reorder level (g)").fill("2500");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
  await assertText(page.getByRole("cell", { name: "Galaxy Black" }), "Galaxy Black");
  await shot("03-filament-types");
});

test("bulk-add three identical spools", async () => {
  await nav("Spools").click();
  await page.getByRole("heading", { name: "Spools" }).waitFor();
  await page.getByRole("button", { name: "Bulk add" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Filament type").selectOption({ index: 1 });
  await dialog.getByLabel("Number of spools").fill("3");
  await dialog.getByLabel("Initial weight (g)").fill("1000");
  await dialog.getByLabel("Empty spool weight (g)").fill("250");
  await dialog.getByRole("button", { name: "Add spools" }).click();
  await dialog.waitFor({ state: "hidden" });
  for (const code of ["FIL-001", "FIL-002", "FIL-003"]) {
    await page.getByRole("link", { name: code }).waitFor();
  }
  await shot("04-spools");
});

test("weigh a spool: new weight, ledger row, low-stock badge", async () => {
  await page.getByRole("link", { name: "FIL-001" }).click();
  await page.getByRole("heading", { name: "FIL-001" }).waitFor();
  firstShopSpoolUrl = page.url();
  assert.equal(await page.getByText("Low stock", { exact: true }).count(), 0, "a full spool is not low");
  await page.getByRole("button", { name: "Weigh" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Gross weight (g)").fill("350"); // 350 g on the scale − 250 g tare = 100 g left
  await dialog.getByRole("button", { name: "Book weight" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByText("Low stock", { exact: true }).first().waitFor(); // 10% < the 20% threshold
  await assertText(page.getByText(/100 g/), "100 g");
  const history = page.getByRole("region", { name: "History" }).or(page.locator("section", { has: page.getByRole("heading", { name: "History" }) }));
  await assertText(history.getByText(/adjustment/i), "adjustment");
  await assertText(history.getByText(/−900 g/), "−900 g");
  await shot("05-spool-weighed");
});

test("the spools list shows the low-stock badge too", async () => {
  await nav("Spools").click();
  const row = page.getByRole("row", { name: /FIL-001/ });
  await assertText(row.getByText("Low stock", { exact: true }), "Low stock");
});

test("print labels for a selection: every label carries a QR code", async () => {
  for (const code of ["FIL-001", "FIL-002", "FIL-003"]) {
    await page.getByRole("checkbox", { name: `Select ${code}` }).click();
  }
  await page.getByRole("button", { name: "Print labels" }).click();
  await page.waitForURL(/\/spools\/labels\?ids=/);
  const labels = page.getByTestId("spool-label");
  await labels.nth(2).waitFor();
  assert.equal(await labels.count(), 3);
  const images = page.locator("[data-testid=spool-label] img");
  await page.waitForFunction(() => {
    const imgs = Array.from(document.querySelectorAll("[data-testid=spool-label] img"), (img) => /** @type {HTMLImageElement} */ (img));
    return imgs.length === 3 && imgs.every((img) => img.complete && img.naturalWidth > 0);
  });
  assert.match((await images.first().getAttribute("alt")) ?? "", /QR code for FIL-00\d/);
  await assertText(labels.first(), "Prusament");
  await shot("06-labels");
});

test("every main page renders, also at phone width and in dark mode", async () => {
  const pages = [
    ["/", "Dashboard", "08-dashboard"],
    ["/material-types", "Material types", "09-material-types"],
    ["/settings/members", "Members", "10-members"],
    ["/settings/api-keys", "API keys", "11-api-keys"],
  ];
  for (const [path, heading, name] of pages) {
    await page.getByRole("link", { name: heading, exact: true }).click();
    await page.waitForURL((url) => url.pathname === path);
    await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    await page.waitForLoadState("networkidle");
    await shot(name);
  }
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await nav("Dashboard").click();
  await page.getByRole("link", { name: /FIL-001/ }).first().waitFor(); // the low-stock card lists the weighed spool
  await page.waitForLoadState("networkidle");
  await shot("12-dashboard-dark");
  await page.getByRole("button", { name: "Use light theme" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/spools");
  await page.getByRole("link", { name: "FIL-002" }).waitFor();
  await shot("13-spools-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("sign out, and another shop cannot see the first shop's spools", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);
  await page.goto("/spools");
  await page.waitForURL(/\/login$/); // the refresh cookie is gone with the session
  await register(shopB, { keyboardOnly: true });
  await nav("Spools").click();
  await page.getByRole("heading", { name: "Spools" }).waitFor();
  await page.getByText(/no spools/i).first().waitFor();
  assert.equal(await page.getByRole("link", { name: "FIL-001" }).count(), 0);
  await page.goto(firstShopSpoolUrl);
  await page.getByText(/spool not found/i).first().waitFor();
  await shot("07-other-shop-not-found");
});

test("a person in two shops is invited as a viewer, accepts, switches shop and sees the stock but no write controls", async () => {
  // Shop B's owner (signed in now) leaves; shop A's owner invites them to shop A as a viewer.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);
  await signIn(shopA);
  await nav("Members").click();
  await page.getByRole("button", { name: "Invite member" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill(shopB.email);
  await dialog.getByLabel("Role").selectOption("viewer");
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await dialog.getByText(/Invitation sent to/).waitFor();
  await dialog.getByTestId("invitation-link").waitFor();
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "hidden" });
  // Pending, not a member: the invitation shows the email only, nothing about the person.
  const pending = page.getByRole("region", { name: "Pending invitations" });
  await assertText(pending.getByRole("cell", { name: shopB.email }), shopB.email);
  assert.equal(await page.getByRole("cell", { name: shopB.name }).count(), 0, "not a member before accepting");
  await shot("15-members-pending-invitation");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);

  // Shop B's owner signs in, sees the invitation and accepts: shop A appears in the shop switcher.
  await signIn(shopB);
  const invitation = page.getByTestId("invitation");
  await assertText(invitation, `${shopA.shop} invites you to join as viewer.`);
  await shot("16-invitation-banner");
  await page.getByRole("button", { name: `Accept the invitation of ${shopA.shop}` }).click();
  await invitation.waitFor({ state: "hidden" });
  await page.getByRole("button", { name: /Switch shop/ }).click();
  await page.getByRole("menuitem", { name: new RegExp(shopA.shop) }).click();
  await assertText(page.getByTestId("tenant-name"), shopA.shop);
  await nav("Spools").click();
  await page.getByRole("heading", { name: "Spools" }).waitFor();
  await page.getByRole("link", { name: "FIL-001", exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Add spool" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Bulk add" }).count(), 0);
  await page.getByRole("link", { name: "FIL-001", exact: true }).click();
  await page.getByRole("heading", { name: "FIL-001" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Weigh" }).count(), 0);
  await page.getByRole("link", { name: "Print label" }).waitFor();
  assert.equal(await nav("Members").count(), 0, "viewers do not manage members");
  await shot("14-viewer-in-other-shop");
});

test("the app logged no errors in the browser console", () => {
  // 401/404 answers the app handles (restoring a signed-out session, the other shop's spool) are expected.
  const unexpected = consoleErrors.filter((text) => !/status of (401|404)/.test(text));
  assert.deepEqual(unexpected, []);
});
