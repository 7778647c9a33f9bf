/**
 * Display formats shared by every page (grams to 2 decimals: domain.md §0; cost per gram is shown per kg).
 * Money is written with its currency's own decimals (ISO 4217 minor unit, as the browser's Intl knows it):
 * "€1,234.50", "¥1,235", "KWD 1,234.500" — the API's two decimals are storage, not display.
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

const currencyDecimals = new Map<string, number>();

/** How many decimals `currency` is written with: JPY 0, EUR 2, KWD 3 (asked of Intl once per currency). */
export function currencyDigits(currency: string): number {
  let digits = currencyDecimals.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    currencyDecimals.set(currency, digits);
  }
  return digits;
}

export interface MoneyOptions {
  /**
   * A small cost that loses meaning when rounded to the cent (a BOM line, material per item): to a tenth of
   * the currency's cent ("£0.125", the 3 decimals the catalog computes them to), and as they are in a
   * 3-decimal currency. A currency without cents gains none: one yen is already finer than a tenth of a
   * penny, and "¥12.5" would read as an amount the shop could charge.
   */
  fine?: boolean;
}

/** An amount of money in the shop's way of writing numbers, with the currency's own decimals. */
export function formatMoney(value: number | null | undefined, currency: string, { fine = false }: MoneyOptions = {}): string {
  if (value == null) return "—";
  const base = currencyDigits(currency);
  const digits = fine && base > 0 ? Math.max(base, 3) : base;
  return new Intl.NumberFormat(undefined, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** A cost per gram as people think of filament: per kg ("£25.00/kg", "¥3,200/kg"), not "£0.0250" per gram. */
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

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** How long ago (or in how long) `iso` is from `now`, in the largest whole unit: "5 minutes ago", "yesterday", "now". */
export function formatRelativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  let amount = (new Date(iso).getTime() - now) / 1000;
  if (Number.isNaN(amount)) return "—";
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of RELATIVE_STEPS) {
    // Whole units, towards zero ("59 seconds", never "60 seconds"); `|| 0` turns −0 into 0 ("now").
    if (Math.abs(amount) < size) return format.format(Math.trunc(amount) || 0, unit);
    amount /= size;
  }
  return format.format(Math.trunc(amount) || 0, "year");
}
