/** /production-runs: every run, newest day first, filtered by status, printer, model, dates and number/notes. */
import { Plus } from "lucide-react";
import { useCallback } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { RunStatusBadge, Variance } from "@/components/production/RunParts";
import { Pager } from "@/components/spools/Pager";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DebouncedInput } from "@/components/ui/debounced-input";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { formatDate, formatGrams } from "@/lib/format";
import { useModels } from "@/queries/catalog";
import { RUN_STATUSES, RUNS_PAGE_SIZE, usePrinters, useRuns, type Run, type RunListParams, type RunStatus } from "@/queries/production";
import { statusLabel } from "@/components/production/RunParts";

const FILTERS = ["q", "status", "printer", "model", "from", "to"] as const;
type RunSearch = Record<(typeof FILTERS)[number], string> & { page: number };

function parseRunSearch(params: URLSearchParams): RunSearch {
  const page = Number(params.get("page") ?? "0");
  const out = { page: Number.isInteger(page) && page > 0 ? page : 0 } as RunSearch;
  for (const key of FILTERS) out[key] = params.get(key) ?? "";
  return out;
}

export function toRunParams(search: RunSearch): RunListParams {
  const status = (RUN_STATUSES as readonly string[]).includes(search.status) ? (search.status as RunStatus) : undefined;
  const q = search.q.trim();
  return {
    limit: RUNS_PAGE_SIZE,
    offset: search.page * RUNS_PAGE_SIZE,
    ...(q ? { q } : {}),
    ...(status ? { status } : {}),
    ...(search.printer ? { printer_id: search.printer } : {}),
    ...(search.model ? { model_id: search.model } : {}),
    ...(search.from ? { date_from: search.from } : {}),
    ...(search.to ? { date_to: search.to } : {}),
  };
}

function useRunSearch(): [RunSearch, (changes: Partial<RunSearch>) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: Partial<RunSearch>) =>
      setParams(
        (current) => {
          const next = { ...parseRunSearch(current), page: 0, ...changes };
          const out = new URLSearchParams();
          for (const key of FILTERS) if (next[key]) out.set(key, next[key]);
          if (next.page > 0) out.set("page", String(next.page));
          return out;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [parseRunSearch(params), update];
}

function itemsSummary(run: Run): string {
  return run.items.map((item) => `${item.quantity} × ${item.sku ?? item.name ?? "model"}`).join(", ");
}

export default function RunsPage() {
  const { can } = useAuth();
  const [search, update] = useRunSearch();
  const runs = useRuns(toRunParams(search));
  const printers = usePrinters();
  const models = useModels({ limit: 200, offset: 0, sort: "sku" });
  const printerName = new Map((printers.data?.items ?? []).map((printer) => [printer.id, printer.name]));
  const filtered = FILTERS.some((key) => search[key] !== "");

  const newButton = can("member") ? (
    <Button asChild>
      <Link to="/production-runs/new">
        <Plus />
        Plan a run
      </Link>
    </Button>
  ) : null;

  return (
    <>
      <PageHeader title="Production runs" description="Print beds planned, printing and done: filament used against the plan." actions={newButton} />
      <div className="mb-3 flex flex-wrap items-end gap-3" role="search" aria-label="Filter runs">
        <div className="grid min-w-32 flex-1 gap-1">
          <Label htmlFor="runs-q">Search</Label>
          <DebouncedInput id="runs-q" type="search" placeholder="Run number or notes" value={search.q} onCommit={(q) => update({ q })} />
        </div>
        <div className="grid w-36 gap-1">
          <Label htmlFor="runs-status">Status</Label>
          <NativeSelect id="runs-status" value={search.status} onChange={(event) => update({ status: event.target.value })}>
            <option value="">All</option>
            {RUN_STATUSES.map((status) => (
              <option key={status} value={status}>
                {statusLabel(status)}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid w-36 gap-1">
          <Label htmlFor="runs-printer">Printer</Label>
          <NativeSelect id="runs-printer" value={search.printer} onChange={(event) => update({ printer: event.target.value })}>
            <option value="">All</option>
            {(printers.data?.items ?? []).map((printer) => (
              <option key={printer.id} value={printer.id}>
                {printer.name}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid w-40 gap-1">
          <Label htmlFor="runs-model">Model</Label>
          <NativeSelect id="runs-model" value={search.model} onChange={(event) => update({ model: event.target.value })}>
            <option value="">All</option>
            {(models.data?.items ?? []).map((model) => (
              <option key={model.id} value={model.id}>
                {model.sku} · {model.name}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid w-40 gap-1">
          <Label htmlFor="runs-from">From</Label>
          <Input id="runs-from" type="date" value={search.from} onChange={(event) => update({ from: event.target.value })} />
        </div>
        <div className="grid w-40 gap-1">
          <Label htmlFor="runs-to">To</Label>
          <Input id="runs-to" type="date" value={search.to} onChange={(event) => update({ to: event.target.value })} />
        </div>
      </div>
      {runs.error ? (
        <ErrorAlert error={runs.error} />
      ) : !runs.data ? (
        <TableSkeleton rows={8} />
      ) : runs.data.items.length === 0 ? (
        filtered ? (
          <EmptyState title="No runs match">Try another search or filter.</EmptyState>
        ) : (
          <EmptyState title="No production runs yet" action={newButton}>
            Plan a run: choose a printer and what goes on the bed, and the filament is reserved on its spools.
          </EmptyState>
        )
      ) : (
        <>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Run</TableHead>
                <TableHead>Date</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="hidden md:table-cell">Printer</TableHead>
                <TableHead className="hidden lg:table-cell">Items</TableHead>
                <TableHead className="hidden text-right sm:table-cell">Planned</TableHead>
                <TableHead className="text-right">Variance</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {runs.data.items.map((run) => (
                <TableRow key={run.id}>
                  <TableCell>
                    <Link to={`/production-runs/${run.id}`} className="whitespace-nowrap font-mono font-medium underline-offset-4 hover:underline">
                      {run.run_number}
                    </Link>
                  </TableCell>
                  <TableCell className="whitespace-nowrap">{formatDate(run.run_date)}</TableCell>
                  <TableCell>
                    <RunStatusBadge status={run.status} />
                  </TableCell>
                  <TableCell className="hidden md:table-cell">{run.printer_id ? (printerName.get(run.printer_id) ?? "—") : "—"}</TableCell>
                  <TableCell className="hidden max-w-xs truncate lg:table-cell">{itemsSummary(run)}</TableCell>
                  <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatGrams(run.estimated_grams)}</TableCell>
                  <TableCell className="text-right">
                    <Variance grams={run.variance_grams} pct={run.variance_pct} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pager
            offset={search.page * RUNS_PAGE_SIZE}
            limit={RUNS_PAGE_SIZE}
            total={runs.data.total}
            onPrevious={() => update({ page: Math.max(0, search.page - 1) })}
            onNext={() => update({ page: search.page + 1 })}
          />
        </>
      )}
    </>
  );
}
