import { Pencil, Trash2 } from "lucide-react";
import { MaterialTypeDialog } from "@/components/material-types/MaterialTypeDialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { formatMoney } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useDeleteMaterialType, type MaterialType } from "@/queries/catalogTypes";

function temperatureRange(min: number | null, max: number | null): string {
  if (min === null && max === null) return "—";
  if (min === null || max === null || min === max) return `${min ?? max} °C`;
  return `${min}–${max} °C`;
}

export function MaterialTypesTable({ materialTypes }: { materialTypes: MaterialType[] }) {
  const { can } = useAuth();
  const currency = useCurrency();
  const canEdit = can("member");
  return (
    <Table>
      <caption className="sr-only">Material types</caption>
      <TableHeader>
        <TableRow>
          <TableHead scope="col">Code</TableHead>
          <TableHead scope="col">Name</TableHead>
          <TableHead scope="col" className="text-right">Density</TableHead>
          <TableHead scope="col" className="text-right">Typical cost per kg</TableHead>
          <TableHead scope="col" className="text-right">Extruder</TableHead>
          <TableHead scope="col" className="text-right">Bed</TableHead>
          {canEdit ? <TableHead scope="col"><span className="sr-only">Actions</span></TableHead> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {materialTypes.map((type) => (
          <TableRow key={type.id}>
            <TableCell>
              <span className="flex items-center gap-2 font-medium">
                {type.code}
                {type.is_global ? <Badge variant="secondary">Built-in</Badge> : null}
              </span>
            </TableCell>
            <TableCell>{type.name}</TableCell>
            <TableCell className="text-right tabular-nums">{type.density === null ? "—" : `${type.density} g/cm³`}</TableCell>
            <TableCell className="text-right tabular-nums">
              {/* A built-in cost the shop's rate has not converted is EUR: shown as EUR, never as the shop's money. */}
              {type.typical_cost_per_kg === null ? "—" : `${formatMoney(type.typical_cost_per_kg, type.typical_cost_currency ?? currency)}/kg`}
            </TableCell>
            <TableCell className="text-right tabular-nums">{temperatureRange(type.extruder_temp_min, type.extruder_temp_max)}</TableCell>
            <TableCell className="text-right tabular-nums">{type.bed_temp === null ? "—" : `${type.bed_temp} °C`}</TableCell>
            {canEdit ? (
              <TableCell className="text-right">
                {type.is_global ? <span className="sr-only">Read-only</span> : <OwnMaterialActions materialType={type} />}
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function OwnMaterialActions({ materialType }: { materialType: MaterialType }) {
  const { can } = useAuth();
  const remove = useDeleteMaterialType();
  return (
    <span className="inline-flex">
      <MaterialTypeDialog
        materialType={materialType}
        trigger={
          <Button variant="ghost" size="icon" aria-label={`Edit ${materialType.code}`}>
            <Pencil />
          </Button>
        }
      />
      {can("admin") ? (
        <ConfirmDialog
          trigger={
            <Button variant="ghost" size="icon" aria-label={`Delete ${materialType.code}`}>
              <Trash2 />
            </Button>
          }
          title={`Delete ${materialType.code}?`}
          description="A material that filament types still use cannot be deleted."
          confirmLabel="Delete"
          onConfirm={async () => {
            await remove.mutateAsync(materialType.id);
            toast({ title: "Material deleted", description: materialType.code });
          }}
        />
      ) : null}
    </span>
  );
}
