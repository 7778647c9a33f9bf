import { Label } from "@/components/ui/label";
import { DebouncedInput } from "@/components/ui/debounced-input";
import { NativeSelect } from "@/components/ui/native-select";
import type { CatalogListSearch } from "@/components/catalog/listSearch";
import { useCategories } from "@/queries/categories";

/** The categories in use, with their product counts; the URL's category stays choosable while they load. */
function CategorySelect({ id, value, onChange }: { id: string; value: string; onChange: (category: string) => void }) {
  const categories = useCategories();
  const items = categories.data?.items ?? [];
  const known = items.some((item) => item.name === value);
  return (
    <NativeSelect id={id} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">All categories</option>
      {value && !known ? <option value={value}>{value}</option> : null}
      {items.map((item) => (
        <option key={item.name} value={item.name}>
          {item.name} ({item.product_count})
        </option>
      ))}
    </NativeSelect>
  );
}

const SORTS = [
  ["sku", "SKU"],
  ["name", "Name"],
  ["-units_in_stock", "Most in stock"],
  ["-updated_at", "Recently changed"],
  ["-created_at", "Newest"],
] as const;

interface CatalogFiltersProps {
  search: CatalogListSearch;
  onChange: (changes: Partial<CatalogListSearch>) => void;
  /** "models" or "products", for the labels. */
  what: string;
  withCategory?: boolean;
}

export function CatalogFilters({ search, onChange, what, withCategory = false }: CatalogFiltersProps) {
  return (
    <div className="mb-3 flex flex-wrap items-end gap-3" role="search" aria-label={`Filter ${what}`}>
      <div className="grid min-w-48 flex-1 gap-1">
        <Label htmlFor={`${what}-q`}>Search</Label>
        <DebouncedInput id={`${what}-q`} type="search" placeholder="SKU or name" value={search.q} onCommit={(q) => onChange({ q })} />
      </div>
      {withCategory ? (
        <div className="grid w-44 gap-1">
          <Label htmlFor={`${what}-category`}>Category</Label>
          <CategorySelect id={`${what}-category`} value={search.category} onChange={(category) => onChange({ category })} />
        </div>
      ) : null}
      <div className="grid w-36 gap-1">
        <Label htmlFor={`${what}-active`}>Status</Label>
        <NativeSelect id={`${what}-active`} value={search.active} onChange={(event) => onChange({ active: event.target.value as CatalogListSearch["active"] })}>
          <option value="true">Active</option>
          <option value="false">Inactive</option>
          <option value="">All</option>
        </NativeSelect>
      </div>
      <div className="grid w-44 gap-1">
        <Label htmlFor={`${what}-sort`}>Sort by</Label>
        <NativeSelect id={`${what}-sort`} value={search.sort} onChange={(event) => onChange({ sort: event.target.value })}>
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </NativeSelect>
      </div>
      <label className="flex h-9 items-center gap-2 text-sm">
        <input type="checkbox" className="size-4 accent-primary" checked={search.inStock} onChange={(event) => onChange({ inStock: event.target.checked })} />
        In stock only
      </label>
    </div>
  );
}
