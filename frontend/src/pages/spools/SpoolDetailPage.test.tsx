import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";
import SpoolDetailPage from "@/pages/spools/SpoolDetailPage";
import type { Spool } from "@/queries/spools";
import { makeSpool, page } from "@/test/fixtures";
import { apiError, createTestQueryClient, json, makeMe, meHandler, mockApi, renderWithApp, type ApiHandler, type RecordedRequest } from "@/test/render";

/** GET of the spool and of its (empty) history. */
function spoolHandler(spool: Spool): ApiHandler {
  return ({ method, path }) => {
    if (method === "GET" && path === `/api/v1/spools/${spool.id}`) return json(spool);
    if (method === "GET" && path === `/api/v1/spools/${spool.id}/transactions`) return json(page([]));
    return undefined;
  };
}

/** Renders the page of `spool` with `role` known from the first render (the answer of /auth/me already cached). */
function renderDetail(spool: Pick<Spool, "id">, role: Role) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(ME_QUERY_KEY, makeMe(role));
  const routes = (
    <Routes>
      <Route path="/spools/:spoolId" element={<SpoolDetailPage />} />
      <Route path="/spools" element={<h1>The spool list</h1>} />
    </Routes>
  );
  renderWithApp(routes, { route: `/spools/${spool.id}`, queryClient });
  return { user: userEvent.setup() };
}

/** The value shown for a term of the facts list. */
function fact(term: string): HTMLElement {
  const dt = screen.getByText(term, { selector: "dt" });
  const dd = dt.nextElementSibling;
  if (!(dd instanceof HTMLElement)) throw new Error(`No value for ${term}`);
  return dd;
}

const isDelete = (spool: Spool) => (call: RecordedRequest) => call.method === "DELETE" && call.path === `/api/v1/spools/${spool.id}`;
const isArchive = (spool: Spool) => (call: RecordedRequest) => call.method === "POST" && call.path === `/api/v1/spools/${spool.id}/archive`;

describe("SpoolDetailPage", () => {
  it("shows the spool's code, weights and facts", async () => {
    const spool = makeSpool({ code: "FIL-301", current_weight: 640, initial_weight: 1000, remaining_pct: 64, location: "Shelf B", supplier: null });
    mockApi(meHandler("member"), spoolHandler(spool));
    renderDetail(spool, "member");

    expect(await screen.findByRole("heading", { level: 1, name: "FIL-301" })).toBeInTheDocument();
    expect(fact("Current weight")).toHaveTextContent("640 g of 1,000 g");
    expect(fact("Filament type")).toHaveTextContent("Prusament Galaxy Black");
    expect(fact("Material")).toHaveTextContent("PLA");
    expect(fact("Empty spool weight")).toHaveTextContent("250 g");
    expect(fact("Purchase price")).toHaveTextContent("£25.00");
    expect(fact("Location")).toHaveTextContent("Shelf B");
    expect(fact("Supplier")).toHaveTextContent("—");
    expect(screen.getByRole("progressbar", { name: "Remaining" })).toHaveAttribute("aria-valuenow", "64");
    expect(screen.queryByText("Low stock")).toBeNull();
    expect(await screen.findByText("Nothing booked yet.")).toBeInTheDocument();
  });

  it("marks a spool low on stock", async () => {
    const spool = makeSpool({ code: "FIL-302", current_weight: 90, remaining_pct: 9, is_low_stock: true });
    mockApi(meHandler("member"), spoolHandler(spool));
    renderDetail(spool, "member");

    const heading = await screen.findByRole("heading", { level: 1, name: "FIL-302" });
    expect(within(heading.parentElement as HTMLElement).getByText("Low stock")).toBeInTheDocument();
    expect(within(fact("Remaining")).getByText("Low stock")).toBeInTheDocument();
    expect(fact("Current weight")).toHaveTextContent("90 g of 1,000 g");
  });

  it("says “Spool not found” when the API answers 404", async () => {
    const spool = makeSpool();
    mockApi(meHandler("member"), ({ path }) => (path === `/api/v1/spools/${spool.id}` ? apiError(404, "NOT_FOUND", "Spool not found") : undefined));
    renderDetail(spool, "member");

    expect(await screen.findByRole("heading", { level: 1, name: "Spool not found" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the spool list" })).toHaveAttribute("href", "/spools");
    expect(screen.queryByRole("toolbar", { name: "Spool actions" })).toBeNull();
  });

  it("says “Spool not found” for an address that is not a spool id, without asking the API", async () => {
    const api = mockApi(meHandler("member"));
    renderDetail({ id: "not-a-spool" }, "member");

    expect(await screen.findByRole("heading", { level: 1, name: "Spool not found" })).toBeInTheDocument();
    expect(api.requests.filter((call) => call.path.startsWith("/api/v1/spools"))).toHaveLength(0);
  });

  it("offers a member the write actions but not Delete", async () => {
    const spool = makeSpool({ code: "FIL-303" });
    mockApi(meHandler("member"), spoolHandler(spool));
    renderDetail(spool, "member");

    const toolbar = within(await screen.findByRole("toolbar", { name: "Spool actions" }));
    for (const name of ["Weigh", "Use", "Edit", "Duplicate", "Archive"]) expect(toolbar.getByRole("button", { name })).toBeInTheDocument();
    expect(toolbar.getByRole("link", { name: "Print label" })).toHaveAttribute("href", `/spools/labels?ids=${spool.id}`);
    expect(toolbar.queryByRole("button", { name: "Delete" })).toBeNull();
  });

  it("shows a viewer the facts and Print label, but no Weigh, Use, Edit, Archive or Delete", async () => {
    const spool = makeSpool({ code: "FIL-304" });
    mockApi(meHandler("viewer"), spoolHandler(spool));
    renderDetail(spool, "viewer");

    expect(await screen.findByRole("heading", { level: 1, name: "FIL-304" })).toBeInTheDocument();
    expect(fact("Current weight")).toHaveTextContent("1,000 g of 1,000 g");
    for (const name of ["Weigh", "Use", "Edit", "Duplicate", "Archive", "Delete"]) expect(screen.queryByRole("button", { name })).toBeNull();
    expect(screen.getByRole("link", { name: "Print label" })).toHaveAttribute("href", `/spools/labels?ids=${spool.id}`);
  });

  it("explains an admin's Delete refused with 409 IN_USE and offers to archive instead", async () => {
    const spool = makeSpool({ code: "FIL-305" });
    // The server's state: archiving changes what a later GET answers (writes refresh the spool's queries).
    let current = spool;
    const api = mockApi(meHandler("admin"), (call) => {
      if (isDelete(spool)(call)) return apiError(409, "IN_USE", "Spool has ledger entries");
      if (isArchive(spool)(call)) {
        current = { ...spool, is_archived: true };
        return json(current);
      }
      return spoolHandler(current)(call);
    });
    const { user } = renderDetail(spool, "admin");

    await user.click(await screen.findByRole("button", { name: "Delete" }));
    const confirm = within(screen.getByRole("alertdialog", { name: "Delete FIL-305?" }));
    await user.click(confirm.getByRole("button", { name: "Delete spool" }));

    expect(await confirm.findByRole("alert")).toHaveTextContent(
      "FIL-305 cannot be deleted: it has usage or weighings in its history, which must be kept. Archive it instead to hide it from the list and the stock totals.",
    );
    expect(api.requests.filter(isDelete(spool))).toHaveLength(1);
    expect(screen.getByTestId("location")).toHaveTextContent(`/spools/${spool.id}`);

    await user.click(confirm.getByRole("button", { name: "Archive instead" }));
    const archive = within(await screen.findByRole("alertdialog", { name: "Archive FIL-305?" }));
    await user.click(archive.getByRole("button", { name: "Archive spool" }));

    expect(await screen.findByText("Archived FIL-305")).toBeInTheDocument();
    expect(api.requests.filter(isArchive(spool))).toHaveLength(1);
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    const heading = screen.getByRole("heading", { level: 1, name: "FIL-305" });
    expect(within(heading.parentElement as HTMLElement).getByText("Archived")).toBeInTheDocument();
  });

  it("deletes a spool without history and returns to the list", async () => {
    const spool = makeSpool({ code: "FIL-306" });
    const api = mockApi(meHandler("admin"), spoolHandler(spool), (call) => (isDelete(spool)(call) ? json(null, 204) : undefined));
    const { user } = renderDetail(spool, "admin");

    await user.click(await screen.findByRole("button", { name: "Delete" }));
    await user.click(within(screen.getByRole("alertdialog", { name: "Delete FIL-306?" })).getByRole("button", { name: "Delete spool" }));

    expect(await screen.findByText("Deleted FIL-306")).toBeInTheDocument();
    expect(api.requests.filter(isDelete(spool))).toHaveLength(1);
    expect(await screen.findByRole("heading", { level: 1, name: "The spool list" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/spools$/);
  });
  it("an archived spool is read-only: a notice and Restore instead of Weigh, Use, Edit and Move", async () => {
    const spool = makeSpool({ code: "FIL-311", is_archived: true });
    const isRestore = (call: RecordedRequest) => call.method === "POST" && call.path === `/api/v1/spools/${spool.id}/restore`;
    let current = spool; // the server's state: a later GET answers the restored spool
    const api = mockApi(meHandler("member"), (call) => {
      if (isRestore(call)) {
        current = { ...spool, is_archived: false };
        return json(current);
      }
      return spoolHandler(current)(call);
    });
    const { user } = renderDetail(spool, "member");

    const toolbar = within(await screen.findByRole("toolbar", { name: "Spool actions" }));
    expect(screen.getByTestId("archived-notice")).toHaveTextContent("read-only");
    for (const name of ["Weigh", "Use", "Edit", "Move", "Archive"]) expect(toolbar.queryByRole("button", { name })).toBeNull();
    await user.click(toolbar.getByRole("button", { name: "Restore" }));
    expect(await screen.findByText("Restored FIL-311")).toBeInTheDocument();
    expect(api.requests.filter(isRestore)).toHaveLength(1);
    expect(await toolbar.findByRole("button", { name: "Weigh" })).toBeInTheDocument();
  });

  it("archiving offers Undo in its notice, which restores the spool", async () => {
    const spool = makeSpool({ code: "FIL-312" });
    const isRestore = (call: RecordedRequest) => call.method === "POST" && call.path === `/api/v1/spools/${spool.id}/restore`;
    const api = mockApi(meHandler("member"), (call) => {
      if (isArchive(spool)(call)) return json({ ...spool, is_archived: true });
      if (isRestore(call)) return json(spool);
      return spoolHandler(spool)(call);
    });
    const { user } = renderDetail(spool, "member");

    await user.click(await screen.findByRole("button", { name: "Archive" }));
    await user.click(within(screen.getByRole("alertdialog", { name: "Archive FIL-312?" })).getByRole("button", { name: "Archive spool" }));
    expect(await screen.findByText("Archived FIL-312")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(await screen.findByText("Restored FIL-312")).toBeInTheDocument();
    expect(api.requests.filter(isArchive(spool))).toHaveLength(1);
    expect(api.requests.filter(isRestore)).toHaveLength(1);
  });
});
