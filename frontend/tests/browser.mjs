// Debian's Chromium driven by playwright-core (this machine cannot download Playwright's own browsers).
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// --no-sandbox: tests run as root in a container; the background-networking flags keep Chromium from
// calling Google's hosts, which this machine's closed network refuses.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * @param {string[]} [extraArgs] more Chromium flags for one journey (e.g. the scan journey's fake camera)
 * @returns {Promise<import("playwright-core").Browser>}
 */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraArgs], headless: true });
}
