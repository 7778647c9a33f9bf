/** /spools/:spoolId: one reel, its actions (weigh, use, edit, duplicate, archive, label, delete) and its history. */
import { ArrowLeft, Archive, ArchiveRestore, Copy, MoveRight, Pencil, Printer, Scale, Trash2, TrendingDown } from "lucide-react";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useWeighIntent } from "@/components/scan/intents";
import { MoveDialog } from "@/components/locations/MoveDialog";
import { SpoolEvents } from "@/components/locations/SpoolEvents";
import { SpoolFacts } from "@/components/spools/SpoolFacts";
import { SpoolFormDialog } from "@/components/spools/SpoolFormDialog";
import { SpoolHistory } from "@/components/spools/SpoolHistory";
import { SpoolStatusBadges } from "@/components/spools/SpoolStatusBadges";
import { UseDialog } from "@/components/spools/UseDialog";
import { WeighDialog } from "@/components/spools/WeighDialog";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { SpoolPrinter } from "@/components/production/SpoolPrinter";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { ApiError, errorMessage } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { toast } from "@/lib/toast";
import { useRestoreSpool } from "@/queries/locations";
import { useArchiveSpool, useDeleteSpool, useDuplicateSpool, useSpool, type Spool } from "@/queries/spools";


type OpenDialog = "weigh" | "use" | "edit" | "archive" | "delete" | "move" | null;

function BackLink() {
  // Worded without "spools": the nav's "Spools" link stays the only link of that name.
  return (
    <Link to="/spools" className="mb-2 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground no-print">
      <ArrowLeft className="size-4" aria-hidden />
      Back to the list
    </Link>
  );
}

function SpoolNotFound() {
  return (
    <div className="grid justify-items-start gap-2">
      <BackLink />
      <h1 className="text-2xl font-semibold tracking-tight">Spool not found</h1>
      <p className="max-w-prose text-sm text-muted-foreground">
        No spool of this shop has this address. It may have been deleted, or it belongs to another shop.
      </p>
      <Button asChild variant="outline">
        <Link to="/spools">Open the spool list</Link>
      </Button>
    </div>
  );
}

function DetailSkeleton() {
  return (
    <div className="grid gap-4" aria-busy>
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-9 w-full max-w-xl" />
      <Skeleton className="h-48" />
      <Skeleton className="h-32" />
    </div>
  );
}

function DeleteSpoolDialog({ spool, open, onOpenChange, onArchiveInstead }: { spool: Spool; open: boolean; onOpenChange: (open: boolean) => void; onArchiveInstead: () => void }) {
  const navigate = useNavigate();
  const deleteSpool = useDeleteSpool();
  const onConfirm = async () => {
    await deleteSpool.mutateAsync(spool.id);
    toast({ title: `Deleted ${spool.code}` });
    navigate("/spools", { replace: true });
  };
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Delete ${spool.code}?`}
      description="Deleting removes the spool for good. Only a spool with nothing booked since it was added can be deleted."
      confirmLabel="Delete spool"
      onConfirm={onConfirm}
      errorContent={(error) =>
        error instanceof ApiError && error.code === "IN_USE" ? (
          <Alert variant="destructive" className="grid gap-2">
            <span>
              {spool.code} cannot be deleted: it has usage or weighings in its history, which must be kept. Archive it instead to hide it
              from the list and the stock totals.
            </span>
            {!spool.is_archived ? (
              <Button variant="outline" size="sm" className="justify-self-start" onClick={onArchiveInstead}>
                Archive instead
              </Button>
            ) : (
              <span>It is already archived.</span>
            )}
          </Alert>
        ) : undefined
      }
    />
  );
}

interface SpoolActionsProps {
  spool: Spool;
  /** Members and up change stock; viewers only print labels (printing changes nothing). */
  canWrite: boolean;
  isAdmin: boolean;
  onOpen: (dialog: OpenDialog) => void;
}

function SpoolActions({ spool, canWrite, isAdmin, onOpen }: SpoolActionsProps) {
  const navigate = useNavigate();
  const duplicate = useDuplicateSpool();
  const restore = useRestoreSpool();
  const onRestore = () =>
    restore.mutate(spool.id, {
      onSuccess: (restored) => toast({ title: `Restored ${restored.code}`, description: "It is back in the list and the stock totals." }),
      onError: (error) => toast({ title: "Could not restore", description: errorMessage(error), variant: "destructive" }),
    });
  // Archived spools are read-only: weigh, use, edit and move come back with Restore.
  const active = canWrite && !spool.is_archived;
  const onDuplicate = () =>
    duplicate.mutate(spool.id, {
      onSuccess: (copy) => {
        toast({ title: `Duplicated as ${copy.code}` });
        navigate(`/spools/${copy.id}`);
      },
      onError: (error) => toast({ title: "Could not duplicate", description: errorMessage(error), variant: "destructive" }),
    });
  return (
    <div className="flex flex-wrap gap-2 no-print" role="toolbar" aria-label="Spool actions">
      {canWrite && spool.is_archived ? (
        <Button onClick={onRestore} disabled={restore.isPending}>
          <ArchiveRestore aria-hidden />
          {restore.isPending ? "Restoring…" : "Restore"}
        </Button>
      ) : null}
      {active ? (
        <>
          <Button onClick={() => onOpen("weigh")}>
            <Scale aria-hidden />
            Weigh
          </Button>
          <Button variant="outline" onClick={() => onOpen("use")}>
            <TrendingDown aria-hidden />
            Use
          </Button>
          <Button variant="outline" onClick={() => onOpen("edit")}>
            <Pencil aria-hidden />
            Edit
          </Button>
          <Button variant="outline" onClick={() => onOpen("move")}>
            <MoveRight aria-hidden />
            Move
          </Button>
        </>
      ) : null}
      {canWrite ? (
        <>
          <Button variant="outline" onClick={onDuplicate} disabled={duplicate.isPending}>
            <Copy aria-hidden />
            {duplicate.isPending ? "Duplicating…" : "Duplicate"}
          </Button>
        </>
      ) : null}
      <Button variant="outline" asChild>
        <Link to={`/spools/labels?ids=${spool.id}`}>
          <Printer aria-hidden />
          Print label
        </Link>
      </Button>
      {canWrite && !spool.is_archived ? (
        <Button variant="outline" onClick={() => onOpen("archive")}>
          <Archive aria-hidden />
          Archive
        </Button>
      ) : null}
      {isAdmin ? (
        <Button variant="outline" className="text-destructive" onClick={() => onOpen("delete")}>
          <Trash2 aria-hidden />
          Delete
        </Button>
      ) : null}
    </div>
  );
}

function SpoolDetail({ spool }: { spool: Spool }) {
  const { can } = useAuth();
  const currency = useCurrency();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  useWeighIntent(() => setDialog("weigh"), can("member") && !spool.is_archived);
  const archive = useArchiveSpool();
  const restore = useRestoreSpool();
  const close = (open: boolean) => !open && setDialog(null);

  const onArchive = async () => {
    const archived = await archive.mutateAsync(spool.id);
    toast({
      title: `Archived ${archived.code}`,
      description: "It no longer shows in the list or the on-hand totals; nothing was booked.",
      action: {
        label: "Undo",
        onClick: () =>
          restore.mutate(archived.id, {
            onSuccess: (restored) => toast({ title: `Restored ${restored.code}` }),
            onError: (error) => toast({ title: "Could not restore", description: errorMessage(error), variant: "destructive" }),
          }),
      },
    });
  };

  return (
    <div className="grid gap-5">
      <div>
        <BackLink />
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-2xl font-semibold tracking-tight">{spool.code}</h1>
          <SpoolStatusBadges spool={spool} />
        </div>
      </div>
      {spool.is_archived ? (
        <Alert data-testid="archived-notice">This spool is archived, so it is read-only and not counted as stock on hand. Restore it to weigh, use, edit or move it.</Alert>
      ) : null}
      <SpoolActions spool={spool} canWrite={can("member")} isAdmin={can("admin")} onOpen={setDialog} />
      <SpoolFacts spool={spool} currency={currency} />
      <SpoolPrinter spoolId={spool.id} code={spool.code} />
      <SpoolHistory spoolId={spool.id} />
      <SpoolEvents spoolId={spool.id} />

      {can("member") ? (
        <>
          <WeighDialog spool={spool} open={dialog === "weigh"} onOpenChange={close} />
          <UseDialog spool={spool} open={dialog === "use"} onOpenChange={close} />
          <MoveDialog spoolIds={[spool.id]} subject={spool.code} current={spool.location} open={dialog === "move"} onOpenChange={close} />
          <SpoolFormDialog
            spool={spool}
            open={dialog === "edit"}
            onOpenChange={close}
            onSaved={(saved) => {
              setDialog(null);
              toast({ title: `Saved ${saved.code}` });
            }}
          />
          <ConfirmDialog
            open={dialog === "archive"}
            onOpenChange={close}
            title={`Archive ${spool.code}?`}
            description="Archived spools leave the list and the on-hand stock totals; nothing is booked in the ledger. Their history is kept, “Show archived” on the list still finds them, and Restore brings them back."
            confirmLabel="Archive spool"
            destructive={false}
            onConfirm={onArchive}
          />
          {can("admin") ? (
            <DeleteSpoolDialog spool={spool} open={dialog === "delete"} onOpenChange={close} onArchiveInstead={() => setDialog("archive")} />
          ) : null}
        </>
      ) : null}
    </div>
  );
}

export default function SpoolDetailPage() {
  const { spoolId = "" } = useParams();
  const validId = isUuid(spoolId);
  const spool = useSpool(spoolId, { enabled: validId });

  if (!validId) return <SpoolNotFound />;
  if (spool.isPending) return <DetailSkeleton />;
  if (spool.isError) {
    if (spool.error instanceof ApiError && spool.error.status === 404) return <SpoolNotFound />;
    return (
      <>
        <BackLink />
        <ErrorAlert error={spool.error} />
      </>
    );
  }
  return <SpoolDetail spool={spool.data} />;
}
