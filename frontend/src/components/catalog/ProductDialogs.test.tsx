import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ChannelPrices } from "@/components/catalog/ChannelPrices";
import { ProductDialog } from "@/components/catalog/ProductDialog";
import { AssembleDialog, StockAdjustDialog } from "@/components/catalog/StockDialogs";
import { Button } from "@/components/ui/button";
import { unwrapTagged } from "@/lib/etags";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import { etsy, makeModel, makeProduct, PRODUCT_ID } from "@/test/catalogFixtures";
import { page } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const bundle = makeProduct({ id: "55555555-5555-4555-8555-000000000002", sku: "PRD-002", name: "Family pack" });
const listsHandler = ({ method, path }: RecordedRequest) => {
  if (method === "GET" && path === "/api/v1/models") return json(page([makeModel()]));
  if (method === "GET" && path === "/api/v1/products") return json(page([makeProduct(), bundle]));
  if (method === "GET" && path === "/api/v1/sales-channels") return json(page([etsy, { ...etsy, id: "66666666-6666-4666-8666-000000000002", name: "Market stall", platform: null, fee_pct: 0, fixed_fee: 0 }]));
  return undefined;
};

describe("ProductDialog", () => {
  it("shows a bundle loop refused by the API on the bundle's products, naming the loop", async () => {
    const product = makeProduct();
    const isPatch = (call: RecordedRequest) => call.method === "PATCH" && call.path === `/api/v1/products/${product.id}`;
    const api = mockApi(meHandler("member"), listsHandler, (call) =>
      isPatch(call) ? apiError(409, "CONFLICT", "A product cannot contain itself: PRD-001 → PRD-002 → PRD-001") : undefined,
    );
    renderWithApp(<ProductDialog product={product} trigger={<Button>Edit</Button>} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Edit" }));
    await user.click(await screen.findByRole("button", { name: "Add a product" }));
    await user.selectOptions(screen.getByLabelText("Product 1"), screen.getByRole("option", { name: "PRD-002 Family pack" }));
    expect(screen.queryByRole("option", { name: /PRD-001 Dragon gift box/ })).toBeNull(); // not itself
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByTestId("children-error")).toHaveTextContent("A product cannot contain itself: PRD-001 → PRD-002 → PRD-001");
    expect(screen.getByRole("dialog", { name: "Edit PRD-001" })).toBeInTheDocument();
    expect(api.requests.find(isPatch)?.body).toMatchObject({ children: [{ product_id: bundle.id, quantity: 1 }], models: [{ model_id: product.models[0]?.model_id, quantity: 2 }] });
  });

  it("saves against the version it opened with and says so when somebody else saved first", async () => {
    const product = unwrapTagged({ data: makeProduct(), response: new Response(null, { headers: { ETag: `"${PRODUCT_ID}-7"` } }) });
    const isPatch = (call: RecordedRequest) => call.method === "PATCH" && call.path === `/api/v1/products/${product.id}`;
    const api = mockApi(meHandler("member"), listsHandler, (call) =>
      isPatch(call) ? apiError(412, "PRECONDITION_FAILED", "The resource has changed since you read it") : undefined,
    );
    renderWithApp(<ProductDialog product={product} trigger={<Button>Edit</Button>} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Edit" }));
    await user.type(await screen.findByLabelText("Name"), " XL");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText(/Someone else saved a change to this since you opened it/)).toBeInTheDocument();
    expect(api.requests.find(isPatch)?.headers.get("If-Match")).toBe(`"${PRODUCT_ID}-7"`);
    expect(screen.getByRole("dialog", { name: "Edit PRD-001" })).toBeInTheDocument();
  });

  it("puts a taken SKU on the SKU field", async () => {
    const isCreate = (call: RecordedRequest) => call.method === "POST" && call.path === "/api/v1/products";
    const api = mockApi(
      meHandler("member"),
      listsHandler,
      (call) => (call.method === "GET" && call.path === "/api/v1/catalog/next-sku" ? json({ sku: "PRD-003" }) : undefined),
      (call) => (isCreate(call) ? apiError(409, "CONFLICT", "A product with SKU PRD-003 already exists") : undefined),
    );
    renderWithApp(<ProductDialog trigger={<Button>New</Button>} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "New" }));
    await waitFor(() => expect(screen.getByLabelText("SKU")).toHaveValue("PRD-003"));
    await user.type(screen.getByLabelText("Name"), "Box");
    await user.selectOptions(screen.getByLabelText("Model 1"), await screen.findByRole("option", { name: /MOD-001 Articulated dragon/ }));
    await user.click(screen.getByRole("button", { name: "Add product" }));
    await waitFor(() => expect(screen.getByLabelText("SKU")).toHaveAccessibleDescription("A product with SKU PRD-003 already exists"));
    expect(api.requests.find(isCreate)?.headers.get(IDEMPOTENCY_HEADER)).toBeTruthy();
  });
});

describe("AssembleDialog", () => {
  it("shows the 409 INSUFFICIENT_STOCK naming the short models next to the quantity", async () => {
    mockApi(meHandler("member"));
    const onAssemble = async () => {
      const { ApiError } = await import("@/lib/errors");
      throw new ApiError(409, "INSUFFICIENT_STOCK", "Not enough units in stock to assemble 2 x PRD-001: MOD-001 (needs 4, has 1)");
    };
    renderWithApp(<AssembleDialog sku="PRD-001" recipe={[{ label: "MOD-001 Dragon", quantity: 2, inStock: 1 }]} onAssemble={onAssemble} trigger={<Button>Assemble it</Button>} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Assemble it" }));
    expect(screen.getByText("2 × MOD-001 Dragon")).toBeInTheDocument();
    await user.clear(screen.getByLabelText("Units to assemble"));
    await user.type(screen.getByLabelText("Units to assemble"), "2");
    await user.click(screen.getByRole("button", { name: "Assemble" }));
    await waitFor(() =>
      expect(screen.getByLabelText("Units to assemble")).toHaveAccessibleDescription(
        "Not enough units in stock to assemble 2 x PRD-001: MOD-001 (needs 4, has 1). Nothing was taken from stock.",
      ),
    );
  });

  it("sends the assembly with an Idempotency-Key through the product's hook", async () => {
    const isAssemble = (call: RecordedRequest) => call.method === "POST" && call.path === `/api/v1/products/${PRODUCT_ID}/assemble`;
    const api = mockApi(meHandler("member"), (call) => (isAssemble(call) ? json(makeProduct({ units_in_stock: 3 })) : undefined));
    const { useAssembleProduct } = await import("@/queries/catalog");
    function Harness() {
      const assemble = useAssembleProduct();
      return (
        <AssembleDialog
          sku="PRD-001"
          recipe={[]}
          onAssemble={async (quantity) => (await assemble.mutateAsync({ id: PRODUCT_ID, quantity })).units_in_stock}
          trigger={<Button>Assemble it</Button>}
        />
      );
    }
    renderWithApp(<Harness />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Assemble it" }));
    await user.clear(screen.getByLabelText("Units to assemble"));
    await user.type(screen.getByLabelText("Units to assemble"), "3");
    await user.click(screen.getByRole("button", { name: "Assemble" }));
    expect(await screen.findByText("Assembled 3 × PRD-001")).toBeInTheDocument();
    const call = api.requests.find(isAssemble);
    expect(call?.body).toEqual({ quantity: 3 });
    expect(call?.headers.get(IDEMPOTENCY_HEADER)).toBeTruthy();
  });
});

describe("StockAdjustDialog", () => {
  it("asks for a reason and a non-zero whole number before sending", async () => {
    mockApi(meHandler("member"));
    let sent: unknown = null;
    renderWithApp(
      <StockAdjustDialog sku="MOD-001" unitsInStock={3} onAdjust={async (body) => ((sent = body), 8)} trigger={<Button>Adjust</Button>} />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Adjust" }));
    await user.click(screen.getByRole("button", { name: "Adjust stock" }));
    await waitFor(() => expect(screen.getByLabelText("Reason")).toHaveAccessibleDescription("Say why (e.g. counted, damaged, sample)"));
    expect(sent).toBeNull();
    await user.type(screen.getByLabelText("Change in units"), "+5");
    await user.type(screen.getByLabelText("Reason"), "counted");
    await user.click(screen.getByRole("button", { name: "Adjust stock" }));
    expect(await screen.findByText("MOD-001: 8 in stock")).toBeInTheDocument();
    expect(sent).toEqual({ delta: 5, reason: "counted" });
  });
});

describe("ChannelPrices", () => {
  it("shows price, fee, profit and margin per channel, a loss standing out, and lets members set a price", async () => {
    const product = makeProduct({ channels: [{ sales_channel_id: etsy.id, name: "Etsy", platform: "etsy", price: 4, fee: 0.46, profit: -1.36, margin_pct: -34 }] });
    const isPut = (call: RecordedRequest) => call.method === "PUT" && call.path.startsWith(`/api/v1/products/${product.id}/prices/`);
    const api = mockApi(meHandler("member"), listsHandler, (call) => (isPut(call) ? json(product) : undefined));
    renderWithApp(<ChannelPrices product={product} currency="GBP" canWrite />);
    const rows = await screen.findAllByTestId("channel-row");
    const etsyRow = within(rows[0] as HTMLElement);
    expect(etsyRow.getByText("£4.00")).toBeInTheDocument();
    expect(etsyRow.getByText("£0.46")).toBeInTheDocument();
    expect(etsyRow.getByText("-£1.36")).toHaveClass("text-destructive");
    expect(etsyRow.getByText("Loss -34%")).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText("Market stall")).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Set price on Market stall" }));
    const dialog = within(screen.getByRole("dialog", { name: "Price on Market stall" }));
    expect(dialog.getByLabelText("Price")).toHaveValue("12.25"); // the suggested price
    await user.click(dialog.getByRole("button", { name: "Save price" }));
    await waitFor(() => expect(api.requests.filter(isPut)).toHaveLength(1));
    expect(api.requests.find(isPut)?.path).toBe(`/api/v1/products/${product.id}/prices/66666666-6666-4666-8666-000000000002`);
    expect(api.requests.find(isPut)?.body).toEqual({ price: 12.25 });
  });

  it("viewers see the numbers but no write controls", async () => {
    mockApi(meHandler("viewer"), listsHandler);
    renderWithApp(<ChannelPrices product={makeProduct()} currency="GBP" canWrite={false} />);
    await screen.findAllByTestId("channel-row");
    expect(screen.getByText("51%")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /price/i })).toBeNull();
  });
});
