import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";
import CategoriesPage from "@/pages/catalog/CategoriesPage";
import ProductsPage from "@/pages/catalog/ProductsPage";
import { page } from "@/test/fixtures";
import { apiError, createTestQueryClient, json, makeMe, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const CATEGORIES = [
  { name: "Dragons", product_count: 3 },
  { name: "Gifts", product_count: 5 },
];
const categories = (call: RecordedRequest) => (call.method === "GET" && call.path === "/api/v1/categories" ? json(page(CATEGORIES)) : undefined);

function render(ui: React.ReactElement, role: Role, route = "/") {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(ME_QUERY_KEY, makeMe(role));
  renderWithApp(ui, { route, queryClient });
}

describe("CategoriesPage", () => {
  it("lists the categories with their counts linking to the filtered products", async () => {
    mockApi(meHandler("member"), categories);
    render(<CategoriesPage />, "member");
    const row = (await screen.findByRole("cell", { name: "Gifts" })).closest("tr") as HTMLElement;
    expect(within(row).getByRole("link", { name: "5 products in Gifts" })).toHaveAttribute("href", "/products?category=Gifts&active=all");
  });

  it("renames with PATCH on the old name, and says before saving that an existing name merges the two", async () => {
    const api = mockApi(meHandler("member"), categories, (call) =>
      call.method === "PATCH" ? json({ name: "Gifts", product_count: 7, renamed_products: 3, merged: true }) : undefined,
    );
    render(<CategoriesPage />, "member");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Rename Dragons" }));
    const field = screen.getByLabelText("New name");
    await user.clear(field);
    await user.type(field, "Gifts");
    expect(screen.getByText(/“Gifts” already exists \(5 products\): the two will be merged/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Merge categories" }));
    await waitFor(() => expect(api.requests.find((call) => call.method === "PATCH")?.body).toEqual({ name: "Gifts" }));
    expect(api.requests.find((call) => call.method === "PATCH")?.path).toBe("/api/v1/categories/Dragons");
    expect(await screen.findByText("Merged “Dragons” into “Gifts”")).toBeInTheDocument();
  });

  it("puts the API's 422 on the name field and a vanished category in words", async () => {
    let answer = 0;
    mockApi(meHandler("member"), categories, (call) => {
      if (call.method !== "PATCH") return undefined;
      answer += 1;
      return answer === 1
        ? apiError(422, "VALIDATION_ERROR", "Invalid", [{ loc: ["body", "name"], msg: "Value error, name must not contain a comma", type: "value_error" }])
        : apiError(404, "NOT_FOUND", "Category not found");
    });
    render(<CategoriesPage />, "member");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Rename Dragons" }));
    const field = screen.getByLabelText("New name");
    await user.clear(field);
    await user.type(field, "Big, red");
    await user.click(screen.getByRole("button", { name: "Rename" }));
    expect(await screen.findByText("name must not contain a comma")).toBeInTheDocument();
    expect(field).toHaveAttribute("aria-invalid", "true");
    await user.click(screen.getByRole("button", { name: "Rename" }));
    expect(await screen.findByText(/No product has “Dragons” any more/)).toBeInTheDocument();
  });

  it("viewers see the list without rename controls", async () => {
    mockApi(meHandler("viewer"), categories);
    render(<CategoriesPage />, "viewer");
    expect(await screen.findByRole("cell", { name: "Dragons" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Rename/ })).not.toBeInTheDocument();
  });
});

describe("ProductsPage category filter", () => {
  it("offers the categories with their counts and sends the chosen one to the API", async () => {
    const api = mockApi(meHandler("member"), categories, (call) => (call.method === "GET" && call.path === "/api/v1/products" ? json(page([])) : undefined));
    render(<ProductsPage />, "member", "/products");
    const select = await screen.findByLabelText("Category");
    await screen.findByRole("option", { name: "Gifts (5)" });
    await userEvent.setup().selectOptions(select, "Gifts (5)");
    await waitFor(() => expect(api.requests.filter((call) => call.path === "/api/v1/products").at(-1)?.query.get("category")).toBe("Gifts"));
    expect(screen.getByTestId("location")).toHaveTextContent("category=Gifts");
  });
});
