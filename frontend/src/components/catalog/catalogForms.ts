/**
 * The catalog's forms as plain values and rules: text inputs checked with the API's limits
 * (services/catalog types), turned into request bodies, and the API's refusals turned into the field they
 * belong to. No React here, so every rule is unit-tested on its own.
 */
import { z } from "zod";
import { decimalText, MAX_GRAMS, MAX_MONEY, toNumberOrNull } from "@/components/spools/numbers";
import { ApiError } from "@/lib/errors";
import { blankToNull } from "@/lib/forms";
import type { BomIn, Model, ModelCreate, ModelUpdate, Product, ProductCreate, SalesChannel, SalesChannelCreate } from "@/queries/catalog";

const MAX_MINUTES = 100_000;
const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const sku = z
  .string()
  .trim()
  .min(1, "Enter a SKU")
  .max(64, "At most 64 characters")
  .regex(SKU_PATTERN, "Letters, digits, '.', '_' and '-', starting with a letter or digit");
const name = z.string().trim().min(1, "Enter a name").max(200, "At most 200 characters");
const description = z.string().max(5000, "At most 5000 characters");
const minutes = decimalText({ max: MAX_MINUTES, unit: "money" });
const wholeCount = (min: number, max: number, required = true) =>
  z.string().superRefine((text, ctx) => {
    const trimmed = text.trim();
    if (trimmed === "") {
      if (required) ctx.addIssue({ code: "custom", message: "Required" });
      return;
    }
    if (!/^-?\d+$/.test(trimmed)) ctx.addIssue({ code: "custom", message: "Enter a whole number" });
    else if (Number(trimmed) < min) ctx.addIssue({ code: "custom", message: `At least ${min}` });
    else if (Number(trimmed) > max) ctx.addIssue({ code: "custom", message: `At most ${max.toLocaleString()}` });
  });

// ---- Models ---------------------------------------------------------------------------------------------

export const bomMaterialSchema = z.object({
  filament_type_id: z.string().min(1, "Choose a filament type"),
  grams: decimalText({ required: true, requiredMessage: "Enter the grams per item", positive: true, max: MAX_GRAMS, unit: "g" }),
});
export const bomComponentSchema = z.object({
  name: z.string().trim().min(1, "Enter a name").max(200, "At most 200 characters"),
  quantity: decimalText({ required: true, positive: true, max: MAX_GRAMS, unit: "money" }),
  unit_cost: decimalText({ required: true, max: MAX_MONEY, unit: "money" }),
});

const bomShape = { materials: z.array(bomMaterialSchema), components: z.array(bomComponentSchema) };

/** A filament type may be on a BOM once (the API refuses it twice). */
function noRepeatedFilament(bom: { materials: { filament_type_id: string }[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  bom.materials.forEach((line, index) => {
    if (!line.filament_type_id) return;
    if (seen.has(line.filament_type_id)) {
      ctx.addIssue({ code: "custom", path: ["materials", index, "filament_type_id"], message: "Already in the BOM: change its grams instead" });
    }
    seen.add(line.filament_type_id);
  });
}

export const bomSchema = z.object(bomShape).superRefine(noRepeatedFilament);
export type BomValues = z.infer<typeof bomSchema>;
export const EMPTY_MATERIAL = { filament_type_id: "", grams: "" };
export const EMPTY_COMPONENT = { name: "", quantity: "1", unit_cost: "" };

export const modelSchema = z.object({
  sku,
  name,
  description,
  print_time_minutes: wholeCount(0, MAX_MINUTES, false),
  prints_per_plate: wholeCount(1, 10_000),
  labor_minutes: minutes,
  labor_rate_override: decimalText({ max: MAX_MONEY, unit: "money" }),
  overhead_pct_override: decimalText({ max: 100, unit: "%" }),
  is_active: z.boolean(),
});
export type ModelValues = z.infer<typeof modelSchema>;

/** The add-model form: the model and its first BOM together. */
export const newModelSchema = modelSchema.extend(bomShape).superRefine(noRepeatedFilament);
export type NewModelValues = z.infer<typeof newModelSchema>;
export const MODEL_FIELDS = ["sku", "name", "description", "print_time_minutes", "prints_per_plate", "labor_minutes", "labor_rate_override", "overhead_pct_override"] as const;

export const EMPTY_MODEL: ModelValues = {
  sku: "",
  name: "",
  description: "",
  print_time_minutes: "",
  prints_per_plate: "1",
  labor_minutes: "0",
  labor_rate_override: "",
  overhead_pct_override: "",
  is_active: true,
};

const text = (value: number | null | undefined) => (value == null ? "" : String(value));

export function modelToValues(model: Model): ModelValues {
  return {
    sku: model.sku,
    name: model.name,
    description: model.description ?? "",
    print_time_minutes: text(model.print_time_minutes),
    prints_per_plate: String(model.prints_per_plate),
    labor_minutes: String(model.labor_minutes),
    labor_rate_override: text(model.labor_rate_override),
    overhead_pct_override: text(model.overhead_pct_override),
    is_active: model.is_active,
  };
}

export function bomToValues(model: Pick<Model, "materials" | "components">): BomValues {
  return {
    materials: model.materials.map((line) => ({ filament_type_id: line.filament_type_id, grams: String(line.grams) })),
    components: model.components.map((line) => ({ name: line.name, quantity: String(line.quantity), unit_cost: String(line.unit_cost) })),
  };
}

const intOrNull = (value: string) => (value.trim() === "" ? null : Number(value.trim()));

export function modelValuesToUpdate(values: ModelValues): ModelUpdate & { sku: string; name: string } {
  return {
    sku: values.sku.trim(),
    name: values.name.trim(),
    description: blankToNull(values.description),
    print_time_minutes: intOrNull(values.print_time_minutes),
    prints_per_plate: Number(values.prints_per_plate.trim()),
    labor_minutes: toNumberOrNull(values.labor_minutes) ?? 0,
    labor_rate_override: toNumberOrNull(values.labor_rate_override),
    overhead_pct_override: toNumberOrNull(values.overhead_pct_override),
    is_active: values.is_active,
  };
}

export function bomValuesToBody(values: BomValues): Required<BomIn> {
  return {
    materials: values.materials.map((line) => ({ filament_type_id: line.filament_type_id, grams: toNumberOrNull(line.grams) ?? 0 })),
    components: values.components.map((line) => ({
      name: line.name.trim(),
      quantity: toNumberOrNull(line.quantity) ?? 0,
      unit_cost: toNumberOrNull(line.unit_cost) ?? 0,
    })),
  };
}

export function modelCreateBody(values: ModelValues, bom: BomValues): ModelCreate {
  const fields = modelValuesToUpdate(values);
  return {
    sku: fields.sku,
    name: fields.name,
    description: fields.description ?? null,
    print_time_minutes: fields.print_time_minutes ?? null,
    prints_per_plate: fields.prints_per_plate ?? 1,
    labor_minutes: fields.labor_minutes ?? 0,
    labor_rate_override: fields.labor_rate_override ?? null,
    overhead_pct_override: fields.overhead_pct_override ?? null,
    is_active: values.is_active,
    ...bomValuesToBody(bom),
  };
}

/**
 * A BOM refusal that names a line: the catalog answers 422 with a detail starting with
 * `materials[i].filament_type_id:` (a type it has not heard of yet, or listed twice), or a validation error
 * whose loc is ["body", "materials", i, field].
 */
export function bomLineError(error: unknown): { list: "materials" | "components"; index: number; field: string; message: string } | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  for (const item of error.fieldErrors) {
    const [where, list, index, field] = item.loc;
    if (where === "body" && (list === "materials" || list === "components") && typeof index === "number" && typeof field === "string") {
      return { list, index, field, message: item.msg.replace(/^Value error, /, "") };
    }
  }
  const match = /^(materials|components)\[(\d+)\]\.(\w+): (.*)$/.exec(error.message);
  if (!match) return null;
  const [, list, index, field, rest] = match;
  const message = /^unknown filament type/.test(rest ?? "")
    ? "The catalog does not know this filament type yet (it learns of new types within seconds). Try again in a moment."
    : /^listed twice/.test(rest ?? "")
      ? "Already in the BOM: change its grams instead"
      : (rest ?? "");
  return { list: list as "materials" | "components", index: Number(index), field: field ?? "", message };
}

/** The material cost a BOM would have at the given costs per gram (for the editor's live estimate). */
export function estimateMaterialCost(
  materials: { filament_type_id: string; grams: string }[],
  costPerGram: (filamentTypeId: string) => number | null | undefined,
): { total: number; uncosted: number } {
  let total = 0;
  let uncosted = 0;
  for (const line of materials) {
    const grams = toNumberOrNull(line.grams);
    if (!line.filament_type_id || grams === null) continue;
    const cost = costPerGram(line.filament_type_id);
    if (cost == null) uncosted += 1;
    else total += grams * cost;
  }
  return { total: Math.round(total * 1000) / 1000, uncosted };
}

// ---- Products -------------------------------------------------------------------------------------------

const quantity = wholeCount(1, 10_000);

export const productSchema = z
  .object({
    sku,
    name,
    description,
    packaging_cost: decimalText({ max: MAX_MONEY, unit: "money" }),
    assembly_minutes: minutes,
    categories: z.string().max(2000),
    is_active: z.boolean(),
    models: z.array(z.object({ model_id: z.string().min(1, "Choose a model"), quantity })),
    children: z.array(z.object({ product_id: z.string().min(1, "Choose a product"), quantity })),
  })
  .superRefine((values, ctx) => {
    const categories = splitCategories(values.categories);
    if (categories.some((category) => category.length > 64)) ctx.addIssue({ code: "custom", path: ["categories"], message: "Each category at most 64 characters" });
    const dupes = (ids: string[], path: "models" | "children", key: string) => {
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        if (id && seen.has(id)) ctx.addIssue({ code: "custom", path: [path, index, key], message: "Listed twice: change its quantity instead" });
        seen.add(id);
      });
    };
    dupes(values.models.map((m) => m.model_id), "models", "model_id");
    dupes(values.children.map((c) => c.product_id), "children", "product_id");
  });
export type ProductValues = z.infer<typeof productSchema>;
export const PRODUCT_FIELDS = ["sku", "name", "description", "packaging_cost", "assembly_minutes", "categories", "models", "children"] as const;

export const EMPTY_PRODUCT: ProductValues = {
  sku: "",
  name: "",
  description: "",
  packaging_cost: "0",
  assembly_minutes: "0",
  categories: "",
  is_active: true,
  models: [{ model_id: "", quantity: "1" }],
  children: [],
};

/** "Gifts, keyrings ,, Gifts" → ["Gifts", "keyrings"]: trimmed, blanks and repeats dropped. */
export function splitCategories(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(",")) {
    const category = part.trim();
    if (category && !out.some((c) => c.toLowerCase() === category.toLowerCase())) out.push(category);
  }
  return out;
}

export function productToValues(product: Product): ProductValues {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description ?? "",
    packaging_cost: String(product.packaging_cost),
    assembly_minutes: String(product.assembly_minutes),
    categories: product.categories.join(", "),
    is_active: product.is_active,
    models: product.models.map((line) => ({ model_id: line.model_id, quantity: String(line.quantity) })),
    children: product.children.map((line) => ({ product_id: line.product_id, quantity: String(line.quantity) })),
  };
}

export function productValuesToBody(values: ProductValues): ProductCreate {
  return {
    sku: values.sku.trim(),
    name: values.name.trim(),
    description: blankToNull(values.description),
    packaging_cost: toNumberOrNull(values.packaging_cost) ?? 0,
    assembly_minutes: toNumberOrNull(values.assembly_minutes) ?? 0,
    categories: splitCategories(values.categories),
    is_active: values.is_active,
    models: values.models.map((line) => ({ model_id: line.model_id, quantity: Number(line.quantity.trim()) })),
    children: values.children.map((line) => ({ product_id: line.product_id, quantity: Number(line.quantity.trim()) })),
  };
}

/**
 * Where a product refusal belongs: a 409 about a loop or nesting depth goes to the bundle's child
 * products (its message names the loop, e.g. "A-1 → B-1 → A-1"); a 409 about the SKU to the SKU;
 * a 422 naming `models[i]…`/`children[i]…` to that list.
 */
export function productErrorField(error: unknown): "children" | "sku" | "models" | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 409 && /→|cannot contain itself|nest at most/i.test(error.message)) return "children";
  if (error.status === 409 && /SKU/.test(error.message)) return "sku";
  if (error.status === 422 && /^models(\[\d+\])?[.:]/.test(error.message)) return "models";
  if (error.status === 422 && /^children(\[\d+\])?[.:]/.test(error.message)) return "children";
  return null;
}

/** A model refusal on the SKU (409 duplicate) goes to the SKU field. */
export function modelErrorField(error: unknown): "sku" | null {
  return error instanceof ApiError && error.status === 409 && /SKU/.test(error.message) ? "sku" : null;
}

// ---- Stock, assembly, prices, channels ------------------------------------------------------------------

export const stockAdjustSchema = z.object({
  delta: z.string().superRefine((raw, ctx) => {
    const trimmed = raw.trim().replace(/^\+/, "");
    if (trimmed === "") ctx.addIssue({ code: "custom", message: "Enter the units to add (e.g. 5) or remove (e.g. -2)" });
    else if (!/^-?\d+$/.test(trimmed)) ctx.addIssue({ code: "custom", message: "Enter a whole number of units" });
    else if (Number(trimmed) === 0) ctx.addIssue({ code: "custom", message: "A change of 0 changes nothing" });
    else if (Math.abs(Number(trimmed)) > 1_000_000) ctx.addIssue({ code: "custom", message: "At most 1,000,000 units at a time" });
  }),
  reason: z.string().trim().min(1, "Say why (e.g. counted, damaged, sample)").max(200, "At most 200 characters"),
});
export type StockAdjustValues = z.infer<typeof stockAdjustSchema>;

export function stockAdjustBody(values: StockAdjustValues): { delta: number; reason: string } {
  return { delta: Number(values.delta.trim().replace(/^\+/, "")), reason: values.reason.trim() };
}

export const assembleSchema = z.object({ quantity });
export const priceSchema = z.object({ price: decimalText({ required: true, requiredMessage: "Enter a price", max: MAX_MONEY, unit: "money" }) });

export const channelSchema = z.object({
  name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters"),
  platform: z.string().trim().max(50, "At most 50 characters"),
  fee_pct: decimalText({ max: 100, unit: "%" }),
  fixed_fee: decimalText({ max: MAX_MONEY, unit: "money" }),
  monthly_cost: decimalText({ max: MAX_MONEY, unit: "money" }),
  is_active: z.boolean(),
});
export type ChannelValues = z.infer<typeof channelSchema>;
export const CHANNEL_FIELDS = ["name", "platform", "fee_pct", "fixed_fee", "monthly_cost"] as const;
export const EMPTY_CHANNEL: ChannelValues = { name: "", platform: "", fee_pct: "0", fixed_fee: "0", monthly_cost: "0", is_active: true };

export function channelToValues(channel: SalesChannel): ChannelValues {
  return {
    name: channel.name,
    platform: channel.platform ?? "",
    fee_pct: String(channel.fee_pct),
    fixed_fee: String(channel.fixed_fee),
    monthly_cost: String(channel.monthly_cost),
    is_active: channel.is_active,
  };
}

export function channelValuesToBody(values: ChannelValues): Required<SalesChannelCreate> {
  return {
    name: values.name.trim(),
    platform: blankToNull(values.platform),
    fee_pct: toNumberOrNull(values.fee_pct) ?? 0,
    fixed_fee: toNumberOrNull(values.fixed_fee) ?? 0,
    monthly_cost: toNumberOrNull(values.monthly_cost) ?? 0,
    is_active: values.is_active,
  };
}

export const settingsSchema = z.object({
  labor_rate_per_hour: decimalText({ required: true, max: MAX_MONEY, unit: "money" }),
  overhead_pct: decimalText({ required: true, max: 100, unit: "%" }),
  price_multiplier: decimalText({ required: true, max: 1000, unit: "money" }),
});
export type SettingsValues = z.infer<typeof settingsSchema>;
export const SETTINGS_FIELDS = ["labor_rate_per_hour", "overhead_pct", "price_multiplier"] as const;

/** A margin below 0 loses money on every sale; under 10% is thin. */
export function marginTone(marginPct: number): "loss" | "thin" | "ok" {
  if (marginPct < 0) return "loss";
  if (marginPct < 10) return "thin";
  return "ok";
}
