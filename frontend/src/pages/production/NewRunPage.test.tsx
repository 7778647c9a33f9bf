import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import NewRunPage from "@/pages/production/NewRunPage";
import { makeModel, MODEL_ID } from "@/test/catalogFixtures";
import { makeDefaults, makePrinter, makeRun, PRINTER_ID, RUN_ID, SPOOL_A, SPOOL_B } from "@/test/productionFixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const reads = ({ method, path, query }: RecordedRequest) => {
  if (method !== "GET") return undefined;
  if (path === "/api/v1/printers") return json({ items: [makePrinter()], total: 1, limit: 200, offset: 0 });
  if (path === "/api/v1/models") return json({ items: [makeModel()], total: 1, limit: 200, offset: 0 });
  if (path === "/api/v1/production/defaults") return json(makeDefaults({ quantity: Number(query.get("quantity")), materials: makeDefaults().materials.map((m) => ({ ...m, grams_total: 40 * Number(query.get("quantity")) })) }));
  return undefined;
};
const isCreate = (call: RecordedRequest) => call.method === "POST" && call.path === "/api/v1/production-runs";

async function planUpToMaterials(user: ReturnType<typeof userEvent.setup>, quantity: string) {
  const printer = await screen.findByRole("option", { name: /Prusa MK4 \(1 spool loaded\)/ });
  await user.selectOptions(screen.getByLabelText("Printer"), printer);
  await user.click(screen.getByRole("button", { name: "Next: items" }));
  await user.selectOptions(screen.getByLabelText("Model 1"), await screen.findByRole("option", { name: "MOD-001 · Articulated dragon" }));
  await user.clear(screen.getByLabelText("Quantity 1"));
  await user.type(screen.getByLabelText("Quantity 1"), quantity);
  await user.click(screen.getByRole("button", { name: "Next: materials" }));
  await screen.findByTestId("material-line");
}

describe("NewRunPage (the new-run wizard)", () => {
  it("proposes the BOM's grams on the printer's loaded spool with current / reserved / available, and plans the run with a key", async () => {
    const api = mockApi(meHandler("member"), reads, (call) => (isCreate(call) ? json(makeRun({ status: "planned" }), 201) : undefined));
    renderWithApp(<NewRunPage />);
    const user = userEvent.setup();
    await planUpToMaterials(user, "5");

    const defaults = api.requests.find((call) => call.path === "/api/v1/production/defaults");
    expect(defaults?.query.get("printer_id")).toBe(PRINTER_ID);
    expect(defaults?.query.get("model_id")).toBe(MODEL_ID);
    expect(screen.getByLabelText("Spool 1")).toHaveValue(SPOOL_A);
    expect(screen.getByLabelText("Grams 1")).toHaveValue("200");
    const stock = screen.getByTestId("spool-stock");
    expect(stock).toHaveTextContent("Current 800 g");
    expect(stock).toHaveTextContent("Reserved 100 g");
    expect(stock).toHaveTextContent("Available 700 g");
    expect(screen.queryByTestId("shortfall")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Plan run" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(`/production-runs/${RUN_ID}`));
    const posts = api.requests.filter(isCreate);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({
      printer_id: PRINTER_ID,
      items: [{ model_id: MODEL_ID, quantity: 5 }],
      materials: [{ spool_id: SPOOL_A, estimated_model_grams: 200, estimated_flush_grams: 0, estimated_tower_grams: 0 }],
      allow_insufficient: false,
    });
    expect(posts[0]?.headers.get(IDEMPOTENCY_HEADER)).toMatch(/\S{8,}/);
  });

  it("explains the shortfall, puts the API's 409 on the spool's line and plans only with the explicit override", async () => {
    const api = mockApi(meHandler("member"), reads, (call) => {
      if (!isCreate(call)) return undefined;
      const body = call.body as { allow_insufficient: boolean };
      if (!body.allow_insufficient) return apiError(409, "INSUFFICIENT_STOCK", "Spool SPL-0001 has 700 g available (800 g less 100 g reserved); 800 g needed, short by 100 g");
      return json(makeRun({ status: "planned" }), 201);
    });
    renderWithApp(<NewRunPage />);
    const user = userEvent.setup();
    await planUpToMaterials(user, "20");

    expect(screen.getByLabelText("Grams 1")).toHaveValue("800");
    expect(screen.getByTestId("shortfall")).toHaveTextContent("Short by 100 g: SPL-0001 has 700 g available.");
    const override = screen.getByRole("checkbox", { name: "Allow insufficient stock (plan it anyway)" });
    expect(override).not.toBeChecked();

    await user.click(screen.getByRole("button", { name: "Plan run" }));
    await waitFor(() => expect(screen.getByLabelText("Spool 1")).toHaveAccessibleDescription(/Spool SPL-0001 has 700 g available .* short by 100 g/));
    expect(screen.getByTestId("location")).not.toHaveTextContent("/production-runs/");

    await user.click(override);
    await user.click(screen.getByRole("button", { name: "Plan run" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(`/production-runs/${RUN_ID}`));
    const posts = api.requests.filter(isCreate);
    expect(posts.map((call) => (call.body as { allow_insufficient: boolean }).allow_insufficient)).toEqual([false, true]);
  });

  it("lets another spool be chosen, and a retry after a 503 reuses the same Idempotency-Key", async () => {
    let answer = 0;
    const api = mockApi(meHandler("member"), reads, (call) => {
      if (!isCreate(call)) return undefined;
      answer += 1;
      return answer === 1 ? apiError(503, "UNAVAILABLE", "down") : json(makeRun({ status: "planned" }), 201);
    });
    renderWithApp(<NewRunPage />);
    const user = userEvent.setup();
    await planUpToMaterials(user, "5");
    await user.selectOptions(screen.getByLabelText("Spool 1"), SPOOL_B);
    expect(screen.getByTestId("spool-stock")).toHaveTextContent("Available 1,000 g");

    await user.click(screen.getByRole("button", { name: "Plan run" }));
    expect(await screen.findByText("A service is not answering right now. Try again in a moment.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Plan run" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(`/production-runs/${RUN_ID}`));

    const posts = api.requests.filter(isCreate);
    expect(posts).toHaveLength(2);
    expect((posts[0]?.body as { materials: { spool_id: string }[] }).materials[0]?.spool_id).toBe(SPOOL_B);
    expect(posts[1]?.headers.get(IDEMPOTENCY_HEADER)).toBe(posts[0]?.headers.get(IDEMPOTENCY_HEADER));
  });

  it("checks the items before proposing, and puts a 422 on an item back on step 2", async () => {
    const api = mockApi(meHandler("member"), reads, (call) =>
      isCreate(call) ? apiError(422, "VALIDATION_ERROR", "invalid", [{ loc: ["body", "items", 0, "quantity"], msg: "Input should be less than or equal to 1000", type: "less_than_equal" }]) : undefined,
    );
    renderWithApp(<NewRunPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Next: items" }));
    await user.click(screen.getByRole("button", { name: "Next: materials" }));
    expect(screen.getByLabelText("Model 1")).toHaveAccessibleDescription("Choose a model");
    expect(api.requests.some((call) => call.path === "/api/v1/production/defaults")).toBe(false);

    await user.selectOptions(screen.getByLabelText("Model 1"), await screen.findByRole("option", { name: "MOD-001 · Articulated dragon" }));
    await user.click(screen.getByRole("button", { name: "Next: materials" }));
    await screen.findByTestId("material-line");
    await user.click(screen.getByRole("button", { name: "Plan run" }));
    await waitFor(() => expect(screen.getByLabelText("Model 1")).toHaveAccessibleDescription("Input should be less than or equal to 1000"));
  });

  it("shows viewers no wizard", async () => {
    mockApi(meHandler("viewer"), reads);
    renderWithApp(<NewRunPage />);
    expect(await screen.findByText("Your role in this shop can see runs but not plan them.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Next: items" })).not.toBeInTheDocument();
    expect(within(document.body).queryByLabelText("Printer")).not.toBeInTheDocument();
  });
});
