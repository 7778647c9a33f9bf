/**
 * /locations/:locationId/label: a printable label for a shelf or box. Its QR code opens /locations/:id, which
 * lists the spools stored there. qrcode is imported on demand (only when a label is shown).
 */
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Printer } from "lucide-react";
import { Link, useParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useLocation } from "@/queries/locations";

/** The label alone on the page when printed, at its real size (62 mm wide: common label printers). */
const PRINT_CSS = `@media print { @page { size: auto; margin: 6mm; } .location-label { width: 62mm !important; border-width: 0.3mm !important; } }`;

export function locationUrl(id: string): string {
  return `${window.location.origin}/locations/${id}`;
}

function useQr(text: string) {
  return useQuery({
    queryKey: ["location-label-qr", text],
    queryFn: async () => {
      const { toDataURL } = await import("qrcode");
      return toDataURL(text, { errorCorrectionLevel: "M", margin: 1, width: 256 });
    },
    staleTime: Infinity,
  });
}

export default function LocationLabelPage() {
  const { locationId = "" } = useParams();
  const location = useLocation(locationId);
  const url = locationUrl(locationId);
  const qr = useQr(url);
  if (location.isPending) return <Skeleton className="h-64 w-64" />;
  if (location.isError) return <ErrorAlert error={location.error} />;
  const loc = location.data;
  return (
    <>
      <style>{PRINT_CSS}</style>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3 no-print">
        <div>
          <Link to={`/locations/${loc.id}`} className="mb-2 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
            <ArrowLeft className="size-4" aria-hidden />
            Back to {loc.name}
          </Link>
          <h1 className="text-2xl font-semibold tracking-tight">Location label</h1>
          <p className="text-sm text-muted-foreground">Scan the code to see the spools stored at {loc.name}.</p>
        </div>
        <Button onClick={() => window.print()} disabled={!qr.data}>
          <Printer aria-hidden />
          Print
        </Button>
      </div>
      <figure className="location-label grid w-64 max-w-full justify-items-center gap-2 rounded-md border-2 border-foreground bg-white p-3 text-center text-black" data-testid="location-label">
        {qr.data ? <img src={qr.data} alt={`QR code: ${url}`} className="aspect-square w-full" data-qr-text={url} /> : <Skeleton className="aspect-square w-full" />}
        <figcaption className="grid gap-0.5">
          <span className="text-xl font-bold break-words">{loc.name}</span>
          {loc.description ? <span className="text-sm break-words">{loc.description}</span> : null}
        </figcaption>
      </figure>
    </>
  );
}
