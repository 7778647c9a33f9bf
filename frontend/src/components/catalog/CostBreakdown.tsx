/** A cost breakdown card: the parts, the total, the estimate badge and the lines without any cost. */
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formatMoney } from "@/lib/format";
import { cn } from "@/lib/utils";

export interface CostPart {
  label: string;
  value: number;
}

interface CostBreakdownProps {
  title: string;
  parts: CostPart[];
  totalLabel: string;
  total: number;
  currency: string;
  isEstimate: boolean;
  /** Names of the lines that have no cost at all (counted as 0). */
  uncosted: string[];
  /** More rows under the total (actual cost, suggested price). */
  extra?: ReactNode;
  className?: string;
}

export function EstimateBadge() {
  return (
    <Badge variant="warning" title="At least one material has no spool price yet: its material's typical cost is used.">
      Estimate
    </Badge>
  );
}

export function CostBreakdown({ title, parts, totalLabel, total, currency, isEstimate, uncosted, extra, className }: CostBreakdownProps) {
  return (
    <Card className={cn("h-fit", className)}>
      <CardHeader className="flex-row items-center justify-between gap-2">
        <CardTitle>{title}</CardTitle>
        {isEstimate ? <EstimateBadge /> : null}
      </CardHeader>
      <CardContent>
        <dl className="grid gap-1 text-sm" data-testid="cost-breakdown">
          {parts.map((part) => (
            <div key={part.label} className="flex justify-between gap-4">
              <dt className="text-muted-foreground">{part.label}</dt>
              <dd className="tabular-nums">{formatMoney(part.value, currency, { fine: true })}</dd>
            </div>
          ))}
          <div className="mt-1 flex justify-between gap-4 border-t pt-1 font-semibold">
            <dt>{totalLabel}</dt>
            <dd className="tabular-nums" data-testid="cost-total">
              {formatMoney(total, currency)}
            </dd>
          </div>
          {extra}
        </dl>
        {uncosted.length > 0 ? (
          <div role="note" className="mt-3 rounded-md border border-warning/60 bg-warning/10 p-2 text-xs">
            <p className="font-medium">Counted as 0 (no cost known yet):</p>
            <ul className="ml-4 list-disc">
              {uncosted.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

export function ExtraRow({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex justify-between gap-4">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="text-right tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
