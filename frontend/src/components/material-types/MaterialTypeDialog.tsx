import { useState, type ReactNode } from "react";
import { MaterialTypeForm } from "@/components/material-types/MaterialTypeForm";
import {
  EMPTY_MATERIAL_TYPE,
  materialTypeToValues,
  valuesToCreate,
  valuesToUpdate,
  type MaterialTypeFormValues,
} from "@/components/material-types/materialTypeSchema";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { useCurrency } from "@/hooks/useCurrency";
import { toast } from "@/lib/toast";
import { useCreateMaterialType, useUpdateMaterialType, type MaterialType } from "@/queries/catalogTypes";

/** Add one of the shop's own materials, or edit one (built-in materials are read-only). */
export function MaterialTypeDialog({ materialType, trigger }: { materialType?: MaterialType; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  const currency = useCurrency();
  const create = useCreateMaterialType();
  const update = useUpdateMaterialType();

  const save = async (values: MaterialTypeFormValues) => {
    const saved = materialType
      ? await update.mutateAsync({ id: materialType.id, body: valuesToUpdate(values) })
      : await create.mutateAsync(valuesToCreate(values));
    toast({ title: materialType ? "Material saved" : "Material added", description: `${saved.code} — ${saved.name}` });
    setOpen(false);
  };

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{materialType ? `Edit ${materialType.code}` : "Add material"}</DialogTitle>
          <DialogDescription>Typical values for this material; each filament type can override density and temperatures.</DialogDescription>
        </DialogHeader>
        <MaterialTypeForm
          defaultValues={materialType ? materialTypeToValues(materialType) : EMPTY_MATERIAL_TYPE}
          codeLocked={materialType !== undefined}
          currency={currency}
          onSave={save}
          onCancel={() => setOpen(false)}
        />
      </DialogContent>
    </Dialog>
  );
}
