import type { StockSummaryItem } from "@/queries/inventory";

export interface StockSegment {
  filamentTypeId: string;
  /** "Brand Colour", e.g. "Prusament Galaxy Black". */
  label: string;
  colorHex: string | null;
  grams: number;
}

export interface StockBar {
  material: string;
  totalGrams: number;
  segments: StockSegment[];
}

/** One bar per material (largest first), one segment per filament type holding stock (largest first). */
export function buildStockBars(items: StockSummaryItem[]): StockBar[] {
  const byMaterial = new Map<string, StockSegment[]>();
  for (const item of items) {
    if (item.remaining_grams <= 0) continue; // types without stock add nothing to a bar
    const segments = byMaterial.get(item.material_code) ?? [];
    segments.push({
      filamentTypeId: item.filament_type_id,
      label: `${item.brand} ${item.color_name}`,
      colorHex: item.color_hex,
      grams: item.remaining_grams,
    });
    byMaterial.set(item.material_code, segments);
  }
  return [...byMaterial.entries()]
    .map(([material, segments]) => ({
      material,
      segments: segments.sort((a, b) => b.grams - a.grams),
      totalGrams: segments.reduce((sum, s) => sum + s.grams, 0),
    }))
    .sort((a, b) => b.totalGrams - a.totalGrams || a.material.localeCompare(b.material));
}
