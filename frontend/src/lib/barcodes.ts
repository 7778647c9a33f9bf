/**
 * Scanned codes: the GS1 check digit of retail codes (EAN-13, UPC-A, EAN-8; the same rules as the API's
 * barcodes/rules.py), what a decoded text names, and where a scan leads. Pure functions, no React.
 */

import { isUuid, UUID_SOURCE } from "./ids";

const SPOOL_PATH = new RegExp(`^/spools/(${UUID_SOURCE})/?$`, "i");

/** The check digit of `body` (all digits but the last): weights 3, 1, 3, … from the right. */
export function gtinCheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new Error("A retail code has only digits");
  let total = 0;
  for (let index = 0; index < body.length; index += 1) {
    const digit = Number(body[body.length - 1 - index]);
    total += digit * (index % 2 === 0 ? 3 : 1);
  }
  return (10 - (total % 10)) % 10;
}

export type RetailCodeCheck = { ok: true; code: string } | { ok: false; reason: string };

/** The stored form of a retail code (UPC-A as its 13-digit EAN form), or why it is not one. */
export function checkRetailCode(raw: string): RetailCodeCheck {
  const code = raw.replace(/[\s-]+/g, "");
  if (!/^\d+$/.test(code)) return { ok: false, reason: "A retail code has only digits" };
  if (![8, 12, 13].includes(code.length)) return { ok: false, reason: "A retail code has 8 (EAN-8), 12 (UPC-A) or 13 (EAN-13) digits" };
  if (gtinCheckDigit(code.slice(0, -1)) !== Number(code.slice(-1))) {
    return { ok: false, reason: `The check digit of ${code} is wrong: mistyped or misread` };
  }
  return { ok: true, code: code.length === 12 ? `0${code}` : code };
}

export function isRetailCode(raw: string): boolean {
  return checkRetailCode(raw).ok;
}

/** What a decoded text is, before asking the API: our label's QR (a spool's page address) names the spool. */
export type ScannedText = { kind: "spool"; id: string } | { kind: "code"; code: string };

export function parseScannedText(text: string): ScannedText | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (isUuid(trimmed)) return { kind: "spool", id: trimmed.toLowerCase() };
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      const match = SPOOL_PATH.exec(new URL(trimmed).pathname);
      if (match?.[1]) return { kind: "spool", id: match[1].toLowerCase() };
    } catch {
      // Not an address after all: looked up as a code.
    }
  }
  return { kind: "code", code: trimmed };
}

/** The API's answer to GET /api/v1/barcodes/{code}, or its 404 codes. */
export type LookupResult =
  | { kind: "spool" | "filament_type"; id: string; code: string; filament_type_id: string }
  | { kind: "unknown_barcode"; code: string }
  | { kind: "unknown_code"; code: string };

export type ScanOutcome =
  | { type: "navigate"; to: string }
  | { type: "remember"; code: string }
  | { type: "unknown"; message: string };

export function spoolPath(id: string, weigh: boolean): string {
  return weigh ? `/spools/${id}?action=weigh` : `/spools/${id}`;
}

/** "Add spool" on the list, pre-filled with a filament type. */
export function newSpoolPath(filamentTypeId: string): string {
  return `/spools?new=1&filament_type=${encodeURIComponent(filamentTypeId)}`;
}

/** Where a looked-up code leads: the spool (or its weigh dialog), "Add spool" of a type, or remembering it. */
export function scanOutcome(result: LookupResult, weigh: boolean): ScanOutcome {
  switch (result.kind) {
    case "spool":
      return { type: "navigate", to: spoolPath(result.id, weigh) };
    case "filament_type":
      return { type: "navigate", to: newSpoolPath(result.id) };
    case "unknown_barcode":
      return { type: "remember", code: result.code };
    case "unknown_code":
      return { type: "unknown", message: `No spool has the code “${result.code}”, and it is not a retail (EAN/UPC) code.` };
  }
}
