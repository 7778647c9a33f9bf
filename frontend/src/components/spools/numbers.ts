/**
 * Number inputs stay text in the forms (so "" means "not given") and are checked here with the API's
 * limits (services/inventory types.py): grams 0–100 000, money 0–1 000 000, percent 0–100, 2 decimals.
 */
import { z } from "zod";
import { formatGrams, formatNumber } from "@/lib/format";

export const MAX_GRAMS = 100_000;
export const MAX_MONEY = 1_000_000;
const DECIMALS = 2;

/** The number typed, null when blank, NaN when it is not a number. A decimal comma is accepted. */
export function parseDecimal(text: string | null | undefined): number | null {
  const trimmed = (text ?? "").trim().replace(",", ".");
  if (trimmed === "") return null;
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(trimmed)) return Number.NaN;
  return Number(trimmed);
}

type Unit = "g" | "money" | "%";

export interface DecimalRule {
  required?: boolean;
  requiredMessage?: string;
  /** When true the value must be above 0 (the API's `gt=0`); otherwise 0 is allowed. */
  positive?: boolean;
  max: number;
  unit: Unit;
}

function withUnit(value: number, unit: Unit): string {
  if (unit === "g") return formatGrams(value);
  if (unit === "%") return `${value}%`;
  return formatNumber(value);
}

/** The problem with a typed number, in plain words, or null when it is fine. */
export function decimalProblem(text: string, rule: DecimalRule): string | null {
  const value = parseDecimal(text);
  if (value === null) return rule.required ? (rule.requiredMessage ?? "Required") : null;
  if (Number.isNaN(value)) return "Enter a number, e.g. 1000 or 12.5";
  if (value < 0) return "Cannot be negative";
  if (rule.positive && value === 0) return `Must be more than ${withUnit(0, rule.unit)}`;
  if (value > rule.max) return `At most ${withUnit(rule.max, rule.unit)}`;
  const decimals = text.trim().replace(",", ".").split(".")[1]?.length ?? 0;
  if (decimals > DECIMALS) return `Use at most ${DECIMALS} decimals`;
  return null;
}

/** A zod string that must hold a number satisfying `rule`. */
export function decimalText(rule: DecimalRule) {
  return z.string().superRefine((text, ctx) => {
    const problem = decimalProblem(text, rule);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** The typed number for the API, or null when blank (only call after validation). */
export function toNumberOrNull(text: string): number | null {
  const value = parseDecimal(text);
  return value === null || Number.isNaN(value) ? null : value;
}

/** Grams rounded as the API rounds them (2 decimals), so a difference never shows float noise. */
export function roundGrams(value: number): number {
  return Math.round(value * 100) / 100;
}
