import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import { screen } from "@testing-library/react";
import DashboardPage from "@/pages/dashboard/DashboardPage";

const SPOOL_ID = "66666666-6666-4666-8666-666666666666";
const LOW_SPOOL = {
  id: SPOOL_ID,
  code: "FIL-007",
  filament_type_id: "f1",
  filament_type: { id: "f1", material_code: "PLA", brand: "Prusament", color_name: "Galaxy Black", color_hex: "#111111" },
  initial_weight: 1000,
  current_weight: 120,
  empty_spool_weight: null,
  purchase_price: 25,
  purchase_date: null,
  supplier: null,
  location: null,
  lot_number: null,
  notes: null,
  is_archived: false,
  low_stock_threshold_pct: 20,
  remaining_pct: 12,
  cost_per_gram: 0.025,
  is_low_stock: true,
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-26T10:00:00Z",
};

function inventoryApi(request: RecordedRequest): Response | undefined {
  if (request.method !== "GET") return undefined;
  switch (request.path) {
    case "/api/v1/inventory/summary":
      return json({
        items: [
          { filament_type_id: "f1", material_code: "PLA", brand: "Prusament", color_name: "Galaxy Black", color_hex: "#111111", spool_count: 2, remaining_grams: 1120, stock_value: 28 },
          { filament_type_id: "f2", material_code: "PETG", brand: "Sunlu", color_name: "Orange", color_hex: "#FF8800", spool_count: 1, remaining_grams: 650, stock_value: 14.3 },
        ],
        total_remaining_grams: 1770,
        total_stock_value: 42.3,
      });
    case "/api/v1/inventory/low-stock":
      return json({ spools: [LOW_SPOOL], filament_types: [{ id: "f1", material_code: "PLA", brand: "Prusament", color_name: "Galaxy Black", min_stock_grams: 2000, remaining_grams: 1120 }] });
    case "/api/v1/inventory/transactions":
      return json({
        items: [{ id: "t1", spool_id: SPOOL_ID, spool_code: "FIL-007", kind: "usage", grams_before: 240.5, delta: -120.5, grams_after: 120, reason: "Benchy batch", actor_id: null, production_run_id: null, reversal_of_id: null, created_at: "2026-11-26T09:15:00Z" }],
        total: 1,
        limit: 10,
        offset: 0,
      });
    case "/api/v1/products":
      return json({ items: [{ id: "p1", sku: "PRD-001", name: "Dragon gift box", units_in_stock: 3 }], total: 1, limit: 5, offset: 0 });
    case "/api/v1/models":
      return json({ items: [], total: 0, limit: 5, offset: 0 });
    default:
      return undefined;
  }
}

describe("DashboardPage", () => {
  it("shows the totals, the chart, what runs low and the latest bookings with links to their spools", async () => {
    const { requests } = mockApi(meHandler("viewer"), inventoryApi);
    renderWithApp(<DashboardPage />);

    expect(await screen.findByText("1,770 g")).toBeInTheDocument();
    expect(screen.getByText("£42.30")).toBeInTheDocument();
    expect(screen.getAllByTestId("stock-bar")).toHaveLength(2);
    expect(screen.getByRole("table", { name: "Stock by material and colour" })).toBeInTheDocument();

    expect(await screen.findByRole("link", { name: /^FIL-007 · / })).toHaveAttribute("href", `/spools/${SPOOL_ID}`);
    expect(screen.getByText("1,120 g of 2,000 g reorder level")).toBeInTheDocument();

    expect(await screen.findByText("Benchy batch")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /FIL-007: usage −120.5 g/ })).toHaveAttribute("href", `/spools/${SPOOL_ID}`);
    const ledger = requests.find((r) => r.path === "/api/v1/inventory/transactions");
    expect(ledger?.query.get("sort")).toBe("-created_at");
    expect(ledger?.query.get("limit")).toBe("10");

    const finished = await screen.findByTestId("finished-goods");
    expect(finished).toHaveTextContent("PRD-001 Dragon gift box3");
    expect(finished).toHaveTextContent("None in stock.");
    const products = requests.find((r) => r.path === "/api/v1/products");
    expect(products?.query.get("has-stock")).toBe("true");
    expect(products?.query.get("sort")).toBe("-units_in_stock");
  });
});
