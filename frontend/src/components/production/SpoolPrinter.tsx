/** On the spool page: which printer the spool is loaded in, with unload, or a printer to load it into. */
import { useState } from "react";
import { Link } from "react-router-dom";
import { freeSlot } from "@/components/production/PrinterDialogs";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { useAuth } from "@/hooks/useAuth";
import { errorMessage } from "@/lib/errors";
import { formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useLoadSpool, usePrinters, useProductionSpools, useUnloadSpool } from "@/queries/production";

export function SpoolPrinter({ spoolId, code }: { spoolId: string; code: string }) {
  const { can } = useAuth();
  const printers = usePrinters({ active: true });
  const stock = useProductionSpools();
  const load = useLoadSpool();
  const unload = useUnloadSpool();
  const [target, setTarget] = useState("");
  // Production is another service: without its answer the spool page simply shows no printer section.
  if (!printers.data || !stock.data) return null;
  const loadedIn = printers.data.items.find((printer) => printer.loaded_spools.some((spool) => spool.spool_id === spoolId));
  const slot = loadedIn?.loaded_spools.find((spool) => spool.spool_id === spoolId)?.slot;
  const mine = stock.data.items.find((spool) => spool.id === spoolId);
  const fail = (title: string) => (error: Error) => toast({ title, description: errorMessage(error), variant: "destructive" });

  return (
    <section aria-labelledby="spool-printer" className="grid gap-2 rounded-lg border p-4 no-print">
      <h2 id="spool-printer" className="text-base font-semibold">
        Printer
      </h2>
      {mine ? (
        <p className="text-sm text-muted-foreground" data-testid="spool-reserved">
          {formatGrams(mine.reserved)} reserved by planned runs · {formatGrams(mine.available)} available
        </p>
      ) : null}
      {loadedIn ? (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span>
            Loaded in{" "}
            <Link to="/printers" className="font-medium underline-offset-4 hover:underline">
              {loadedIn.name}
            </Link>
            , slot {slot}
          </span>
          {can("member") ? (
            <Button
              size="sm"
              variant="outline"
              disabled={unload.isPending}
              onClick={() => unload.mutate({ printerId: loadedIn.id, spoolId }, { onSuccess: () => toast({ title: `${code} unloaded` }), onError: fail("Not unloaded") })}
            >
              Unload
            </Button>
          ) : null}
        </div>
      ) : can("member") && printers.data.items.length > 0 ? (
        <div className="flex flex-wrap items-end gap-2">
          <div className="grid w-56 gap-1">
            <Label htmlFor="spool-load-printer">Load into printer</Label>
            <NativeSelect id="spool-load-printer" value={target} onChange={(event) => setTarget(event.target.value)}>
              <option value="">Choose a printer</option>
              {printers.data.items.map((printer) => (
                <option key={printer.id} value={printer.id}>
                  {printer.name} (next free slot {freeSlot(printer)})
                </option>
              ))}
            </NativeSelect>
          </div>
          <Button
            size="sm"
            disabled={!target || load.isPending}
            onClick={() => {
              const printer = printers.data.items.find((item) => item.id === target);
              if (!printer) return;
              load.mutate(
                { printerId: printer.id, spoolId, slot: freeSlot(printer) },
                { onSuccess: () => toast({ title: `${code} loaded into ${printer.name}` }), onError: fail("Not loaded") },
              );
            }}
          >
            Load
          </Button>
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">Not loaded in a printer.</p>
      )}
    </section>
  );
}
