import { describe, expect, it } from "vitest";
import { checkRetailCode, gtinCheckDigit, isRetailCode, newSpoolPath, parseScannedText, scanOutcome } from "@/lib/barcodes";

const SPOOL_ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";

describe("gtinCheckDigit", () => {
  it.each([
    ["400638133393", 1],
    ["590123412345", 7],
    ["03600029145", 2],
    ["9638507", 4],
    ["000000000000", 0],
  ])("%s → %i", (body, digit) => expect(gtinCheckDigit(body)).toBe(digit));

  it("refuses non-digits", () => expect(() => gtinCheckDigit("12a")).toThrow("only digits"));
});

describe("checkRetailCode", () => {
  it("keeps an EAN-13 and an EAN-8, drops separators, and spells a UPC-A as its EAN-13", () => {
    expect(checkRetailCode("4006381333931")).toEqual({ ok: true, code: "4006381333931" });
    expect(checkRetailCode("400-6381 333931")).toEqual({ ok: true, code: "4006381333931" });
    expect(checkRetailCode("96385074")).toEqual({ ok: true, code: "96385074" });
    expect(checkRetailCode("036000291452")).toEqual({ ok: true, code: "0036000291452" });
  });

  it.each([
    ["4006381333932", "check digit"],
    ["4006381333913", "check digit"],
    ["036000291453", "check digit"],
    ["40063813339", "digits"],
    ["FIL-001", "only digits"],
    ["", "only digits"],
  ])("%s is refused (%s)", (raw, reason) => {
    const result = checkRetailCode(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
    expect(isRetailCode(raw)).toBe(false);
  });
});

describe("parseScannedText", () => {
  it("reads our label's QR (a spool page address, of any origin) as the spool", () => {
    expect(parseScannedText(`https://shop.example/spools/${SPOOL_ID}`)).toEqual({ kind: "spool", id: SPOOL_ID });
    expect(parseScannedText(`http://127.0.0.1:8000/spools/${SPOOL_ID.toUpperCase()}/`)).toEqual({ kind: "spool", id: SPOOL_ID });
    expect(parseScannedText(` ${SPOOL_ID} `)).toEqual({ kind: "spool", id: SPOOL_ID });
  });

  it("leaves anything else to the API as a code", () => {
    expect(parseScannedText(" FIL-001 ")).toEqual({ kind: "code", code: "FIL-001" });
    expect(parseScannedText("4006381333931")).toEqual({ kind: "code", code: "4006381333931" });
    expect(parseScannedText(`https://shop.example/spools/${SPOOL_ID}/edit`)).toEqual({ kind: "code", code: `https://shop.example/spools/${SPOOL_ID}/edit` });
    expect(parseScannedText("   ")).toBeNull();
  });
});

describe("scanOutcome", () => {
  const spool = { kind: "spool", id: SPOOL_ID, code: "FIL-001", filament_type_id: "t1" } as const;

  it("a spool opens its page, or its weigh dialog", () => {
    expect(scanOutcome(spool, false)).toEqual({ type: "navigate", to: `/spools/${SPOOL_ID}` });
    expect(scanOutcome(spool, true)).toEqual({ type: "navigate", to: `/spools/${SPOOL_ID}?action=weigh` });
  });

  it("a remembered retail code opens Add spool with its type, whatever the weigh choice", () => {
    const result = { kind: "filament_type", id: "type-1", code: "4006381333931", filament_type_id: "type-1" } as const;
    expect(scanOutcome(result, true)).toEqual({ type: "navigate", to: "/spools?new=1&filament_type=type-1" });
    expect(newSpoolPath("a b")).toBe("/spools?new=1&filament_type=a%20b");
  });

  it("an unknown retail code offers to remember it; an unknown other code says so", () => {
    expect(scanOutcome({ kind: "unknown_barcode", code: "4006381333931" }, false)).toEqual({ type: "remember", code: "4006381333931" });
    const unknown = scanOutcome({ kind: "unknown_code", code: "XYZ" }, false);
    expect(unknown.type).toBe("unknown");
    if (unknown.type === "unknown") expect(unknown.message).toContain("“XYZ”");
  });
});
