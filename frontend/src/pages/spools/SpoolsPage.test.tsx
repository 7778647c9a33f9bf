import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import SpoolsPage from "@/pages/spools/SpoolsPage";
import { catalogHandler, makeSpool, page } from "@/test/fixtures";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const isList = (call: RecordedRequest) => call.method === "GET" && call.path === "/api/v1/spools";

const full = makeSpool({ code: "FIL-001", location: "Shelf A" });
const low = makeSpool({
  code: "FIL-002",
  current_weight: 100,
  remaining_pct: 10,
  is_low_stock: true,
  filament_type: { id: full.filament_type_id, material_code: "PETG", brand: "Polymaker", color_name: "Jade", color_hex: "#00a86b" },
});
const archived = makeSpool({ code: "FIL-003", is_archived: true });

function listHandler(call: RecordedRequest) {
  return isList(call) ? json(page([full, low, archived], 120)) : undefined;
}

describe("SpoolsPage", () => {
  it("renders a row per spool with swatch, remaining bar, weight and status badges", async () => {
    mockApi(meHandler("member"), catalogHandler, listHandler);
    renderWithApp(<SpoolsPage />, { route: "/spools" });

    const lowRow = (await screen.findByRole("link", { name: "FIL-002" })).closest("tr");
    if (!lowRow) throw new Error("FIL-002 is not in a table row");
    const row = within(lowRow);
    expect(row.getByText("Polymaker Jade")).toBeInTheDocument();
    expect(row.getByText("PETG")).toBeInTheDocument();
    expect(row.getByTestId("color-swatch")).toHaveStyle({ backgroundColor: "#00a86b" });
    expect(row.getByRole("progressbar", { name: "Remaining on FIL-002" })).toHaveAttribute("aria-valuenow", "10");
    expect(row.getByText("100 g")).toBeInTheDocument();
    expect(row.getByText("Low stock")).toBeInTheDocument();

    expect(screen.getByRole("link", { name: "FIL-001" })).toHaveAttribute("href", `/spools/${full.id}`);
    expect(within(screen.getByRole("link", { name: "FIL-001" }).closest("tr") as HTMLElement).queryByText("Low stock")).toBeNull();
    expect(within(screen.getByRole("link", { name: "FIL-003" }).closest("tr") as HTMLElement).getByText("Archived")).toBeInTheDocument();
    expect(screen.getByText("Showing 1–50 of 120")).toBeInTheDocument();
  });

  it("toggles the sort of a column header and keeps it in the URL", async () => {
    const api = mockApi(meHandler("member"), catalogHandler, listHandler);
    renderWithApp(<SpoolsPage />, { route: "/spools" });
    const user = userEvent.setup();
    await screen.findByRole("link", { name: "FIL-001" });
    expect(api.requests.filter(isList).at(-1)?.query.get("sort")).toBe("code");

    const weightHeader = screen.getByRole("columnheader", { name: "Weight" });
    expect(weightHeader).toHaveAttribute("aria-sort", "none");
    await user.click(within(weightHeader).getByRole("button", { name: "Weight" }));
    await waitFor(() => expect(api.requests.filter(isList).at(-1)?.query.get("sort")).toBe("current_weight"));
    expect(weightHeader).toHaveAttribute("aria-sort", "ascending");

    await user.click(within(weightHeader).getByRole("button", { name: "Weight" }));
    await waitFor(() => expect(api.requests.filter(isList).at(-1)?.query.get("sort")).toBe("-current_weight"));
    expect(weightHeader).toHaveAttribute("aria-sort", "descending");
    expect(screen.getByTestId("location")).toHaveTextContent("/spools?sort=-current_weight");
  });

  it("sends the debounced search as q and pages with offset", async () => {
    const api = mockApi(meHandler("member"), catalogHandler, listHandler);
    renderWithApp(<SpoolsPage />, { route: "/spools" });
    const user = userEvent.setup();
    await screen.findByRole("link", { name: "FIL-001" });

    await user.type(screen.getByRole("searchbox", { name: "Search spools" }), "jade");
    await waitFor(() => expect(api.requests.filter(isList).at(-1)?.query.get("q")).toBe("jade"));
    expect(api.requests.filter(isList).some((call) => call.query.get("q") === "j")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(api.requests.filter(isList).at(-1)?.query.get("offset")).toBe("50"));
    expect(screen.getByTestId("location")).toHaveTextContent("/spools?page=2&q=jade");
  });

  it("selects rows and opens their labels", async () => {
    mockApi(meHandler("member"), catalogHandler, listHandler);
    renderWithApp(<SpoolsPage />, { route: "/spools" });
    const user = userEvent.setup();

    await user.click(await screen.findByRole("checkbox", { name: "Select FIL-001" }));
    await user.click(screen.getByRole("checkbox", { name: "Select FIL-002" }));
    await user.click(screen.getByRole("button", { name: "Print labels" }));

    expect(screen.getByTestId("location")).toHaveTextContent(`/spools/labels?ids=${full.id},${low.id}`);
  });

  it("shows members the write actions", async () => {
    mockApi(meHandler("member"), catalogHandler, listHandler);
    renderWithApp(<SpoolsPage />, { route: "/spools" });
    expect(await screen.findByRole("button", { name: "Add spool" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Bulk add" })).toBeInTheDocument();
  });

  it("shows a viewer no write actions", async () => {
    const api = mockApi(meHandler("viewer"), catalogHandler, listHandler);
    renderWithApp(<SpoolsPage />, { route: "/spools" });
    await screen.findByRole("link", { name: "FIL-001" });
    // The role is known once /auth/me has answered; give React the turn to render with it.
    await waitFor(() => expect(api.requests.some((call) => call.path === "/api/v1/auth/me")).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(screen.queryByRole("button", { name: "Add spool" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Bulk add" })).toBeNull();
    expect(screen.getByRole("checkbox", { name: "Select FIL-001" })).toBeInTheDocument(); // labels stay printable
  });

  it("says so when the shop has no spools", async () => {
    mockApi(meHandler("member"), catalogHandler, (call) => (isList(call) ? json(page([])) : undefined));
    renderWithApp(<SpoolsPage />, { route: "/spools" });
    expect(await screen.findByText("No spools yet")).toBeInTheDocument();
  });
});
