/** Sample catalog data for the component tests: a model with a BOM, a product with a channel price. */
import type { Model, Product, SalesChannel } from "@/queries/catalog";
import { filamentType } from "@/test/fixtures";

export const MODEL_ID = "44444444-4444-4444-8444-444444444444";
export const PRODUCT_ID = "55555555-5555-4555-8555-555555555555";
export const CHANNEL_ID = "66666666-6666-4666-8666-666666666666";

export function makeModel(overrides: Partial<Model> = {}): Model {
  return {
    id: MODEL_ID,
    sku: "MOD-001",
    name: "Articulated dragon",
    description: null,
    is_active: true,
    print_time_minutes: 90,
    prints_per_plate: 4,
    labor_minutes: 6,
    labor_rate_override: null,
    overhead_pct_override: null,
    materials: [
      {
        id: "77777777-7777-4777-8777-777777777777",
        filament_type_id: filamentType.id,
        brand: "Prusament",
        color_name: "Galaxy Black",
        material_code: "PLA",
        grams: 40,
        cost_per_gram: 0.03,
        cost_is_estimate: false,
        line_cost: 1.2,
      },
    ],
    components: [],
    cost: { material: 1.2, components: 0, labor: 1, overhead: 0, total: 2.2 },
    cost_is_estimate: false,
    uncosted_lines: [],
    actual_unit_cost: null,
    units_in_stock: 0,
    version: 1,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}

export const etsy: SalesChannel = {
  id: CHANNEL_ID,
  name: "Etsy",
  platform: "etsy",
  fee_pct: 6.5,
  fixed_fee: 0.2,
  monthly_cost: 0,
  is_active: true,
  created_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-01T10:00:00Z",
};

export function makeProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: PRODUCT_ID,
    sku: "PRD-001",
    name: "Dragon gift box",
    description: null,
    is_active: true,
    categories: ["Gifts"],
    packaging_cost: 0.5,
    assembly_minutes: 0,
    models: [{ model_id: MODEL_ID, sku: "MOD-001", name: "Articulated dragon", quantity: 2, unit_cost: 2.2, actual_unit_cost: null }],
    children: [],
    cost: { models: 4.4, children: 0, packaging: 0.5, assembly: 0, make_cost: 4.9 },
    make_cost: 4.9,
    suggested_price: 12.25,
    cost_is_estimate: false,
    uncosted_lines: [],
    actual_make_cost: null,
    variance_pct: null,
    channels: [{ sales_channel_id: CHANNEL_ID, name: "Etsy", platform: "etsy", price: 12, fee: 0.98, profit: 6.12, margin_pct: 51 }],
    units_in_stock: 0,
    version: 1,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}
