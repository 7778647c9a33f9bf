import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import PrintersPage from "@/pages/production/PrintersPage";
import RunsPage from "@/pages/production/RunsPage";
import { makeModel } from "@/test/catalogFixtures";
import { makePrinter, makeRun, makeSpoolStock, PRINTER_ID, SPOOL_A, SPOOL_B } from "@/test/productionFixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const reads = ({ method, path }: RecordedRequest) => {
  if (method !== "GET") return undefined;
  if (path === "/api/v1/printers") return json({ items: [makePrinter()], total: 1, limit: 200, offset: 0 });
  if (path === "/api/v1/production/spools")
    return json({ items: [makeSpoolStock(), makeSpoolStock({ id: SPOOL_B, code: "SPL-0002", printer_id: null, slot: null, available: 1000 })], total: 2, limit: 200, offset: 0 });
  if (path === "/api/v1/models") return json({ items: [makeModel()], total: 1, limit: 200, offset: 0 });
  if (path === "/api/v1/production-runs")
    return json({ items: [makeRun(), makeRun({ id: "99999999-9999-4999-8999-999999999998", run_number: "RUN-20261130-002", status: "failed" })], total: 2, limit: 50, offset: 0 });
  return undefined;
};
const isLoad = (call: RecordedRequest) => call.method === "POST" && call.path === `/api/v1/printers/${PRINTER_ID}/load`;

describe("PrintersPage", () => {
  it("lists each printer's loaded spools and unloads one with a key", async () => {
    const api = mockApi(meHandler("member"), reads, (call) =>
      call.method === "POST" && call.path.endsWith("/unload") ? json(makePrinter({ loaded_spools: [] })) : undefined,
    );
    renderWithApp(<PrintersPage />);
    const list = await screen.findByRole("list", { name: "Spools in Prusa MK4" });
    expect(within(list).getByText("Slot 1")).toBeInTheDocument();
    expect(within(list).getByRole("link", { name: "SPL-0001" })).toHaveAttribute("href", `/spools/${SPOOL_A}`);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Unload SPL-0001 from Prusa MK4" }));
    await waitFor(() => expect(api.requests.find((call) => call.path.endsWith("/unload"))?.body).toEqual({ spool_id: SPOOL_A }));
    expect(api.requests.find((call) => call.path.endsWith("/unload"))?.headers.get(IDEMPOTENCY_HEADER)).toMatch(/\S{8,}/);
  });

  it("loads a free spool into the next free slot; SLOT_TAKEN lands on the slot and SPOOL_LOADED on the spool", async () => {
    let answer = 0;
    const api = mockApi(meHandler("member"), reads, (call) => {
      if (!isLoad(call)) return undefined;
      answer += 1;
      if (answer === 1) return apiError(409, "SLOT_TAKEN", "Slot 2 of Prusa MK4 holds SPL-0009");
      if (answer === 2) return apiError(409, "SPOOL_LOADED", "SPL-0002 is loaded in Voron, slot 1");
      return json(makePrinter());
    });
    renderWithApp(<PrintersPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Load spool" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByLabelText("Slot")).toHaveValue("2");
    const option = await within(dialog).findByRole("option", { name: /SPL-0002 .* 1,000 g available/ });
    expect(within(dialog).queryByRole("option", { name: /SPL-0001/ })).not.toBeInTheDocument();
    await user.selectOptions(within(dialog).getByLabelText("Spool"), option);
    await user.click(within(dialog).getByRole("button", { name: "Load spool" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Slot")).toHaveAccessibleDescription("Slot 2 of Prusa MK4 holds SPL-0009"));
    await user.click(within(dialog).getByRole("button", { name: "Load spool" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Spool")).toHaveAccessibleDescription("SPL-0002 is loaded in Voron, slot 1"));
    expect(api.requests.filter(isLoad)[0]?.body).toEqual({ spool_id: SPOOL_B, slot: 2 });
  });

  it("edits a printer and sends only the fields that changed", async () => {
    const api = mockApi(meHandler("member"), reads, (call) =>
      call.method === "PATCH" && call.path === `/api/v1/printers/${PRINTER_ID}` ? json(makePrinter({ name: "Prusa MK4S", is_active: false })) : undefined,
    );
    renderWithApp(<PrintersPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit Prusa MK4" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit Prusa MK4" });
    expect(within(dialog).getByLabelText("Nozzle (mm)")).toHaveValue("0.4");
    await user.clear(within(dialog).getByLabelText("Name"));
    await user.type(within(dialog).getByLabelText("Name"), "Prusa MK4S");
    await user.click(within(dialog).getByLabelText(/Active/));
    await user.click(within(dialog).getByRole("button", { name: "Save printer" }));
    await waitFor(() => expect(api.requests.find((call) => call.method === "PATCH")?.body).toEqual({ name: "Prusa MK4S", is_active: false }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("shows viewers no write controls", async () => {
    mockApi(meHandler("viewer"), reads);
    renderWithApp(<PrintersPage />);
    expect(await screen.findByRole("list", { name: "Spools in Prusa MK4" })).toBeInTheDocument();
    for (const name of [/Add printer/, /Load spool/, /Unload/, /Delete/, /Edit/]) expect(screen.queryByRole("button", { name })).not.toBeInTheDocument();
  });
});

describe("RunsPage", () => {
  it("lists runs with status badges and sends the filters to the API", async () => {
    const api = mockApi(meHandler("member"), reads);
    renderWithApp(<RunsPage />, { route: "/production-runs" });
    expect(await screen.findByRole("link", { name: "RUN-20261201-001" })).toBeInTheDocument();
    const table = screen.getByRole("table");
    expect(within(table).getByText("In progress")).toBeInTheDocument();
    expect(within(table).getByText("Failed")).toBeInTheDocument();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText("Status"), "completed");
    await user.selectOptions(screen.getByLabelText("Printer"), await screen.findByRole("option", { name: "Prusa MK4" }));
    await waitFor(() => {
      const last = api.requests.filter((call) => call.path === "/api/v1/production-runs").at(-1);
      expect(last?.query.get("status")).toBe("completed");
      expect(last?.query.get("printer_id")).toBe(PRINTER_ID);
    });
    expect(screen.getByTestId("location")).toHaveTextContent(`status=completed&printer=${PRINTER_ID}`);
    expect(screen.getByRole("link", { name: "Plan a run" })).toHaveAttribute("href", "/production-runs/new");
  });

  it("shows viewers no 'Plan a run'", async () => {
    mockApi(meHandler("viewer"), reads);
    renderWithApp(<RunsPage />, { route: "/production-runs" });
    expect(await screen.findByRole("link", { name: "RUN-20261201-001" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Plan a run" })).not.toBeInTheDocument();
  });
});
