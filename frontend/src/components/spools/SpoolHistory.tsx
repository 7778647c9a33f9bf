/** The spool's ledger (every change of its weight), newest first, 20 rows a page. */
import { useState } from "react";
import { Link } from "react-router-dom";
import { Pager } from "@/components/spools/Pager";
import { ErrorAlert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime, formatDelta, formatGrams } from "@/lib/format";
import { cn } from "@/lib/utils";
import { TRANSACTIONS_PAGE_SIZE, useSpoolTransactions, type TransactionKind } from "@/queries/spools";

export const KIND_LABEL: Record<TransactionKind, string> = {
  purchase: "Purchase",
  usage: "Usage",
  waste: "Waste",
  adjustment: "Adjustment",
  return: "Return",
};

export function SpoolHistory({ spoolId }: { spoolId: string }) {
  const [page, setPage] = useState(0);
  const transactions = useSpoolTransactions(spoolId, page);

  return (
    <section aria-labelledby="spool-history-heading" className="grid gap-2">
      <h2 id="spool-history-heading" className="text-lg font-semibold">
        History
      </h2>
      {transactions.isPending ? (
        <div className="grid gap-1.5" aria-busy>
          {Array.from({ length: 4 }, (_, index) => (
            <Skeleton key={index} className="h-7" />
          ))}
        </div>
      ) : transactions.isError ? (
        <ErrorAlert error={transactions.error} />
      ) : transactions.data.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">Nothing booked yet.</p>
      ) : (
        <>
          <Table aria-busy={transactions.isPlaceholderData} className={cn(transactions.isPlaceholderData && "opacity-60")}>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Date</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead className="text-right">Change</TableHead>
                <TableHead className="text-right">After</TableHead>
                <TableHead>Reason</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {transactions.data.items.map((row) => (
                <TableRow key={row.id}>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.created_at)}</TableCell>
                  <TableCell>{KIND_LABEL[row.kind]}</TableCell>
                  <TableCell className={cn("text-right tabular-nums whitespace-nowrap", row.delta < 0 ? "text-destructive" : row.delta > 0 && "text-primary")}>
                    {formatDelta(row.delta)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums whitespace-nowrap">{formatGrams(row.grams_after)}</TableCell>
                  <TableCell className="max-w-64 truncate text-muted-foreground" title={row.reason ?? undefined}>
                    {row.production_run_id ? (
                      <Link to={`/production-runs/${row.production_run_id}`} className="mr-1 font-medium text-foreground underline underline-offset-4" data-testid="ledger-run-link">
                        Production run
                      </Link>
                    ) : null}
                    {row.reason ?? (row.production_run_id ? "" : "—")}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {transactions.data.total > TRANSACTIONS_PAGE_SIZE ? (
            <Pager
              label="History pages"
              offset={page * TRANSACTIONS_PAGE_SIZE}
              limit={TRANSACTIONS_PAGE_SIZE}
              total={transactions.data.total}
              onPrevious={() => setPage((current) => Math.max(0, current - 1))}
              onNext={() => setPage((current) => current + 1)}
            />
          ) : null}
        </>
      )}
    </section>
  );
}
