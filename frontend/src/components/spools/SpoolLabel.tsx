import { useMemo, useRef } from "react";
import { useLabelFit } from "@/components/spools/labels/FitText";
import { DEFAULT_FIELDS, DEFAULT_TEMPLATE, qrSize, type LabelField, type LabelTemplate } from "@/components/spools/labels/templates";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { Skeleton } from "@/components/ui/skeleton";
import { formatGrams } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { Spool } from "@/queries/spools";

interface SpoolLabelProps {
  spool: Spool;
  qrDataUrl: string | undefined;
  template?: LabelTemplate;
  fields?: readonly LabelField[];
}

/** One line of a label's text (a name): wraps at spaces only, never inside a word; sized by useLabelFit. */
function LabelLine({ text, testId, pt, className }: { text: string; testId: string; pt: number; className?: string }) {
  return (
    <span data-fit="line" data-testid={testId} title={text} style={{ fontSize: `${pt}pt` }} className={cn("block min-w-0 shrink-0 overflow-hidden leading-tight break-normal [overflow-wrap:normal] hyphens-none", className)}>
      {text}
    </span>
  );
}

/**
 * One printed label at the template's size in millimetres: a QR code to the spool's page, and its code
 * (one line) with the chosen fields. Nothing is cut: long names wrap onto two lines, then everything steps
 * down in size to a readable floor (useLabelFit).
 */
export function SpoolLabel({ spool, qrDataUrl, template = DEFAULT_TEMPLATE, fields = DEFAULT_FIELDS }: SpoolLabelProps) {
  const type = spool.filament_type;
  const show = new Set(fields);
  const qr = qrSize(template);
  const textRef = useRef<HTMLDivElement>(null);
  const materialLine = [show.has("material") ? type.material_code : null, show.has("weight") ? `${formatGrams(spool.current_weight)} left` : null]
    .filter(Boolean)
    .join(" · ");
  const location = show.has("location") ? spool.location : null;
  const content = [spool.code, show.has("brand") ? type.brand : "", materialLine, show.has("color") ? type.color_name : "", location ?? ""].join("\n");
  const sizes = useLabelFit(textRef, useMemo(() => ({ code: template.codePt, text: template.textPt }), [template.codePt, template.textPt]), content);
  return (
    <article
      data-testid="spool-label"
      aria-label={`Label of ${spool.code}`}
      className="spool-label flex shrink-0 items-center overflow-hidden border border-foreground/30 bg-white text-black break-inside-avoid print:border-black/40"
      style={{ width: `${template.width}mm`, height: `${template.height}mm`, padding: `${template.padding}mm`, gap: `${template.padding}mm` }}
    >
      {show.has("qr") ? (
        qrDataUrl ? (
          <img src={qrDataUrl} alt={`QR code for ${spool.code}`} className="shrink-0 [image-rendering:pixelated]" style={{ width: `${qr}mm`, height: `${qr}mm` }} />
        ) : (
          <Skeleton className="shrink-0" style={{ width: `${qr}mm`, height: `${qr}mm` }} />
        )
      ) : null}
      <div ref={textRef} className="flex min-w-0 flex-1 flex-col justify-center self-stretch overflow-hidden" data-testid="label-text">
        <span data-fit="code" data-testid="label-code" title={spool.code} className="block min-w-0 shrink-0 overflow-hidden whitespace-nowrap font-mono font-bold leading-tight" style={{ fontSize: `${sizes.code}pt` }}>
          {spool.code}
        </span>
        {show.has("brand") ? <LabelLine text={type.brand} testId="label-brand" pt={sizes.text} /> : null}
        {materialLine ? <LabelLine text={materialLine} testId="label-material" pt={sizes.text} /> : null}
        {show.has("color") ? (
          <span className="flex min-w-0 shrink-0 items-start gap-[0.8mm]" style={{ fontSize: `${sizes.text}pt` }}>
            {/* The ring in 60 % black: a white filament's dot keeps a 3:1 edge on the white label (40 % gave 2.85:1). */}
            <ColorSwatch hex={type.color_hex} className="mt-[0.3em] size-[2.4mm] shrink-0 border-black/60 [print-color-adjust:exact]" />
            <LabelLine text={type.color_name} testId="label-color" pt={sizes.text} className="flex-1" />
          </span>
        ) : null}
        {location ? <LabelLine text={location} testId="label-location" pt={sizes.text} /> : null}
      </div>
    </article>
  );
}
