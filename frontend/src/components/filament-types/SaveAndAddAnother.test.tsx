import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FilamentTypeDialog } from "@/components/filament-types/FilamentTypeDialog";
import { nextFilamentTypeValues, EMPTY_FILAMENT_TYPE } from "@/components/filament-types/filamentTypeSchema";
import { Button } from "@/components/ui/button";

const PLA = { id: "11111111-1111-4111-8111-111111111111", code: "PLA", name: "Polylactic acid", density: 1.24, typical_cost_per_kg: 20, extruder_temp_min: 190, extruder_temp_max: 220, bed_temp: 60, is_global: true };

function api(request: RecordedRequest): Response | undefined {
  if (request.method === "GET" && request.path === "/api/v1/material-types") return json({ items: [PLA], total: 1, limit: 200, offset: 0 });
  if (request.method === "POST" && request.path === "/api/v1/filament-types") {
    const body = request.body as Record<string, unknown>;
    if (body.color_name === "Taken") return apiError(409, "CONFLICT", "A filament type with this material, brand and colour already exists");
    return json({ id: crypto.randomUUID(), material_code: "PLA", cost_per_gram: null, cost_is_estimate: true, ...body }, 201);
  }
  return undefined;
}

async function openDialog(props: { defaultOpen?: boolean } = {}) {
  const user = userEvent.setup();
  renderWithApp(<FilamentTypeDialog trigger={<Button>Add filament type</Button>} {...props} />, { auth: false });
  if (!props.defaultOpen) await user.click(screen.getByRole("button", { name: "Add filament type" }));
  const dialog = await screen.findByRole("dialog", { name: "Add filament type" });
  await within(dialog).findByRole("option", { name: "PLA — Polylactic acid" });
  return { user, dialog };
}

describe("Save and add another (filament types)", () => {
  it("adds three types in a row: each is posted, the colour is cleared and focused, the rest is kept", { timeout: 30_000 }, async () => {
    const { requests } = mockApi(api);
    const { user, dialog } = await openDialog();
    await user.selectOptions(screen.getByLabelText("Material"), "PLA — Polylactic acid");
    await user.type(screen.getByLabelText("Brand"), "Prusament");
    await user.type(screen.getByLabelText("Finish"), "Silk");

    for (const colour of ["Galaxy Black", "Jet Black", "Signal White"]) {
      await user.type(screen.getByLabelText("Colour name"), colour);
      await user.type(screen.getByLabelText("Colour hex code"), "#123456");
      await user.click(within(dialog).getByRole("button", { name: "Save and add another" }));
      await waitFor(() => expect(screen.getByLabelText("Colour name")).toHaveValue(""));
      expect(screen.getByLabelText("Colour name")).toHaveFocus();
      expect(screen.getByLabelText("Colour hex code")).toHaveValue("");
      expect(screen.getByLabelText("Material")).toHaveValue(PLA.id);
      expect(screen.getByLabelText("Brand")).toHaveValue("Prusament");
      expect(screen.getByLabelText("Finish")).toHaveValue("Silk");
      expect(screen.getByLabelText("Diameter (mm)")).toHaveValue("1.75");
    }

    const posted = requests.filter((r) => r.method === "POST").map((r) => (r.body as { color_name: string; brand: string }).color_name);
    expect(posted).toEqual(["Galaxy Black", "Jet Black", "Signal White"]);
    expect(screen.getByRole("dialog", { name: "Add filament type" })).toBeInTheDocument();
    // Two notices at most: the last two types added.
    await waitFor(() => expect(screen.getAllByText("Filament type added")).toHaveLength(2));
    expect(screen.getByText("PLA Prusament Signal White")).toBeInTheDocument();
    expect(screen.queryByText("PLA Prusament Galaxy Black")).not.toBeInTheDocument();
  });

  it("keeps what was typed when the save is refused, and plain Save still closes", { timeout: 30_000 }, async () => {
    mockApi(api);
    const { user, dialog } = await openDialog({ defaultOpen: true });
    await user.selectOptions(screen.getByLabelText("Material"), "PLA — Polylactic acid");
    await user.type(screen.getByLabelText("Brand"), "Prusament");
    await user.type(screen.getByLabelText("Colour name"), "Taken");
    await user.click(within(dialog).getByRole("button", { name: "Save and add another" }));
    await within(dialog).findByText("A filament type with this material, brand and colour already exists");
    expect(screen.getByLabelText("Colour name")).toHaveValue("Taken");

    await user.clear(screen.getByLabelText("Colour name"));
    await user.type(screen.getByLabelText("Colour name"), "Orange{Enter}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("is not offered when editing a type", async () => {
    // The edit dialog also lists the type's barcodes, which needs the signed-in member.
    mockApi(meHandler("member"), api, ({ method, path }) =>
      method === "GET" && path.endsWith("/barcodes") ? json({ items: [] }) : undefined,
    );
    const user = userEvent.setup();
    const type = {
      id: "33333333-3333-4333-8333-333333333333", material_type_id: PLA.id, material_code: "PLA", brand: "Prusament", color_name: "Orange",
      color_hex: null, finish: null, diameter_mm: 1.75, density: null, extruder_temp: null, bed_temp: null, min_stock_grams: 0,
      cost_per_gram: null, cost_is_estimate: true, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
    };
    renderWithApp(<FilamentTypeDialog filamentType={type as never} trigger={<Button>Edit</Button>} />);
    await user.click(screen.getByRole("button", { name: "Edit" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit filament type" });
    await within(dialog).findByRole("button", { name: "Save" });
    expect(within(dialog).queryByRole("button", { name: "Save and add another" })).not.toBeInTheDocument();
  });

  it("nextFilamentTypeValues clears only the colour", () => {
    const typed = { ...EMPTY_FILAMENT_TYPE, material_type_id: PLA.id, brand: "Bambu", color_name: "Red", color_hex: "#FF0000", bed_temp: "60" };
    expect(nextFilamentTypeValues(typed)).toEqual({ ...typed, color_name: "", color_hex: "" });
  });
});
