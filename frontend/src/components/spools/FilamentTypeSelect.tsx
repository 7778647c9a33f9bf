import { forwardRef, type SelectHTMLAttributes } from "react";
import { NativeSelect } from "@/components/ui/native-select";
import type { FilamentType } from "@/queries/catalogTypes";

interface FilamentTypeSelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  types: FilamentType[];
  /** The first, empty option ("Choose…" in forms, "All" in filters). */
  emptyLabel: string;
}

export function filamentTypeName(type: Pick<FilamentType, "brand" | "color_name" | "material_code">): string {
  return `${type.brand} ${type.color_name} · ${type.material_code}`;
}

type Sortable = Pick<FilamentType, "id" | "brand" | "color_name" | "material_code">;

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** Types grouped by material (materials A–Z), each group by brand, then colour name, then id: the API's order. */
export function groupByMaterial<T extends Sortable>(types: readonly T[]): { material: string; types: T[] }[] {
  const sorted = [...types].sort(
    (a, b) =>
      collator.compare(a.material_code, b.material_code) ||
      collator.compare(a.brand, b.brand) ||
      collator.compare(a.color_name, b.color_name) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const groups: { material: string; types: T[] }[] = [];
  for (const type of sorted) {
    const last = groups.at(-1);
    if (last && last.material === type.material_code) last.types.push(type);
    else groups.push({ material: type.material_code, types: [type] });
  }
  return groups;
}

/** The shop's filament types as a native select grouped by material (works with the keyboard and phone pickers). */
export const FilamentTypeSelect = forwardRef<HTMLSelectElement, FilamentTypeSelectProps>(({ types, emptyLabel, ...props }, ref) => (
  <NativeSelect ref={ref} {...props}>
    <option value="">{emptyLabel}</option>
    {groupByMaterial(types).map((group) => (
      <optgroup key={group.material} label={group.material}>
        {group.types.map((type) => (
          <option key={type.id} value={type.id}>
            {filamentTypeName(type)}
          </option>
        ))}
      </optgroup>
    ))}
  </NativeSelect>
));
FilamentTypeSelect.displayName = "FilamentTypeSelect";
