/** The finished-goods ledger of a model or product, newest first, with links to the run that made units. */
import { useState } from "react";
import { Pager } from "@/components/spools/Pager";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { MOVEMENTS_PAGE_SIZE, useModelMovements, useProductMovements } from "@/queries/catalog";

const KIND_LABEL: Record<string, string> = { production: "Production", revert: "Run reverted", assemble: "Assembly", adjustment: "Adjustment" };

export function ModelStockMovements({ id }: { id: string }) {
  const [page, setPage] = useState(0);
  return <StockMovementsView kind="model" movements={useModelMovements(id, page)} page={page} setPage={setPage} />;
}

export function ProductStockMovements({ id }: { id: string }) {
  const [page, setPage] = useState(0);
  return <StockMovementsView kind="product" movements={useProductMovements(id, page)} page={page} setPage={setPage} />;
}

interface ViewProps {
  kind: "model" | "product";
  movements: ReturnType<typeof useModelMovements>;
  page: number;
  setPage: (update: (page: number) => number) => void;
}

function StockMovementsView({ kind, movements, page, setPage }: ViewProps) {
  return (
    <section aria-labelledby={`${kind}-stock-history`} className="grid gap-2">
      <h2 id={`${kind}-stock-history`} className="text-lg font-semibold">
        Stock history
      </h2>
      {movements.error ? (
        <ErrorAlert error={movements.error} />
      ) : !movements.data ? (
        <TableSkeleton rows={3} />
      ) : movements.data.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">No stock movements yet. Completed runs, assemblies and adjustments show here.</p>
      ) : (
        <>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>What</TableHead>
                <TableHead className="text-right">Change</TableHead>
                <TableHead className="hidden text-right sm:table-cell">After</TableHead>
                <TableHead>Reason</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {movements.data.items.map((row) => (
                <TableRow key={row.id}>
                  <TableCell>{formatDateTime(row.created_at)}</TableCell>
                  <TableCell>
                    <Badge variant="outline">{KIND_LABEL[row.kind] ?? row.kind}</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{row.delta > 0 ? `+${row.delta}` : `−${Math.abs(row.delta)}`}</TableCell>
                  <TableCell className="hidden text-right tabular-nums sm:table-cell">{row.units_after}</TableCell>
                  <TableCell className="text-muted-foreground">{row.reason ?? (row.production_run_id ? `Run ${row.production_run_id.slice(0, 8)}` : "—")}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {movements.data.total > MOVEMENTS_PAGE_SIZE ? (
            <Pager
              label="Stock history pages"
              offset={page * MOVEMENTS_PAGE_SIZE}
              limit={MOVEMENTS_PAGE_SIZE}
              total={movements.data.total}
              onPrevious={() => setPage((p) => Math.max(0, p - 1))}
              onNext={() => setPage((p) => p + 1)}
            />
          ) : null}
        </>
      )}
    </section>
  );
}
