import { apiError, json, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FilamentTypeDialog } from "@/components/filament-types/FilamentTypeDialog";
import { Button } from "@/components/ui/button";

const PLA = { id: "11111111-1111-4111-8111-111111111111", code: "PLA", name: "Polylactic acid", density: 1.24, typical_cost_per_kg: 20, extruder_temp_min: 190, extruder_temp_max: 220, bed_temp: 60, is_global: true };
const PETG = { ...PLA, id: "22222222-2222-4222-8222-222222222222", code: "PETG", name: "PET-G" };

function materialTypes(request: RecordedRequest): Response | undefined {
  if (request.method === "GET" && request.path === "/api/v1/material-types") return json({ items: [PLA, PETG], total: 2, limit: 200, offset: 0 });
  return undefined;
}

function created(body: Record<string, unknown>): Response {
  return json({ id: "33333333-3333-4333-8333-333333333333", material_code: "PETG", cost_per_gram: null, cost_is_estimate: true, ...body }, 201);
}

async function openAddDialog() {
  const user = userEvent.setup();
  renderWithApp(<FilamentTypeDialog trigger={<Button>Add filament type</Button>} />, { auth: false });
  await user.click(screen.getByRole("button", { name: "Add filament type" }));
  const dialog = await screen.findByRole("dialog", { name: "Add filament type" });
  await within(dialog).findByRole("option", { name: "PETG — PET-G" });
  return { user, dialog };
}

/** Fills the required fields: material, brand and colour name. */
async function fillRequired(user: ReturnType<typeof userEvent.setup>) {
  await user.selectOptions(screen.getByLabelText("Material"), "PETG — PET-G");
  await user.type(screen.getByLabelText("Brand"), "Prusament");
  await user.type(screen.getByLabelText("Colour name"), "Orange");
}

const posts = (requests: RecordedRequest[]) => requests.filter((r) => r.method === "POST");

describe("FilamentTypeDialog (add)", () => {
  it("explains what is missing or malformed, next to each field, without calling the API", async () => {
    const { requests } = mockApi(materialTypes);
    const { user } = await openAddDialog();

    await user.clear(screen.getByLabelText("Diameter (mm)"));
    await user.type(screen.getByLabelText("Colour hex code"), "orange");
    await user.type(screen.getByLabelText("Extruder temperature (°C)"), "hot");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Choose a material")).toBeInTheDocument();
    expect(screen.getByLabelText("Brand")).toHaveAccessibleDescription("Enter the brand");
    expect(screen.getByLabelText("Colour name")).toHaveAccessibleDescription("Enter the colour name");
    expect(screen.getByLabelText("Colour hex code")).toHaveAccessibleDescription("Use the form #RRGGBB, e.g. #FF8800");
    expect(screen.getByLabelText("Diameter (mm)")).toHaveAccessibleDescription("Enter the diameter");
    expect(screen.getByLabelText("Extruder temperature (°C)")).toHaveAccessibleDescription("Whole degrees from 0 to 500");
    expect(posts(requests)).toHaveLength(0);
  });

  it("posts the typed values as JSON numbers and nulls, then closes", async () => {
    const { requests } = mockApi((request) => materialTypes(request) ?? (request.method === "POST" ? created(request.body as Record<string, unknown>) : undefined));
    const { user } = await openAddDialog();

    await fillRequired(user);
    await user.type(screen.getByLabelText("Colour hex code"), "#ff8800");
    await user.type(screen.getByLabelText("Finish"), "Silk");
    await user.type(screen.getByLabelText("Density (g/cm³)"), "1.27");
    await user.type(screen.getByLabelText("Extruder temperature (°C)"), "240");
    await user.clear(screen.getByLabelText("Reorder level (g)"));
    await user.type(screen.getByLabelText("Reorder level (g)"), "2000");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const [post] = posts(requests);
    expect(post?.path).toBe("/api/v1/filament-types");
    expect(post?.body).toEqual({
      material_type_id: PETG.id,
      brand: "Prusament",
      color_name: "Orange",
      color_hex: "#FF8800",
      finish: "Silk",
      diameter_mm: 1.75,
      density: 1.27,
      extruder_temp: 240,
      bed_temp: null,
      min_stock_grams: 2000,
    });
  });

  it("keeps the picker and the hex text in step", async () => {
    mockApi(materialTypes);
    const { user } = await openAddDialog();
    await user.type(screen.getByLabelText("Colour hex code"), "#00AA55");
    expect(screen.getByLabelText("Colour")).toHaveValue("#00aa55");
  });

  it("shows a duplicate (409) at the form level and stays open", async () => {
    mockApi((request) =>
      materialTypes(request) ??
      (request.method === "POST" ? apiError(409, "CONFLICT", "A filament type with this material, brand and colour already exists") : undefined),
    );
    const { user, dialog } = await openAddDialog();
    await fillRequired(user);
    await user.click(screen.getByRole("button", { name: "Save" }));

    const alert = await within(dialog).findByText("A filament type with this material, brand and colour already exists");
    expect(alert).toHaveAttribute("role", "alert");
    expect(screen.getByLabelText("Brand")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByRole("dialog", { name: "Add filament type" })).toBeInTheDocument();
  });

  it("puts the API's 422 for one field next to that field", async () => {
    mockApi((request) =>
      materialTypes(request) ??
      (request.method === "POST"
        ? apiError(422, "VALIDATION_ERROR", "Validation failed", [{ loc: ["body", "brand"], msg: "Value error, brand is reserved", type: "value_error" }])
        : undefined),
    );
    const { user } = await openAddDialog();
    await fillRequired(user);
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(screen.getByLabelText("Brand")).toHaveAccessibleDescription("brand is reserved"));
    expect(screen.getByLabelText("Brand")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText("Validation failed")).not.toBeInTheDocument();
  });
});
