/**
 * /spools/labels?ids=a,b,c&template=a4-3x8&fields=qr,brand: labels (QR code + code and chosen fields) at the
 * physical size of a label printer's roll or an A4 sheet. The preview is the print's layout at real size
 * (scaled down only where the screen is narrower than a label); the print shows the labels and nothing else.
 * qrcode is imported on demand, so it is only downloaded when labels are printed.
 */
import { useQueries, useQuery } from "@tanstack/react-query";
import { Printer } from "lucide-react";
import { useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { SpoolLabel } from "@/components/spools/SpoolLabel";
import { describeTemplate, findTemplate, LABEL_FIELDS, LABEL_TEMPLATES, parseFields, printCss, toPages, type LabelField, type LabelTemplate } from "@/components/spools/labels/templates";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { spoolQueryOptions, type Spool } from "@/queries/spools";

const MAX_LABELS = 100;
const PX_PER_MM = 96 / 25.4;

/** The ids asked for: valid, without repeats, at most 100; and how many were dropped. */
function parseIds(raw: string | null): { ids: string[]; invalid: number; overLimit: number } {
  const parts = (raw ?? "").split(",").map((part) => part.trim()).filter(Boolean);
  const valid = [...new Set(parts.filter((part) => isUuid(part)))];
  return { ids: valid.slice(0, MAX_LABELS), invalid: parts.length - parts.filter((part) => isUuid(part)).length, overLimit: Math.max(0, valid.length - MAX_LABELS) };
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

function LabelWithQr({ spool, template, fields }: { spool: Spool; template: LabelTemplate; fields: LabelField[] }) {
  const qr = useQrDataUrl(spoolUrl(spool.id));
  return <SpoolLabel spool={spool} qrDataUrl={qr.data} template={template} fields={fields} />;
}

/** The width of the element, followed as the window resizes. */
function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number>();
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/** A label at real size, or scaled down as a whole (never re-flowed) where the screen is narrower. */
function LabelSlot({ template, scale, children }: { template: LabelTemplate; scale: number; children: ReactNode }) {
  if (scale >= 1) return <div className="label-slot">{children}</div>;
  return (
    <div className="label-slot" style={{ width: `${template.width * scale}mm`, height: `${template.height * scale}mm` }}>
      <div className="label-scale" style={{ transform: `scale(${scale})`, transformOrigin: "top left" }}>
        {children}
      </div>
    </div>
  );
}

/** Print: no app chrome, the labels at the template's page size; a roll prints one label per page. */
function PrintStyle({ template }: { template: LabelTemplate }) {
  const common = [
    ".label-sheet { display: block !important; }",
    ".label-slot { width: auto !important; height: auto !important; }",
    ".label-scale { transform: none !important; }",
    ".label-page { gap: 0 !important; margin: 0 !important; break-after: page; }",
    ".label-page:last-child { break-after: auto; }",
    ".spool-label { break-inside: avoid; }",
  ];
  const roll = template.kind === "roll" ? [".label-page { display: block !important; }", ".label-slot { break-after: page; }", ".label-slot:last-child { break-after: auto; }"] : [];
  return <style>{`@media print { ${printCss(template)} ${[...common, ...roll].join(" ")} }`}</style>;
}

function LabelOptions({ template, fields, onTemplate, onFields }: { template: LabelTemplate; fields: LabelField[]; onTemplate: (id: string) => void; onFields: (fields: LabelField[]) => void }) {
  const toggle = (id: LabelField, on: boolean) => onFields(LABEL_FIELDS.map((field) => field.id).filter((field) => (field === id ? on : fields.includes(field))));
  return (
    <div className="mb-4 grid gap-3 rounded-md border p-3 sm:grid-cols-[minmax(0,20rem)_1fr]">
      <div className="grid gap-1.5">
        <Label htmlFor="label-template">Label size</Label>
        <NativeSelect id="label-template" value={template.id} onChange={(event) => onTemplate(event.target.value)}>
          {LABEL_TEMPLATES.map((option) => (
            <option key={option.id} value={option.id}>
              {option.name}
            </option>
          ))}
        </NativeSelect>
      </div>
      <fieldset className="grid gap-1.5">
        <legend className="mb-1.5 text-sm font-medium">Show on the label (the code is always shown)</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-2">
          {LABEL_FIELDS.map((field) => (
            <div key={field.id} className="flex items-center gap-2">
              <Checkbox id={`label-field-${field.id}`} checked={fields.includes(field.id)} onCheckedChange={(checked) => toggle(field.id, checked === true)} />
              <Label htmlFor={`label-field-${field.id}`} className="font-normal">
                {field.name}
              </Label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export default function LabelsPage() {
  const [params, setParams] = useSearchParams();
  const { ids, invalid, overLimit } = useMemo(() => parseIds(params.get("ids")), [params]);
  const template = findTemplate(params.get("template"));
  const fields = useMemo(() => parseFields(params.get("fields")), [params]);
  const results = useQueries({ queries: ids.map((id) => spoolQueryOptions(id)) });
  const { ref: sheetRef, width } = useWidth();

  const spools = results.flatMap((result) => (result.data ? [result.data] : []));
  const loading = results.filter((result) => result.isPending).length;
  const missing = results.filter((result) => result.error instanceof ApiError && result.error.status === 404).length;
  const otherError = results.find((result) => result.isError && !(result.error instanceof ApiError && result.error.status === 404))?.error;
  const scale = width ? Math.min(1, width / (template.width * PX_PER_MM)) : 1;

  const setParam = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set(name, value);
        return next;
      },
      { replace: true },
    );

  return (
    <>
      <PrintStyle template={template} />
      <div className="no-print">
        <PageHeader
          title="Spool labels"
          description={ids.length ? describeTemplate(template, ids.length) : undefined}
          actions={
            spools.length ? (
              <Button onClick={() => window.print()} disabled={loading > 0}>
                <Printer aria-hidden />
                Print
              </Button>
            ) : null
          }
        />
        {ids.length ? <LabelOptions template={template} fields={fields} onTemplate={(id) => setParam("template", id)} onFields={(next) => setParam("fields", next.join(","))} /> : null}
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
        <div ref={sheetRef} className="label-sheet grid gap-3" data-template={template.id}>
          {toPages(spools, template).map((page, index) => (
            <div key={index} className="label-page flex flex-wrap gap-3">
              {page.map((spool) => (
                <LabelSlot key={spool.id} template={template} scale={scale}>
                  <LabelWithQr spool={spool} template={template} fields={fields} />
                </LabelSlot>
              ))}
            </div>
          ))}
          {loading > 0 ? (
            <div className="flex flex-wrap gap-3 no-print">
              {Array.from({ length: loading }, (_, index) => (
                <Skeleton key={`loading-${index}`} style={{ width: `${template.width * scale}mm`, height: `${template.height * scale}mm` }} />
              ))}
            </div>
          ) : null}
        </div>
      )}
    </>
  );
}
