import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { SpoolPrinter } from "@/components/production/SpoolPrinter";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import { makePrinter, makeSpoolStock, PRINTER_ID, SPOOL_A, SPOOL_B } from "@/test/productionFixtures";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const reads = ({ method, path }: RecordedRequest) => {
  if (method !== "GET") return undefined;
  if (path === "/api/v1/printers") return json({ items: [makePrinter()], total: 1, limit: 200, offset: 0 });
  if (path === "/api/v1/production/spools")
    return json({ items: [makeSpoolStock(), makeSpoolStock({ id: SPOOL_B, code: "SPL-0002", printer_id: null, slot: null, reserved: 50, available: 950, current: 1000 })], total: 2, limit: 200, offset: 0 });
  return undefined;
};

describe("SpoolPrinter (on the spool page)", () => {
  it("shows where a loaded spool is and unloads it", async () => {
    const api = mockApi(meHandler("member"), reads, (call) => (call.method === "POST" && call.path.endsWith("/unload") ? json(makePrinter({ loaded_spools: [] })) : undefined));
    renderWithApp(<SpoolPrinter spoolId={SPOOL_A} code="SPL-0001" />);
    expect(await screen.findByText(/Loaded in/)).toHaveTextContent("Loaded in Prusa MK4, slot 1");
    await userEvent.setup().click(screen.getByRole("button", { name: "Unload" }));
    await waitFor(() => expect(api.requests.find((call) => call.path === `/api/v1/printers/${PRINTER_ID}/unload`)?.body).toEqual({ spool_id: SPOOL_A }));
  });

  it("loads a free spool into the printer's next free slot, with its reservations shown", async () => {
    const api = mockApi(meHandler("member"), reads, (call) => (call.method === "POST" && call.path.endsWith("/load") ? json(makePrinter()) : undefined));
    renderWithApp(<SpoolPrinter spoolId={SPOOL_B} code="SPL-0002" />);
    expect(await screen.findByTestId("spool-reserved")).toHaveTextContent("50 g reserved by planned runs · 950 g available");
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText("Load into printer"), PRINTER_ID);
    await user.click(screen.getByRole("button", { name: "Load" }));
    await waitFor(() => expect(api.requests.find((call) => call.path.endsWith("/load"))?.body).toEqual({ spool_id: SPOOL_B, slot: 2 }));
    expect(api.requests.find((call) => call.path.endsWith("/load"))?.headers.get(IDEMPOTENCY_HEADER)).toMatch(/\S{8,}/);
  });

  it("shows viewers no load or unload", async () => {
    mockApi(meHandler("viewer"), reads);
    renderWithApp(<SpoolPrinter spoolId={SPOOL_A} code="SPL-0001" />);
    expect(await screen.findByText(/Loaded in/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Unload" })).not.toBeInTheDocument();
  });
});
