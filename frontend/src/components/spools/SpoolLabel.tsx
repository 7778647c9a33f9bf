import { FitText } from "@/components/spools/labels/FitText";
import { DEFAULT_FIELDS, DEFAULT_TEMPLATE, qrSize, type LabelField, type LabelTemplate } from "@/components/spools/labels/templates";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { Skeleton } from "@/components/ui/skeleton";
import { formatGrams } from "@/lib/format";
import type { Spool } from "@/queries/spools";

interface SpoolLabelProps {
  spool: Spool;
  qrDataUrl: string | undefined;
  template?: LabelTemplate;
  fields?: readonly LabelField[];
}

/** Smallest sizes: a code shrinks further than a name before it could be cut (it never is: see FitText); a name
 * stays readable (70 % of the template's size) and ends in "…" past that. */
const CODE_MIN_PT = 4;
const TEXT_MIN_SHARE = 0.7;

/**
 * One printed label at the template's size in millimetres: a QR code to the spool's page, and its code
 * (one line, fitted) with the chosen fields. Names that do not fit shrink to a floor, then end in "…".
 */
export function SpoolLabel({ spool, qrDataUrl, template = DEFAULT_TEMPLATE, fields = DEFAULT_FIELDS }: SpoolLabelProps) {
  const type = spool.filament_type;
  const show = new Set(fields);
  const qr = qrSize(template);
  const text = (value: string, testId: string) => <FitText text={value} maxPt={template.textPt} minPt={Math.round(template.textPt * TEXT_MIN_SHARE * 4) / 4} ellipsis testId={testId} />;
  const materialLine = [show.has("material") ? type.material_code : null, show.has("weight") ? `${formatGrams(spool.current_weight)} left` : null]
    .filter(Boolean)
    .join(" · ");
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
      <div className="flex min-w-0 flex-1 flex-col justify-center self-stretch overflow-hidden" data-testid="label-text">
        <FitText text={spool.code} maxPt={template.codePt} minPt={CODE_MIN_PT} className="font-mono font-bold" testId="label-code" />
        {show.has("brand") ? text(type.brand, "label-brand") : null}
        {materialLine ? text(materialLine, "label-material") : null}
        {show.has("color") ? (
          <span className="flex min-w-0 items-center gap-[0.8mm]">
            <ColorSwatch hex={type.color_hex} className="size-[2.4mm] border-black/40 [print-color-adjust:exact]" />
            {text(type.color_name, "label-color")}
          </span>
        ) : null}
        {show.has("location") && spool.location ? text(spool.location, "label-location") : null}
      </div>
    </article>
  );
}
