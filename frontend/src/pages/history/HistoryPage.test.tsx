import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import HistoryPage, { filtersFromParams } from "@/pages/history/HistoryPage";
import { csvUrl, ledgerQuery, type LedgerEntry } from "@/queries/history";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

function entry(n: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    spool_id: "66666666-6666-4666-8666-666666666666",
    spool_code: `FIL-${String(n).padStart(3, "0")}`,
    kind: "usage",
    grams_before: 1000,
    delta: -n,
    grams_after: 1000 - n,
    reason: `run RUN-${n}`,
    actor_id: null,
    production_run_id: null,
    reversal_of_id: null,
    created_at: "2026-11-20T10:00:00Z",
    material_code: "PLA",
    brand: "Prusament",
    color_name: "Galaxy Black",
    color_hex: "#111111",
    ...overrides,
  };
}

const USAGE = {
  month: {
    group: "month",
    items: [
      { key: "2026-10", grams: 120, cost: 3, estimated_grams: 0, uncosted_grams: 0 },
      { key: "2026-11", grams: 80, cost: 1.6, estimated_grams: 40, uncosted_grams: 20 },
    ],
    total_grams: 200,
    total_cost: 4.6,
    uncosted_grams: 20,
  },
  material: {
    group: "material",
    items: [{ key: "PLA", grams: 200, cost: 4.6, estimated_grams: 40, uncosted_grams: 20 }],
    total_grams: 200,
    total_cost: 4.6,
    uncosted_grams: 20,
  },
};

function historyApi(request: RecordedRequest): Response | undefined {
  if (request.method !== "GET") return undefined;
  if (request.path === "/api/v1/inventory/usage") return json(USAGE[request.query.get("group") as "month" | "material"]);
  if (request.path === "/api/v1/material-types") {
    return json({ items: [{ id: "m1", code: "PLA" }, { id: "m2", code: "PETG" }], total: 2, limit: 200, offset: 0 });
  }
  if (request.path === "/api/v1/inventory/transactions") {
    return request.query.get("cursor") === "page-2"
      ? json({ items: [entry(3, { kind: "waste" })], next_cursor: null, total: null, total_is_exact: true, limit: 50, offset: 0 })
      : json({ items: [entry(1), entry(2)], next_cursor: "page-2", total: request.query.get("kind") === "waste" ? 10001 : 3, total_is_exact: request.query.get("kind") !== "waste", limit: 50, offset: 0 });
  }
  return undefined;
}

afterEach(() => vi.unstubAllGlobals());

describe("history filters", () => {
  it("reads the address and turns days into an inclusive local range", () => {
    const filters = filtersFromParams(new URLSearchParams("from=2026-11-01&to=2026-11-30&kind=theft&material=PLA&spool=%20&run=RUN-7"));
    expect(filters).toEqual({ from: "2026-11-01", to: "2026-11-30", material: "PLA", run: "RUN-7" });
    const query = ledgerQuery(filters);
    expect(query.from).toBe(new Date(2026, 10, 1).toISOString());
    expect(query.to).toBe(new Date(2026, 11, 1).toISOString()); // the day after "to": exclusive for the API
    expect(csvUrl({ kind: "usage", spool: " FIL-001 " })).toBe("/api/v1/inventory/transactions.csv?kind=usage&spool=FIL-001");
    expect(csvUrl({})).toBe("/api/v1/inventory/transactions.csv");
  });
});

describe("HistoryPage", () => {
  it("lists bookings, loads more with the cursor, and shows usage with legend and tables", async () => {
    const api = mockApi(meHandler("viewer"), historyApi);
    renderWithApp(<HistoryPage />, { route: "/history?kind=usage" });

    const table = await screen.findByTestId("ledger-table");
    expect(within(table).getAllByTestId("ledger-row")).toHaveLength(2);
    expect(screen.getByText("Showing 2 of 3, newest first.")).toBeInTheDocument();
    expect(api.requests.find((r) => r.path === "/api/v1/inventory/transactions")?.query.get("kind")).toBe("usage");

    await userEvent.setup().click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(table).getAllByTestId("ledger-row")).toHaveLength(3));
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    expect(api.requests.filter((r) => r.path === "/api/v1/inventory/transactions").map((r) => r.query.get("cursor"))).toEqual([null, "page-2"]);

    const months = await screen.findByTestId("usage-table-month");
    expect(within(months).getAllByRole("rowheader").map((th) => th.textContent)).toEqual(["Oct 2026", "Nov 2026"]);
    expect(within(months).getAllByRole("row")).toHaveLength(3);
    expect(within(months).getByText("20 g without a cost")).toBeInTheDocument();
    expect(screen.getAllByText("Priced from the spool's price")).toHaveLength(2);
    expect(within(await screen.findByTestId("usage-table-material")).getByRole("rowheader", { name: "PLA" })).toBeInTheDocument();
  });

  it("applies the filters to the address, the list and the usage", async () => {
    const api = mockApi(meHandler("viewer"), historyApi);
    renderWithApp(<HistoryPage />, { route: "/history" });
    const user = userEvent.setup();
    await screen.findByTestId("ledger-table");
    await screen.findByRole("option", { name: "PETG" });

    await user.selectOptions(screen.getByLabelText("Material"), "PETG");
    await user.selectOptions(screen.getByLabelText("Kind"), "waste");
    await user.type(screen.getByLabelText("Spool code"), "FIL-003");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));

    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/history?kind=waste&spool=FIL-003&material=PETG"));
    expect(await screen.findByText("Showing 2 of 10,000+, newest first.")).toBeInTheDocument();
    await waitFor(() => {
      const last = api.requests.filter((r) => r.path === "/api/v1/inventory/transactions").at(-1);
      expect(last?.query.get("material")).toBe("PETG");
      expect(last?.query.get("spool")).toBe("FIL-003");
    });
    await user.click(screen.getByRole("button", { name: "Clear" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/history$/));
  });

  it("downloads the CSV with the filters through the session", async () => {
    const api = mockApi(meHandler("viewer"), historyApi, (r) =>
      r.path === "/api/v1/inventory/transactions.csv" ? new Response("created_at\r\n", { headers: { "Content-Type": "text/csv" } }) : undefined,
    );
    const createObjectURL = vi.fn(() => "blob:csv");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    renderWithApp(<HistoryPage />, { route: "/history?material=PLA" });

    await userEvent.setup().click(await screen.findByRole("button", { name: "Download CSV" }));

    await waitFor(() => expect(click).toHaveBeenCalled());
    const request = api.requests.find((r) => r.path === "/api/v1/inventory/transactions.csv");
    expect(request?.query.get("material")).toBe("PLA");
    expect(request?.headers.get("Authorization")).toBe("Bearer t");
    expect(createObjectURL).toHaveBeenCalled();
  });
});
