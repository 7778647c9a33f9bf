import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Role } from "@/lib/roles";
import MaterialTypesPage from "@/pages/material-types/MaterialTypesPage";

const material = (id: string, code: string, name: string, isGlobal: boolean) => ({
  id,
  code,
  name,
  density: 1.24,
  typical_cost_per_kg: 20,
  extruder_temp_min: 190,
  extruder_temp_max: 220,
  bed_temp: 60,
  is_global: isGlobal,
});
const PLA = material("11111111-1111-4111-8111-111111111111", "PLA", "Polylactic acid", true);
const CARBON = material("77777777-7777-4777-8777-777777777777", "PLA-CF", "Carbon PLA", false);

function materialsApi(request: RecordedRequest): Response | undefined {
  if (request.path === "/api/v1/inventory/settings" && request.method === "GET") return json({ currency_code: null, rate_from_eur: null, global_cost_currency: "EUR" });
  if (request.path === "/api/v1/material-types" && request.method === "GET") return json({ items: [CARBON, PLA], total: 2, limit: 200, offset: 0 });
  if (request.path === "/api/v1/material-types" && request.method === "POST") return json({ ...CARBON, id: "new", ...(request.body as object) }, 201);
  return undefined;
}

async function renderAs(role: Role) {
  const api = mockApi(meHandler(role), materialsApi);
  renderWithApp(<MaterialTypesPage />, { route: "/material-types" });
  await screen.findByText("Carbon PLA");
  return api;
}

describe("MaterialTypesPage", () => {
  it("marks built-in materials and offers edits only for the shop's own; deletes only to admins", async () => {
    await renderAs("member");
    const plaRow = screen.getByText("Polylactic acid").closest("tr") as HTMLElement;
    expect(within(plaRow).getByText("Built-in")).toBeInTheDocument();
    expect(within(plaRow).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Edit PLA-CF" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete PLA-CF" })).not.toBeInTheDocument();
  });

  it("adds a material with an upper-case code and numbers", async () => {
    const { requests } = await renderAs("admin");
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Add material" }));
    const dialog = await screen.findByRole("dialog", { name: "Add material" });
    await user.type(within(dialog).getByLabelText("Code"), "pa-cf");
    await user.type(within(dialog).getByLabelText("Name"), "Carbon nylon");
    await user.type(within(dialog).getByLabelText("Extruder minimum (°C)"), "260");
    await user.type(within(dialog).getByLabelText("Extruder maximum (°C)"), "250");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(within(dialog).getByLabelText("Extruder maximum (°C)")).toHaveAccessibleDescription("The maximum must not be below the minimum");

    await user.clear(within(dialog).getByLabelText("Extruder maximum (°C)"));
    await user.type(within(dialog).getByLabelText("Extruder maximum (°C)"), "290");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(requests.find((r) => r.method === "POST")?.body).toEqual({
      code: "PA-CF",
      name: "Carbon nylon",
      density: null,
      typical_cost_per_kg: null,
      extruder_temp_min: 260,
      extruder_temp_max: 290,
      bed_temp: null,
    });
  });

  it("shows an unconverted built-in cost in EUR, the shop's own in its currency, and saves a rate", async () => {
    const eurPla = { ...PLA, typical_cost_per_kg: 22, typical_cost_currency: "EUR" };
    let settings = { currency_code: null as string | null, rate_from_eur: null as number | null, global_cost_currency: "EUR" };
    const api = mockApi(meHandler("admin"), (request) => {
      if (request.path === "/api/v1/material-types" && request.method === "GET") return json({ items: [CARBON, eurPla], total: 2, limit: 200, offset: 0 });
      if (request.path === "/api/v1/inventory/settings" && request.method === "PUT") {
        settings = { ...settings, ...(request.body as object) };
        return json(settings);
      }
      if (request.path === "/api/v1/inventory/settings") return json(settings);
      return materialsApi(request);
    });
    renderWithApp(<MaterialTypesPage />, { route: "/material-types" });
    const plaRow = (await screen.findByText("Polylactic acid")).closest("tr") as HTMLElement;
    expect(within(plaRow).getByText("€22.00/kg")).toBeInTheDocument();
    const ownRow = screen.getByText("Carbon PLA").closest("tr") as HTMLElement;
    expect(within(ownRow).getByText("£20.00/kg")).toBeInTheDocument();
    expect(screen.getByText(/Until you set a rate they are shown in EUR/)).toBeInTheDocument();

    const user = userEvent.setup();
    await user.type(screen.getByLabelText("1 EUR in GBP"), "0");
    await user.click(screen.getByRole("button", { name: "Save rate" }));
    expect(screen.getByLabelText("1 EUR in GBP")).toHaveAccessibleDescription("Enter a positive number with at most 6 decimals");
    await user.clear(screen.getByLabelText("1 EUR in GBP"));
    await user.type(screen.getByLabelText("1 EUR in GBP"), "0,85");
    await user.click(screen.getByRole("button", { name: "Save rate" }));
    await waitFor(() => expect(api.requests.find((r) => r.method === "PUT")?.body).toEqual({ currency_code: "GBP", rate_from_eur: 0.85 }));
    expect(await screen.findByText(/converted to GBP at 1 EUR = 0.85 GBP/)).toBeInTheDocument();
  });
});
