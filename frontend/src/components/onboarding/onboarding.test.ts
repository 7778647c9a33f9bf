import { firstSpoolHref, FIRST_TYPE_HREF, onboardingStep } from "@/components/onboarding/useOnboarding";
import { defaultSpoolWeights, nextSpoolValues, rememberSpoolWeights, tareGuess } from "@/components/spools/spoolDefaults";

describe("the first steps of a new shop", () => {
  it("asks for a filament type before a spool, then a spool, then nothing", () => {
    expect(onboardingStep(undefined, undefined)).toBe("loading");
    expect(onboardingStep(0, undefined)).toBe("first-type");
    expect(onboardingStep(0, 0)).toBe("first-type");
    expect(onboardingStep(1, undefined)).toBe("loading");
    expect(onboardingStep(3, 0)).toBe("first-spool");
    expect(onboardingStep(3, 1)).toBe("done");
  });

  it("links to the dialogs that take each step", () => {
    expect(FIRST_TYPE_HREF).toBe("/filament-types?add=first");
    expect(firstSpoolHref({ id: "abc-123" })).toBe("/spools?add=abc-123");
  });
});

describe("spool defaults", () => {
  beforeEach(() => localStorage.clear());

  it("starts at 1,000 g without a tare, then offers the last weights, the tare per material", () => {
    expect(defaultSpoolWeights("PLA")).toEqual({ initial_weight: "1000", empty_spool_weight: "" });
    rememberSpoolWeights({ initial_weight: "750", empty_spool_weight: "180" }, "PLA");
    rememberSpoolWeights({ initial_weight: "1000", empty_spool_weight: "250" }, "PETG");
    expect(tareGuess("PLA")).toBe("180");
    expect(tareGuess("PETG")).toBe("250");
    // A material never used yet: the last tare of any material.
    expect(tareGuess("ABS")).toBe("250");
    expect(defaultSpoolWeights("PLA")).toEqual({ initial_weight: "1000", empty_spool_weight: "180" });
  });

  it("does not forget a tare when a spool is saved without one", () => {
    rememberSpoolWeights({ initial_weight: "1000", empty_spool_weight: "230" }, "PLA");
    rememberSpoolWeights({ initial_weight: "1000", empty_spool_weight: " " }, "PLA");
    expect(tareGuess("PLA")).toBe("230");
  });

  it("survives a corrupt store", () => {
    localStorage.setItem("batchivo.spoolDefaults", "{not json");
    expect(defaultSpoolWeights(undefined)).toEqual({ initial_weight: "1000", empty_spool_weight: "" });
  });

  it("the next spool of a delivery keeps everything but the code, notes and current weight", () => {
    const values = { code: "FIL-009", notes: "dented", current_weight: "900", location: "Shelf A", supplier: "Prusa" };
    expect(nextSpoolValues(values)).toEqual({ code: "", notes: "", current_weight: "", location: "Shelf A", supplier: "Prusa" });
  });
});
