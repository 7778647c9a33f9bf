import { ErrorAlert } from "@/components/ui/alert";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useCurrency } from "@/hooks/useCurrency";
import { formatGrams, formatMoney } from "@/lib/format";
import { useStockSummary } from "@/queries/inventory";

/** Two headline numbers: grams on the shelves and what they cost. */
export function StockTotalsCards() {
  const summary = useStockSummary();
  const currency = useCurrency();
  const spoolCount = summary.data?.items.reduce((sum, item) => sum + item.spool_count, 0);
  return (
    <>
      <TotalCard
        title="Filament in stock"
        value={summary.data ? formatGrams(summary.data.total_remaining_grams) : undefined}
        note={spoolCount === undefined ? undefined : `on ${spoolCount} active ${spoolCount === 1 ? "spool" : "spools"}`}
        error={summary.error}
      />
      <TotalCard
        title="Stock value"
        value={summary.data ? formatMoney(summary.data.total_stock_value, currency) : undefined}
        note="purchase price of what is left on priced spools"
        error={summary.error}
      />
    </>
  );
}

function TotalCard({ title, value, note, error }: { title: string; value: string | undefined; note?: string; error: unknown }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-sm font-medium text-muted-foreground">{title}</CardTitle>
      </CardHeader>
      <CardContent>
        {error ? (
          <ErrorAlert error={error} />
        ) : value === undefined ? (
          <Skeleton className="h-8 w-32" />
        ) : (
          <>
            <p className="text-2xl font-semibold tracking-tight">{value}</p>
            {note ? <p className="text-xs text-muted-foreground">{note}</p> : null}
          </>
        )}
      </CardContent>
    </Card>
  );
}
