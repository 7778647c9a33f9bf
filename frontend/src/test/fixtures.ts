/** Sample data of the spool tests: a filament type, spools, and the catalogue every spool form asks for. */
import type { FilamentType } from "@/queries/catalogTypes";
import type { Spool } from "@/queries/spools";
import { json, type ApiHandler } from "@/test/render";

export const filamentType: FilamentType = {
  id: "11111111-1111-4111-8111-111111111111",
  material_type_id: "22222222-2222-4222-8222-222222222222",
  material_code: "PLA",
  brand: "Prusament",
  color_name: "Galaxy Black",
  color_hex: "#1a1a2e",
  finish: null,
  diameter_mm: 1.75,
  density: 1.24,
  extruder_temp: 215,
  bed_temp: 60,
  min_stock_grams: 2500,
  cost_per_gram: 0.025,
  cost_is_estimate: false,
};

let nextSpool = 1;

export function makeSpool(overrides: Partial<Spool> = {}): Spool {
  const number = nextSpool++;
  return {
    id: `33333333-3333-4333-8333-${String(number).padStart(12, "0")}`,
    code: `FIL-${String(number).padStart(3, "0")}`,
    filament_type_id: filamentType.id,
    filament_type: { id: filamentType.id, material_code: "PLA", brand: "Prusament", color_name: "Galaxy Black", color_hex: "#1a1a2e" },
    initial_weight: 1000,
    current_weight: 1000,
    empty_spool_weight: 250,
    purchase_price: 25,
    purchase_date: "2026-11-01",
    supplier: null,
    location: "Shelf A",
    location_id: "44444444-4444-4444-8444-000000000001",
    lot_number: null,
    notes: null,
    is_archived: false,
    low_stock_threshold_pct: 20,
    remaining_pct: 100,
    cost_per_gram: 0.025,
    is_low_stock: false,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}

/** A page of a list endpoint. */
export function page<T>(items: T[], total = items.length) {
  return { items, total, limit: 50, offset: 0 };
}

/** The filament types and material types every spool form or filter asks for. */
export const catalogHandler: ApiHandler = ({ method, path }) => {
  if (method === "GET" && path === "/api/v1/filament-types") return json({ items: [filamentType], total: 1, limit: 200, offset: 0 });
  if (method === "GET" && path === "/api/v1/material-types") {
    return json({ items: [{ id: filamentType.material_type_id, code: "PLA", name: "Polylactic acid", density: 1.24, typical_cost_per_kg: 20, extruder_temp_min: 190, extruder_temp_max: 230, bed_temp: 60, is_global: true }], total: 1, limit: 200, offset: 0 });
  }
  return undefined;
};
