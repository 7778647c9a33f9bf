import { Link } from "react-router-dom";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime, formatDelta, formatGrams } from "@/lib/format";
import { useRecentTransactions, type LedgerRow } from "@/queries/inventory";

const KIND_LABEL: Record<LedgerRow["kind"], string> = {
  purchase: "Purchase",
  usage: "Usage",
  waste: "Waste",
  adjustment: "Adjustment",
  return: "Return",
};

/** The last ten ledger bookings across all spools, each led by its spool's code (a link to the spool). */
export function RecentActivityCard() {
  const transactions = useRecentTransactions(10);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Recent activity</CardTitle>
        <CardDescription>
          The latest stock bookings. <Link to="/history" className="text-primary underline underline-offset-4">See all history</Link>
        </CardDescription>
      </CardHeader>
      <CardContent>
        {transactions.error ? (
          <ErrorAlert error={transactions.error} />
        ) : !transactions.data ? (
          <div className="grid gap-2">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-5 w-full" />
            ))}
          </div>
        ) : transactions.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">No bookings yet.</p>
        ) : (
          <ul className="divide-y text-sm">
            {transactions.data.items.map((row) => (
              <LedgerItem key={row.id} row={row} />
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function LedgerItem({ row }: { row: LedgerRow }) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 py-2">
      <span className="flex items-center gap-2">
        <Link
          to={`/spools/${row.spool_id}`}
          className="font-mono font-medium text-primary underline-offset-4 hover:underline"
          aria-label={`${row.spool_code}: ${KIND_LABEL[row.kind].toLowerCase()} ${formatDelta(row.delta)}, ${formatDateTime(row.created_at)}`}
        >
          {row.spool_code}
        </Link>
        <Badge variant={row.delta < 0 ? "secondary" : "outline"}>{KIND_LABEL[row.kind]}</Badge>
        <span className="font-medium tabular-nums">{formatDelta(row.delta)}</span>
        <span className="text-muted-foreground">→ {formatGrams(row.grams_after)}</span>
      </span>
      <span className="flex items-center gap-3 text-muted-foreground">
        {row.reason ? <span className="max-w-[14rem] truncate">{row.reason}</span> : null}
        <time dateTime={row.created_at}>{formatDateTime(row.created_at)}</time>
      </span>
    </li>
  );
}
