import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import CatalogSettingsPage from "@/pages/catalog/CatalogSettingsPage";
import SalesChannelsPage from "@/pages/catalog/SalesChannelsPage";
import { etsy } from "@/test/catalogFixtures";
import { page } from "@/test/fixtures";
import { apiError, createTestQueryClient, json, makeMe, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

function render(ui: React.ReactElement) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(ME_QUERY_KEY, makeMe("admin"));
  renderWithApp(ui, { queryClient });
}

describe("CatalogSettingsPage", () => {
  it("saves the costing settings; the API's 422 lands on its field", async () => {
    let saves = 0;
    const isPatch = (call: RecordedRequest) => call.method === "PATCH" && call.path === "/api/v1/catalog/settings";
    const api = mockApi(meHandler("admin"), (call) => {
      if (call.method === "GET" && call.path === "/api/v1/catalog/settings") return json({ labor_rate_per_hour: 10, overhead_pct: 0, price_multiplier: 2.5 });
      if (!isPatch(call)) return undefined;
      saves += 1;
      if (saves === 1) return apiError(422, "VALIDATION_ERROR", "Invalid", [{ loc: ["body", "overhead_pct"], msg: "Input should be less than or equal to 100", type: "x" }]);
      return json({ labor_rate_per_hour: 12, overhead_pct: 15, price_multiplier: 2.5 });
    });
    render(<CatalogSettingsPage />);
    const user = userEvent.setup();
    const rate = await screen.findByLabelText("Labour rate (GBP per hour)");
    expect(screen.getByRole("button", { name: "Save settings" })).toBeDisabled(); // nothing changed yet
    await user.clear(rate);
    await user.type(rate, "12");
    await user.clear(screen.getByLabelText("Overhead (%)"));
    await user.type(screen.getByLabelText("Overhead (%)"), "15");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(screen.getByLabelText("Overhead (%)")).toHaveAccessibleDescription("Input should be less than or equal to 100"));
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Costing settings saved")).toBeInTheDocument();
    expect(api.requests.filter(isPatch).at(-1)?.body).toEqual({ labor_rate_per_hour: 12, overhead_pct: 15, price_multiplier: 2.5 });
  });

  it("checks the numbers before asking the API", async () => {
    const api = mockApi(meHandler("admin"), (call) =>
      call.method === "GET" && call.path === "/api/v1/catalog/settings" ? json({ labor_rate_per_hour: 10, overhead_pct: 0, price_multiplier: 2.5 }) : undefined,
    );
    render(<CatalogSettingsPage />);
    const user = userEvent.setup();
    const overhead = await screen.findByLabelText("Overhead (%)");
    await user.clear(overhead);
    await user.type(overhead, "150");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(overhead).toHaveAccessibleDescription("At most 100%"));
    expect(api.requests.filter((call) => call.method === "PATCH")).toHaveLength(0);
  });
});

describe("SalesChannelsPage", () => {
  it("lists channels and adds one with an Idempotency-Key", async () => {
    const isCreate = (call: RecordedRequest) => call.method === "POST" && call.path === "/api/v1/sales-channels";
    const api = mockApi(meHandler("admin"), (call) => {
      if (call.method === "GET" && call.path === "/api/v1/sales-channels") return json(page([etsy]));
      if (isCreate(call)) return json({ ...etsy, id: "x", name: "Market stall", platform: null, fee_pct: 0, fixed_fee: 0 }, 201);
      return undefined;
    });
    render(<SalesChannelsPage />);
    const row = (await screen.findByText("Etsy")).closest("tr") as HTMLElement;
    expect(within(row).getByText("6.5%")).toBeInTheDocument();
    expect(within(row).getByText("£0.20")).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Add channel" }));
    const dialog = within(screen.getByRole("dialog", { name: "Add sales channel" }));
    await user.type(dialog.getByLabelText("Name"), "Market stall");
    await user.clear(dialog.getByLabelText("Fee (%)"));
    await user.type(dialog.getByLabelText("Fee (%)"), "101");
    await user.click(dialog.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(dialog.getByLabelText("Fee (%)")).toHaveAccessibleDescription("At most 100%"));
    await user.clear(dialog.getByLabelText("Fee (%)"));
    await user.type(dialog.getByLabelText("Fee (%)"), "0");
    await user.click(dialog.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Channel added")).toBeInTheDocument();
    const post = api.requests.find(isCreate);
    expect(post?.body).toEqual({ name: "Market stall", platform: null, fee_pct: 0, fixed_fee: 0, monthly_cost: 0, is_active: true });
    expect(post?.headers.get(IDEMPOTENCY_HEADER)).toBeTruthy();
  });
});
