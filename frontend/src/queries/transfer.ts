/**
 * Import and export (services/inventory README "Import and export"): CSV exports fetched with the session's
 * token and saved as a file, and the imports (CSV of filament types or spools, a Spoolman export or URL, a
 * SpoolmanDB catalogue) sent as multipart forms. A dry run changes nothing; the real run of a file with bad
 * rows answers 422 IMPORT_INVALID with the same report, which is returned here like a dry run's.
 */
import { useMutation } from "@tanstack/react-query";
import type { InventorySchemas } from "@/lib/api";
import { ApiError } from "@/lib/errors";
import { useTouch } from "@/lib/resources";
import { session } from "@/lib/session";
import type { SpoolListParams } from "@/queries/spools";

export type ImportReport = InventorySchemas["ImportReport"];
export type ImportKind = "spools" | "filament-types" | "spoolman" | "spoolmandb";

export const IMPORT_KINDS: { value: ImportKind; label: string; accept: string; url: boolean }[] = [
  { value: "spools", label: "Spools (CSV)", accept: ".csv,text/csv", url: false },
  { value: "filament-types", label: "Filament types (CSV)", accept: ".csv,text/csv", url: false },
  { value: "spoolman", label: "Spoolman (JSON or CSV export, or its URL)", accept: ".json,.csv,application/json,text/csv", url: true },
  { value: "spoolmandb", label: "SpoolmanDB catalogue (manufacturer JSON)", accept: ".json,application/json", url: true },
];

/** The export's query string: the list's filters and sort, without paging. */
export function exportQuery(params: Partial<SpoolListParams>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (name === "limit" || name === "offset" || value === undefined || value === null || value === "") continue;
    query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** Downloads `path` with the session's token and saves it as `filename` (a streamed CSV from the API). */
export async function downloadCsv(path: string, filename: string): Promise<void> {
  const response = await session.fetch(new Request(new URL(path, window.location.origin)));
  if (!response.ok) throw ApiError.fromBody(response.status, await response.json().catch(() => null));
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface ImportRequest {
  kind: ImportKind;
  file?: File | null;
  url?: string;
  /** Spoolman: the instance's name (its ids are matched per instance); blank = the URL, or the default. */
  instance?: string;
  dryRun: boolean;
}

/** Sends one import and answers its report (also for a refused real run, whose report says why). */
export async function sendImport({ kind, file, url, instance, dryRun }: ImportRequest): Promise<ImportReport> {
  const form = new FormData();
  if (file) form.append("file", file);
  else if (url) form.append("url", url);
  if (kind === "spoolman" && instance) form.append("instance", instance);
  const request = new Request(new URL(`/api/v1/inventory/import/${kind}?dry_run=${dryRun}`, window.location.origin), {
    method: "POST",
    body: form,
  });
  const response = await session.fetch(request);
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body as ImportReport;
  if (response.status === 422 && typeof body === "object" && body !== null && "report" in body) {
    return (body as { report: ImportReport }).report;
  }
  throw ApiError.fromBody(response.status, body);
}

export function useImport() {
  const touch = useTouch();
  return useMutation({
    mutationFn: sendImport,
    onSuccess: (report) => {
      if (report.applied) {
        touch("spool.write");
        touch("filament-type.write");
        touch("material-type.write");
      }
    },
  });
}
