/** /models: what the shop prints, with cost per item and finished units in stock. */
import { Plus } from "lucide-react";
import { Link } from "react-router-dom";
import { CatalogFilters } from "@/components/catalog/CatalogFilters";
import { EstimateBadge } from "@/components/catalog/CostBreakdown";
import { CatalogListTable } from "@/components/catalog/CatalogListTable";
import { toCatalogParams, useCatalogListSearch } from "@/components/catalog/listSearch";
import { NewModelDialog } from "@/components/catalog/ModelDialogs";
import { PageHeader } from "@/components/layout/PageHeader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TableCell, TableHead, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { formatGrams, formatMoney } from "@/lib/format";
import { useModels, type Model } from "@/queries/catalog";

function ModelRow({ model, currency }: { model: Model; currency: string }) {
  const grams = model.materials.reduce((sum, line) => sum + line.grams, 0);
  return (
    <TableRow>
      <TableCell>
        <Link to={`/models/${model.id}`} className="whitespace-nowrap font-mono font-medium underline-offset-4 hover:underline">
          {model.sku}
        </Link>
      </TableCell>
      <TableCell>
        <span className="flex flex-wrap items-center gap-2">
          {model.name}
          {!model.is_active ? <Badge variant="outline">Inactive</Badge> : null}
        </span>
      </TableCell>
      <TableCell className="hidden md:table-cell">
        <span className="tabular-nums">{formatGrams(Math.round(grams * 100) / 100)}</span>
        {model.materials.length > 0 ? (
          <span className="ml-1 text-xs text-muted-foreground">
            ({model.materials.map((line) => line.material_code ?? "?").join(" + ")})
          </span>
        ) : null}
      </TableCell>
      <TableCell className="text-right tabular-nums">
        <span className="inline-flex items-center gap-1">
          {model.cost_is_estimate ? <EstimateBadge /> : null}
          {formatMoney(model.cost.total, currency)}
        </span>
      </TableCell>
      <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatMoney(model.actual_unit_cost, currency)}</TableCell>
      <TableCell className="text-right tabular-nums">{model.units_in_stock}</TableCell>
    </TableRow>
  );
}

export default function ModelsPage() {
  const { can } = useAuth();
  const currency = useCurrency();
  const [search, update] = useCatalogListSearch();
  const models = useModels(toCatalogParams(search));

  const addButton = can("member") ? (
    <NewModelDialog
      trigger={
        <Button>
          <Plus />
          Add model
        </Button>
      }
    />
  ) : null;

  return (
    <>
      <PageHeader title="Models" description="Printable designs: what one item takes and what it costs." actions={addButton} />
      <CatalogFilters what="models" search={search} onChange={update} />
      <CatalogListTable
        what="models"
        list={models}
        search={search}
        onChange={update}
        addButton={addButton}
        emptyHelp="A model is one printable design with its filament per item, parts and labour. Its cost follows your spool prices."
        head={
          <>
            <TableHead>SKU</TableHead>
            <TableHead>Name</TableHead>
            <TableHead className="hidden md:table-cell">Filament</TableHead>
            <TableHead className="text-right">Cost per item</TableHead>
            <TableHead className="hidden text-right sm:table-cell">Actual cost</TableHead>
            <TableHead className="text-right">In stock</TableHead>
          </>
        }
        row={(model) => <ModelRow key={model.id} model={model} currency={currency} />}
      />
    </>
  );
}
