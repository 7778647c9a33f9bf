import { formatDelta, formatGrams, formatNumber } from "@/lib/format";

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
