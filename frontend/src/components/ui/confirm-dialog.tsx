import { useState, type ReactNode } from "react";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";

interface ConfirmDialogProps {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /**
   * Runs on confirm. The dialog shows "Working…" until it settles and closes when it resolves; a thrown error
   * stays in the dialog, in words (e.g. the API's 409 IN_USE), and the dialog stays open.
   */
  onConfirm: () => Promise<unknown>;
  /** The button that opens the dialog (rendered as the dialog's trigger). Leave out to control it with `open`. */
  trigger?: ReactNode;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** A red confirm button, for actions that cannot be undone (the default); false for e.g. archiving. */
  destructive?: boolean;
  /** Words for a particular failure instead of the generic message; return undefined for the generic one. */
  errorContent?: (error: unknown) => ReactNode;
}

/** "Are you sure?" before delete, remove, revoke or archive: the action runs only after an explicit second click. */
export function ConfirmDialog({ trigger, open, onOpenChange, ...body }: ConfirmDialogProps) {
  const [uncontrolledOpen, setUncontrolledOpen] = useState(false);
  const isOpen = open ?? uncontrolledOpen;
  const setOpen = (next: boolean) => {
    if (open === undefined) setUncontrolledOpen(next);
    onOpenChange?.(next);
  };

  return (
    <Dialog open={isOpen} onOpenChange={setOpen}>
      {trigger ? <DialogTrigger asChild>{trigger}</DialogTrigger> : null}
      <DialogContent role="alertdialog" className="max-w-md">
        {/* Mounted only while open: every opening starts without an old error. */}
        <ConfirmBody {...body} onClose={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

type ConfirmBodyProps = Pick<ConfirmDialogProps, "title" | "description" | "confirmLabel" | "onConfirm" | "destructive" | "errorContent"> & {
  onClose: () => void;
};

function ConfirmBody({ title, description, confirmLabel, onConfirm, destructive = true, errorContent, onClose }: ConfirmBodyProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <DialogHeader>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
      </DialogHeader>
      {(error ? errorContent?.(error) : undefined) ?? <ErrorAlert error={error} />}
      <DialogFooter>
        <Button variant="outline" onClick={onClose}>
          Cancel
        </Button>
        <Button variant={destructive ? "destructive" : "default"} disabled={busy} onClick={() => void confirm()}>
          {busy ? "Working…" : confirmLabel}
        </Button>
      </DialogFooter>
    </>
  );
}
