import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { toListParams } from "@/components/spools/spoolListSearch";
import SpoolsPage from "@/pages/spools/SpoolsPage";
import { catalogHandler, makeSpool, page } from "@/test/fixtures";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const isList = (call: RecordedRequest) => call.method === "GET" && call.path === "/api/v1/spools";
const base = { page: 1, sort: "", q: "", material: "", filamentTypeId: "", location: "", lowStock: false, archived: false };

describe("spool search", () => {
  it("asks for relevance (no sort) while searching, unless a sort was chosen", () => {
    expect(toListParams({ ...base, q: " red pla " })).toMatchObject({ q: "red pla", sort: undefined });
    expect(toListParams({ ...base, q: "red", sort: "-current_weight" })).toMatchObject({ q: "red", sort: "-current_weight" });
    expect(toListParams(base)).toMatchObject({ q: undefined, sort: "code" });
  });

  it("says how many spools match, a lower bound past the API's count, and clears", async () => {
    const api = mockApi(meHandler("member"), catalogHandler, (call) =>
      isList(call) ? json({ ...page([makeSpool({ code: "FIL-012" })], call.query.get("q") === "pla" ? 1000 : 1), total_is_lower_bound: call.query.get("q") === "pla" }) : undefined,
    );
    renderWithApp(<SpoolsPage />, { route: "/spools?q=fil-012" });
    expect(await screen.findByTestId("search-summary")).toHaveTextContent("1 result for “fil-012”");
    const box = screen.getByRole("searchbox", { name: "Search spools" });
    await userEvent.clear(box);
    await userEvent.type(box, "pla");
    await waitFor(() => expect(screen.getByTestId("search-summary")).toHaveTextContent("1,000+ results for “pla” — add a word to narrow it"));
    expect(api.requests.filter(isList).at(-1)?.query.get("sort")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Clear search" }));
    await waitFor(() => expect(screen.queryByTestId("search-summary")).toBeNull());
    expect(box).toHaveValue("");
    expect(api.requests.filter(isList).at(-1)?.query.get("q")).toBeNull();
  });
});
