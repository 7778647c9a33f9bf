import { Link } from "react-router-dom";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatGrams, formatPercent } from "@/lib/format";
import { useLowStock, type LowStockReport } from "@/queries/inventory";

/** Spools below their threshold and filament types below their reorder level: what to buy next. */
export function LowStockCard() {
  const lowStock = useLowStock();
  return (
    <Card>
      <CardHeader>
        <CardTitle>Low stock</CardTitle>
        <CardDescription>Spools below their threshold and filament types below their reorder level.</CardDescription>
      </CardHeader>
      <CardContent>
        {lowStock.error ? (
          <ErrorAlert error={lowStock.error} />
        ) : !lowStock.data ? (
          <div className="grid gap-2">
            <Skeleton className="h-5 w-full" />
            <Skeleton className="h-5 w-4/5" />
            <Skeleton className="h-5 w-3/5" />
          </div>
        ) : lowStock.data.spools.length === 0 && lowStock.data.filament_types.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing is running low.</p>
        ) : (
          <LowStockLists report={lowStock.data} />
        )}
      </CardContent>
    </Card>
  );
}

function LowStockLists({ report }: { report: LowStockReport }) {
  return (
    <div className="grid gap-4">
      {report.filament_types.length > 0 ? (
        <section aria-labelledby="low-types-heading">
          <h3 id="low-types-heading" className="mb-1 text-xs font-semibold uppercase text-muted-foreground">
            Filament types to reorder
          </h3>
          <ul className="grid gap-1 text-sm">
            {report.filament_types.map((type) => (
              <li key={type.id} className="flex flex-wrap items-baseline justify-between gap-x-2">
                <span>
                  {type.material_code} · {type.brand} {type.color_name}
                </span>
                <span className="text-muted-foreground">
                  {formatGrams(type.remaining_grams)} of {formatGrams(type.min_stock_grams)} reorder level
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {report.spools.length > 0 ? (
        <section aria-labelledby="low-spools-heading">
          <h3 id="low-spools-heading" className="mb-1 text-xs font-semibold uppercase text-muted-foreground">
            Spools running low
          </h3>
          <ul className="grid gap-1 text-sm">
            {report.spools.map((spool) => (
              <li key={spool.id} className="flex flex-wrap items-baseline justify-between gap-x-2">
                <Link to={`/spools/${spool.id}`} className="text-primary underline-offset-4 hover:underline">
                  {spool.code} · {spool.filament_type.material_code} {spool.filament_type.brand} {spool.filament_type.color_name}
                </Link>
                <span className="flex items-center gap-2 text-muted-foreground">
                  {formatGrams(spool.current_weight)}
                  <Badge variant="warning">{formatPercent(spool.remaining_pct)} left</Badge>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
