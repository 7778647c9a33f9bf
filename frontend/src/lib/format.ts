/**
 * Display formats shared by every page (grams and money to 2 decimals, cost per gram to 4: domain.md §0).
 * Numbers always group thousands ("1,000 g", also in locales that leave 4-digit numbers ungrouped), so a
 * weight reads the same on every page.
 */

const grams = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, useGrouping: true });

/** A plain number in the shop's way of writing numbers: "1,234.5"; `digits` fixes the decimals shown. */
export function formatNumber(value: number | null | undefined, digits?: number): string {
  if (value == null) return "—";
  const options: Intl.NumberFormatOptions =
    digits === undefined ? { maximumFractionDigits: 2 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(undefined, { ...options, useGrouping: true }).format(value);
}

export function formatGrams(value: number | null | undefined): string {
  return value == null ? "—" : `${grams.format(value)} g`;
}

/** A signed ledger delta: "+12.5 g", "−120 g". */
export function formatDelta(value: number): string {
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  return `${sign}${grams.format(Math.abs(value))} g`;
}

export function formatMoney(value: number | null | undefined, currency: string, digits = 2): string {
  if (value == null) return "—";
  return new Intl.NumberFormat(undefined, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** A cost per gram as people think of filament: per kg ("£25.00/kg"), not "£0.0250" per gram. */
export function formatCostPerKg(costPerGram: number | null | undefined, currency: string): string {
  if (costPerGram == null) return "—";
  return `${formatMoney(costPerGram * 1000, currency)}/kg`;
}

export function formatPercent(value: number | null | undefined): string {
  return value == null ? "—" : `${Math.round(value)}%`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "—";
}

export function formatDate(iso: string | null | undefined): string {
  // A bare date ("2026-11-26") is a calendar day, not midnight UTC: format it without a time zone shift.
  if (!iso) return "—";
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return dateOnly.format(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}
