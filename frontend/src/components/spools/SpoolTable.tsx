/**
 * The spools list as a dense table: select, code, filament, remaining, weight, location, added, status.
 * On a phone each spool is a card with the same facts, labelled (Table `cards`).
 */
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { memo, useId, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { RemainingBar } from "@/components/spools/RemainingBar";
import { SpoolStatusBadges } from "@/components/spools/SpoolStatusBadges";
import { Checkbox } from "@/components/ui/checkbox";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDate, formatGrams } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { Spool, SpoolSortField } from "@/queries/spools";

export interface SortState {
  field: SpoolSortField;
  descending: boolean;
}

/** "-current_weight" → {field: "current_weight", descending: true}; unknown fields fall back to code. */
export function parseSort(sort: string | null | undefined, allowed: readonly SpoolSortField[]): SortState {
  const descending = sort?.startsWith("-") ?? false;
  const field = (sort ?? "").replace(/^-/, "") as SpoolSortField;
  return allowed.includes(field) ? { field, descending } : { field: "code", descending: false };
}

export function formatSort({ field, descending }: SortState): string {
  return descending ? `-${field}` : field;
}

/** Clicking the sorted column reverses it; another column sorts ascending. */
export function nextSort(current: SortState, field: SpoolSortField): SortState {
  return current.field === field ? { field, descending: !current.descending } : { field, descending: false };
}

function SortHeader({ field, label, sort, onSort, className }: { field: SpoolSortField; label: string; sort: SortState; onSort: (field: SpoolSortField) => void; className?: string }) {
  const active = sort.field === field;
  const Icon = !active ? ArrowUpDown : sort.descending ? ArrowDown : ArrowUp;
  return (
    <TableHead aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"} className={className}>
      <button
        type="button"
        onClick={() => onSort(field)}
        className="-mx-1 inline-flex items-center gap-1 rounded px-1 py-0.5 hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        {label}
        <Icon aria-hidden className={cn("size-3.5", !active && "opacity-40")} />
      </button>
    </TableHead>
  );
}

interface SpoolRowProps {
  spool: Spool;
  selected: boolean;
  onToggle: (id: string, selected: boolean) => void;
}

/** One row; memoised so selecting a row or a background refetch re-renders only what changed. */
const SpoolRow = memo(function SpoolRow({ spool, selected, onToggle }: SpoolRowProps) {
  const type = spool.filament_type;
  return (
    <TableRow data-state={selected ? "selected" : undefined}>
      <TableCell className="w-8" card="corner">
        <Checkbox aria-label={`Select ${spool.code}`} checked={selected} onCheckedChange={(checked) => onToggle(spool.id, checked === true)} />
      </TableCell>
      <TableCell className="font-mono text-xs font-medium whitespace-nowrap" card="title">
        <Link to={`/spools/${spool.id}`} className="text-primary hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
          {spool.code}
        </Link>
      </TableCell>
      <TableCell>
        <span className="flex min-w-40 items-center gap-2">
          <ColorSwatch hex={type.color_hex} />
          <span className="truncate">
            {type.brand} {type.color_name}
          </span>
          <span className="text-xs text-muted-foreground">{type.material_code}</span>
        </span>
      </TableCell>
      <TableCell label="Remaining">
        <RemainingBar pct={spool.remaining_pct} low={spool.is_low_stock} label={`Remaining on ${spool.code}`} />
      </TableCell>
      <TableCell label="Weight" className="text-right tabular-nums whitespace-nowrap">{formatGrams(spool.current_weight)}</TableCell>
      <TableCell label="Location" className="hidden max-w-40 truncate md:table-cell">
        {spool.location && spool.location_id ? (
          <Link to={`/locations/${spool.location_id}`} className="text-primary hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
            {spool.location}
          </Link>
        ) : (
          spool.location ?? <span className="text-muted-foreground">—</span>
        )}
      </TableCell>
      <TableCell label="Added" className="hidden whitespace-nowrap text-muted-foreground lg:table-cell">{formatDate(spool.created_at)}</TableCell>
      <TableCell label="Status">
        <SpoolStatusBadges spool={spool} />
      </TableCell>
    </TableRow>
  );
});

interface SpoolTableProps {
  spools: Spool[];
  selectedIds: ReadonlySet<string>;
  onToggle: (id: string, selected: boolean) => void;
  onToggleAll: (selected: boolean) => void;
  sort: SortState;
  onSort: (field: SpoolSortField) => void;
  /** True while another page or sort loads; the current rows stay visible, dimmed. */
  refreshing?: boolean;
}

export function SpoolTable({ spools, selectedIds, onToggle, onToggleAll, sort, onSort, refreshing = false }: SpoolTableProps) {
  const selectedOnPage = spools.filter((spool) => selectedIds.has(spool.id)).length;
  const allState = selectedOnPage === 0 ? false : selectedOnPage === spools.length ? true : "indeterminate";
  const allId = useId();
  return (
    <>
      {/* On a phone the table's head (with its select-all box) is hidden behind the cards: the same box, thumb-sized, above them. */}
      <div data-testid="select-all-cards" className="mb-2 flex min-h-11 items-center gap-3 rounded-md border px-3 no-print sm:hidden">
        <Checkbox id={allId} checked={allState} onCheckedChange={(checked) => onToggleAll(checked === true)} />
        <Label htmlFor={allId} className="flex min-h-11 flex-1 items-center font-normal">
          Select all {spools.length} spools shown
        </Label>
      </div>
      <Table cards aria-busy={refreshing} className={cn("transition-opacity", refreshing && "opacity-60")}>
        <SpoolTableHead sort={sort} onSort={onSort}>
          <Checkbox aria-label="Select all spools on this page" checked={allState} onCheckedChange={(checked) => onToggleAll(checked === true)} />
        </SpoolTableHead>
        <TableBody>
          {spools.map((spool) => (
            <SpoolRow key={spool.id} spool={spool} selected={selectedIds.has(spool.id)} onToggle={onToggle} />
          ))}
        </TableBody>
      </Table>
    </>
  );
}

function SpoolTableHead({ sort, onSort, children }: { sort: SortState; onSort: (field: SpoolSortField) => void; children?: ReactNode }) {
  return (
    <TableHeader>
      <TableRow className="hover:bg-transparent">
        <TableHead className="w-8">{children}</TableHead>
        <SortHeader field="code" label="Code" sort={sort} onSort={onSort} />
        <TableHead>Filament</TableHead>
        <SortHeader field="remaining_pct" label="Remaining" sort={sort} onSort={onSort} />
        <SortHeader field="current_weight" label="Weight" sort={sort} onSort={onSort} className="text-right" />
        <TableHead className="hidden md:table-cell">Location</TableHead>
        <SortHeader field="created_at" label="Added" sort={sort} onSort={onSort} className="hidden lg:table-cell" />
        <TableHead>Status</TableHead>
      </TableRow>
    </TableHeader>
  );
}

/** Placeholder rows with the table's shape while the first page loads. */
export function SpoolTableSkeleton({ rows = 8 }: { rows?: number }) {
  const noop = () => undefined;
  return (
    <Table aria-busy>
      <SpoolTableHead sort={{ field: "code", descending: false }} onSort={noop} />
      <TableBody>
        {Array.from({ length: rows }, (_, index) => (
          <TableRow key={index}>
            {Array.from({ length: 8 }, (_, cell) => (
              <TableCell key={cell} className={cn(cell === 5 && "hidden md:table-cell", cell === 6 && "hidden lg:table-cell")}>
                <Skeleton className={cn("h-4", cell === 0 ? "w-4" : cell === 2 ? "w-40" : "w-16")} />
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
