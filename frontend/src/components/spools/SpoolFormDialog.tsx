import { SpoolForm } from "@/components/spools/SpoolForm";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { Spool } from "@/queries/spools";

interface SpoolFormDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The spool to edit; absent to add one. */
  spool?: Spool;
  onSaved: (spool: Spool) => void;
  /** A new spool's filament type, chosen beforehand. */
  defaultTypeId?: string;
  /** Offers "Save and add another" (new spools only). */
  onSavedAnother?: (spool: Spool) => void;
}

/** The spool form in a dialog: "Add spool" on the list, "Edit" on a spool's page. */
export function SpoolFormDialog({ open, onOpenChange, spool, onSaved, defaultTypeId, onSavedAnother }: SpoolFormDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>{spool ? `Edit ${spool.code}` : "Add spool"}</DialogTitle>
          <DialogDescription>
            {spool ? "Only the fields you change are saved." : "One physical reel. Weights are net grams of filament."}
          </DialogDescription>
        </DialogHeader>
        {/* Mounted only while open, so every opening starts from the spool's current values. */}
        {open ? (
          <SpoolForm
            spool={spool}
            defaultTypeId={defaultTypeId}
            onSaved={onSaved}
            onSavedAnother={spool ? undefined : onSavedAnother}
            onCancel={() => onOpenChange(false)}
          />
        ) : null}
      </DialogContent>
    </Dialog>
  );
}
