import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Role } from "@/lib/roles";
import FilamentTypesPage from "@/pages/filament-types/FilamentTypesPage";

const GALAXY = {
  id: "55555555-5555-4555-8555-555555555555",
  material_type_id: "11111111-1111-4111-8111-111111111111",
  material_code: "PLA",
  brand: "Prusament",
  color_name: "Galaxy Black",
  color_hex: "#111111",
  finish: "Glitter",
  diameter_mm: 1.75,
  density: 1.24,
  extruder_temp: 215,
  bed_temp: 60,
  min_stock_grams: 2000,
  cost_per_gram: 0.02,
  cost_is_estimate: true,
};

function catalogApi(request: RecordedRequest): Response | undefined {
  if (request.method !== "GET") return undefined;
  if (request.path === "/api/v1/filament-types") return json({ items: [GALAXY], total: 1, limit: 200, offset: 0 });
  if (request.path === "/api/v1/material-types") return json({ items: [], total: 0, limit: 200, offset: 0 });
  if (request.path === "/api/v1/inventory/summary")
    return json({
      items: [{ filament_type_id: GALAXY.id, material_code: "PLA", brand: "Prusament", color_name: "Galaxy Black", color_hex: "#111111", spool_count: 2, remaining_grams: 1250, stock_value: 25 }],
      total_remaining_grams: 1250,
      total_stock_value: 25,
    });
  return undefined;
}

async function renderAs(role: Role) {
  mockApi(meHandler(role), catalogApi);
  renderWithApp(<FilamentTypesPage />, { route: "/filament-types" });
  return within(await screen.findByRole("table", { name: "Filament types with their stock" }));
}

describe("FilamentTypesPage", () => {
  it("shows stock from the summary, the cost to 4 decimals and the reorder warning", async () => {
    const table = await renderAs("viewer");
    expect(table.getByText("Galaxy Black")).toBeInTheDocument();
    expect(await table.findByText("1,250 g")).toBeInTheDocument();
    expect(table.getByText("2 spools")).toBeInTheDocument();
    expect(table.getByText("£20.00/kg")).toBeInTheDocument();
    expect(table.getByText("estimate")).toBeInTheDocument();
    expect(table.getByText("Below reorder level")).toBeInTheDocument();
  });

  it("gives viewers no write controls", async () => {
    await renderAs("viewer");
    expect(screen.queryByRole("button", { name: "Add filament type" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Edit / })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Delete / })).not.toBeInTheDocument();
  });

  it("lets members add and edit but only admins delete", async () => {
    await renderAs("member");
    expect(await screen.findByRole("button", { name: "Add filament type" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Edit PLA Prusament Galaxy Black" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete PLA Prusament Galaxy Black" })).not.toBeInTheDocument();
  });

  it("lists by material, but lets a search come back best match first", async () => {
    const { requests } = mockApi(meHandler("viewer"), catalogApi);
    renderWithApp(<FilamentTypesPage />, { route: "/filament-types" });
    await screen.findByRole("table", { name: "Filament types with their stock" });
    const lists = () => requests.filter((r) => r.path === "/api/v1/filament-types");
    expect(lists()[0]?.query.get("sort")).toBe("material_code");
    expect(lists()[0]?.query.has("q")).toBe(false);

    await userEvent.setup().type(screen.getByLabelText("Search"), "café");
    await waitFor(() => expect(lists().some((r) => r.query.get("q") === "café")).toBe(true));
    const searched = lists().find((r) => r.query.get("q") === "café");
    expect(searched?.query.has("sort")).toBe(false); // the server's relevance order
  });
});
