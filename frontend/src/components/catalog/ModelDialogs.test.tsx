import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { BomDialog, NewModelDialog } from "@/components/catalog/ModelDialogs";
import { Button } from "@/components/ui/button";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import { makeModel, MODEL_ID } from "@/test/catalogFixtures";
import { catalogHandler, filamentType } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const summaryHandler = ({ method, path }: RecordedRequest) =>
  method === "GET" && path === "/api/v1/inventory/summary"
    ? json({ items: [{ filament_type_id: filamentType.id, brand: "Prusament", color_name: "Galaxy Black", color_hex: "#1a1a2e", material_code: "PLA", remaining_grams: 1200, spool_count: 2, stock_value: 30 }], total_remaining_grams: 1200, total_stock_value: 30 })
    : undefined;
const nextSku = ({ method, path }: RecordedRequest) => (method === "GET" && path === "/api/v1/catalog/next-sku" ? json({ sku: "MOD-003" }) : undefined);
const isCreate = (call: RecordedRequest) => call.method === "POST" && call.path === "/api/v1/models";

async function fillNewModel(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("button", { name: "New model" }));
  await waitFor(() => expect(screen.getByLabelText("SKU")).toHaveValue("MOD-003"));
  await user.type(screen.getByLabelText("Name"), "Dragon");
  const option = await screen.findByRole("option", { name: /Prusament Galaxy Black · PLA — £25\.00\/kg, 1,200 g in stock/ });
  await user.selectOptions(screen.getByLabelText("Filament 1"), option);
  await user.type(screen.getByLabelText("Grams 1"), "40");
}

describe("NewModelDialog", () => {
  it("prefills the next SKU, shows the live material estimate and posts the model with its BOM and a key", async () => {
    const api = mockApi(meHandler("member"), catalogHandler, summaryHandler, nextSku, (call) => (isCreate(call) ? json(makeModel(), 201) : undefined));
    renderWithApp(<NewModelDialog trigger={<Button>New model</Button>} />);
    const user = userEvent.setup();
    await fillNewModel(user);
    expect(screen.getByTestId("bom-estimate")).toHaveTextContent("Material ≈ £1.000 per item");

    await user.click(screen.getByRole("button", { name: "Add model" }));

    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(`/models/${MODEL_ID}`));
    const posts = api.requests.filter(isCreate);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({ sku: "MOD-003", name: "Dragon", materials: [{ filament_type_id: filamentType.id, grams: 40 }], components: [] });
    expect(posts[0]?.headers.get(IDEMPOTENCY_HEADER)).toMatch(/\S{8,}/);
  });

  it("puts the catalog's 'unknown filament type' on the BOM line, and a retry after a 503 reuses the key", async () => {
    let answer = 0;
    const api = mockApi(meHandler("member"), catalogHandler, summaryHandler, nextSku, (call) => {
      if (!isCreate(call)) return undefined;
      answer += 1;
      if (answer === 1) return apiError(503, "UNAVAILABLE", "Catalog down");
      if (answer === 2) return apiError(422, "VALIDATION_ERROR", `materials[0].filament_type_id: unknown filament type ${filamentType.id}`);
      return json(makeModel(), 201);
    });
    renderWithApp(<NewModelDialog trigger={<Button>New model</Button>} />);
    const user = userEvent.setup();
    await fillNewModel(user);

    await user.click(screen.getByRole("button", { name: "Add model" }));
    expect(await screen.findByText("A service is not answering right now. Try again in a moment.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add model" }));
    await waitFor(() =>
      expect(screen.getByLabelText("Filament 1")).toHaveAccessibleDescription(
        "The catalog does not know this filament type yet (it learns of new types within seconds). Try again in a moment.",
      ),
    );
    await user.click(screen.getByRole("button", { name: "Add model" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(`/models/${MODEL_ID}`));

    const keys = api.requests.filter(isCreate).map((call) => call.headers.get(IDEMPOTENCY_HEADER));
    expect(keys).toHaveLength(3);
    // The 503 left the action unsettled: the retry carries the same key. The 422 settled it: a new key.
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
  });

  it("checks the BOM before asking the API", async () => {
    const api = mockApi(meHandler("member"), catalogHandler, summaryHandler, nextSku);
    renderWithApp(<NewModelDialog trigger={<Button>New model</Button>} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "New model" }));
    await waitFor(() => expect(screen.getByLabelText("SKU")).toHaveValue("MOD-003"));
    await user.type(screen.getByLabelText("Name"), "Dragon");
    await screen.findByRole("option", { name: /Galaxy Black/ });
    await user.click(screen.getByRole("button", { name: "Add model" }));
    await waitFor(() => expect(screen.getByLabelText("Filament 1")).toHaveAccessibleDescription("Choose a filament type"));
    expect(screen.getByLabelText("Grams 1")).toHaveAccessibleDescription("Enter the grams per item");
    expect(api.requests.filter(isCreate)).toHaveLength(0);
  });
});

describe("BomDialog", () => {
  it("replaces the whole BOM with PUT, components included", async () => {
    const model = makeModel();
    const isPut = (call: RecordedRequest) => call.method === "PUT" && call.path === `/api/v1/models/${model.id}/bom`;
    const api = mockApi(meHandler("member"), catalogHandler, summaryHandler, (call) => (isPut(call) ? json(makeModel({ cost: { ...model.cost, total: 2.5 } })) : undefined));
    renderWithApp(<BomDialog model={model} trigger={<Button>Edit BOM</Button>} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Edit BOM" }));
    await waitFor(() => expect(screen.getByLabelText("Grams 1")).toHaveValue("40"));
    await user.clear(screen.getByLabelText("Grams 1"));
    await user.type(screen.getByLabelText("Grams 1"), "45");
    await user.click(screen.getByRole("button", { name: "Add component" }));
    await user.type(screen.getByLabelText("Component 1"), "Keyring");
    await user.type(screen.getByLabelText("Unit cost"), "0.3");
    await user.click(screen.getByRole("button", { name: "Save BOM" }));

    expect(await screen.findByText("BOM saved")).toBeInTheDocument();
    expect(api.requests.find(isPut)?.body).toEqual({
      materials: [{ filament_type_id: filamentType.id, grams: 45 }],
      components: [{ name: "Keyring", quantity: 1, unit_cost: 0.3 }],
    });
  });
});
