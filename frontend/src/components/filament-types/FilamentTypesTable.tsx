import { Pencil } from "lucide-react";
import { DeleteFilamentTypeButton } from "@/components/filament-types/DeleteFilamentTypeButton";
import { FilamentTypeDialog } from "@/components/filament-types/FilamentTypeDialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { formatCostPerKg, formatGrams } from "@/lib/format";
import type { FilamentTypeWithStock } from "@/queries/filamentTypes";

export function FilamentTypesTable({ rows }: { rows: FilamentTypeWithStock[] }) {
  const { can } = useAuth();
  const currency = useCurrency();
  const canEdit = can("member");
  const canDelete = can("admin");
  return (
    <Table cards>
      <caption className="sr-only">Filament types with their stock</caption>
      <TableHeader>
        <TableRow>
          <TableHead scope="col">Colour</TableHead>
          <TableHead scope="col">Material</TableHead>
          <TableHead scope="col">Brand</TableHead>
          <TableHead scope="col">Finish</TableHead>
          <TableHead scope="col" className="text-right">Diameter</TableHead>
          <TableHead scope="col" className="text-right">Cost per kg</TableHead>
          <TableHead scope="col" className="text-right">Remaining</TableHead>
          <TableHead scope="col" className="text-right">Reorder level</TableHead>
          {canEdit ? <TableHead scope="col"><span className="sr-only">Actions</span></TableHead> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.id}>
            <TableCell card="title">
              <span className="flex items-center gap-2">
                <ColorSwatch hex={row.color_hex} className="size-4" />
                <span className="font-medium">{row.color_name}</span>
              </span>
            </TableCell>
            <TableCell card="corner" className="max-sm:text-xs max-sm:font-medium">{row.material_code}</TableCell>
            <TableCell label="Brand">{row.brand}</TableCell>
            <TableCell label="Finish">{row.finish ?? "—"}</TableCell>
            <TableCell label="Diameter" className="text-right tabular-nums">{row.diameter_mm} mm</TableCell>
            <TableCell label="Cost per kg" className="text-right tabular-nums">
              <span className="inline-flex items-center gap-1.5">
                {formatCostPerKg(row.cost_per_gram, currency)}
                {row.cost_is_estimate && row.cost_per_gram !== null ? (
                  <Badge variant="outline" title="From the material's typical cost: no priced spools yet">
                    estimate
                  </Badge>
                ) : null}
              </span>
            </TableCell>
            <TableCell label="Remaining" className="text-right tabular-nums">
              <RemainingCell row={row} />
            </TableCell>
            <TableCell label="Reorder level" className="text-right tabular-nums">
              <span className="inline-flex flex-wrap items-center justify-end gap-1.5">
                {row.min_stock_grams > 0 ? formatGrams(row.min_stock_grams) : "—"}
                {row.below_reorder_level ? <Badge variant="warning">Below reorder level</Badge> : null}
              </span>
            </TableCell>
            {canEdit ? (
              <TableCell card="actions" className="text-right">
                <span className="inline-flex">
                  <FilamentTypeDialog
                    filamentType={row}
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={`Edit ${row.material_code} ${row.brand} ${row.color_name}`}>
                        <Pencil />
                      </Button>
                    }
                  />
                  {canDelete ? <DeleteFilamentTypeButton filamentType={row} /> : null}
                </span>
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function RemainingCell({ row }: { row: FilamentTypeWithStock }) {
  if (row.remaining_grams === undefined) return <Skeleton className="ml-auto h-4 w-16" />;
  return (
    <span className="grid">
      <span>{formatGrams(row.remaining_grams)}</span>
      <span className="text-xs text-muted-foreground">
        {row.spool_count} {row.spool_count === 1 ? "spool" : "spools"}
      </span>
    </span>
  );
}
