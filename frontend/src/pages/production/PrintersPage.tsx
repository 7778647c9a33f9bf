/**
 * /printers, the farm view: the shop's printers with the spools loaded in each (a printer linked to an API key
 * shows what it last reported and marks that spool); add, edit, load and unload from here. It polls, as
 * reports load spools without anybody touching the page.
 */
import { Pencil, Plus, Trash2 } from "lucide-react";
import { Link } from "react-router-dom";
import { LoadSpoolDialog, PrinterDialog } from "@/components/production/PrinterDialogs";
import { PrinterReport } from "@/components/production/PrinterReporting";
import { PageHeader } from "@/components/layout/PageHeader";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/hooks/useAuth";
import { formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useApiKeys, type ApiKey } from "@/queries/apiKeys";
import { useDeletePrinter, usePrinters, useUnloadSpool, type Printer } from "@/queries/production";

/** How often the farm view asks for the printers again (reports arrive by events, not by this page). */
const REFRESH_MS = 30_000;

function PrinterCard({ printer, keys, canWrite, canDelete }: { printer: Printer; keys: readonly ApiKey[] | undefined; canWrite: boolean; canDelete: boolean }) {
  const unload = useUnloadSpool();
  const remove = useDeletePrinter();
  const spools = [...printer.loaded_spools].sort((a, b) => a.slot - b.slot);
  const what = [printer.manufacturer, printer.model, printer.nozzle_diameter_mm != null ? `${printer.nozzle_diameter_mm} mm nozzle` : null].filter(Boolean).join(" · ");
  return (
    <Card data-testid="printer-card">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-2">
        <div className="grid gap-1">
          <CardTitle className="flex items-center gap-2">
            {printer.name}
            {!printer.is_active ? <Badge variant="outline">Inactive</Badge> : null}
          </CardTitle>
          {what ? <CardDescription>{what}</CardDescription> : null}
          {printer.build_volume ? <CardDescription>Build volume {printer.build_volume}</CardDescription> : null}
          {printer.notes ? <p className="whitespace-pre-line text-sm text-muted-foreground">{printer.notes}</p> : null}
          <PrinterReport printer={printer} keys={keys} />
        </div>
        <div className="flex gap-2">
          {canWrite ? (
            <LoadSpoolDialog
              printer={printer}
              trigger={
                <Button size="sm" variant="outline">
                  <Plus />
                  Load spool
                </Button>
              }
            />
          ) : null}
          {canWrite ? (
            <PrinterDialog
              printer={printer}
              trigger={
                <Button size="sm" variant="ghost" aria-label={`Edit ${printer.name}`}>
                  <Pencil />
                </Button>
              }
            />
          ) : null}
          {canDelete ? (
            <ConfirmDialog
              title={`Delete ${printer.name}?`}
              description="Its spools are unloaded; its runs keep their history without a printer."
              confirmLabel="Delete printer"
              onConfirm={async () => {
                await remove.mutateAsync(printer.id);
                toast({ title: `${printer.name} deleted` });
              }}
              trigger={
                <Button size="sm" variant="ghost" aria-label={`Delete ${printer.name}`}>
                  <Trash2 />
                </Button>
              }
            />
          ) : null}
        </div>
      </CardHeader>
      <CardContent>
        {spools.length === 0 ? (
          <p className="text-sm text-muted-foreground">No spool loaded.</p>
        ) : (
          <ul className="grid gap-2" aria-label={`Spools in ${printer.name}`}>
            {spools.map((spool) => (
              <li key={spool.spool_id} className="flex flex-wrap items-center justify-between gap-2 rounded-md border px-3 py-2 text-sm">
                <span className="flex flex-wrap items-center gap-2">
                  <Badge variant="secondary">Slot {spool.slot}</Badge>
                  {printer.api_key_id && spool.spool_id === printer.last_reported_spool_id ? <Badge>Reporting</Badge> : null}
                  <Link to={`/spools/${spool.spool_id}`} className="font-mono font-medium underline-offset-4 hover:underline">
                    {spool.code ?? "Spool"}
                  </Link>
                  <span className="text-muted-foreground">
                    {[spool.color_name, spool.material_code].filter(Boolean).join(" · ")}
                  </span>
                  <span className="tabular-nums">{formatGrams(spool.current_weight)}</span>
                </span>
                {canWrite ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={unload.isPending}
                    aria-label={`Unload ${spool.code ?? "spool"} from ${printer.name}`}
                    onClick={() =>
                      unload.mutate(
                        { printerId: printer.id, spoolId: spool.spool_id },
                        { onSuccess: () => toast({ title: `${spool.code ?? "Spool"} unloaded` }), onError: (error) => toast({ title: "Not unloaded", description: error.message, variant: "destructive" }) },
                      )
                    }
                  >
                    Unload
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

export default function PrintersPage() {
  const { can } = useAuth();
  const printers = usePrinters({ refetchInterval: REFRESH_MS });
  // Key names for the "reports usage with" line: only admins may list them (others see the link without its name).
  const keys = useApiKeys({ enabled: can("admin") });
  const addButton = can("member") ? (
    <PrinterDialog
      trigger={
        <Button>
          <Plus />
          Add printer
        </Button>
      }
    />
  ) : null;
  return (
    <>
      <PageHeader title="Printers" description="Your printers and the spools loaded in them: new runs take their filament from these." actions={addButton} />
      {printers.error ? (
        <ErrorAlert error={printers.error} />
      ) : !printers.data ? (
        <TableSkeleton rows={4} rowClassName="h-24" />
      ) : printers.data.items.length === 0 ? (
        <EmptyState title="No printers yet" action={addButton}>
          Add a printer and load its spools: a new run proposes the filament loaded in the printer it runs on.
        </EmptyState>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {printers.data.items.map((printer) => (
            <PrinterCard key={printer.id} printer={printer} keys={keys.data?.items} canWrite={can("member")} canDelete={can("admin")} />
          ))}
        </div>
      )}
    </>
  );
}
