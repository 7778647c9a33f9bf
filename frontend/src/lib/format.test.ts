import { currencyDigits, formatCostPerKg, formatDelta, formatGrams, formatMoney, formatNumber, formatRelativeTime } from "@/lib/format";

describe("one number format for the whole app", () => {
  it("groups thousands in grams, deltas and plain numbers", () => {
    expect(formatGrams(1000)).toBe("1,000 g");
    expect(formatGrams(12345.678)).toBe("12,345.68 g");
    expect(formatDelta(-1280)).toBe("−1,280 g");
    expect(formatNumber(1000000)).toBe("1,000,000");
  });

  it("fixes the decimals when asked and writes a dash for nothing", () => {
    expect(formatNumber(4.5, 1)).toBe("4.5");
    expect(formatNumber(4, 1)).toBe("4.0");
    expect(formatNumber(null)).toBe("—");
    expect(formatGrams(undefined)).toBe("—");
  });
});

describe("money in its currency's own decimals", () => {
  it("writes euros and dollars with cents", () => {
    expect(formatMoney(1234.5, "EUR")).toBe("€1,234.50");
    expect(formatMoney(3, "USD")).toBe("$3.00");
    expect(formatMoney(0, "EUR")).toBe("€0.00");
  });

  it("writes yen without decimals, rounding to the yen", () => {
    expect(formatMoney(3200, "JPY")).toBe("¥3,200");
    expect(formatMoney(3199.5, "JPY")).toBe("¥3,200");
    expect(formatMoney(12.4, "JPY")).toBe("¥12");
  });

  it("writes dinars with three decimals", () => {
    expect(formatMoney(1.5, "KWD")).toMatch(/^KWD\s1\.500$/);
    expect(formatMoney(1234.5678, "BHD")).toMatch(/^BHD\s1,234\.568$/);
  });

  it("takes the decimals from Intl, not from a list of currencies", () => {
    expect(currencyDigits("EUR")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KRW")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
    expect(currencyDigits("JPY")).toBe(new Intl.NumberFormat("en", { style: "currency", currency: "JPY" }).resolvedOptions().maximumFractionDigits);
  });

  it("gives a small cost a tenth of a cent, but never yen decimals", () => {
    expect(formatMoney(0.125, "GBP", { fine: true })).toBe("£0.125");
    expect(formatMoney(0.1254, "KWD", { fine: true })).toMatch(/^KWD\s0\.125$/);
    expect(formatMoney(12.5, "JPY", { fine: true })).toBe("¥13");
  });

  it("writes nothing as a dash", () => {
    expect(formatMoney(null, "JPY")).toBe("—");
    expect(formatCostPerKg(undefined, "JPY")).toBe("—");
  });
});

describe("cost per gram, shown per kg", () => {
  it("turns a cost per gram into the currency's amount per kg", () => {
    expect(formatCostPerKg(0.025, "EUR")).toBe("€25.00/kg");
    expect(formatCostPerKg(0.0199, "USD")).toBe("$19.90/kg");
    expect(formatCostPerKg(3, "JPY")).toBe("¥3,000/kg");
    expect(formatCostPerKg(3.2, "JPY")).toBe("¥3,200/kg");
    // the API's 4 decimals per gram are sub-yen per gram, but a whole number of yen per kg
    expect(formatCostPerKg(2.0005, "JPY")).toBe("¥2,001/kg");
    expect(formatCostPerKg(0.0095, "KWD")).toMatch(/^KWD\s9\.500\/kg$/);
  });
});

describe("relative times", () => {
  const now = Date.parse("2026-12-07T03:00:00Z");
  const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();

  it("says how long ago in the largest whole unit", () => {
    const words = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    expect(formatRelativeTime(at(0), now)).toBe(words.format(0, "second"));
    expect(formatRelativeTime(at(-59.9), now)).toBe(words.format(-59, "second"));
    expect(formatRelativeTime(at(-5 * 60 - 10), now)).toBe(words.format(-5, "minute"));
    expect(formatRelativeTime(at(-3 * 3600), now)).toBe(words.format(-3, "hour"));
    expect(formatRelativeTime(at(-86400 - 60), now)).toBe(words.format(-1, "day"));
    expect(formatRelativeTime(at(-400 * 86400), now)).toBe(words.format(-1, "year"));
    expect(formatRelativeTime(at(120), now)).toBe(words.format(2, "minute"));
  });

  it("shows a dash for nothing or nonsense", () => {
    expect(formatRelativeTime(null, now)).toBe("—");
    expect(formatRelativeTime("not a date", now)).toBe("—");
  });
});
