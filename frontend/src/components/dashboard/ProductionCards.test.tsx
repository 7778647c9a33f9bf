import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { RecentCompletionsCard, RunsInProgressCard } from "@/components/dashboard/ProductionCards";
import { runMaterialCost, type Run } from "@/queries/productionInsights";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

function makeRun(overrides: Partial<Run>): Run {
  return {
    id: "cccccccc-cccc-4ccc-8ccc-000000000001",
    run_number: "RUN-0001",
    run_date: "2026-12-01",
    status: "completed",
    printer_id: null,
    started_at: "2026-12-01T09:00:00Z",
    completed_at: "2026-12-01T12:00:00Z",
    items: [{ quantity: 5, sku: "MOD-001" }],
    materials: [],
    estimated_grams: 100,
    actual_grams: 110,
    variance_grams: 10,
    variance_pct: 10,
    success_rate: 100,
    cost_per_gram_actual: null,
    ...overrides,
  } as Run;
}

const runs = (byStatus: Record<string, Run[]>) => (call: RecordedRequest) => {
  if (call.method !== "GET" || call.path !== "/api/v1/production-runs") return undefined;
  const items = byStatus[call.query.get("status") ?? ""] ?? [];
  return json({ items, total: items.length, limit: 5, offset: 0 });
};

describe("runMaterialCost", () => {
  it("sums actual grams × cost per gram of the lines with both, and is unknown without any", () => {
    const materials = [
      { actual_grams: 60, cost_per_gram: 0.025 },
      { actual_grams: 40, cost_per_gram: 0.03 },
      { actual_grams: 10, cost_per_gram: null },
    ] as Run["materials"];
    expect(runMaterialCost({ materials })).toBe(2.7);
    expect(runMaterialCost({ materials: [] })).toBeNull();
  });
});

describe("production cards", () => {
  it("lists the runs in progress and the recent completions with their cost and variance", async () => {
    const api = mockApi(
      meHandler("viewer"),
      runs({
        in_progress: [makeRun({ id: "cccccccc-cccc-4ccc-8ccc-000000000002", run_number: "RUN-0002", status: "in_progress", completed_at: null })],
        completed: [makeRun({ materials: [{ actual_grams: 110, cost_per_gram: 0.02 }] as Run["materials"] })],
      }),
    );
    renderWithApp(
      <>
        <RunsInProgressCard />
        <RecentCompletionsCard />
      </>,
    );
    expect(await screen.findByTestId("runs-in-progress")).toHaveTextContent("RUN-0002");
    expect(screen.getByText("1 run in progress.")).toBeInTheDocument();
    const done = await screen.findByTestId("recent-completions");
    expect(done).toHaveTextContent("RUN-0001");
    expect(done).toHaveTextContent("5× MOD-001");
    expect(done).toHaveTextContent("£2.20");
    expect(done).toHaveTextContent("+10% vs estimate");
    expect(screen.getByRole("link", { name: "RUN-0001" })).toHaveAttribute("href", "/production-runs/cccccccc-cccc-4ccc-8ccc-000000000001");
    const statuses = api.requests.filter((call) => call.path === "/api/v1/production-runs").map((call) => call.query.get("status"));
    expect(statuses.sort()).toEqual(["completed", "in_progress"]);
  });

  it("says when nothing is printing, and shows a failing service in words", async () => {
    mockApi(meHandler("member"), (call) => (call.query.get("status") === "completed" ? apiError(503, "UNAVAILABLE", "down") : undefined), runs({}));
    renderWithApp(
      <>
        <RunsInProgressCard />
        <RecentCompletionsCard />
      </>,
    );
    expect(await screen.findByText("Nothing is printing.")).toBeInTheDocument();
    expect(await screen.findByRole("alert")).toHaveTextContent("A service is not answering right now");
  });
});
