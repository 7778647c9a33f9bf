/**
 * Move one or many spools to a location: pick one of the shop's locations (with suggestions) or type a new
 * name; "no location" takes them off every shelf. Each spool whose place changes gets a "moved" event in its
 * history; the ledger is not touched.
 */
import { useState, type FormEvent } from "react";
import { LocationPicker } from "@/components/locations/LocationPicker";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { toast } from "@/lib/toast";
import { useMoveSpools } from "@/queries/locations";

interface MoveDialogProps {
  spoolIds: string[];
  /** What the dialog says it moves, e.g. "FIL-004" or "3 spools". */
  subject: string;
  /** The current location when one spool moves (prefilled). */
  current?: string | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onMoved?: () => void;
}

export function MoveDialog({ spoolIds, subject, current, open, onOpenChange, onMoved }: MoveDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-md">
        {/* Mounted only while open: every opening starts from the current place, without an old error. */}
        {open ? <MoveForm spoolIds={spoolIds} subject={subject} current={current} onClose={() => onOpenChange(false)} onMoved={onMoved} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function MoveForm({ spoolIds, subject, current, onClose, onMoved }: Omit<MoveDialogProps, "open" | "onOpenChange"> & { onClose: () => void }) {
  const [name, setName] = useState(current ?? "");
  const move = useMoveSpools();
  const trimmed = name.trim();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await move.mutateAsync({ spool_ids: spoolIds, location: trimmed === "" ? null : trimmed }).catch(() => null);
    if (!result) return;
    const where = result.items[0]?.location ?? "no location";
    toast({
      title: result.moved === 0 ? `Already at ${where}` : `Moved ${result.moved === 1 && spoolIds.length === 1 ? subject : `${result.moved} ${result.moved === 1 ? "spool" : "spools"}`} to ${where}`,
    });
    onMoved?.();
    onClose();
  };

  return (
    <form onSubmit={onSubmit} className="grid gap-4" noValidate>
      <DialogHeader>
        <DialogTitle>Move {subject}</DialogTitle>
        <DialogDescription>Pick a location or type a new one. Leave it empty to take {spoolIds.length === 1 ? "it" : "them"} off every shelf.</DialogDescription>
      </DialogHeader>
      <Field label="Move to" hint="Any case finds the same place: “shelf a” is “Shelf A”.">
        <LocationPicker value={name} onChange={(event) => setName(event.target.value)} autoFocus />
      </Field>
      {move.isError ? <ErrorAlert error={move.error} /> : null}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={move.isPending}>
          {move.isPending ? "Moving…" : trimmed === "" ? "Remove location" : "Move"}
        </Button>
      </DialogFooter>
    </form>
  );
}
