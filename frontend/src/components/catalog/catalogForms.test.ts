import { describe, expect, it } from "vitest";
import {
  bomLineError,
  bomSchema,
  estimateMaterialCost,
  marginTone,
  modelCreateBody,
  EMPTY_MODEL,
  newModelSchema,
  productErrorField,
  productSchema,
  productValuesToBody,
  EMPTY_PRODUCT,
  splitCategories,
  stockAdjustBody,
  stockAdjustSchema,
  channelValuesToBody,
  EMPTY_CHANNEL,
} from "@/components/catalog/catalogForms";
import { ApiError } from "@/lib/errors";

const FT = "11111111-1111-4111-8111-111111111111";
const FT2 = "11111111-1111-4111-8111-222222222222";

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));
}

describe("BOM rules", () => {
  it("asks for a type and grams above 0 on each line", () => {
    const result = bomSchema.safeParse({ materials: [{ filament_type_id: "", grams: "0" }], components: [{ name: "", quantity: "1", unit_cost: "-1" }] });
    expect(issues(result)).toEqual({
      "materials.0.filament_type_id": "Choose a filament type",
      "materials.0.grams": "Must be more than 0 g",
      "components.0.name": "Enter a name",
      "components.0.unit_cost": "Cannot be negative",
    });
  });

  it("refuses the same filament type twice, on the second line", () => {
    const result = bomSchema.safeParse({
      materials: [
        { filament_type_id: FT, grams: "10" },
        { filament_type_id: FT, grams: "5" },
      ],
      components: [],
    });
    expect(issues(result)).toEqual({ "materials.1.filament_type_id": "Already in the BOM: change its grams instead" });
  });

  it("builds the create body with numbers, nulls for blank overrides and upper-case-free SKU as typed", () => {
    const values = { ...EMPTY_MODEL, sku: " mod-7 ", name: " Dragon ", labor_minutes: "6", print_time_minutes: "90" };
    expect(newModelSchema.safeParse({ ...values, materials: [], components: [] }).success).toBe(true);
    expect(
      modelCreateBody(values, { materials: [{ filament_type_id: FT, grams: "12,5" }], components: [{ name: "Ring", quantity: "2", unit_cost: "0.15" }] }),
    ).toEqual({
      sku: "mod-7",
      name: "Dragon",
      description: null,
      print_time_minutes: 90,
      prints_per_plate: 1,
      labor_minutes: 6,
      labor_rate_override: null,
      overhead_pct_override: null,
      is_active: true,
      materials: [{ filament_type_id: FT, grams: 12.5 }],
      components: [{ name: "Ring", quantity: 2, unit_cost: 0.15 }],
    });
  });

  it("rejects a SKU with spaces or a leading dash", () => {
    expect(issues(newModelSchema.safeParse({ ...EMPTY_MODEL, sku: "-A", name: "x", materials: [], components: [] }))).toHaveProperty("sku");
    expect(issues(newModelSchema.safeParse({ ...EMPTY_MODEL, sku: "A B", name: "x", materials: [], components: [] }))).toHaveProperty("sku");
  });

  it("estimates the material cost live, counting lines without a cost", () => {
    const cost = (id: string) => (id === FT ? 0.03 : null);
    expect(
      estimateMaterialCost(
        [
          { filament_type_id: FT, grams: "40" },
          { filament_type_id: FT2, grams: "10" },
          { filament_type_id: "", grams: "5" },
        ],
        cost,
      ),
    ).toEqual({ total: 1.2, uncosted: 1 });
  });
});

describe("where the API's refusals go", () => {
  it("a BOM line the catalog does not know yet lands on that line, in words", () => {
    const error = new ApiError(422, "VALIDATION_ERROR", `materials[1].filament_type_id: unknown filament type ${FT}`);
    expect(bomLineError(error)).toEqual({
      list: "materials",
      index: 1,
      field: "filament_type_id",
      message: "The catalog does not know this filament type yet (it learns of new types within seconds). Try again in a moment.",
    });
  });

  it("a validation error located in a BOM line lands there", () => {
    const error = new ApiError(422, "VALIDATION_ERROR", "Invalid request", [{ loc: ["body", "components", 0, "unit_cost"], msg: "Input should be greater than or equal to 0", type: "x" }]);
    expect(bomLineError(error)).toEqual({ list: "components", index: 0, field: "unit_cost", message: "Input should be greater than or equal to 0" });
    expect(bomLineError(new ApiError(409, "CONFLICT", "A model with SKU X already exists"))).toBeNull();
  });

  it("a bundle loop goes to the child products, a taken SKU to the SKU", () => {
    expect(productErrorField(new ApiError(409, "CONFLICT", "A product cannot contain itself: A-1 → B-1 → A-1"))).toBe("children");
    expect(productErrorField(new ApiError(409, "CONFLICT", "Bundles may nest at most 20 levels: A → B"))).toBe("children");
    expect(productErrorField(new ApiError(409, "CONFLICT", "A product with SKU PRD-001 already exists"))).toBe("sku");
    expect(productErrorField(new ApiError(422, "VALIDATION_ERROR", "models[0].model_id: unknown model x"))).toBe("models");
    expect(productErrorField(new ApiError(403, "FORBIDDEN", "no"))).toBeNull();
  });
});

describe("product form", () => {
  it("splits categories, dropping blanks and repeats", () => {
    expect(splitCategories(" Gifts, keyrings ,, gifts,")).toEqual(["Gifts", "keyrings"]);
  });

  it("refuses a model or a child product listed twice", () => {
    const result = productSchema.safeParse({
      ...EMPTY_PRODUCT,
      sku: "P-1",
      name: "Box",
      models: [
        { model_id: "m", quantity: "1" },
        { model_id: "m", quantity: "2" },
      ],
      children: [{ product_id: "p", quantity: "0" }],
    });
    expect(issues(result)).toEqual({ "models.1.model_id": "Listed twice: change its quantity instead", "children.0.quantity": "At least 1" });
  });

  it("builds the body", () => {
    expect(
      productValuesToBody({ ...EMPTY_PRODUCT, sku: "P-1", name: "Box", packaging_cost: "0.5", categories: "Gifts", models: [{ model_id: "m", quantity: "2" }] }),
    ).toEqual({
      sku: "P-1",
      name: "Box",
      description: null,
      packaging_cost: 0.5,
      assembly_minutes: 0,
      categories: ["Gifts"],
      is_active: true,
      models: [{ model_id: "m", quantity: 2 }],
      children: [],
    });
  });
});

describe("stock adjustments, channels, margins", () => {
  it("takes a signed whole number and a reason", () => {
    expect(stockAdjustSchema.safeParse({ delta: "+5", reason: "counted" }).success).toBe(true);
    expect(stockAdjustBody({ delta: "+5", reason: " counted " })).toEqual({ delta: 5, reason: "counted" });
    expect(stockAdjustBody({ delta: "-2", reason: "broken" })).toEqual({ delta: -2, reason: "broken" });
    expect(issues(stockAdjustSchema.safeParse({ delta: "0", reason: "" }))).toEqual({
      delta: "A change of 0 changes nothing",
      reason: "Say why (e.g. counted, damaged, sample)",
    });
    expect(issues(stockAdjustSchema.safeParse({ delta: "1.5", reason: "x" }))).toEqual({ delta: "Enter a whole number of units" });
  });

  it("a channel's blank platform is null", () => {
    expect(channelValuesToBody({ ...EMPTY_CHANNEL, name: " Etsy ", fee_pct: "6.5" })).toEqual({
      name: "Etsy",
      platform: null,
      fee_pct: 6.5,
      fixed_fee: 0,
      monthly_cost: 0,
      is_active: true,
    });
  });

  it("a negative margin is a loss, under 10% thin", () => {
    expect(marginTone(-0.01)).toBe("loss");
    expect(marginTone(9.99)).toBe("thin");
    expect(marginTone(10)).toBe("ok");
  });
});
