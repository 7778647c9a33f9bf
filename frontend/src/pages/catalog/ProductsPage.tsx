/** /products: what the shop sells, with make cost, suggested price, the best channel margin and stock. */
import { Plus } from "lucide-react";
import { Link } from "react-router-dom";
import { marginTone } from "@/components/catalog/catalogForms";
import { CatalogFilters } from "@/components/catalog/CatalogFilters";
import { EstimateBadge } from "@/components/catalog/CostBreakdown";
import { CatalogListTable } from "@/components/catalog/CatalogListTable";
import { toProductParams, useCatalogListSearch } from "@/components/catalog/listSearch";
import { ProductDialog } from "@/components/catalog/ProductDialog";
import { PageHeader } from "@/components/layout/PageHeader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TableCell, TableHead, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { formatMoney } from "@/lib/format";
import { cn } from "@/lib/utils";
import { useProducts, type Product } from "@/queries/catalog";

/** The lowest margin over the product's priced channels (the one to watch), or null when none is priced. */
export function worstMargin(product: Pick<Product, "channels">): number | null {
  if (product.channels.length === 0) return null;
  return Math.min(...product.channels.map((row) => row.margin_pct));
}

function ProductRow({ product, currency }: { product: Product; currency: string }) {
  const margin = worstMargin(product);
  return (
    <TableRow>
      <TableCell>
        <Link to={`/products/${product.id}`} className="whitespace-nowrap font-mono font-medium underline-offset-4 hover:underline">
          {product.sku}
        </Link>
      </TableCell>
      <TableCell>
        <span className="flex flex-wrap items-center gap-1">
          {product.name}
          {product.children.length > 0 ? <Badge variant="secondary">Bundle</Badge> : null}
          {!product.is_active ? <Badge variant="outline">Inactive</Badge> : null}
        </span>
      </TableCell>
      <TableCell className="hidden text-muted-foreground lg:table-cell">{product.categories.join(", ") || "—"}</TableCell>
      <TableCell className="text-right tabular-nums">
        <span className="inline-flex items-center gap-1">
          {product.cost_is_estimate ? <EstimateBadge /> : null}
          {formatMoney(product.make_cost, currency)}
        </span>
      </TableCell>
      <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatMoney(product.suggested_price, currency)}</TableCell>
      <TableCell className={cn("hidden text-right tabular-nums md:table-cell", margin !== null && marginTone(margin) === "loss" && "font-semibold text-destructive")}>
        {margin === null ? "—" : `${margin}%`}
      </TableCell>
      <TableCell className="text-right tabular-nums">{product.units_in_stock}</TableCell>
    </TableRow>
  );
}

export default function ProductsPage() {
  const { can } = useAuth();
  const currency = useCurrency();
  const [search, update] = useCatalogListSearch();
  const products = useProducts(toProductParams(search));

  const addButton = can("member") ? (
    <ProductDialog
      trigger={
        <Button>
          <Plus />
          Add product
        </Button>
      }
    />
  ) : null;

  return (
    <>
      <PageHeader title="Products" description="What you sell: make cost, prices per channel and finished stock." actions={addButton} />
      <CatalogFilters what="products" search={search} onChange={update} withCategory />
      <CatalogListTable
        what="products"
        list={products}
        search={search}
        onChange={update}
        addButton={addButton}
        emptyHelp="A product is made of models (and, for a bundle, other products), with packaging and assembly. Add models first."
        head={
          <>
            <TableHead>SKU</TableHead>
            <TableHead>Name</TableHead>
            <TableHead className="hidden lg:table-cell">Categories</TableHead>
            <TableHead className="text-right">Make cost</TableHead>
            <TableHead className="hidden text-right sm:table-cell">Suggested price</TableHead>
            <TableHead className="hidden text-right md:table-cell">Lowest margin</TableHead>
            <TableHead className="text-right">In stock</TableHead>
          </>
        }
        row={(product) => <ProductRow key={product.id} product={product} currency={currency} />}
      />
    </>
  );
}
