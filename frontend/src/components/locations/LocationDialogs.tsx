/** Rename (and describe) a location, and merge it into another. Both apply to every spool stored there. */
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { toast } from "@/lib/toast";
import { useMergeLocation, useUpdateLocation, type Location } from "@/queries/locations";

interface DialogProps {
  location: Location;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function RenameLocationDialog({ location, open, onOpenChange }: DialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-md">{open ? <RenameForm location={location} onClose={() => onOpenChange(false)} /> : null}</DialogContent>
    </Dialog>
  );
}

function RenameForm({ location, onClose }: { location: Location; onClose: () => void }) {
  const [name, setName] = useState(location.name);
  const [description, setDescription] = useState(location.description ?? "");
  const update = useUpdateLocation();
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const changes: { name?: string; description?: string | null } = {};
    if (name.trim() !== location.name) changes.name = name.trim();
    if (description.trim() !== (location.description ?? "")) changes.description = description.trim() || null;
    const saved = await update.mutateAsync({ id: location.id, changes }).catch(() => null);
    if (!saved) return;
    toast({ title: `Saved ${saved.name}` });
    onClose();
  };
  const total = location.spool_count + location.archived_spool_count;
  return (
    <form onSubmit={onSubmit} className="grid gap-4" noValidate>
      <DialogHeader>
        <DialogTitle>Rename {location.name}</DialogTitle>
        <DialogDescription>
          {total === 0 ? "No spool is stored here yet." : `The ${total === 1 ? "spool" : `${total} spools`} stored here take the new name.`}
        </DialogDescription>
      </DialogHeader>
      <Field label="Name">
        <Input value={name} onChange={(event) => setName(event.target.value)} maxLength={100} required autoFocus />
      </Field>
      <Field label="Description" hint="Optional, e.g. “left wall, top”.">
        <Input value={description} onChange={(event) => setDescription(event.target.value)} maxLength={500} />
      </Field>
      {update.isError ? <ErrorAlert error={update.error} /> : null}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={update.isPending || name.trim() === ""}>
          {update.isPending ? "Saving…" : "Save"}
        </Button>
      </DialogFooter>
    </form>
  );
}

export function MergeLocationDialog({ location, others, open, onOpenChange }: DialogProps & { others: Location[] }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-md">{open ? <MergeForm location={location} others={others} onClose={() => onOpenChange(false)} /> : null}</DialogContent>
    </Dialog>
  );
}

function MergeForm({ location, others, onClose }: { location: Location; others: Location[]; onClose: () => void }) {
  const [intoId, setIntoId] = useState(others[0]?.id ?? "");
  const merge = useMergeLocation();
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const into = await merge.mutateAsync({ id: location.id, intoId }).catch(() => null);
    if (!into) return;
    toast({ title: `Merged ${location.name} into ${into.name}`, description: `${into.name} now holds ${into.spool_count} ${into.spool_count === 1 ? "spool" : "spools"}.` });
    onClose();
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-4" noValidate>
      <DialogHeader>
        <DialogTitle>Merge {location.name}</DialogTitle>
        <DialogDescription>Every spool of {location.name} (archived ones too) moves to the location you pick, and {location.name} is deleted.</DialogDescription>
      </DialogHeader>
      {others.length === 0 ? (
        <p className="text-sm text-muted-foreground">There is no other location to merge into.</p>
      ) : (
        <Field label="Merge into">
          <NativeSelect value={intoId} onChange={(event) => setIntoId(event.target.value)}>
            {others.map((other) => (
              <option key={other.id} value={other.id}>
                {other.name}
              </option>
            ))}
          </NativeSelect>
        </Field>
      )}
      {merge.isError ? <ErrorAlert error={merge.error} /> : null}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={merge.isPending || intoId === ""}>
          {merge.isPending ? "Merging…" : "Merge"}
        </Button>
      </DialogFooter>
    </form>
  );
}
