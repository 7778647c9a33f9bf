/**
 * The shop's history: every stock booking across spools, filtered by date range, kind, spool, material and
 * run (kept in the address, so a filtered view can be shared), paged with "Load more", downloadable as CSV
 * with the same filters; above it, usage per month and per material in grams and money.
 */
import { Download } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { UsageChart } from "@/components/history/UsageChart";
import { PageHeader } from "@/components/layout/PageHeader";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useCurrency } from "@/hooks/useCurrency";
import { formatDateTime, formatDelta, formatGrams, formatMoney } from "@/lib/format";
import { toast } from "@/lib/toast";
import { errorMessage } from "@/lib/errors";
import { useMaterialTypes } from "@/queries/catalogTypes";
import { downloadCsv, LEDGER_KINDS, useLedger, useUsage, type HistoryFilters, type LedgerEntry, type LedgerKind, type UsageGroup } from "@/queries/history";

export const KIND_LABEL: Record<LedgerKind, string> = {
  purchase: "Purchase",
  usage: "Usage",
  waste: "Waste",
  adjustment: "Adjustment",
  return: "Return",
};

const FILTER_NAMES = ["from", "to", "kind", "spool", "material", "run"] as const;

/** The filters in the address (`?from=2026-11-01&kind=usage`); unknown kinds are dropped. */
export function filtersFromParams(params: URLSearchParams): HistoryFilters {
  const filters: HistoryFilters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (!value) continue;
    if (name === "kind") {
      if ((LEDGER_KINDS as string[]).includes(value)) filters.kind = value as LedgerKind;
    } else if ((name === "from" || name === "to") && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      continue;
    } else {
      filters[name] = value;
    }
  }
  return filters;
}

export default function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [downloading, setDownloading] = useState(false);

  const onDownload = async () => {
    setDownloading(true);
    try {
      await downloadCsv(filters);
    } catch (error) {
      toast({ title: "The CSV could not be downloaded", description: errorMessage(error), variant: "destructive" });
    } finally {
      setDownloading(false);
    }
  };

  return (
    <>
      <PageHeader
        title="History"
        description="Every stock booking across your spools, and what your printing used."
        actions={
          <Button variant="outline" onClick={() => void onDownload()} disabled={downloading}>
            <Download className="size-4" aria-hidden />
            {downloading ? "Preparing CSV…" : "Download CSV"}
          </Button>
        }
      />
      <div className="grid gap-4">
        <FiltersCard
          filters={filters}
          onApply={(next) => {
            const search = new URLSearchParams();
            for (const name of FILTER_NAMES) {
              const value = next[name]?.trim();
              if (value) search.set(name, value);
            }
            setParams(search, { replace: true });
          }}
        />
        <div className="grid gap-4 lg:grid-cols-2">
          <UsageCard group="month" title="Usage per month" filters={filters} />
          <UsageCard group="material" title="Usage per material" filters={filters} />
        </div>
        <LedgerCard filters={filters} />
      </div>
    </>
  );
}

function FiltersCard({ filters, onApply }: { filters: HistoryFilters; onApply: (filters: HistoryFilters) => void }) {
  const materials = useMaterialTypes();
  // Remount the form when the address changes (back/forward), so the inputs show the filters applied.
  const key = JSON.stringify(filters);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next: HistoryFilters = {};
    for (const name of FILTER_NAMES) {
      const value = String(data.get(name) ?? "").trim();
      if (value) (next as Record<string, string>)[name] = value;
    }
    onApply(next);
  };
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-base">Filters</CardTitle>
      </CardHeader>
      <CardContent>
        <form key={key} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6" aria-label="History filters">
          <Field label="From">
            <Input type="date" name="from" defaultValue={filters.from ?? ""} />
          </Field>
          <Field label="To">
            <Input type="date" name="to" defaultValue={filters.to ?? ""} />
          </Field>
          <Field label="Kind">
            <NativeSelect name="kind" defaultValue={filters.kind ?? ""}>
              <option value="">All kinds</option>
              {LEDGER_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {KIND_LABEL[kind]}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field label="Material">
            <NativeSelect name="material" defaultValue={filters.material ?? ""}>
              <option value="">All materials</option>
              {(materials.data?.items ?? []).map((m) => (
                <option key={m.id} value={m.code}>
                  {m.code}
                </option>
              ))}
              {filters.material && materials.data && !materials.data.items.some((m) => m.code === filters.material) ? (
                <option value={filters.material}>{filters.material}</option>
              ) : null}
            </NativeSelect>
          </Field>
          <Field label="Spool code">
            <Input name="spool" placeholder="FIL-001" autoComplete="off" defaultValue={filters.spool ?? ""} />
          </Field>
          <Field label="Run">
            <Input name="run" placeholder="Run number or id" autoComplete="off" defaultValue={filters.run ?? ""} />
          </Field>
          <div className="flex flex-wrap gap-2 sm:col-span-2 lg:col-span-6">
            <Button type="submit">Apply filters</Button>
            <Button type="button" variant="ghost" onClick={() => onApply({})}>
              Clear
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function UsageCard({ group, title, filters }: { group: UsageGroup; title: string; filters: HistoryFilters }) {
  const currency = useCurrency();
  const usage = useUsage(group, filters);
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-base">{title}</CardTitle>
        <CardDescription>
          {usage.data ? (
            <>
              {formatGrams(usage.data.total_grams)} used, costing {formatMoney(usage.data.total_cost, currency)}
              {usage.data.uncosted_grams > 0 ? ` (${formatGrams(usage.data.uncosted_grams)} without a cost)` : ""}.
            </>
          ) : (
            "Grams used by printing, waste and returns, with their cost."
          )}
        </CardDescription>
      </CardHeader>
      <CardContent>
        {usage.error ? (
          <ErrorAlert error={usage.error} />
        ) : !usage.data ? (
          <Skeleton className="h-24 w-full" />
        ) : usage.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">No usage in this range.</p>
        ) : (
          <UsageChart title={title} group={group} items={usage.data.items} currency={currency} />
        )}
      </CardContent>
    </Card>
  );
}

function LedgerCard({ filters }: { filters: HistoryFilters }) {
  const ledger = useLedger(filters);
  const pages = ledger.data?.pages ?? [];
  const rows = pages.flatMap((page) => page.items);
  const first = pages[0];
  // The API counts up to 10,000 matching rows; beyond that it says so and the page shows "10,000+".
  const totalText = !first || first.total == null ? rows.length.toLocaleString() : first.total_is_exact ? first.total.toLocaleString() : `${(first.total - 1).toLocaleString()}+`;
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-base">Bookings</CardTitle>
        <CardDescription aria-live="polite">
          {ledger.data ? `Showing ${rows.length.toLocaleString()} of ${totalText}, newest first.` : "Newest first."}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {ledger.error ? (
          <ErrorAlert error={ledger.error} />
        ) : !ledger.data ? (
          <div className="grid gap-2">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-6 w-full" />
            ))}
          </div>
        ) : rows.length === 0 ? (
          <EmptyState title="No bookings match these filters">Change or clear the filters to see more.</EmptyState>
        ) : (
          <>
            <LedgerTable rows={rows} />
            <LedgerList rows={rows} />
          </>
        )}
        {ledger.hasNextPage ? (
          <Button variant="outline" className="justify-self-center" onClick={() => void ledger.fetchNextPage()} disabled={ledger.isFetchingNextPage}>
            {ledger.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        ) : null}
      </CardContent>
    </Card>
  );
}

function SpoolLink({ row }: { row: LedgerEntry }) {
  return (
    <Link to={`/spools/${row.spool_id}`} className="font-mono font-medium text-primary underline-offset-4 hover:underline">
      {row.spool_code}
    </Link>
  );
}

function Filament({ row }: { row: LedgerEntry }) {
  return (
    <span>
      <span className="font-medium">{row.material_code}</span> {row.brand} {row.color_name}
    </span>
  );
}

/** md and wider: a table. */
function LedgerTable({ rows }: { rows: LedgerEntry[] }) {
  return (
    <div className="hidden md:block">
      <Table data-testid="ledger-table">
        <TableHeader>
          <TableRow>
            <TableHead scope="col">When</TableHead>
            <TableHead scope="col">Spool</TableHead>
            <TableHead scope="col">Filament</TableHead>
            <TableHead scope="col">Kind</TableHead>
            <TableHead scope="col" className="text-right">
              Change
            </TableHead>
            <TableHead scope="col" className="text-right">
              After
            </TableHead>
            <TableHead scope="col">Reason</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.id} data-testid="ledger-row" data-kind={row.kind}>
              <TableCell className="whitespace-nowrap">
                <time dateTime={row.created_at}>{formatDateTime(row.created_at)}</time>
              </TableCell>
              <TableCell>
                <SpoolLink row={row} />
              </TableCell>
              <TableCell>
                <Filament row={row} />
              </TableCell>
              <TableCell>
                <Badge variant={row.delta < 0 ? "secondary" : "outline"}>{KIND_LABEL[row.kind]}</Badge>
              </TableCell>
              <TableCell className="text-right font-medium tabular-nums">{formatDelta(row.delta)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatGrams(row.grams_after)}</TableCell>
              <TableCell className="max-w-[16rem] truncate text-muted-foreground" title={row.reason ?? undefined}>
                {row.reason ?? "—"}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Below md: one card per booking, nothing scrolls sideways. */
function LedgerList({ rows }: { rows: LedgerEntry[] }) {
  return (
    <ul className="grid gap-2 md:hidden" data-testid="ledger-list">
      {rows.map((row) => (
        <li key={row.id} className="grid gap-1 rounded-md border p-3 text-sm" data-kind={row.kind}>
          <div className="flex items-center justify-between gap-2">
            <SpoolLink row={row} />
            <span className="font-medium tabular-nums">{formatDelta(row.delta)}</span>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <Badge variant={row.delta < 0 ? "secondary" : "outline"}>{KIND_LABEL[row.kind]}</Badge>
            <span className="text-muted-foreground">now {formatGrams(row.grams_after)}</span>
          </div>
          <Filament row={row} />
          <div className="flex flex-wrap justify-between gap-2 text-xs text-muted-foreground">
            <time dateTime={row.created_at}>{formatDateTime(row.created_at)}</time>
            {row.reason ? <span className="break-words">{row.reason}</span> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
