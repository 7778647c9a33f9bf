import { Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/lib/toast";
import { useDeleteFilamentType, type FilamentType } from "@/queries/catalogTypes";

/** Admins only. The API refuses (409) while spools use the type; that refusal shows in the dialog. */
export function DeleteFilamentTypeButton({ filamentType }: { filamentType: FilamentType }) {
  const remove = useDeleteFilamentType();
  const name = `${filamentType.material_code} ${filamentType.brand} ${filamentType.color_name}`;
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="icon" aria-label={`Delete ${name}`}>
          <Trash2 />
        </Button>
      }
      title="Delete filament type?"
      description={`${name} will be removed. A type that spools still use cannot be deleted.`}
      confirmLabel="Delete"
      onConfirm={async () => {
        await remove.mutateAsync(filamentType.id);
        toast({ title: "Filament type deleted", description: name });
      }}
    />
  );
}
