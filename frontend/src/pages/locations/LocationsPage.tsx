/** /locations: what is where — every location with its spools and grams; create, rename, merge, delete. */
import { GitMerge, MapPin, Pencil, Plus, Printer, Trash2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { MergeLocationDialog, RenameLocationDialog } from "@/components/locations/LocationDialogs";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/hooks/useAuth";
import { ApiError } from "@/lib/errors";
import { formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useCreateLocation, useDeleteLocation, useLocations, type Location } from "@/queries/locations";

type Open = { kind: "rename" | "merge" | "delete"; location: Location } | null;

function CreateLocation() {
  const [name, setName] = useState("");
  const create = useCreateLocation();
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.mutateAsync({ name: name.trim() }).catch(() => null);
    if (!created) return;
    toast({ title: `Added ${created.name}` });
    setName("");
  };
  return (
    <form onSubmit={onSubmit} className="mb-4 grid gap-2" noValidate>
      <Label htmlFor="new-location">New location</Label>
      <div className="flex flex-wrap gap-2">
        <Input id="new-location" className="max-w-xs" placeholder="e.g. Shelf A, Drybox 2" value={name} onChange={(event) => setName(event.target.value)} maxLength={100} />
        <Button type="submit" disabled={create.isPending || name.trim() === ""}>
          <Plus aria-hidden />
          Add location
        </Button>
      </div>
      {create.isError ? <ErrorAlert error={create.error} /> : null}
    </form>
  );
}

function LocationCard({ location, canWrite, isAdmin, onOpen }: { location: Location; canWrite: boolean; isAdmin: boolean; onOpen: (open: Open) => void }) {
  return (
    <li className="grid gap-2 rounded-md border bg-card p-3 text-card-foreground" data-testid="location-card">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <Link to={`/locations/${location.id}`} className="inline-flex items-center gap-1.5 font-medium underline-offset-4 hover:underline">
          <MapPin className="size-4 shrink-0 text-muted-foreground" aria-hidden />
          {location.name}
        </Link>
        <span className="text-sm tabular-nums">
          <span data-testid="location-grams" className="font-semibold">
            {formatGrams(location.remaining_grams)}
          </span>{" "}
          <span className="text-muted-foreground">
            in {location.spool_count} {location.spool_count === 1 ? "spool" : "spools"}
            {location.archived_spool_count > 0 ? ` (+${location.archived_spool_count} archived)` : ""}
          </span>
        </span>
      </div>
      {location.description ? <p className="text-sm text-muted-foreground">{location.description}</p> : null}
      <div className="flex flex-wrap gap-1.5">
        <Button variant="outline" size="sm" asChild>
          <Link to={`/locations/${location.id}/label`} aria-label={`Print the label of ${location.name}`}>
            <Printer aria-hidden />
            Label
          </Link>
        </Button>
        {canWrite ? (
          <>
            <Button variant="outline" size="sm" onClick={() => onOpen({ kind: "rename", location })} aria-label={`Rename ${location.name}`}>
              <Pencil aria-hidden />
              Rename
            </Button>
            <Button variant="outline" size="sm" onClick={() => onOpen({ kind: "merge", location })} aria-label={`Merge ${location.name}`}>
              <GitMerge aria-hidden />
              Merge
            </Button>
          </>
        ) : null}
        {isAdmin ? (
          <Button variant="outline" size="sm" className="text-destructive" onClick={() => onOpen({ kind: "delete", location })} aria-label={`Delete ${location.name}`}>
            <Trash2 aria-hidden />
            Delete
          </Button>
        ) : null}
      </div>
    </li>
  );
}

export default function LocationsPage() {
  const { can } = useAuth();
  const locations = useLocations();
  const [open, setOpen] = useState<Open>(null);
  const remove = useDeleteLocation();
  const close = (isOpen: boolean) => !isOpen && setOpen(null);
  const items = locations.data?.items ?? [];
  const total = items.reduce((sum, location) => sum + location.remaining_grams, 0);

  return (
    <>
      <PageHeader
        title="Locations"
        description={
          locations.data && items.length > 0
            ? `${items.length} ${items.length === 1 ? "place" : "places"} holding ${formatGrams(total)} on hand (archived spools are not counted).`
            : "Where the spools are kept: shelves, dryboxes, printers."
        }
      />
      {can("member") ? <CreateLocation /> : null}
      {locations.isPending ? (
        <div className="grid gap-2" aria-busy>
          <Skeleton className="h-20" />
          <Skeleton className="h-20" />
        </div>
      ) : locations.isError ? (
        <ErrorAlert error={locations.error} />
      ) : items.length === 0 ? (
        <EmptyState title="No locations yet">Add one above, or give a spool a location: it appears here with its grams.</EmptyState>
      ) : (
        <ul className="grid gap-2 md:grid-cols-2" aria-label="Locations">
          {items.map((location) => (
            <LocationCard key={location.id} location={location} canWrite={can("member")} isAdmin={can("admin")} onOpen={setOpen} />
          ))}
        </ul>
      )}

      {open?.kind === "rename" ? <RenameLocationDialog location={open.location} open onOpenChange={close} /> : null}
      {open?.kind === "merge" ? <MergeLocationDialog location={open.location} others={items.filter((item) => item.id !== open.location.id)} open onOpenChange={close} /> : null}
      {open?.kind === "delete" ? (
        <ConfirmDialog
          open
          onOpenChange={close}
          title={`Delete ${open.location.name}?`}
          description="Only an empty location can be deleted. To keep its spools together elsewhere, merge it instead."
          confirmLabel="Delete location"
          onConfirm={async () => {
            await remove.mutateAsync(open.location.id);
            toast({ title: `Deleted ${open.location.name}` });
          }}
          errorContent={(error) =>
            error instanceof ApiError && error.code === "IN_USE" ? <Alert variant="destructive">{error.message} Use Merge to move them all at once.</Alert> : undefined
          }
        />
      ) : null}
    </>
  );
}
