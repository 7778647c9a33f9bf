/** A button that saves a CSV export of the API (the token travels with the request, so no plain link). */
import { Download } from "lucide-react";
import { useState } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { errorMessage } from "@/lib/errors";
import { toast } from "@/lib/toast";
import { downloadCsv, exportQuery, today } from "@/queries/transfer";
import type { SpoolListParams } from "@/queries/spools";

interface ExportButtonProps extends Omit<ButtonProps, "onClick"> {
  /** API path of the export, e.g. /api/v1/inventory/export/spools.csv (with its query string). */
  path: string;
  /** File name without the date and extension. */
  filename: string;
  label?: string;
}

export function ExportButton({ path, filename, label = "Export CSV", variant = "outline", ...props }: ExportButtonProps) {
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    try {
      await downloadCsv(path, `${filename}-${today()}.csv`);
    } catch (error) {
      toast({ title: "The export failed", description: errorMessage(error), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant={variant} onClick={() => void onClick()} disabled={busy} aria-busy={busy} {...props}>
      <Download aria-hidden />
      {label}
    </Button>
  );
}

/** The spools page's export: the spools the list's current filters and sort show, every page. */
export function ExportSpoolsButton({ params }: { params: Partial<SpoolListParams> }) {
  return <ExportButton path={`/api/v1/inventory/export/spools.csv${exportQuery(params)}`} filename="spools" />;
}
