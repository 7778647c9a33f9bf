import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Pager } from "@/components/spools/Pager";
import SpoolsPage from "@/pages/spools/SpoolsPage";
import { catalogHandler, makeSpool, page } from "@/test/fixtures";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const isList = (call: RecordedRequest) => call.method === "GET" && call.path === "/api/v1/spools";

describe("Pager", () => {
  it("shows an exact total and stops at the last page", () => {
    render(<Pager offset={100} limit={50} total={132} onPrevious={vi.fn()} onNext={vi.fn()} />);
    expect(screen.getByText("Showing 101–132 of 132")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Next" })).toBeDisabled();
  });

  it("shows a lower bound with + and keeps Next open past it", () => {
    render(<Pager offset={950} limit={50} total={1000} atLeast onPrevious={vi.fn()} onNext={vi.fn()} />);
    expect(screen.getByText("Showing 951–1000 of 1000+")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Next" })).toBeEnabled();
  });

  it("pages a spools list whose total is a lower bound (a big shop)", async () => {
    const spools = Array.from({ length: 50 }, (_, n) => makeSpool({ code: `FIL-${n + 1}` }));
    const api = mockApi(meHandler("viewer"), catalogHandler, (call) =>
      isList(call) ? json({ ...page(spools, 1000), offset: Number(call.query.get("offset") ?? 0), total_is_lower_bound: true }) : undefined,
    );
    renderWithApp(<SpoolsPage />, { route: "/spools" });
    expect(await screen.findByText("Showing 1–50 of 1000+")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(api.requests.filter(isList).at(-1)?.query.get("offset")).toBe("50"));
  });
});
