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

/** The shop's filament types as a native select (works with the keyboard and phone pickers). */
export const FilamentTypeSelect = forwardRef<HTMLSelectElement, FilamentTypeSelectProps>(({ types, emptyLabel, ...props }, ref) => (
  <NativeSelect ref={ref} {...props}>
    <option value="">{emptyLabel}</option>
    {types.map((type) => (
      <option key={type.id} value={type.id}>
        {filamentTypeName(type)}
      </option>
    ))}
  </NativeSelect>
));
FilamentTypeSelect.displayName = "FilamentTypeSelect";
