import { ColorSwatch } from "@/components/ui/color-swatch";
import { Skeleton } from "@/components/ui/skeleton";
import type { Spool } from "@/queries/spools";

/** One printed label: a QR code to the spool's page, and its code, brand, material and colour to read by eye. */
export function SpoolLabel({ spool, qrDataUrl }: { spool: Spool; qrDataUrl: string | undefined }) {
  const type = spool.filament_type;
  return (
    <article
      data-testid="spool-label"
      className="flex items-center gap-3 rounded-md border border-foreground/30 bg-white p-2 text-black break-inside-avoid print:rounded-none print:border-black"
    >
      {qrDataUrl ? (
        <img src={qrDataUrl} alt={`QR code for ${spool.code}`} width={96} height={96} className="size-24 shrink-0 [image-rendering:pixelated]" />
      ) : (
        <Skeleton className="size-24 shrink-0" />
      )}
      <div className="min-w-0">
        <p className="font-mono text-2xl font-bold leading-tight">{spool.code}</p>
        <p className="truncate text-sm font-medium">{type.brand}</p>
        <p className="text-sm">{type.material_code}</p>
        <p className="flex items-center gap-1.5 truncate text-sm">
          <ColorSwatch hex={type.color_hex} className="border-black/40 print:[print-color-adjust:exact]" />
          {type.color_name}
        </p>
      </div>
    </article>
  );
}
