import { Plus } from "lucide-react";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { FilamentTypeDialog } from "@/components/filament-types/FilamentTypeDialog";
import { FilamentTypeFilters } from "@/components/filament-types/FilamentTypeFilters";
import { FilamentTypesTable } from "@/components/filament-types/FilamentTypesTable";
import { PageHeader } from "@/components/layout/PageHeader";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/hooks/useAuth";
import { useFilamentTypes, type FilamentTypeListParams } from "@/queries/catalogTypes";
import { joinStock } from "@/queries/filamentTypes";
import { useStockSummary } from "@/queries/inventory";

const PAGE_SIZE = 200;

export default function FilamentTypesPage() {
  const { can } = useAuth();
  // The search as committed by the input, i.e. after a pause in typing.
  const [search, setSearch] = useState("");
  const [materialTypeId, setMaterialTypeId] = useState("");
  const q = search.trim();
  // A search lists the best matches first (the server's relevance order); the full list goes by material.
  const params: FilamentTypeListParams = {
    limit: PAGE_SIZE,
    ...(q ? { q } : { sort: "material_code" }),
    ...(materialTypeId ? { material_type_id: materialTypeId } : {}),
  };
  const types = useFilamentTypes(params);
  const summary = useStockSummary();
  const rows = useMemo(() => joinStock(types.data?.items ?? [], summary.data?.items), [types.data, summary.data]);
  const filtered = q !== "" || materialTypeId !== "";
  // /filament-types?add=first (the dashboard's first step) opens the add dialog; closing it drops the parameter.
  const [searchParams, setSearchParams] = useSearchParams();
  const [openOnArrival] = useState(() => searchParams.has("add"));
  const dropAddParam = () => {
    if (!searchParams.has("add")) return;
    setSearchParams(
      (current) => {
        const without = new URLSearchParams(current);
        without.delete("add");
        return without;
      },
      { replace: true },
    );
  };

  // The header's button is the one opened on arrival (the empty list shows a second one).
  const addButton = (onArrival: boolean) =>
    can("member") ? (
      <FilamentTypeDialog
        defaultOpen={onArrival && openOnArrival}
        onClosed={dropAddParam}
        trigger={
          <Button>
            <Plus />
            Add filament type
          </Button>
        }
      />
    ) : null;

  return (
    <>
      <PageHeader
        title="Filament types"
        description="Each material, brand and colour you stock, with what is left and when to reorder."
        actions={addButton(true)}
      />
      <FilamentTypeFilters
        search={search}
        onSearchChange={setSearch}
        materialTypeId={materialTypeId}
        onMaterialTypeChange={setMaterialTypeId}
      />
      {summary.error ? <ErrorAlert className="mb-3" error={summary.error} /> : null}
      {types.error ? (
        <ErrorAlert error={types.error} />
      ) : !types.data ? (
        <TableSkeleton rows={5} />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No filament types match">Try another search or material.</EmptyState>
        ) : (
          <EmptyState title="No filament types yet" action={addButton(false)}>
            A filament type is one material, brand and colour (e.g. PLA, Prusament, Galaxy Black). Add one before adding spools.
          </EmptyState>
        )
      ) : (
        <>
          <FilamentTypesTable rows={rows} />
          {types.data.total > rows.length ? (
            <p className="mt-2 text-xs text-muted-foreground">
              Showing the first {rows.length} of {types.data.total}. Search to narrow the list.
            </p>
          ) : null}
        </>
      )}
    </>
  );
}
