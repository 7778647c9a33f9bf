import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { axisBound } from "@/components/analytics/VarianceChart";
import AnalyticsPage, { parseDays } from "@/pages/analytics/AnalyticsPage";
import { formatSignedPct, varianceTotals, type VarianceReport } from "@/queries/productionInsights";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const RUN_A = "bbbbbbbb-bbbb-4bbb-8bbb-00000000000a";
const RUN_B = "bbbbbbbb-bbbb-4bbb-8bbb-00000000000b";
const MODEL = "44444444-4444-4444-8444-444444444444";

const REPORT: VarianceReport = {
  days: 30,
  runs: 2,
  daily: [
    { day: "2026-12-01", estimated_grams: 100, actual_grams: 112, variance_grams: 12, variance_pct: 12, success_rate: 100 },
    { day: "2026-12-03", estimated_grams: 200, actual_grams: 194, variance_grams: -6, variance_pct: -3, success_rate: 80 },
  ],
  top_runs: [
    { run_id: RUN_B, run_number: "RUN-0002", run_date: "2026-12-03", estimated_grams: 200, actual_grams: 194, variance_grams: -6, variance_pct: -3, success_rate: 80, time_variance_hours: null },
    { run_id: RUN_A, run_number: "RUN-0001", run_date: "2026-12-01", estimated_grams: 100, actual_grams: 112, variance_grams: 12, variance_pct: 12, success_rate: 100, time_variance_hours: 0.5 },
  ],
  models: [{ model_id: MODEL, sku: "MOD-001", runs: 2, avg_variance_pct: 4.5, success_rate: 90 }],
};

const analytics = (report: VarianceReport) => (call: RecordedRequest) =>
  call.method === "GET" && call.path === "/api/v1/production/analytics/variance" ? json({ ...report, days: Number(call.query.get("days")) }) : undefined;

describe("variance figures", () => {
  it("totals the window from the daily rows and averages the runs' success", () => {
    expect(varianceTotals(REPORT)).toEqual({ estimatedGrams: 300, actualGrams: 306, varianceGrams: 6, variancePct: 2, successRate: 90, successRuns: 2 });
    expect(varianceTotals({ ...REPORT, daily: [], top_runs: [] }).variancePct).toBeNull();
  });

  it("says the sign and picks a round axis", () => {
    expect(formatSignedPct(4.24)).toBe("+4.2%");
    expect(formatSignedPct(-3)).toBe("−3%");
    expect(formatSignedPct(0)).toBe("±0%");
    expect(axisBound([{ variance_pct: 2 }])).toBe(5);
    expect(axisBound([{ variance_pct: -12 }])).toBe(20);
    expect(axisBound([{ variance_pct: 73 }])).toBe(100);
    expect(parseDays("90")).toBe(90);
    expect(parseDays("13")).toBe(30);
  });
});

describe("AnalyticsPage", () => {
  it("shows the totals, one bar per day, the runs furthest off first and the models", async () => {
    mockApi(meHandler("viewer"), analytics(REPORT));
    renderWithApp(<AnalyticsPage />, { route: "/analytics" });
    expect(await screen.findByTestId("analytics-variance")).toHaveTextContent("+2%");
    expect(screen.getByTestId("analytics-runs")).toHaveTextContent("2");
    expect(screen.getByTestId("analytics-success")).toHaveTextContent("90%");
    expect(screen.getAllByTestId("variance-bar")).toHaveLength(2);
    const rows = within(screen.getByRole("table", { name: "Runs furthest off" })).getAllByRole("row").slice(1);
    expect(rows[0]).toHaveTextContent("RUN-0001");
    expect(rows[0]).toHaveTextContent("+12%");
    expect(within(rows[0] as HTMLElement).getByRole("link", { name: "RUN-0001" })).toHaveAttribute("href", `/production-runs/${RUN_A}`);
    expect(within(screen.getByRole("table", { name: "Variance by model" })).getByRole("link", { name: "MOD-001" })).toHaveAttribute("href", `/models/${MODEL}`);
    // The chart's figures are there for screen readers too.
    expect(screen.getByRole("table", { name: /Filament variance per day/ })).toHaveTextContent("−3%");
    // No write controls anywhere on this page.
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("asks the API for the chosen period and keeps it in the URL", async () => {
    const api = mockApi(meHandler("member"), analytics(REPORT));
    renderWithApp(<AnalyticsPage />, { route: "/analytics" });
    await screen.findByTestId("analytics-variance");
    await userEvent.setup().selectOptions(screen.getByLabelText("Period"), "Last 90 days");
    await waitFor(() => expect(api.requests.at(-1)?.query.get("days")).toBe("90"));
    expect(screen.getByTestId("location")).toHaveTextContent("days=90");
  });

  it("explains an empty period", async () => {
    mockApi(meHandler("member"), analytics({ ...REPORT, runs: 0, daily: [], top_runs: [], models: [] }));
    renderWithApp(<AnalyticsPage />, { route: "/analytics" });
    expect(await screen.findByText("No completed runs in this period")).toBeInTheDocument();
  });
});
