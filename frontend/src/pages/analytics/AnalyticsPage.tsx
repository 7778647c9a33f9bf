/** /analytics: production variance over a window — daily trend, the runs furthest off, models, success rate. */
import { Link, useSearchParams } from "react-router-dom";
import { VarianceChart } from "@/components/analytics/VarianceChart";
import { PageHeader } from "@/components/layout/PageHeader";
import { ErrorAlert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDate, formatGrams } from "@/lib/format";
import { cn } from "@/lib/utils";
import { formatSignedPct, useVarianceReport, varianceTotals, type VarianceReport } from "@/queries/productionInsights";

export const WINDOWS = [7, 30, 90, 365] as const;
const TOP_SHOWN = 10;

export function parseDays(value: string | null): number {
  const days = Number(value ?? "30");
  return (WINDOWS as readonly number[]).includes(days) ? days : 30;
}

function varianceTone(pct: number | null | undefined): string | undefined {
  if (pct == null) return undefined;
  return Math.abs(pct) >= 10 ? "font-semibold text-destructive" : undefined;
}

function Figure({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Card>
      <CardHeader className="pb-2">
        <CardDescription>{label}</CardDescription>
        <CardTitle className="text-2xl tabular-nums" data-testid={testId}>
          {value}
        </CardTitle>
      </CardHeader>
      {hint ? <CardContent className="text-xs text-muted-foreground">{hint}</CardContent> : null}
    </Card>
  );
}

function Report({ report }: { report: VarianceReport }) {
  const totals = varianceTotals(report);
  const top = [...report.top_runs].sort((a, b) => Math.abs(b.variance_pct ?? 0) - Math.abs(a.variance_pct ?? 0)).slice(0, TOP_SHOWN);
  const models = [...report.models].sort((a, b) => Math.abs(b.avg_variance_pct ?? 0) - Math.abs(a.avg_variance_pct ?? 0));
  return (
    <div className="grid gap-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <Figure label="Completed runs" value={String(report.runs)} testId="analytics-runs" />
        <Figure
          label="Filament variance"
          value={formatSignedPct(totals.variancePct)}
          hint={`${formatGrams(totals.actualGrams)} used against ${formatGrams(totals.estimatedGrams)} estimated.`}
          testId="analytics-variance"
        />
        <Figure
          label="Success rate"
          value={totals.successRate == null ? "—" : `${totals.successRate}%`}
          hint={totals.successRuns < report.runs ? `Over the ${totals.successRuns} runs furthest off.` : "Good units over planned, averaged over the runs."}
          testId="analytics-success"
        />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Daily trend</CardTitle>
          <CardDescription>Filament used against the estimate, per day of completed runs.</CardDescription>
        </CardHeader>
        <CardContent>
          <VarianceChart days={report.daily} title={`Filament variance per day over the last ${report.days} days`} />
        </CardContent>
      </Card>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>Runs furthest off</CardTitle>
            <CardDescription>By the size of their variance, over or under.</CardDescription>
          </CardHeader>
          <CardContent>
            <Table aria-label="Runs furthest off">
              <TableHeader>
                <TableRow>
                  <TableHead>Run</TableHead>
                  <TableHead className="hidden sm:table-cell">Date</TableHead>
                  <TableHead className="hidden text-right sm:table-cell">Estimated</TableHead>
                  <TableHead className="text-right">Actual</TableHead>
                  <TableHead className="text-right">Variance</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {top.map((run) => (
                  <TableRow key={run.run_id}>
                    <TableCell>
                      <Link to={`/production-runs/${run.run_id}`} className="font-mono underline-offset-4 hover:underline">
                        {run.run_number}
                      </Link>
                    </TableCell>
                    <TableCell className="hidden sm:table-cell">{formatDate(run.run_date)}</TableCell>
                    <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatGrams(run.estimated_grams)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatGrams(run.actual_grams)}</TableCell>
                    <TableCell className={cn("text-right tabular-nums", varianceTone(run.variance_pct))}>{formatSignedPct(run.variance_pct)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>By model</CardTitle>
            <CardDescription>Average variance and success rate of the runs that printed each model.</CardDescription>
          </CardHeader>
          <CardContent>
            <Table aria-label="Variance by model">
              <TableHeader>
                <TableRow>
                  <TableHead>Model</TableHead>
                  <TableHead className="text-right">Runs</TableHead>
                  <TableHead className="text-right">Avg variance</TableHead>
                  <TableHead className="text-right">Success</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {models.map((model) => (
                  <TableRow key={model.model_id}>
                    <TableCell>
                      <Link to={`/models/${model.model_id}`} className="font-mono underline-offset-4 hover:underline">
                        {model.sku ?? "Deleted model"}
                      </Link>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{model.runs}</TableCell>
                    <TableCell className={cn("text-right tabular-nums", varianceTone(model.avg_variance_pct))}>{formatSignedPct(model.avg_variance_pct)}</TableCell>
                    <TableCell className="text-right tabular-nums">{model.success_rate == null ? "—" : `${model.success_rate}%`}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

export default function AnalyticsPage() {
  const [params, setParams] = useSearchParams();
  const days = parseDays(params.get("days"));
  const report = useVarianceReport(days);
  const picker = (
    <div className="grid w-40 gap-1">
      <Label htmlFor="analytics-days">Period</Label>
      <NativeSelect id="analytics-days" value={String(days)} onChange={(event) => setParams(event.target.value === "30" ? {} : { days: event.target.value }, { replace: true })}>
        {WINDOWS.map((value) => (
          <option key={value} value={value}>
            Last {value} days
          </option>
        ))}
      </NativeSelect>
    </div>
  );
  return (
    <>
      <PageHeader title="Analytics" description="How far completed runs were from their estimates, and how many units came out good." actions={picker} />
      {report.error ? (
        <ErrorAlert error={report.error} />
      ) : !report.data ? (
        <div className="grid gap-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <Skeleton className="h-24" />
            <Skeleton className="h-24" />
            <Skeleton className="h-24" />
          </div>
          <Skeleton className="h-64" />
          <TableSkeleton rows={4} />
        </div>
      ) : report.data.runs === 0 ? (
        <EmptyState title="No completed runs in this period">Complete a production run (weighing its spools before and after) and its variance shows up here.</EmptyState>
      ) : (
        <Report report={report.data} />
      )}
    </>
  );
}
