import { joinStock } from "@/queries/filamentTypes";
import { inventoryKeys } from "@/queries/inventory";
import type { FilamentType } from "@/queries/catalogTypes";
import type { StockSummaryItem } from "@/queries/inventory";

const type = (id: string, min: number): FilamentType => ({
  id,
  material_type_id: "m",
  material_code: "PLA",
  brand: "B",
  color_name: id,
  color_hex: null,
  finish: null,
  diameter_mm: 1.75,
  density: null,
  extruder_temp: null,
  bed_temp: null,
  min_stock_grams: min,
  cost_per_gram: null,
  cost_is_estimate: false,
});
const stock = (id: string, grams: number): StockSummaryItem => ({
  filament_type_id: id,
  material_code: "PLA",
  brand: "B",
  color_name: id,
  color_hex: null,
  spool_count: 1,
  remaining_grams: grams,
  stock_value: 0,
});

describe("joinStock", () => {
  it("joins by id, counts a type missing from the summary as empty and flags types below their reorder level", () => {
    const rows = joinStock([type("low", 1000), type("ok", 1000), type("none", 500), type("no-level", 0)], [stock("low", 999), stock("ok", 1000)]);
    expect(rows.map((r) => [r.id, r.remaining_grams, r.below_reorder_level])).toEqual([
      ["low", 999, true],
      ["ok", 1000, false],
      ["none", 0, true],
      ["no-level", 0, false],
    ]);
  });

  it("leaves stock unknown while the summary loads", () => {
    const [row] = joinStock([type("a", 1000)], undefined);
    expect(row?.remaining_grams).toBeUndefined();
    expect(row?.below_reorder_level).toBe(false);
  });
});

describe("inventoryKeys", () => {
  it("all start with the inventory prefix that spool mutations invalidate", () => {
    for (const key of [inventoryKeys.summary(), inventoryKeys.lowStock(), inventoryKeys.recentTransactions(10)]) {
      expect(key[0]).toBe("inventory");
    }
  });
});
