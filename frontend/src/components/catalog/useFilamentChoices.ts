import { useMemo } from "react";
import type { FilamentChoice } from "@/components/catalog/BomEditor";
import { useFilamentTypes } from "@/queries/catalogTypes";
import { useStockSummary } from "@/queries/inventory";

/**
 * The filament types a BOM line can name, with their stock (inventory's summary) and cost per gram. The
 * catalog costs a BOM from its own read model of these types, fed by inventory's events.
 */
export function useFilamentChoices() {
  const types = useFilamentTypes({ limit: 200, sort: "material_code" });
  const summary = useStockSummary();
  const choices = useMemo<FilamentChoice[] | undefined>(() => {
    if (!types.data) return undefined;
    const stock = new Map(summary.data?.items.map((item) => [item.filament_type_id, item.remaining_grams]));
    return types.data.items.map((type) => ({ ...type, remaining_grams: summary.data ? (stock.get(type.id) ?? 0) : undefined }));
  }, [types.data, summary.data]);
  return { choices, error: types.error, isLoading: types.isLoading };
}
