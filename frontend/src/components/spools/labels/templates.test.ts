import { describe, expect, it } from "vitest";
import { fitFontSize } from "@/components/spools/labels/FitText";
import { DEFAULT_FIELDS, describeTemplate, findTemplate, LABEL_TEMPLATES, parseFields, printCss, qrSize, toPages } from "@/components/spools/labels/templates";

describe("label templates", () => {
  it("cover the common label printers and A4 sheets, each fitting its page", () => {
    expect(LABEL_TEMPLATES.map((template) => template.id)).toEqual(["a4-3x8", "a4-2x7", "brother-62", "brother-29x90", "dymo-54x25", "dymo-89x36"]);
    for (const template of LABEL_TEMPLATES) {
      if (template.kind !== "sheet") continue;
      const width = template.marginLeft + template.columns * template.width + (template.columns - 1) * template.gapX;
      const height = template.marginTop + template.rows * template.height + (template.rows - 1) * template.gapY;
      expect(width, template.id).toBeLessThanOrEqual(210);
      expect(height, template.id).toBeLessThanOrEqual(297);
    }
  });

  it("the QR code fills the label's height but leaves the text at least 60 % of the width", () => {
    expect(qrSize(findTemplate("dymo-54x25"))).toBe(21.6);
    expect(qrSize(findTemplate("brother-62"))).toBe(24.8);
    expect(qrSize(findTemplate("a4-3x8"))).toBe(28);
  });

  it("splits labels into pages: 24 per 3 × 8 sheet, one per roll label", () => {
    const items = Array.from({ length: 50 }, (_, index) => index);
    expect(toPages(items, findTemplate("a4-3x8")).map((page) => page.length)).toEqual([24, 24, 2]);
    expect(toPages(items, findTemplate("a4-2x7")).map((page) => page.length)).toEqual([14, 14, 14, 8]);
    expect(toPages(items.slice(0, 3), findTemplate("dymo-89x36"))).toEqual([[0], [1], [2]]);
    expect(toPages([], findTemplate("a4-3x8"))).toEqual([]);
  });

  it("prints a roll label as a page of its size, a sheet as an A4 grid", () => {
    expect(printCss(findTemplate("brother-29x90"))).toBe("@page { size: 90mm 29mm; margin: 0; }");
    const sheet = printCss(findTemplate("a4-2x7"));
    expect(sheet).toContain("@page { size: A4; margin: 0; }");
    expect(sheet).toContain("grid-template-columns: repeat(2, 99.1mm)");
    expect(sheet).toContain("padding: 15.15mm 0 0 4.65mm");
    expect(describeTemplate(findTemplate("a4-3x8"), 25)).toBe("25 labels on 2 A4 sheets (3 × 8).");
  });

  it("reads fields from the address in a fixed order; unknown ones are ignored", () => {
    expect(parseFields(null)).toEqual([...DEFAULT_FIELDS]);
    expect(parseFields("")).toEqual([]);
    expect(parseFields("weight,qr,nope")).toEqual(["qr", "weight"]);
    expect(findTemplate("nope").id).toBe("a4-3x8");
  });
});

describe("fitFontSize", () => {
  // A text 120 units wide per pt in a box of 1,000: fits up to 8.33 pt.
  const fits = (pt: number) => pt * 120 <= 1000;

  it("keeps the largest size when it fits", () => expect(fitFontSize(6, 4, fits)).toBe(6));
  it("finds the largest fitting size to a quarter point", () => expect(fitFontSize(16, 4, fits)).toBe(8.25));
  it("never goes below the floor", () => expect(fitFontSize(16, 9, fits)).toBe(9));
});
