import { useMemo } from "react";
import { StockChart } from "@/components/dashboard/StockChart";
import { buildStockBars } from "@/components/dashboard/stockChartData";
import { ErrorAlert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useStockSummary } from "@/queries/inventory";

const TITLE = "Stock by material and colour";

export function StockChartCard() {
  const summary = useStockSummary();
  const bars = useMemo(() => buildStockBars(summary.data?.items ?? []), [summary.data]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{TITLE}</CardTitle>
        <CardDescription>Grams left on active spools; every colour is listed under its bar.</CardDescription>
      </CardHeader>
      <CardContent>
        {summary.error ? (
          <ErrorAlert error={summary.error} />
        ) : !summary.data ? (
          <div className="grid gap-3">
            {[80, 55, 30].map((width) => (
              <Skeleton key={width} className="h-5" style={{ width: `${width}%` }} />
            ))}
          </div>
        ) : bars.length === 0 ? (
          <EmptyState title="No filament in stock">
            The spools you add show up here, by material and colour.
          </EmptyState>
        ) : (
          <StockChart bars={bars} title={TITLE} />
        )}
      </CardContent>
    </Card>
  );
}
