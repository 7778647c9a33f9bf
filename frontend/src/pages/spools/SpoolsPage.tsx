/** /spools: the shop's reels, searchable, filterable, sortable and paginated on the server. */
import { MoveRight, Plus, Printer, Rows3 } from "lucide-react";
import { MoveDialog } from "@/components/locations/MoveDialog";
import { useCallback, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { useNewSpoolIntent } from "@/components/scan/intents";
import { FIRST_TYPE_HREF, TYPE_PICKER_PARAMS } from "@/components/onboarding/useOnboarding";
import { BulkAddDialog } from "@/components/spools/BulkAddDialog";
import { Pager } from "@/components/spools/Pager";
import { SearchSummary } from "@/components/spools/SearchSummary";
import { SpoolFilters } from "@/components/spools/SpoolFilters";
import { SpoolFormDialog } from "@/components/spools/SpoolFormDialog";
import { ExportSpoolsButton } from "@/components/transfer/ExportButton";
import { EMPTY_FILTERS, hasFilters, SPOOLS_PAGE_SIZE, toListParams, useSpoolListSearch } from "@/components/spools/spoolListSearch";
import { formatSort, nextSort, parseSort, SpoolTable, SpoolTableSkeleton } from "@/components/spools/SpoolTable";
import { ErrorAlert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { useAuth } from "@/hooks/useAuth";
import { toast } from "@/lib/toast";
import { useFilamentTypes } from "@/queries/catalogTypes";
import { SPOOL_SORT_FIELDS, useSpools, type Spool, type SpoolSortField } from "@/queries/spools";

/** Labels are printed at most this many at a time (the labels page loads each spool). */
const MAX_LABELS = 100;

function useSelection() {
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(() => new Set());
  // Stable callbacks: the memoised rows re-render only when their own `selected` flips.
  const toggle = useCallback((id: string, selected: boolean) => {
    setSelectedIds((current) => {
      const next = new Set(current);
      if (selected) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const setMany = useCallback((ids: string[], selected: boolean) => {
    setSelectedIds((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (selected) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);
  const clear = useCallback(() => setSelectedIds(new Set()), []);
  return { selectedIds, toggle, setMany, clear };
}

function SelectionBar({ count, onClear, onPrint, onMove }: { count: number; onClear: () => void; onPrint: () => void; onMove?: () => void }) {
  if (count === 0) return null;
  const tooMany = count > MAX_LABELS;
  return (
    <div className="mb-2 flex flex-wrap items-center gap-2 rounded-md border bg-muted/50 px-3 py-1.5 text-sm no-print">
      <span aria-live="polite">{count} selected</span>
      <Button variant="ghost" size="sm" onClick={onClear}>
        Clear selection
      </Button>
      <Button size="sm" onClick={onPrint} disabled={tooMany} aria-describedby={tooMany ? "labels-limit" : undefined}>
        <Printer aria-hidden />
        Print labels
      </Button>
      {onMove ? (
        <Button size="sm" variant="outline" onClick={onMove}>
          <MoveRight aria-hidden />
          Move
        </Button>
      ) : null}
      {tooMany ? (
        <span id="labels-limit" className="text-xs text-destructive">
          At most {MAX_LABELS} labels at a time.
        </span>
      ) : null}
    </div>
  );
}

export default function SpoolsPage() {
  const { can } = useAuth();
  const canWrite = can("member");
  const navigate = useNavigate();
  const [search, update] = useSpoolListSearch();
  const params = toListParams(search);
  const spools = useSpools(params);
  const searching = params.q !== undefined;
  const sort = search.sort === "" && searching ? RELEVANCE : parseSort(search.sort || "code", SPOOL_SORT_FIELDS);
  const { selectedIds, toggle, setMany, clear } = useSelection();
  // /spools?add=<filament type id> opens "Add spool" with that type chosen (the dashboard's first steps).
  const [searchParams, setSearchParams] = useSearchParams();
  const addTypeId = searchParams.get("add") ?? undefined;
  const [dialog, setDialogState] = useState<"add" | "bulk" | "move" | null>(() => (addTypeId !== undefined && canWrite ? "add" : null));
  const setDialog = (next: "add" | "bulk" | "move" | null) => {
    setDialogState(next);
    if (next === null && addTypeId !== undefined) {
      setSearchParams(
        (current) => {
          const without = new URLSearchParams(current);
          without.delete("add");
          return without;
        },
        { replace: true },
      );
    }
  };
  // A scanned box's filament type pre-fills "Add spool" (the Scan dialog navigates here with it).
  const [presetType, setPresetType] = useState<string>();
  useNewSpoolIntent((typeId) => {
    setPresetType(typeId || undefined);
    setDialog("add");
  }, canWrite);

  const pageIds = spools.data?.items.map((spool) => spool.id) ?? [];
  const onToggleAll = (selected: boolean) => setMany(pageIds, selected);
  const onSort = (field: SpoolSortField) => update({ sort: formatSort(nextSort(sort, field)) });
  const onAdded = (spool: Spool) => {
    setDialog(null);
    setPresetType(undefined);
    toast({ title: `Added ${spool.code}` });
  };
  const onAddedAnother = (spool: Spool) => toast({ title: `Added ${spool.code}`, description: "Ready for the next spool." });

  return (
    <>
      <PageHeader
        title="Spools"
        description="Every reel in the shop, with what is left on it."
        actions={
          canWrite ? (
            <>
              <ExportSpoolsButton params={params} />
              <Button variant="outline" onClick={() => setDialog("bulk")}>
                <Rows3 aria-hidden />
                Bulk add
              </Button>
              <Button onClick={() => setDialog("add")}>
                <Plus aria-hidden />
                Add spool
              </Button>
            </>
          ) : <ExportSpoolsButton params={params} />
        }
      />
      <SpoolFilters search={search} update={update} />
      {searching && spools.data ? <SearchSummary q={params.q ?? ""} total={spools.data.total} atLeast={spools.data.total_is_lower_bound ?? false} onClear={() => update({ q: "" })} /> : null}
      <SelectionBar count={selectedIds.size} onClear={clear} onPrint={() => navigate(`/spools/labels?ids=${[...selectedIds].join(",")}`)} onMove={canWrite ? () => setDialog("move") : undefined} />

      {spools.isPending ? (
        <SpoolTableSkeleton />
      ) : spools.isError ? (
        <ErrorAlert error={spools.error} />
      ) : spools.data.items.length === 0 ? (
        <EmptyList
          filtered={hasFilters(search)}
          beyondLastPage={spools.data.total > 0}
          onClearFilters={() => update(EMPTY_FILTERS)}
          onFirstPage={() => update({ page: 1 })}
          onAdd={canWrite ? () => setDialog("add") : undefined}
        />
      ) : (
        <>
          <SpoolTable
            spools={spools.data.items}
            selectedIds={selectedIds}
            onToggle={toggle}
            onToggleAll={onToggleAll}
            sort={sort}
            onSort={onSort}
            refreshing={spools.isPlaceholderData}
          />
          <Pager
            offset={params.offset}
            limit={SPOOLS_PAGE_SIZE}
            total={spools.data.total}
            atLeast={spools.data.total_is_lower_bound ?? false}
            onPrevious={() => update({ page: search.page - 1 })}
            onNext={() => update({ page: search.page + 1 })}
          />
        </>
      )}

      {canWrite ? (
        <>
          <SpoolFormDialog
            open={dialog === "add"}
            onOpenChange={(open) => {
              setDialog(open ? "add" : null);
              if (!open) setPresetType(undefined);
            }}
            onSaved={onAdded}
            onSavedAnother={onAddedAnother}
            defaultTypeId={presetType ?? addTypeId}
          />
          <BulkAddDialog open={dialog === "bulk"} onOpenChange={(open) => setDialog(open ? "bulk" : null)} />
          <MoveDialog
            spoolIds={[...selectedIds]}
            subject={`${selectedIds.size} ${selectedIds.size === 1 ? "spool" : "spools"}`}
            open={dialog === "move"}
            onOpenChange={(open) => setDialog(open ? "move" : null)}
            onMoved={clear}
          />
        </>
      ) : null}
    </>
  );
}

const RELEVANCE = { field: "relevance", descending: false } as const;

interface EmptyListProps {
  filtered: boolean;
  beyondLastPage: boolean;
  onClearFilters: () => void;
  onFirstPage: () => void;
  onAdd: (() => void) | undefined;
}

function EmptyList({ filtered, beyondLastPage, onClearFilters, onFirstPage, onAdd }: EmptyListProps) {
  // A shop without filament types gets "Add your first filament type", never a spool form with nothing to choose.
  const types = useFilamentTypes(TYPE_PICKER_PARAMS);
  const needsType = types.data?.total === 0;
  if (beyondLastPage) {
    return (
      <EmptyState title="This page is empty" action={<Button variant="outline" onClick={onFirstPage}>Go to the first page</Button>}>
        The list got shorter since this page was opened.
      </EmptyState>
    );
  }
  if (filtered) {
    return (
      <EmptyState title="No spools match these filters" action={<Button variant="outline" onClick={onClearFilters}>Clear filters</Button>}>
        Try fewer words or another filter.
      </EmptyState>
    );
  }
  if (needsType && onAdd) {
    return (
      <EmptyState
        title="No spools yet"
        action={
          <Link to={FIRST_TYPE_HREF} className={buttonVariants()}>
            Add your first filament type
          </Link>
        }
      >
        Every spool is of a filament type (material, brand and colour). Add the first type, then its spools.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No spools yet" action={onAdd ? <Button onClick={onAdd}>Add your first spool</Button> : null}>
      Add the reels you have on the shelf to track what is left on each.
    </EmptyState>
  );
}
