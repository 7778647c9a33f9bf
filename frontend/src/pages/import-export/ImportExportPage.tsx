/**
 * /import-export: export spools and filament types as CSV; import a CSV of spools or filament types, a
 * Spoolman export (or its URL) or a SpoolmanDB catalogue. "Check" is a dry run that lists every bad row by
 * line and field and what would be created or updated; "Import" writes (a file with bad rows writes nothing).
 */
import { FileCheck2, Upload } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { ExportButton } from "@/components/transfer/ExportButton";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { IMPORT_KINDS, useImport, type ImportKind, type ImportReport } from "@/queries/transfer";

/** Rows of the outcome table shown (the counts above it cover all of them). */
const SHOWN_RESULTS = 50;
const numbers = new Intl.NumberFormat();

function Counts({ report }: { report: ImportReport }) {
  const what = report.results.some((r) => r.kind === "spool") || report.source === "spoolman" ? "spools" : "filament types";
  const items: [string, number][] = [
    ["rows", report.rows],
    ["created", report.created],
    ["updated", report.updated],
    ["unchanged", report.unchanged],
    ["skipped", report.skipped],
    ["with errors", report.failed],
  ];
  return (
    <div className="grid gap-2">
      <p className="text-sm">
        {report.dry_run ? "Dry run — nothing was written. " : report.applied ? "Imported. " : "Nothing was imported. "}
        <span className="text-muted-foreground">Counts are {what}.</span>
        {report.source === "spoolman" ? (
          <span className="text-muted-foreground" data-testid="import-instance">
            {" "}
            Spoolman instance: {report.instance ?? "default"}.
          </span>
        ) : null}
      </p>
      <dl className="flex flex-wrap gap-2" data-testid="import-counts">
        {items.map(([label, value]) => (
          <div key={label} className="rounded-md border px-3 py-1.5 text-sm" data-count={label}>
            <dt className="text-xs text-muted-foreground">{label}</dt>
            <dd className="font-semibold tabular-nums">{numbers.format(value)}</dd>
          </div>
        ))}
      </dl>
      {report.filament_types_created > 0 || report.filament_types_updated > 0 || report.material_types_created.length > 0 ? (
        <p className="text-sm text-muted-foreground">
          Filament types: {report.filament_types_created} new, {report.filament_types_updated} updated
          {report.material_types_created.length > 0 ? `; new material types: ${report.material_types_created.join(", ")}` : ""}.
        </p>
      ) : null}
    </div>
  );
}

function Errors({ report }: { report: ImportReport }) {
  if (report.errors.length === 0) return null;
  return (
    <section aria-labelledby="import-errors" className="grid gap-2">
      <h3 id="import-errors" className="text-sm font-semibold text-destructive">
        {numbers.format(report.failed)} row(s) with errors
      </h3>
      {/* Focusable, so a keyboard can scroll a long list of errors. */}
      <div className="max-h-96 overflow-auto rounded-md border" tabIndex={0} role="region" aria-labelledby="import-errors">
        <Table data-testid="import-errors">
          <TableHeader>
            <TableRow>
              <TableHead className="w-16">Line</TableHead>
              <TableHead className="w-40">Field</TableHead>
              <TableHead>Problem</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.errors.map((error, index) => (
              <TableRow key={`${error.line}-${error.field ?? ""}-${index}`}>
                <TableCell className="tabular-nums">{error.line}</TableCell>
                <TableCell className="break-all">{error.field ?? "—"}</TableCell>
                <TableCell className="break-words">{error.message}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}

const ACTION_VARIANT = { created: "default", updated: "secondary", unchanged: "outline", skipped: "outline" } as const;

function Results({ report }: { report: ImportReport }) {
  if (report.results.length === 0) return null;
  const shown = report.results.slice(0, SHOWN_RESULTS);
  return (
    <section aria-labelledby="import-results" className="grid gap-2">
      <h3 id="import-results" className="text-sm font-semibold">
        Per row{report.results.length > SHOWN_RESULTS ? ` (first ${SHOWN_RESULTS} of ${numbers.format(report.results.length)})` : ""}
      </h3>
      <div className="max-h-96 overflow-auto rounded-md border" tabIndex={0} role="region" aria-labelledby="import-results">
        <Table data-testid="import-results">
          <TableHeader>
            <TableRow>
              <TableHead className="w-16">Line</TableHead>
              <TableHead className="w-28">Outcome</TableHead>
              <TableHead>Row</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((result, index) => (
              <TableRow key={`${result.kind}-${result.line}-${index}`}>
                <TableCell className="tabular-nums">{result.line}</TableCell>
                <TableCell>
                  <Badge variant={ACTION_VARIANT[result.action]}>{result.action}</Badge>
                </TableCell>
                <TableCell className="break-words">
                  <span className="text-muted-foreground">{result.kind === "spool" ? "Spool" : "Filament type"} · </span>
                  {result.kind === "spool" && (!report.dry_run || result.action === "skipped") ? (
                    <Link to={`/spools/${result.id}`} className="underline-offset-4 hover:underline">
                      {result.label}
                    </Link>
                  ) : (
                    result.label
                  )}
                  {result.note ? <span className="block text-sm text-muted-foreground">Skipped: {result.note}</span> : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}

function ImportCard() {
  const fileId = useId();
  const [kind, setKind] = useState<ImportKind>("spools");
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState("");
  const [instance, setInstance] = useState("");
  const [inputKey, setInputKey] = useState(0);
  const mutation = useImport();
  const spec = IMPORT_KINDS.find((k) => k.value === kind) ?? IMPORT_KINDS[0]!;
  const ready = file !== null || (spec.url && url.trim() !== "");
  const report = mutation.data;

  const send = (dryRun: boolean) => {
    mutation.mutate({ kind, file, url: url.trim(), instance: instance.trim(), dryRun });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(true);
  };
  const reset = (next: ImportKind) => {
    setKind(next);
    setFile(null);
    setUrl("");
    setInstance("");
    setInputKey((k) => k + 1);
    mutation.reset();
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Import</CardTitle>
        <CardDescription>
          Check a file first: the dry run lists every bad row with its line and field and changes nothing. A second import of the same
          file updates what the first one made (by spool code, external_id, or Spoolman id) instead of adding it again.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form className="grid gap-3 md:grid-cols-2" onSubmit={onSubmit}>
          <Field label="What to import">
            <NativeSelect value={kind} onChange={(event) => reset(event.target.value as ImportKind)}>
              {IMPORT_KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field
            label="File"
            hint={kind === "spools" || kind === "filament-types" ? "CSV with a header row, as the export writes it (10 MiB at most)." : "10 MiB at most."}
          >
            <Input
              key={inputKey}
              id={fileId}
              type="file"
              accept={spec.accept}
              data-testid="import-file"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                mutation.reset();
              }}
            />
          </Field>
          {spec.url ? (
            <Field label="Or its URL" hint={kind === "spoolman" ? "The Spoolman address, e.g. http://spoolman.local:7912" : "A raw filaments/<maker>.json URL"}>
              <Input type="url" inputMode="url" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://" disabled={file !== null} />
            </Field>
          ) : null}
          {kind === "spoolman" ? (
            <Field
              label="Spoolman instance (optional)"
              hint="Its spools are matched by their Spoolman id within this instance. Leave blank: a URL import uses the URL, an uploaded export the default instance."
            >
              <Input
                value={instance}
                maxLength={100}
                onChange={(event) => {
                  setInstance(event.target.value);
                  mutation.reset();
                }}
                placeholder="e.g. Workshop"
                data-testid="import-instance-name"
              />
            </Field>
          ) : null}
          <div className="flex flex-wrap items-end gap-2 md:col-span-2">
            <Button type="submit" variant="outline" disabled={!ready || mutation.isPending}>
              <FileCheck2 aria-hidden />
              Check (dry run)
            </Button>
            <Button type="button" onClick={() => send(false)} disabled={!ready || mutation.isPending || !report?.dry_run || (report.failed > 0 && kind !== "spoolman")}>
              <Upload aria-hidden />
              Import
            </Button>
            {mutation.isPending ? (
              <span className="text-sm text-muted-foreground" role="status">
                Working…
              </span>
            ) : null}
          </div>
        </form>
        <ErrorAlert error={mutation.error} />
        {report ? (
          <div className="grid gap-4" data-testid="import-report" data-dry-run={report.dry_run} data-applied={report.applied}>
            {!report.dry_run && report.applied ? <Alert>The import was written.</Alert> : null}
            {!report.dry_run && !report.applied ? <Alert variant="destructive">The file has bad rows; nothing was imported.</Alert> : null}
            <Counts report={report} />
            <Errors report={report} />
            <Results report={report} />
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

export default function ImportExportPage() {
  const { can } = useAuth();
  return (
    <>
      <PageHeader title="Import & export" description="Move spools and filament types in and out as CSV, or bring them over from Spoolman." />
      <div className="grid gap-4">
        <Card>
          <CardHeader>
            <CardTitle>Export</CardTitle>
            <CardDescription>CSV files in the import's own columns. The spools page exports what its filters show.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-wrap gap-2">
            <ExportButton path="/api/v1/inventory/export/spools.csv" filename="spools" label="Spools CSV" />
            <ExportButton path="/api/v1/inventory/export/filament-types.csv" filename="filament-types" label="Filament types CSV" />
          </CardContent>
        </Card>
        {can("member") ? <ImportCard /> : <Alert>Your role can export; importing needs a member.</Alert>}
      </div>
    </>
  );
}
