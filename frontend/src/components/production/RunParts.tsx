/** Small pieces of the production pages: the run status badge, the deduction badge and a signed variance. */
import { Badge } from "@/components/ui/badge";
import { formatGrams, formatNumber } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { RunStatus } from "@/queries/production";

const STATUS: Record<RunStatus, { label: string; variant: "default" | "secondary" | "warning" | "destructive" | "outline" }> = {
  planned: { label: "Planned", variant: "outline" },
  in_progress: { label: "In progress", variant: "warning" },
  completed: { label: "Completed", variant: "default" },
  failed: { label: "Failed", variant: "destructive" },
  cancelled: { label: "Cancelled", variant: "secondary" },
};

export function statusLabel(status: string): string {
  return STATUS[status as RunStatus]?.label ?? status;
}

/** Red as text on an outline, not white on red: readable in both themes (WCAG AA contrast). */
const ALARM = "border-destructive text-destructive";

export function RunStatusBadge({ status }: { status: string }) {
  const known = STATUS[status as RunStatus] ?? { label: status, variant: "outline" as const };
  const alarm = known.variant === "destructive";
  return (
    <Badge variant={alarm ? "outline" : known.variant} className={alarm ? ALARM : undefined}>
      {known.label}
    </Badge>
  );
}

const DEDUCTION: Record<string, { label: string; variant: "default" | "secondary" | "warning" | "destructive" | "outline" }> = {
  none: { label: "Nothing pending", variant: "outline" },
  pending: { label: "Booking in inventory…", variant: "warning" },
  applied: { label: "Booked in inventory", variant: "secondary" },
  discrepancy: { label: "Booked with a discrepancy", variant: "destructive" },
};

export function DeductionBadge({ status }: { status: string }) {
  const known = DEDUCTION[status] ?? { label: status, variant: "outline" as const };
  const alarm = known.variant === "destructive";
  return (
    <Badge variant={alarm ? "outline" : known.variant} className={alarm ? ALARM : undefined} data-testid="deduction-status">
      {known.label}
    </Badge>
  );
}

/** "+12 g (+4.5%)" — more filament than planned is the costly direction, so it is the one that stands out. */
export function Variance({ grams, pct }: { grams: number | null | undefined; pct: number | null | undefined }) {
  if (grams == null) return <span className="text-muted-foreground">—</span>;
  const sign = grams > 0 ? "+" : grams < 0 ? "−" : "±";
  return (
    <span className={cn("tabular-nums", grams > 0 && "font-medium text-destructive")}>
      {sign}
      {formatGrams(Math.abs(grams))}
      {pct != null ? ` (${sign}${formatNumber(Math.abs(pct), 1)}%)` : ""}
    </span>
  );
}
