/** Filament types joined with their stock (the summary endpoint), for the filament types table. */
import type { FilamentType } from "@/queries/catalogTypes";
import type { StockSummaryItem } from "@/queries/inventory";

export interface FilamentTypeWithStock extends FilamentType {
  /** Grams left on the type's active spools; undefined while the summary is loading. */
  remaining_grams: number | undefined;
  spool_count: number | undefined;
  /** True when a reorder level is set and the active spools hold less than it. */
  below_reorder_level: boolean;
}

export function joinStock(types: FilamentType[], summary: StockSummaryItem[] | undefined): FilamentTypeWithStock[] {
  const byId = new Map(summary?.map((item) => [item.filament_type_id, item]));
  return types.map((type) => {
    const stock = byId.get(type.id);
    // A type missing from a loaded summary has no spools at all: 0 g.
    const remaining = summary ? (stock?.remaining_grams ?? 0) : undefined;
    return {
      ...type,
      remaining_grams: remaining,
      spool_count: summary ? (stock?.spool_count ?? 0) : undefined,
      below_reorder_level: remaining !== undefined && type.min_stock_grams > 0 && remaining < type.min_stock_grams,
    };
  });
}
