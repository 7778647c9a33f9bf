/**
 * Label templates: physical sizes in millimetres (the preview and the print use the same layout), for label
 * printers (one label per page of a roll) and A4 sheets (a grid per page), and the fields a label shows.
 */

export type LabelField = "qr" | "brand" | "material" | "color" | "location" | "weight";

export const LABEL_FIELDS: { id: LabelField; name: string }[] = [
  { id: "qr", name: "QR code" },
  { id: "brand", name: "Brand" },
  { id: "material", name: "Material" },
  { id: "color", name: "Colour" },
  { id: "location", name: "Location" },
  { id: "weight", name: "Weight left" },
];

export const DEFAULT_FIELDS: readonly LabelField[] = ["qr", "brand", "material", "color"];

interface BaseTemplate {
  id: string;
  name: string;
  /** One label, width × height in mm. */
  width: number;
  height: number;
  /** Inner padding of a label, mm. */
  padding: number;
  /** Largest font sizes (pt) of the code and of the other lines; both shrink to fit (useLabelFit in FitText). */
  codePt: number;
  textPt: number;
}

/** A roll of a label printer: each label is a page of its own size. */
export interface RollTemplate extends BaseTemplate {
  kind: "roll";
}

/** Labels on an A4 sheet: `columns` × `rows` per page, from the page's top/left margin, with gaps. */
export interface SheetTemplate extends BaseTemplate {
  kind: "sheet";
  columns: number;
  rows: number;
  marginTop: number;
  marginLeft: number;
  gapX: number;
  gapY: number;
}

export type LabelTemplate = RollTemplate | SheetTemplate;

export const A4 = { width: 210, height: 297 } as const;

export const LABEL_TEMPLATES: LabelTemplate[] = [
  { id: "a4-3x8", kind: "sheet", name: "A4 sheet, 3 × 8 labels of 70 × 37 mm", width: 70, height: 37, padding: 2, codePt: 15, textPt: 9, columns: 3, rows: 8, marginTop: 0.5, marginLeft: 0, gapX: 0, gapY: 0 },
  { id: "a4-2x7", kind: "sheet", name: "A4 sheet, 2 × 7 labels of 99.1 × 38.1 mm", width: 99.1, height: 38.1, padding: 2.5, codePt: 17, textPt: 10, columns: 2, rows: 7, marginTop: 15.15, marginLeft: 4.65, gapX: 2.5, gapY: 0 },
  { id: "brother-62", kind: "roll", name: "Brother DK 62 mm continuous, 62 × 40 mm", width: 62, height: 40, padding: 2, codePt: 15, textPt: 9 },
  { id: "brother-29x90", kind: "roll", name: "Brother DK 29 × 90 mm", width: 90, height: 29, padding: 1.5, codePt: 14, textPt: 8.5 },
  { id: "dymo-54x25", kind: "roll", name: "Dymo 54 × 25 mm", width: 54, height: 25, padding: 1.5, codePt: 11, textPt: 7 },
  { id: "dymo-89x36", kind: "roll", name: "Dymo 89 × 36 mm", width: 89, height: 36, padding: 2, codePt: 15, textPt: 9 },
];

export const DEFAULT_TEMPLATE = LABEL_TEMPLATES[0] as LabelTemplate;

export function findTemplate(id: string | null): LabelTemplate {
  return LABEL_TEMPLATES.find((template) => template.id === id) ?? DEFAULT_TEMPLATE;
}

/** `?fields=qr,brand`: known fields in the canonical order; absent means the defaults, empty means none. */
export function parseFields(raw: string | null): LabelField[] {
  if (raw === null) return [...DEFAULT_FIELDS];
  const wanted = new Set(raw.split(",").map((part) => part.trim()));
  return LABEL_FIELDS.map((field) => field.id).filter((id) => wanted.has(id));
}

/** The QR code's side, mm: the label's inner height, but at most 40 % of its width (the text needs room). */
export function qrSize(template: LabelTemplate): number {
  const inner = template.height - 2 * template.padding;
  return Math.min(inner, Math.round(template.width * 0.4 * 10) / 10);
}

export function labelsPerPage(template: LabelTemplate): number {
  return template.kind === "sheet" ? template.columns * template.rows : 1;
}

/** Labels split into printed pages (a sheet holds columns × rows; a roll prints one per page). */
export function toPages<T>(items: T[], template: LabelTemplate): T[][] {
  const size = labelsPerPage(template);
  const pages: T[][] = [];
  for (let start = 0; start < items.length; start += size) pages.push(items.slice(start, start + size));
  return pages;
}

/** The print style of a template: the page size and margins, and a sheet's grid. */
export function printCss(template: LabelTemplate): string {
  if (template.kind === "roll") {
    return `@page { size: ${template.width}mm ${template.height}mm; margin: 0; }`;
  }
  return [
    `@page { size: A4; margin: 0; }`,
    `.label-page { padding: ${template.marginTop}mm 0 0 ${template.marginLeft}mm; width: ${A4.width}mm; height: ${A4.height}mm;`,
    ` display: grid !important; grid-template-columns: repeat(${template.columns}, ${template.width}mm);`,
    ` grid-auto-rows: ${template.height}mm; column-gap: ${template.gapX}mm; row-gap: ${template.gapY}mm; align-content: start; }`,
  ].join("");
}

/** A short description for the page header. */
export function describeTemplate(template: LabelTemplate, count: number): string {
  const labels = `${count} ${count === 1 ? "label" : "labels"}`;
  if (template.kind === "roll") return `${labels} of ${template.width} × ${template.height} mm, one per label of the roll.`;
  const pages = Math.max(1, Math.ceil(count / labelsPerPage(template)));
  return `${labels} on ${pages} A4 ${pages === 1 ? "sheet" : "sheets"} (${template.columns} × ${template.rows}).`;
}
