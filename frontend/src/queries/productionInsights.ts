/**
 * Read-only production figures for the analytics page and the dashboard: the variance report and short
 * run lists (in progress, recently completed). Keys start with "production-runs", so any run write that
 * touches that resource refreshes them too.
 */
import { useQuery } from "@tanstack/react-query";
import { productionApi, unwrap, type ProductionSchemas } from "@/lib/api";

export type VarianceReport = ProductionSchemas["VarianceReport"];
export type DayVariance = ProductionSchemas["DayVariance"];
export type RunVariance = ProductionSchemas["RunVariance"];
export type ModelVariance = ProductionSchemas["ModelVariance"];
export type Run = ProductionSchemas["RunRead"];
export type RunStatus = ProductionSchemas["Status"];

/** Runs in the report's "top" list: enough for the whole window of a small shop, so the success rate is exact. */
export const REPORT_TOP = 100;

export const insightKeys = {
  variance: (days: number) => ["production-runs", "analytics", "variance", days] as const,
  runs: (status: RunStatus, limit: number) => ["production-runs", "list", { status, limit, insight: true }] as const,
};

export function useVarianceReport(days: number) {
  return useQuery({
    queryKey: insightKeys.variance(days),
    queryFn: async ({ signal }) =>
      unwrap(await productionApi.GET("/api/v1/production/analytics/variance", { params: { query: { days, top: REPORT_TOP } }, signal })),
  });
}

/** The latest runs with that status (the list's default order: newest first). */
export function useRunsWithStatus(status: RunStatus, limit: number) {
  return useQuery({
    queryKey: insightKeys.runs(status, limit),
    queryFn: async ({ signal }) =>
      unwrap(await productionApi.GET("/api/v1/production-runs", { params: { query: { status, limit, offset: 0 } }, signal })),
  });
}

/** What a run's filament cost: Σ actual grams × the line's cost per gram; null when nothing is known. */
export function runMaterialCost(run: Pick<Run, "materials">): number | null {
  let total = 0;
  let known = false;
  for (const line of run.materials) {
    if (line.actual_grams == null || line.cost_per_gram == null) continue;
    total += line.actual_grams * line.cost_per_gram;
    known = true;
  }
  return known ? Math.round(total * 100) / 100 : null;
}

export interface VarianceTotals {
  estimatedGrams: number;
  actualGrams: number;
  varianceGrams: number;
  /** (actual − estimated) / estimated × 100, one decimal; null without an estimate. */
  variancePct: number | null;
  /** The mean of the runs' success rates (the runs of the top list that have one); null without any. */
  successRate: number | null;
  /** How many runs the success rate is over (less than the report's runs when it has more than REPORT_TOP). */
  successRuns: number;
}

export function varianceTotals(report: VarianceReport): VarianceTotals {
  const estimatedGrams = report.daily.reduce((sum, day) => sum + day.estimated_grams, 0);
  const actualGrams = report.daily.reduce((sum, day) => sum + day.actual_grams, 0);
  const varianceGrams = actualGrams - estimatedGrams;
  const rates = report.top_runs.map((run) => run.success_rate).filter((rate): rate is number => rate != null);
  return {
    estimatedGrams,
    actualGrams,
    varianceGrams,
    variancePct: estimatedGrams > 0 ? Math.round((varianceGrams / estimatedGrams) * 1000) / 10 : null,
    successRate: rates.length > 0 ? Math.round((rates.reduce((sum, rate) => sum + rate, 0) / rates.length) * 10) / 10 : null,
    successRuns: rates.length,
  };
}

/** "+4.2%" / "−3%" / "±0%": the sign said, as variances are read. */
export function formatSignedPct(value: number | null | undefined): string {
  if (value == null) return "—";
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  return `${sign}${Math.abs(Math.round(value * 10) / 10)}%`;
}
