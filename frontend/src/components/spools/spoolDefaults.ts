/**
 * Set-up speed for the spool form: a new spool is offered the full weight and the empty spool weight (tare)
 * of the last one created in this browser. The tare is remembered per material, since reels of one material
 * usually come on the same kind of spool; a material never used yet gets the last tare of any material.
 * Nothing is remembered → 1,000 g and no tare.
 */
const KEY = "batchivo.spoolDefaults";

export interface SpoolWeights {
  initial_weight: string;
  empty_spool_weight: string;
}

interface Stored {
  initialWeight?: string;
  tare?: string;
  /** Material code → the tare last typed for it. */
  tareByMaterial?: Record<string, string>;
}

function read(): Stored {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    return parsed && typeof parsed === "object" ? (parsed as Stored) : {};
  } catch {
    return {};
  }
}

/** Remembers the weights a created spool was given (a blank tare keeps the earlier one). */
export function rememberSpoolWeights(values: SpoolWeights, materialCode: string | undefined): void {
  const stored = read();
  const initial = values.initial_weight.trim();
  const tare = values.empty_spool_weight.trim();
  const next: Stored = {
    initialWeight: initial || stored.initialWeight,
    tare: tare || stored.tare,
    tareByMaterial: { ...stored.tareByMaterial, ...(materialCode && tare ? { [materialCode]: tare } : {}) },
  };
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // private mode: nothing is remembered
  }
}

/** The tare to offer for a spool of this material: its own last tare, else the last one of any material, else "". */
export function tareGuess(materialCode: string | undefined): string {
  const stored = read();
  return (materialCode ? stored.tareByMaterial?.[materialCode] : undefined) ?? stored.tare ?? "";
}

/** The weights a new spool's form starts with. */
export function defaultSpoolWeights(materialCode: string | undefined): SpoolWeights {
  return { initial_weight: read().initialWeight ?? "1000", empty_spool_weight: tareGuess(materialCode) };
}

/**
 * The form's values for the next spool after "Save and add another": the same type, weights, price, date,
 * supplier, place, lot and threshold (a delivery of several reels); the code and notes are cleared, so the
 * next code is generated.
 */
export function nextSpoolValues<T extends { code: string; notes: string; current_weight: string }>(values: T): T {
  return { ...values, code: "", notes: "", current_weight: "" };
}
