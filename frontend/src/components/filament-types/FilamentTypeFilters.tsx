import { Search } from "lucide-react";
import { MaterialTypeOptions } from "@/components/filament-types/MaterialTypeOptions";
import { DebouncedInput } from "@/components/ui/debounced-input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { useMaterialTypes } from "@/queries/catalogTypes";

interface FilamentTypeFiltersProps {
  search: string;
  /** Called once typing pauses, so the list is not fetched per key. */
  onSearchChange: (value: string) => void;
  materialTypeId: string;
  onMaterialTypeChange: (value: string) => void;
}

export function FilamentTypeFilters({ search, onSearchChange, materialTypeId, onMaterialTypeChange }: FilamentTypeFiltersProps) {
  const materialTypes = useMaterialTypes();
  return (
    <div className="mb-3 flex flex-wrap items-end gap-3" role="search">
      <div className="grid min-w-0 flex-1 basis-56 gap-1.5">
        <Label htmlFor="filament-type-search">Search</Label>
        <div className="relative">
          <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden />
          <DebouncedInput
            id="filament-type-search"
            type="search"
            className="pl-8"
            placeholder="Brand, colour, material…"
            value={search}
            onCommit={onSearchChange}
            delayMs={300}
          />
        </div>
      </div>
      <div className="grid w-full gap-1.5 sm:w-56">
        <Label htmlFor="filament-type-material">Filter by material</Label>
        <NativeSelect
          id="filament-type-material"
          value={materialTypeId}
          onChange={(event) => onMaterialTypeChange(event.target.value)}
          disabled={!materialTypes.data}
        >
          <option value="">All materials</option>
          <MaterialTypeOptions materialTypes={materialTypes.data?.items ?? []} />
        </NativeSelect>
      </div>
    </div>
  );
}
