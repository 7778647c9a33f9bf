import { formatPercent } from "@/lib/format";
import { cn } from "@/lib/utils";

/** How full a spool is, as a bar with its percentage; low spools show in the warning colour. */
export function RemainingBar({ pct, low, label, className }: { pct: number; low: boolean; label: string; className?: string }) {
  const clamped = Math.min(100, Math.max(0, pct));
  return (
    <div className={cn("flex items-center gap-2", className)}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped)}
        aria-valuetext={formatPercent(pct)}
        className="h-1.5 w-16 overflow-hidden rounded-full bg-muted sm:w-20"
      >
        <div className={cn("h-full rounded-full", low ? "bg-warning" : "bg-primary")} style={{ width: `${clamped}%` }} />
      </div>
      <span className="w-9 text-right text-xs tabular-nums text-muted-foreground">{formatPercent(pct)}</span>
    </div>
  );
}
