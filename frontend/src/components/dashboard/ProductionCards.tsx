/** The dashboard's production cards: runs in progress, and the latest completed runs with their filament cost. */
import { Link } from "react-router-dom";
import { ErrorAlert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useCurrency } from "@/hooks/useCurrency";
import { formatDate, formatDateTime, formatMoney } from "@/lib/format";
import { formatSignedPct, runMaterialCost, useRunsWithStatus, type Run } from "@/queries/productionInsights";

const SHOWN = 5;

function itemsLabel(run: Run): string {
  const label = run.items.map((item) => `${item.quantity}× ${item.sku ?? "model"}`).join(", ");
  return label || "No items";
}

function Loading() {
  return (
    <div className="grid gap-2">
      <Skeleton className="h-5 w-full" />
      <Skeleton className="h-5 w-4/5" />
    </div>
  );
}

export function RunsInProgressCard() {
  const runs = useRunsWithStatus("in_progress", SHOWN);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Printing now</CardTitle>
        <CardDescription>{runs.data && runs.data.total > 0 ? `${runs.data.total} run${runs.data.total === 1 ? "" : "s"} in progress.` : "Runs in progress."}</CardDescription>
      </CardHeader>
      <CardContent>
        {runs.error ? (
          <ErrorAlert error={runs.error} />
        ) : !runs.data ? (
          <Loading />
        ) : runs.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing is printing.</p>
        ) : (
          <ul className="grid gap-2 text-sm" data-testid="runs-in-progress">
            {runs.data.items.map((run) => (
              <li key={run.id} className="grid gap-0.5">
                <Link to={`/production-runs/${run.id}`} className="font-mono font-medium underline-offset-4 hover:underline">
                  {run.run_number}
                </Link>
                <span className="truncate text-muted-foreground">
                  {itemsLabel(run)} · started {formatDateTime(run.started_at)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

export function RecentCompletionsCard() {
  const currency = useCurrency();
  const runs = useRunsWithStatus("completed", SHOWN);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Recently completed</CardTitle>
        <CardDescription>The latest finished runs, their filament cost and variance.</CardDescription>
      </CardHeader>
      <CardContent>
        {runs.error ? (
          <ErrorAlert error={runs.error} />
        ) : !runs.data ? (
          <Loading />
        ) : runs.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">No completed runs yet.</p>
        ) : (
          <ul className="grid gap-2 text-sm" data-testid="recent-completions">
            {runs.data.items.map((run) => (
              <li key={run.id} className="flex items-start justify-between gap-3">
                <span className="grid min-w-0 gap-0.5">
                  <Link to={`/production-runs/${run.id}`} className="font-mono font-medium underline-offset-4 hover:underline">
                    {run.run_number}
                  </Link>
                  <span className="truncate text-muted-foreground">
                    {itemsLabel(run)} · {formatDate(run.completed_at ?? run.run_date)}
                  </span>
                </span>
                <span className="grid shrink-0 justify-items-end gap-0.5 tabular-nums">
                  <span className="font-medium">{formatMoney(runMaterialCost(run), currency)}</span>
                  <span className="text-xs text-muted-foreground">{formatSignedPct(run.variance_pct)} vs estimate</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
