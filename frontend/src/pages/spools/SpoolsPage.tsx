/** /spools: the shop's reels, searchable, filterable, sortable and paginated on the server. */
import { MoveRight, Plus, Printer, Rows3 } from "lucide-react";
import { MoveDialog } from "@/components/locations/MoveDialog";
import { useCallback, useState } from "react";
import { useNavigate } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { BulkAddDialog } from "@/components/spools/BulkAddDialog";
import { Pager } from "@/components/spools/Pager";
import { SpoolFilters } from "@/components/spools/SpoolFilters";
import { SpoolFormDialog } from "@/components/spools/SpoolFormDialog";
import { EMPTY_FILTERS, hasFilters, SPOOLS_PAGE_SIZE, toListParams, useSpoolListSearch } from "@/components/spools/spoolListSearch";
import { formatSort, nextSort, parseSort, SpoolTable, SpoolTableSkeleton } from "@/components/spools/SpoolTable";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { useAuth } from "@/hooks/useAuth";
import { toast } from "@/lib/toast";
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
  const sort = parseSort(search.sort, SPOOL_SORT_FIELDS);
  const { selectedIds, toggle, setMany, clear } = useSelection();
  const [dialog, setDialog] = useState<"add" | "bulk" | "move" | null>(null);

  const pageIds = spools.data?.items.map((spool) => spool.id) ?? [];
  const onToggleAll = (selected: boolean) => setMany(pageIds, selected);
  const onSort = (field: SpoolSortField) => update({ sort: formatSort(nextSort(sort, field)) });
  const onAdded = (spool: Spool) => {
    setDialog(null);
    toast({ title: `Added ${spool.code}` });
  };

  return (
    <>
      <PageHeader
        title="Spools"
        description="Every reel in the shop, with what is left on it."
        actions={
          canWrite ? (
            <>
              <Button variant="outline" onClick={() => setDialog("bulk")}>
                <Rows3 aria-hidden />
                Bulk add
              </Button>
              <Button onClick={() => setDialog("add")}>
                <Plus aria-hidden />
                Add spool
              </Button>
            </>
          ) : null
        }
      />
      <SpoolFilters search={search} update={update} />
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
            onPrevious={() => update({ page: search.page - 1 })}
            onNext={() => update({ page: search.page + 1 })}
          />
        </>
      )}

      {canWrite ? (
        <>
          <SpoolFormDialog open={dialog === "add"} onOpenChange={(open) => setDialog(open ? "add" : null)} onSaved={onAdded} />
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

interface EmptyListProps {
  filtered: boolean;
  beyondLastPage: boolean;
  onClearFilters: () => void;
  onFirstPage: () => void;
  onAdd: (() => void) | undefined;
}

function EmptyList({ filtered, beyondLastPage, onClearFilters, onFirstPage, onAdd }: EmptyListProps) {
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
  return (
    <EmptyState title="No spools yet" action={onAdd ? <Button onClick={onAdd}>Add your first spool</Button> : null}>
      Add the reels you have on the shelf to track what is left on each.
    </EmptyState>
  );
}
