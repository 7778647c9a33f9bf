/** /models/:modelId — the model, its BOM, its live cost breakdown, actual cost and finished stock. */
import { ListChecks, PackagePlus, Pencil, Trash2 } from "lucide-react";
import { useNavigate, useParams } from "react-router-dom";
import { CostBreakdown, EstimateBadge, ExtraRow } from "@/components/catalog/CostBreakdown";
import { BackLink, DetailFallback, Fact } from "@/components/catalog/DetailParts";
import { isUuid } from "@/lib/ids";
import { BomDialog, EditModelDialog } from "@/components/catalog/ModelDialogs";
import { StockAdjustDialog } from "@/components/catalog/StockDialogs";
import { ModelStockMovements } from "@/components/catalog/StockMovements";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { formatCostPerKg, formatGrams, formatMoney } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useAdjustModelStock, useDeleteModel, useModel, type BomLine, type Model } from "@/queries/catalog";
import { useFilamentTypes } from "@/queries/catalogTypes";

export function bomLineName(line: Pick<BomLine, "brand" | "color_name" | "material_code" | "filament_type_id">): string {
  if (!line.brand && !line.color_name) return `Unknown filament ${line.filament_type_id.slice(0, 8)}`;
  return `${line.brand ?? ""} ${line.color_name ?? ""} · ${line.material_code ?? "?"}`.trim();
}

function BomCard({ model, currency, canWrite }: { model: Model; currency: string; canWrite: boolean }) {
  // The colours come from inventory's filament types (the same cached list the BOM editor picks from).
  const types = useFilamentTypes({ limit: 200, sort: "material_code" });
  const colours = new Map(types.data?.items.map((type) => [type.id, type.color_hex]));
  return (
    <Card>
      <CardHeader className="flex-row items-center justify-between gap-2">
        <CardTitle>Bill of materials</CardTitle>
        {canWrite ? (
          <BomDialog
            model={model}
            trigger={
              <Button variant="outline" size="sm">
                <ListChecks />
                Edit BOM
              </Button>
            }
          />
        ) : null}
      </CardHeader>
      <CardContent className="grid gap-3">
        {model.materials.length === 0 && model.components.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing on the BOM yet: the cost counts labour and overhead only.</p>
        ) : null}
        {model.materials.length > 0 ? (
          <Table aria-label="Filament per item">
            <TableHeader>
              <TableRow>
                <TableHead>Filament</TableHead>
                <TableHead className="text-right">Grams</TableHead>
                <TableHead className="text-right">Cost per kg</TableHead>
                <TableHead className="text-right">Line cost</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {model.materials.map((line) => (
                <TableRow key={line.id}>
                  <TableCell>
                    <span className="flex items-center gap-2">
                      <ColorSwatch hex={colours.get(line.filament_type_id)} />
                      {bomLineName(line)}
                    </span>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatGrams(line.grams)}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    <span className="inline-flex items-center gap-1">
                      {line.cost_is_estimate ? <EstimateBadge /> : null}
                      {line.cost_per_gram == null ? "no cost" : formatCostPerKg(line.cost_per_gram, currency)}
                    </span>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(line.line_cost, currency, { fine: true })}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
        {model.components.length > 0 ? (
          <Table aria-label="Components per item">
            <TableHeader>
              <TableRow>
                <TableHead>Component</TableHead>
                <TableHead className="text-right">Quantity</TableHead>
                <TableHead className="text-right">Unit cost</TableHead>
                <TableHead className="text-right">Line cost</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {model.components.map((line) => (
                <TableRow key={line.id}>
                  <TableCell>{line.name}</TableCell>
                  <TableCell className="text-right tabular-nums">{line.quantity}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(line.unit_cost, currency)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(line.line_cost, currency, { fine: true })}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
    </Card>
  );
}

function ModelDetail({ model }: { model: Model }) {
  const { can } = useAuth();
  const currency = useCurrency();
  const navigate = useNavigate();
  const adjust = useAdjustModelStock();
  const remove = useDeleteModel();
  const canWrite = can("member");
  const names = new Map(model.materials.map((line) => [line.filament_type_id, bomLineName(line)]));
  const uncosted = model.uncosted_lines.map((id) => names.get(id) ?? id);

  return (
    <div className="grid grid-cols-1 gap-5">
      <div>
        <BackLink to="/models" label="All models" />
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">
            <span className="font-mono">{model.sku}</span> {model.name}
          </h1>
          {!model.is_active ? <Badge variant="outline">Inactive</Badge> : null}
        </div>
        {model.description ? <p className="mt-1 max-w-3xl whitespace-pre-wrap text-sm text-muted-foreground">{model.description}</p> : null}
      </div>
      {canWrite ? (
        <div className="flex flex-wrap gap-2 no-print">
          <EditModelDialog
            model={model}
            trigger={
              <Button variant="outline">
                <Pencil />
                Edit
              </Button>
            }
          />
          <StockAdjustDialog
            sku={model.sku}
            unitsInStock={model.units_in_stock}
            onAdjust={async (body) => (await adjust.mutateAsync({ id: model.id, body })).units_in_stock}
            trigger={
              <Button variant="outline">
                <PackagePlus />
                Adjust stock
              </Button>
            }
          />
          {can("admin") ? (
            <ConfirmDialog
              title={`Delete ${model.sku}?`}
              description="The model leaves the catalog and its SKU becomes free. Products using it keep their history."
              confirmLabel="Delete model"
              onConfirm={async () => {
                await remove.mutateAsync(model.id);
                toast({ title: `Deleted ${model.sku}` });
                navigate("/models", { replace: true });
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
          <BomCard model={model} currency={currency} canWrite={canWrite} />
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-lg border bg-card p-4 sm:grid-cols-3">
            <Fact term="Print time">{model.print_time_minutes == null ? "—" : `${model.print_time_minutes} min per plate`}</Fact>
            <Fact term="Items per plate">{model.prints_per_plate}</Fact>
            <Fact term="Labour">{model.labor_minutes} min per item</Fact>
            <Fact term="Labour rate">{model.labor_rate_override == null ? "Shop's rate" : `${formatMoney(model.labor_rate_override, currency)}/h`}</Fact>
            <Fact term="Overhead">{model.overhead_pct_override == null ? "Shop's overhead" : `${model.overhead_pct_override}%`}</Fact>
          </dl>
        </div>
        <CostBreakdown
          className="order-first lg:order-none"
          title="Cost per item"
          currency={currency}
          parts={[
            { label: "Material", value: model.cost.material },
            { label: "Components", value: model.cost.components },
            { label: "Labour", value: model.cost.labor },
            { label: "Overhead", value: model.cost.overhead },
          ]}
          totalLabel="Total"
          total={model.cost.total}
          isEstimate={model.cost_is_estimate}
          uncosted={uncosted}
          extra={
            <>
              <ExtraRow label="Actual (from runs)" testId="actual-cost">
                {model.actual_unit_cost == null ? "no runs yet" : formatMoney(model.actual_unit_cost, currency)}
              </ExtraRow>
              <ExtraRow label="Units in stock" testId="units-in-stock">
                {model.units_in_stock}
              </ExtraRow>
            </>
          }
        />
      </div>
      <ModelStockMovements id={model.id} />
    </div>
  );
}

export default function ModelDetailPage() {
  const { modelId = "" } = useParams();
  const valid = isUuid(modelId);
  const model = useModel(modelId, { enabled: valid });
  if (!valid) return <DetailFallback error="invalid" what="Model" listPath="/models" listLabel="All models" />;
  if (model.data) return <ModelDetail model={model.data} />;
  return <DetailFallback error={model.error} what="Model" listPath="/models" listLabel="All models" />;
}
