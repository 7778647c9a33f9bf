/** Finished units on the shelf: the products and models with the most units in stock. */
import { Link } from "react-router-dom";
import { ErrorAlert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useModels, useProducts } from "@/queries/catalog";

const TOP = { limit: 5, offset: 0, sort: "-units_in_stock", "has-stock": true } as const;

function StockList({ title, items, base }: { title: string; items: { id: string; sku: string; name: string; units_in_stock: number }[]; base: string }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium text-muted-foreground">{title}</h3>
      {items.length === 0 ? (
        <p className="text-sm text-muted-foreground">None in stock.</p>
      ) : (
        <ul className="grid gap-1 text-sm">
          {items.map((item) => (
            <li key={item.id} className="flex justify-between gap-2">
              <Link to={`${base}/${item.id}`} className="truncate underline-offset-4 hover:underline">
                <span className="font-mono">{item.sku}</span> {item.name}
              </Link>
              <span className="tabular-nums">{item.units_in_stock}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function FinishedGoodsCard() {
  const products = useProducts(TOP);
  const models = useModels(TOP);
  const error = products.error ?? models.error;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Finished goods</CardTitle>
        <CardDescription>Units ready to sell or assemble, most first.</CardDescription>
      </CardHeader>
      <CardContent>
        {error ? (
          <ErrorAlert error={error} />
        ) : !products.data || !models.data ? (
          <div className="grid gap-2">
            <Skeleton className="h-5 w-full" />
            <Skeleton className="h-5 w-4/5" />
          </div>
        ) : (
          <div className="grid gap-3" data-testid="finished-goods">
            <StockList title="Products" items={products.data.items} base="/products" />
            <StockList title="Models" items={models.data.items} base="/models" />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
