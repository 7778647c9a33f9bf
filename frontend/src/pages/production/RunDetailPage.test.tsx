import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import RunDetailPage from "@/pages/production/RunDetailPage";
import { makePrinter, makeRun, RUN_ID, SPOOL_A } from "@/test/productionFixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import type { Role } from "@/lib/roles";
import type { Run } from "@/queries/production";

const LINE_ID = "cccccccc-cccc-4ccc-8ccc-ccccccccccc1";
const ITEM_ID = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbb1";

function reads(run: () => Run) {
  return ({ method, path }: RecordedRequest) => {
    if (method !== "GET") return undefined;
    if (path === "/api/v1/printers") return json({ items: [makePrinter()], total: 1, limit: 200, offset: 0 });
    if (path === `/api/v1/production-runs/${RUN_ID}`) return json(run());
    if (path === `/api/v1/spools/${SPOOL_A}`) return json({ id: SPOOL_A, code: "SPL-0001", empty_spool_weight: 250 });
    return undefined;
  };
}

function renderRun(role: Role, run: Run, ...handlers: ((call: RecordedRequest) => Response | undefined)[]) {
  const api = mockApi(meHandler(role), reads(() => run), ...handlers);
  renderWithApp(<RunDetailPage />, { route: `/production-runs/${RUN_ID}`, path: "/production-runs/:runId" });
  return api;
}

describe("RunDetailPage", () => {
  it("shows the run with its lines, and a gross weighing subtracts the spool's tare before it is sent", async () => {
    const api = renderRun("member", makeRun(), (call) =>
      call.method === "PATCH" && call.path === `/api/v1/production-runs/${RUN_ID}/materials/${LINE_ID}` ? json(makeRun()) : undefined,
    );
    expect(await screen.findByRole("heading", { name: "RUN-20261201-001" })).toBeInTheDocument();
    expect(screen.getByText("In progress")).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Weigh SPL-0001" }));
    const gross = await screen.findByRole("radio", { name: /Gross \(spool on the scale, tare 250 g\)/ });
    await user.click(gross);
    await user.type(screen.getByLabelText("Before printing (g)"), "1050");
    await user.type(screen.getByLabelText("After printing (g)"), "840");
    await user.click(screen.getByRole("button", { name: "Save weights" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Save weights" })).not.toBeInTheDocument());
    const patch = api.requests.find((call) => call.method === "PATCH");
    expect(patch?.body).toMatchObject({ weight_before: 800, weight_after: 590 });
  });

  it("puts the API's INVALID_WEIGHING under 'After printing'", async () => {
    renderRun("member", makeRun(), (call) =>
      call.method === "PATCH" ? apiError(422, "INVALID_WEIGHING", "weight_after (900) is more than weight_before (800)") : undefined,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Weigh SPL-0001" }));
    await user.type(screen.getByLabelText("Before printing (g)"), "800");
    await user.type(screen.getByLabelText("After printing (g)"), "700");
    await user.click(screen.getByRole("button", { name: "Save weights" }));
    await waitFor(() => expect(screen.getByLabelText("After printing (g)")).toHaveAccessibleDescription("weight_after (900) is more than weight_before (800)"));
  });

  it("completes with the good and failed counts; a retry after a 503 reuses the key, MISSING_ACTUALS says to weigh", async () => {
    let answer = 0;
    const api = renderRun("member", makeRun(), (call) => {
      if (call.method !== "POST" || call.path !== `/api/v1/production-runs/${RUN_ID}/complete`) return undefined;
      answer += 1;
      if (answer === 1) return apiError(503, "UNAVAILABLE", "down");
      if (answer === 2) return apiError(422, "MISSING_ACTUALS", "No actual grams on SPL-0001");
      return json(makeRun({ status: "completed", deduction: { status: "pending", spools: [] } }));
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Complete…" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByLabelText("Good MOD-001")).toHaveValue("5");
    await user.clear(within(dialog).getByLabelText("Good MOD-001"));
    await user.type(within(dialog).getByLabelText("Good MOD-001"), "4");
    await user.clear(within(dialog).getByLabelText("Failed MOD-001"));
    await user.type(within(dialog).getByLabelText("Failed MOD-001"), "1");
    await user.click(within(dialog).getByRole("button", { name: "Complete run" }));
    expect(await within(dialog).findByText("A service is not answering right now. Try again in a moment.")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Complete run" }));
    expect(await within(dialog).findByText("Weigh every spool first. No actual grams on SPL-0001")).toBeInTheDocument();

    const posts = api.requests.filter((call) => call.path.endsWith("/complete"));
    expect(posts[0]?.body).toMatchObject({ items: [{ item_id: ITEM_ID, successful_quantity: 4, failed_quantity: 1 }] });
    expect(posts[1]?.headers.get(IDEMPOTENCY_HEADER)).toBe(posts[0]?.headers.get(IDEMPOTENCY_HEADER));
  });

  it("refuses more good and failed units than planned before asking the API", async () => {
    const api = renderRun("member", makeRun());
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Complete…" }));
    await user.clear(screen.getByLabelText("Failed MOD-001"));
    await user.type(screen.getByLabelText("Failed MOD-001"), "2");
    await user.click(screen.getByRole("button", { name: "Complete run" }));
    expect(screen.getByLabelText("Good MOD-001")).toHaveAccessibleDescription("Good and failed add up to more than the 5 planned");
    expect(api.requests.some((call) => call.method === "POST")).toBe(false);
  });

  it("fails with a reason and the waste per spool", async () => {
    const api = renderRun("member", makeRun(), (call) => (call.method === "POST" && call.path.endsWith("/fail") ? json(makeRun({ status: "failed" })) : undefined));
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Fail…" }));
    await user.click(screen.getByRole("button", { name: "Mark failed" }));
    expect(screen.getByLabelText("Reason")).toHaveAccessibleDescription("Say what went wrong");
    await user.type(screen.getByLabelText("Reason"), "Spaghetti at layer 40");
    await user.type(screen.getByLabelText("Waste on SPL-0001 (g)"), "35.5");
    await user.click(screen.getByRole("button", { name: "Mark failed" }));
    await waitFor(() => expect(api.requests.some((call) => call.path.endsWith("/fail"))).toBe(true));
    const post = api.requests.find((call) => call.path.endsWith("/fail"));
    expect(post?.body).toEqual({ reason: "Spaghetti at layer 40", waste: [{ spool_id: SPOOL_A, grams: 35.5 }] });
    expect(post?.headers.get(IDEMPOTENCY_HEADER)).toMatch(/\S{8,}/);
  });

  it("cancels an in-progress run with the grams used", async () => {
    const api = renderRun("member", makeRun(), (call) => (call.method === "POST" && call.path.endsWith("/cancel") ? json(makeRun({ status: "cancelled" })) : undefined));
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Cancel run…" }));
    await user.type(screen.getByLabelText("Used from SPL-0001 (g)"), "12");
    await user.click(screen.getByRole("button", { name: "Cancel run" }));
    await waitFor(() => expect(api.requests.find((call) => call.path.endsWith("/cancel"))?.body).toEqual({ materials: [{ spool_id: SPOOL_A, grams: 12 }] }));
  });

  it("lets admins revert a completed run behind a confirmation; members cannot", async () => {
    const completed = makeRun({ status: "completed", deduction: { status: "applied", spools: [] }, actual_grams: 210, variance_grams: 10, variance_pct: 5 });
    const api = renderRun("admin", completed, (call) => (call.method === "POST" && call.path.endsWith("/revert") ? json(makeRun()) : undefined));
    expect(await screen.findByText("Booked in inventory")).toBeInTheDocument();
    expect(screen.getByTestId("run-variance")).toHaveTextContent("+10 g (+5.0%)");
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Revert…" }));
    expect(api.requests.some((call) => call.path.endsWith("/revert"))).toBe(false);
    await user.click(screen.getByRole("button", { name: "Revert run" }));
    await waitFor(() => expect(api.requests.filter((call) => call.path.endsWith("/revert"))).toHaveLength(1));
  });

  it("hides revert from members", async () => {
    renderRun("member", makeRun({ status: "completed", deduction: { status: "applied", spools: [] } }));
    expect(await screen.findByRole("heading", { name: "RUN-20261201-001" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Revert…" })).not.toBeInTheDocument();
  });

  it("shows viewers no write controls", async () => {
    renderRun("viewer", makeRun());
    expect(await screen.findByRole("heading", { name: "RUN-20261201-001" })).toBeInTheDocument();
    for (const name of ["Start run", "Complete…", "Fail…", "Cancel run…", "Weigh SPL-0001", "Delete"]) {
      expect(screen.queryByRole("button", { name })).not.toBeInTheDocument();
    }
  });

  it("explains a deduction discrepancy", async () => {
    renderRun("member", makeRun({ status: "completed", deduction: { status: "discrepancy", spools: [{ spool_id: SPOOL_A, booked_grams: 180, discrepancy_grams: 30 }] } }));
    expect(await screen.findByText(/Inventory booked a different amount than this run used: SPL-0001 30 g/)).toBeInTheDocument();
  });
});
