/** Search and filters above the spools table; every change goes to the URL (see spoolListSearch). */
import { Search, X } from "lucide-react";
import { useCallback, useId } from "react";
import { FilamentTypeSelect } from "@/components/spools/FilamentTypeSelect";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { DebouncedInput } from "@/components/ui/debounced-input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { useFilamentTypes, useMaterialTypes } from "@/queries/catalogTypes";
import { LocationSuggestions } from "@/components/locations/LocationPicker";
import { EMPTY_FILTERS, hasFilters, type SpoolListSearch, type UpdateSpoolListSearch } from "@/components/spools/spoolListSearch";

function CheckboxFilter({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="flex h-9 items-center gap-2">
      <Checkbox id={id} checked={checked} onCheckedChange={(value) => onChange(value === true)} />
      <Label htmlFor={id} className="font-normal">
        {label}
      </Label>
    </div>
  );
}

export function SpoolFilters({ search, update }: { search: SpoolListSearch; update: UpdateSpoolListSearch }) {
  const materials = useMaterialTypes();
  const types = useFilamentTypes({ limit: 200, sort: "brand" });
  const ids = { material: useId(), type: useId(), location: useId(), suggestions: useId() };
  // Typed text replaces the history entry: one Back undoes the whole search, not each keystroke.
  const commitQuery = useCallback((q: string) => update({ q }, { replace: true }), [update]);
  const commitLocation = useCallback((location: string) => update({ location }, { replace: true }), [update]);

  return (
    <div className="mb-3 grid gap-2 no-print">
      <div className="relative">
        <Search aria-hidden className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" />
        <DebouncedInput
          type="search"
          aria-label="Search spools"
          placeholder="Search code, brand, colour, material, location, lot…"
          className="pl-8"
          value={search.q}
          onCommit={commitQuery}
        />
      </div>
      <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-end">
        <div className="grid gap-1 sm:w-36">
          <Label htmlFor={ids.material} className="text-xs text-muted-foreground">
            Material
          </Label>
          <NativeSelect id={ids.material} value={search.material} onChange={(event) => update({ material: event.target.value })}>
            <option value="">All materials</option>
            {(materials.data?.items ?? []).map((material) => (
              <option key={material.id} value={material.code}>
                {material.code}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1 sm:w-56">
          <Label htmlFor={ids.type} className="text-xs text-muted-foreground">
            Filament type
          </Label>
          <FilamentTypeSelect
            id={ids.type}
            types={types.data?.items ?? []}
            emptyLabel="All filament types"
            value={search.filamentTypeId}
            onChange={(event) => update({ filamentTypeId: event.target.value })}
          />
        </div>
        <div className="col-span-2 grid gap-1 sm:col-span-1 sm:w-40">
          <Label htmlFor={ids.location} className="text-xs text-muted-foreground">
            Location
          </Label>
          <DebouncedInput id={ids.location} list={ids.suggestions} autoComplete="off" placeholder="Starts with, e.g. Shelf" value={search.location} onCommit={commitLocation} />
          <LocationSuggestions id={ids.suggestions} q={search.location} />
        </div>
        <CheckboxFilter label="Low stock only" checked={search.lowStock} onChange={(lowStock) => update({ lowStock })} />
        <CheckboxFilter label="Show archived" checked={search.archived} onChange={(archived) => update({ archived })} />
        {hasFilters(search) ? (
          <Button variant="ghost" size="sm" className="h-9" onClick={() => update(EMPTY_FILTERS)}>
            <X aria-hidden />
            Clear filters
          </Button>
        ) : null}
      </div>
    </div>
  );
}
