/** Sample production data for the component tests: a printer with a loaded spool, spool stock, a run. */
import type { Printer, Run, RunDefaults, SpoolStock } from "@/queries/production";
import { MODEL_ID } from "@/test/catalogFixtures";
import { filamentType } from "@/test/fixtures";

export const PRINTER_ID = "88888888-8888-4888-8888-888888888888";
export const RUN_ID = "99999999-9999-4999-8999-999999999999";
export const SPOOL_A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1";
export const SPOOL_B = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa2";

export function makeSpoolStock(overrides: Partial<SpoolStock> = {}): SpoolStock {
  return {
    id: SPOOL_A,
    code: "SPL-0001",
    brand: "Prusament",
    color_name: "Galaxy Black",
    material_code: "PLA",
    filament_type_id: filamentType.id,
    current: 800,
    reserved: 100,
    available: 700,
    cost_per_gram: 0.025,
    is_archived: false,
    printer_id: PRINTER_ID,
    slot: 1,
    ...overrides,
  };
}

export function makePrinter(overrides: Partial<Printer> = {}): Printer {
  return {
    id: PRINTER_ID,
    name: "Prusa MK4",
    manufacturer: "Prusa",
    model: "MK4",
    nozzle_diameter_mm: 0.4,
    build_volume: null,
    notes: null,
    is_active: true,
    slot_count: 1,
    api_key_id: null,
    last_reported_at: null,
    last_reported_spool_id: null,
    last_reported_spool_code: null,
    loaded_spools: [
      { slot: 1, spool_id: SPOOL_A, code: "SPL-0001", color_name: "Galaxy Black", material_code: "PLA", filament_type_id: filamentType.id, current_weight: 800, loaded_at: "2026-11-01T10:00:00Z" },
    ],
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}

export function makeDefaults(overrides: Partial<RunDefaults> = {}): RunDefaults {
  return {
    model_id: MODEL_ID,
    sku: "MOD-001",
    name: "Articulated dragon",
    quantity: 5,
    print_time_minutes: 90,
    materials: [{ filament_type_id: filamentType.id, grams_per_unit: 40, grams_total: 200, candidates: [makeSpoolStock(), makeSpoolStock({ id: SPOOL_B, code: "SPL-0002", current: 1000, reserved: 0, available: 1000, printer_id: null, slot: null })] }],
    ...overrides,
  };
}

export function makeRun(overrides: Partial<Run> = {}): Run {
  return {
    id: RUN_ID,
    run_number: "RUN-20261201-001",
    run_date: "2026-12-01",
    status: "in_progress",
    printer_id: PRINTER_ID,
    items: [
      { id: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbb1", model_id: MODEL_ID, sku: "MOD-001", name: "Articulated dragon", quantity: 5, bed_position: null, bom_grams_per_unit: 40, successful_quantity: null, failed_quantity: null, actual_unit_cost: null },
    ],
    materials: [
      {
        id: "cccccccc-cccc-4ccc-8ccc-ccccccccccc1",
        spool_id: SPOOL_A,
        spool_code: "SPL-0001",
        filament_type_id: filamentType.id,
        estimated_grams: 200,
        estimated_model_grams: 200,
        estimated_flush_grams: 0,
        estimated_tower_grams: 0,
        actual_grams: null,
        actual_model_grams: null,
        actual_flush_grams: null,
        actual_tower_grams: null,
        weight_before: null,
        weight_after: null,
        variance_grams: null,
        variance_pct: null,
        cost_per_gram: 0.025,
      },
    ],
    estimated_grams: 200,
    actual_grams: null,
    variance_grams: null,
    variance_pct: null,
    time_variance_hours: null,
    success_rate: null,
    cost_per_gram_actual: null,
    deduction: { status: "none", spools: [] },
    bed_temp: null,
    nozzle_temp: null,
    slicer: null,
    notes: null,
    quality_rating: null,
    failure_reason: null,
    duration_hours: null,
    estimated_print_time_hours: null,
    original_run_id: null,
    started_at: "2026-12-01T09:00:00Z",
    completed_at: null,
    created_at: "2026-12-01T08:00:00Z",
    updated_at: "2026-12-01T09:00:00Z",
    version: 2,
    ...overrides,
  };
}
