/** /products/:productId — models and bundle contents, make cost, channel prices, assembly and stock. */
import { Hammer, PackagePlus, Pencil, Trash2 } from "lucide-react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ChannelPrices } from "@/components/catalog/ChannelPrices";
import { CostBreakdown, ExtraRow } from "@/components/catalog/CostBreakdown";
import { BackLink, DetailFallback } from "@/components/catalog/DetailParts";
import { isUuid } from "@/lib/ids";
import { ProductDialog } from "@/components/catalog/ProductDialog";
import { ProductGallery } from "@/components/catalog/ProductGallery";
import { AssembleDialog, StockAdjustDialog } from "@/components/catalog/StockDialogs";
import { ProductStockMovements } from "@/components/catalog/StockMovements";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { ApiError } from "@/lib/errors";
import { formatMoney } from "@/lib/format";
import { toast } from "@/lib/toast";
import { cn } from "@/lib/utils";
import { useAdjustProductStock, useAssembleProduct, useDeleteProduct, useModels, useProduct, type Product } from "@/queries/catalog";

function ContentsCard({ product, currency }: { product: Product; currency: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>In one unit</CardTitle>
      </CardHeader>
      <CardContent>
        {product.models.length === 0 && product.children.length === 0 ? (
          <p className="text-sm text-muted-foreground">No models yet: edit the product to add what it is made of.</p>
        ) : (
          <Table aria-label="Contents">
            <TableHeader>
              <TableRow>
                <TableHead>Item</TableHead>
                <TableHead className="text-right">Quantity</TableHead>
                <TableHead className="text-right">Unit cost</TableHead>
                <TableHead className="hidden text-right sm:table-cell">Actual</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {product.models.map((line) => (
                <TableRow key={line.model_id}>
                  <TableCell>
                    <Link to={`/models/${line.model_id}`} className="underline-offset-4 hover:underline">
                      <span className="font-mono">{line.sku ?? "?"}</span> {line.name ?? "Deleted model"}
                    </Link>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{line.quantity}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(line.unit_cost, currency)}</TableCell>
                  <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatMoney(line.actual_unit_cost, currency)}</TableCell>
                </TableRow>
              ))}
              {product.children.map((line) => (
                <TableRow key={line.product_id}>
                  <TableCell>
                    <Link to={`/products/${line.product_id}`} className="underline-offset-4 hover:underline">
                      <span className="font-mono">{line.sku}</span> {line.name}
                    </Link>{" "}
                    <Badge variant="secondary">Product</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{line.quantity}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(line.make_cost, currency)}</TableCell>
                  <TableCell className="hidden text-right sm:table-cell">—</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

function ProductDetail({ product }: { product: Product }) {
  const { can } = useAuth();
  const currency = useCurrency();
  const navigate = useNavigate();
  const adjust = useAdjustProductStock();
  const assemble = useAssembleProduct();
  const remove = useDeleteProduct();
  // Stock of the models, to show what one assembly takes against what is on the shelf.
  const models = useModels({ limit: 200, offset: 0, sort: "sku" });
  const stock = new Map(models.data?.items.map((model) => [model.id, model.units_in_stock]));
  const canWrite = can("member");
  const names = new Map(product.models.map((line) => [line.model_id, `${line.sku ?? ""} ${line.name ?? ""}`.trim()]));
  const uncosted = product.uncosted_lines.map((id) => names.get(id) ?? id);
  const variance = product.variance_pct;

  return (
    <div className="grid grid-cols-1 gap-5">
      <div>
        <BackLink to="/products" label="All products" />
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">
            <span className="font-mono">{product.sku}</span> {product.name}
          </h1>
          {product.children.length > 0 ? <Badge variant="secondary">Bundle</Badge> : null}
          {!product.is_active ? <Badge variant="outline">Inactive</Badge> : null}
          {product.categories.map((category) => (
            <Badge key={category} variant="outline">
              {category}
            </Badge>
          ))}
        </div>
        {product.description ? <p className="mt-1 max-w-3xl whitespace-pre-wrap text-sm text-muted-foreground">{product.description}</p> : null}
      </div>
      {canWrite ? (
        <div className="flex flex-wrap gap-2 no-print">
          <ProductDialog
            product={product}
            trigger={
              <Button variant="outline">
                <Pencil />
                Edit
              </Button>
            }
          />
          <AssembleDialog
            sku={product.sku}
            recipe={product.models.map((line) => ({ label: `${line.sku ?? "?"} ${line.name ?? ""}`.trim(), quantity: line.quantity, inStock: stock.get(line.model_id) ?? 0 }))}
            onAssemble={async (quantity) => (await assemble.mutateAsync({ id: product.id, quantity })).units_in_stock}
            trigger={
              <Button variant="outline" disabled={product.models.length === 0}>
                <Hammer />
                Assemble
              </Button>
            }
          />
          <StockAdjustDialog
            sku={product.sku}
            unitsInStock={product.units_in_stock}
            onAdjust={async (body) => (await adjust.mutateAsync({ id: product.id, body })).units_in_stock}
            trigger={
              <Button variant="outline">
                <PackagePlus />
                Adjust stock
              </Button>
            }
          />
          {can("admin") ? (
            <ConfirmDialog
              title={`Delete ${product.sku}?`}
              description="The product leaves the catalog with its prices. A product inside a bundle cannot be deleted."
              confirmLabel="Delete product"
              errorContent={(error) =>
                error instanceof ApiError && error.code === "IN_USE" ? (
                  <p role="alert" className="text-sm text-destructive">
                    {error.message}: remove it from those bundles first.
                  </p>
                ) : undefined
              }
              onConfirm={async () => {
                await remove.mutateAsync(product.id);
                toast({ title: `Deleted ${product.sku}` });
                navigate("/products", { replace: true });
              }}
              trigger={
                <Button variant="outline">
                  <Trash2 />
                  Delete
                </Button>
              }
            />
          ) : null}
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="grid min-w-0 grid-cols-1 content-start gap-4">
          <ContentsCard product={product} currency={currency} />
          <ChannelPrices product={product} currency={currency} canWrite={canWrite} />
          <ProductGallery productId={product.id} canWrite={canWrite} />
        </div>
        <CostBreakdown
          className="order-first lg:order-none"
          title="Make cost per unit"
          currency={currency}
          parts={[
            { label: "Models", value: product.cost.models },
            { label: "Products in bundle", value: product.cost.children },
            { label: "Packaging", value: product.cost.packaging },
            { label: "Assembly", value: product.cost.assembly },
          ]}
          totalLabel="Make cost"
          total={product.make_cost}
          isEstimate={product.cost_is_estimate}
          uncosted={uncosted}
          extra={
            <>
              <ExtraRow label="Suggested price" testId="suggested-price">
                {formatMoney(product.suggested_price, currency)}
              </ExtraRow>
              <ExtraRow label="Actual make cost" testId="actual-make-cost">
                {product.actual_make_cost == null ? (
                  <span title="Shown once every model in the product has a completed run">not yet</span>
                ) : (
                  formatMoney(product.actual_make_cost, currency)
                )}
              </ExtraRow>
              {variance != null ? (
                <ExtraRow label="Variance">
                  <span className={cn(variance > 0 && "font-semibold text-destructive")}>
                    {variance > 0 ? "+" : ""}
                    {variance}%
                  </span>
                </ExtraRow>
              ) : null}
              <ExtraRow label="Units in stock" testId="units-in-stock">
                {product.units_in_stock}
              </ExtraRow>
            </>
          }
        />
      </div>
      <ProductStockMovements id={product.id} />
    </div>
  );
}

export default function ProductDetailPage() {
  const { productId = "" } = useParams();
  const valid = isUuid(productId);
  const product = useProduct(productId, { enabled: valid });
  if (!valid) return <DetailFallback error="invalid" what="Product" listPath="/products" listLabel="All products" />;
  if (product.data) return <ProductDetail product={product.data} />;
  return <DetailFallback error={product.error} what="Product" listPath="/products" listLabel="All products" />;
}
