/**
 * /spools/labels?ids=a,b,c: a sheet of labels (QR code + code, brand, material, colour) that tiles on A4.
 * qrcode is imported on demand, so it is only downloaded when labels are printed.
 */
import { useQueries, useQuery } from "@tanstack/react-query";
import { Printer } from "lucide-react";
import { useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { SpoolLabel } from "@/components/spools/SpoolLabel";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/errors";
import { spoolQueryOptions, type Spool } from "@/queries/spools";

const MAX_LABELS = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids asked for: valid, without repeats, at most 100; and how many were dropped. */
function parseIds(raw: string | null): { ids: string[]; invalid: number; overLimit: number } {
  const parts = (raw ?? "").split(",").map((part) => part.trim()).filter(Boolean);
  const valid = [...new Set(parts.filter((part) => UUID.test(part)))];
  return { ids: valid.slice(0, MAX_LABELS), invalid: parts.length - parts.filter((part) => UUID.test(part)).length, overLimit: Math.max(0, valid.length - MAX_LABELS) };
}

function spoolUrl(id: string): string {
  return `${window.location.origin}/spools/${id}`;
}

function useQrDataUrl(text: string) {
  return useQuery({
    queryKey: ["spool-label-qr", text],
    queryFn: async () => {
      const { toDataURL } = await import("qrcode");
      return toDataURL(text, { errorCorrectionLevel: "M", margin: 1, width: 192 });
    },
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });
}

function LabelWithQr({ spool }: { spool: Spool }) {
  const qr = useQrDataUrl(spoolUrl(spool.id));
  return <SpoolLabel spool={spool} qrDataUrl={qr.data} />;
}

/** A4 with small margins; labels keep their colours (swatches) when printed. */
const PRINT_CSS = `@media print { @page { size: A4; margin: 10mm; } .spool-label-sheet { grid-template-columns: repeat(3, minmax(0, 1fr)) !important; gap: 4mm !important; } }`;

export default function LabelsPage() {
  const [params] = useSearchParams();
  const { ids, invalid, overLimit } = useMemo(() => parseIds(params.get("ids")), [params]);
  const results = useQueries({ queries: ids.map((id) => spoolQueryOptions(id)) });

  const spools = results.flatMap((result) => (result.data ? [result.data] : []));
  const loading = results.filter((result) => result.isPending).length;
  const missing = results.filter((result) => result.error instanceof ApiError && result.error.status === 404).length;
  const otherError = results.find((result) => result.isError && !(result.error instanceof ApiError && result.error.status === 404))?.error;

  return (
    <>
      <style>{PRINT_CSS}</style>
      <div className="no-print">
        <PageHeader
          title="Spool labels"
          description={ids.length ? `${ids.length} ${ids.length === 1 ? "label" : "labels"}. Tiles 3 across on A4; cut along the borders.` : undefined}
          actions={
            spools.length ? (
              <Button onClick={() => window.print()} disabled={loading > 0}>
                <Printer aria-hidden />
                Print
              </Button>
            ) : null
          }
        />
        <div className="mb-3 grid gap-2">
          {overLimit > 0 ? <Alert>Only the first {MAX_LABELS} labels are shown; {overLimit} more were asked for. Print them in another batch.</Alert> : null}
          {invalid > 0 ? <Alert>{invalid} of the ids in the address {invalid === 1 ? "is not a spool id and was" : "are not spool ids and were"} skipped.</Alert> : null}
          {missing > 0 ? <Alert variant="destructive">{missing} of the spools {missing === 1 ? "was" : "were"} not found (deleted, or of another shop) and {missing === 1 ? "has" : "have"} no label.</Alert> : null}
          <ErrorAlert error={otherError} />
        </div>
      </div>

      {ids.length === 0 ? (
        <EmptyState title="No spools chosen" action={<Button asChild variant="outline"><Link to="/spools">Choose on the spool list</Link></Button>}>
          Select spools on the list and press “Print labels”.
        </EmptyState>
      ) : (
        <div className="spool-label-sheet grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {spools.map((spool) => (
            <LabelWithQr key={spool.id} spool={spool} />
          ))}
          {Array.from({ length: loading }, (_, index) => (
            <Skeleton key={`loading-${index}`} className="h-28 no-print" />
          ))}
        </div>
      )}
    </>
  );
}
