import { useState, type ReactNode } from "react";
import { FilamentTypeForm } from "@/components/filament-types/FilamentTypeForm";
import { FilamentTypeBarcodes } from "@/components/scan/FilamentTypeBarcodes";
import {
  EMPTY_FILAMENT_TYPE,
  filamentTypeToValues,
  valuesToBody,
  type FilamentTypeFormValues,
} from "@/components/filament-types/filamentTypeSchema";
import { ErrorAlert } from "@/components/ui/alert";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { toast } from "@/lib/toast";
import {
  useCreateFilamentType,
  useMaterialTypes,
  useUpdateFilamentType,
  type FilamentType,
} from "@/queries/catalogTypes";

interface FilamentTypeDialogProps {
  /** The type to edit; without it the dialog adds a new one. */
  filamentType?: FilamentType;
  trigger: ReactNode;
  /** Opens on the first render (e.g. /filament-types?add=first). */
  defaultOpen?: boolean;
  /** Called when the dialog closes. */
  onClosed?: () => void;
}

/** Add or edit a filament type. The form mounts fresh on every open, so it never shows stale input. */
export function FilamentTypeDialog({ filamentType, trigger, defaultOpen = false, onClosed }: FilamentTypeDialogProps) {
  const [open, setOpenState] = useState(defaultOpen);
  const setOpen = (next: boolean) => {
    setOpenState(next);
    if (!next) onClosed?.();
  };
  const materialTypes = useMaterialTypes();
  const create = useCreateFilamentType();
  const update = useUpdateFilamentType();
  const editing = filamentType !== undefined;

  const save = async (values: FilamentTypeFormValues) => {
    const body = valuesToBody(values);
    const saved = filamentType ? await update.mutateAsync({ id: filamentType.id, body }) : await create.mutateAsync(body);
    toast({ title: editing ? "Filament type saved" : "Filament type added", description: `${saved.material_code} ${saved.brand} ${saved.color_name}` });
    setOpen(false);
  };
  // A new type only: save, say so, and keep the dialog for the next colour.
  const saveAnother = async (values: FilamentTypeFormValues) => {
    const saved = await create.mutateAsync(valuesToBody(values));
    toast({ title: "Filament type added", description: `${saved.material_code} ${saved.brand} ${saved.color_name}` });
  };

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>{editing ? "Edit filament type" : "Add filament type"}</DialogTitle>
          <DialogDescription>
            One material, brand and colour. Brand, colour and material together must be unique in your shop.
          </DialogDescription>
        </DialogHeader>
        {materialTypes.error ? (
          <ErrorAlert error={materialTypes.error} />
        ) : !materialTypes.data ? (
          <Spinner label="Loading materials" />
        ) : (
          <FilamentTypeForm
            defaultValues={filamentType ? filamentTypeToValues(filamentType) : EMPTY_FILAMENT_TYPE}
            materialTypes={materialTypes.data.items}
            onSave={save}
            onSaveAnother={editing ? undefined : saveAnother}
            onCancel={() => setOpen(false)}
          />
        )}
        {filamentType ? <FilamentTypeBarcodes filamentTypeId={filamentType.id} /> : null}
      </DialogContent>
    </Dialog>
  );
}
