import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";
import ModelsPage from "@/pages/catalog/ModelsPage";
import ProductsPage from "@/pages/catalog/ProductsPage";
import { etsy, makeModel, makeProduct } from "@/test/catalogFixtures";
import { page } from "@/test/fixtures";
import { createTestQueryClient, json, makeMe, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

function render(ui: React.ReactElement, role: Role, route = "/") {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(ME_QUERY_KEY, makeMe(role));
  renderWithApp(ui, { route, queryClient });
}

const lastList = (requests: RecordedRequest[], path: string) => requests.filter((call) => call.method === "GET" && call.path === path).at(-1)?.query;

describe("ModelsPage", () => {
  it("lists models with cost, estimate badge and stock; the filters go to the API and the URL", async () => {
    const api = mockApi(meHandler("member"), (call) =>
      call.method === "GET" && call.path === "/api/v1/models" ? json(page([makeModel({ cost_is_estimate: true, units_in_stock: 7 })])) : undefined,
    );
    render(<ModelsPage />, "member");
    const row = (await screen.findByRole("link", { name: "MOD-001" })).closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("Articulated dragon");
    expect(row).toHaveTextContent("40 g");
    expect(row).toHaveTextContent("Estimate£2.20");
    expect(row).toHaveTextContent("7");
    expect(lastList(api.requests, "/api/v1/models")?.get("active")).toBe("true");

    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Search"), "drag");
    await user.selectOptions(screen.getByLabelText("Status"), "All");
    await user.selectOptions(screen.getByLabelText("Sort by"), "Most in stock");
    await user.click(screen.getByLabelText("In stock only"));
    await waitFor(() => {
      const query = lastList(api.requests, "/api/v1/models");
      expect(query?.get("q")).toBe("drag");
      expect(query?.get("active")).toBeNull();
      expect(query?.get("sort")).toBe("-units_in_stock");
      expect(query?.get("has-stock")).toBe("true");
    });
    expect(screen.getByTestId("location")).toHaveTextContent("active=all");
    expect(screen.getByRole("button", { name: "Add model" })).toBeInTheDocument();
  });

  it("viewers get no Add button, and an empty shop is explained", async () => {
    mockApi(meHandler("viewer"), (call) => (call.method === "GET" && call.path === "/api/v1/models" ? json(page([])) : undefined));
    render(<ModelsPage />, "viewer");
    expect(await screen.findByText("No models yet")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add model" })).toBeNull();
  });
});

describe("ProductsPage", () => {
  it("shows make cost, suggested price, the lowest margin (a loss stands out) and the category filter", async () => {
    const losing = makeProduct({ channels: [{ sales_channel_id: etsy.id, name: "Etsy", platform: "etsy", price: 4, fee: 0.46, profit: -1.36, margin_pct: -34 }] });
    const api = mockApi(meHandler("member"), (call) => (call.method === "GET" && call.path === "/api/v1/products" ? json(page([losing])) : undefined));
    render(<ProductsPage />, "member", "/products?category=Gifts");
    const row = (await screen.findByRole("link", { name: "PRD-001" })).closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("£4.90");
    expect(row).toHaveTextContent("£12.25");
    expect(screen.getByText("-34%")).toHaveClass("text-destructive");
    expect(lastList(api.requests, "/api/v1/products")?.get("category")).toBe("Gifts");
    expect(screen.getByLabelText("Category")).toHaveValue("Gifts");
  });
});
