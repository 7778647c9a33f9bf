/** Where the Scan dialog leads: a spool's page opening its weigh dialog, the list opening a pre-filled "Add spool". */
import { screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";
import SpoolDetailPage from "@/pages/spools/SpoolDetailPage";
import SpoolsPage from "@/pages/spools/SpoolsPage";
import type { Spool } from "@/queries/spools";
import { catalogHandler, filamentType, makeSpool, page } from "@/test/fixtures";
import { createTestQueryClient, json, makeMe, meHandler, mockApi, renderWithApp, type ApiHandler } from "@/test/render";

function spoolHandler(spool: Spool): ApiHandler {
  return ({ method, path }) => {
    if (method === "GET" && path === `/api/v1/spools/${spool.id}`) return json(spool);
    if (method === "GET" && path === `/api/v1/spools/${spool.id}/transactions`) return json(page([]));
    return undefined;
  };
}

function renderAt(route: string, role: Role) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(ME_QUERY_KEY, makeMe(role));
  renderWithApp(
    <Routes>
      <Route path="/spools/:spoolId" element={<SpoolDetailPage />} />
      <Route path="/spools" element={<SpoolsPage />} />
    </Routes>,
    { route, queryClient },
  );
}

const location = () => screen.getByTestId("location").textContent;

describe("?action=weigh on a spool's page", () => {
  it("opens the weigh dialog once and drops the parameter", async () => {
    const spool = makeSpool({ code: "FIL-501" });
    mockApi(meHandler("member"), spoolHandler(spool));
    renderAt(`/spools/${spool.id}?action=weigh`, "member");
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByRole("heading", { name: /Weigh FIL-501/ })).toBeInTheDocument();
    await waitFor(() => expect(location()).toBe(`/spools/${spool.id}`));
  });

  it("opens nothing for a viewer or an archived spool", async () => {
    const archived = makeSpool({ code: "FIL-502", is_archived: true });
    mockApi(meHandler("member"), spoolHandler(archived));
    renderAt(`/spools/${archived.id}?action=weigh`, "member");
    await screen.findByRole("heading", { name: "FIL-502" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("a viewer's scan with weigh lands on the page only", async () => {
    const spool = makeSpool({ code: "FIL-503" });
    mockApi(meHandler("viewer"), spoolHandler(spool));
    renderAt(`/spools/${spool.id}?action=weigh`, "viewer");
    await screen.findByRole("heading", { name: "FIL-503" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});

describe("?new=1&filament_type= on the spool list", () => {
  it("opens “Add spool” with the filament type chosen, and drops the parameters", async () => {
    mockApi(meHandler("member"), catalogHandler, ({ method, path }) => (method === "GET" && path === "/api/v1/spools" ? json(page([])) : undefined));
    renderAt(`/spools?new=1&filament_type=${filamentType.id}`, "member");
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByRole("heading", { name: "Add spool" })).toBeInTheDocument();
    const select = await within(dialog).findByLabelText("Filament type");
    await waitFor(() => expect(select).toHaveValue(filamentType.id));
    await waitFor(() => expect(location()).toBe("/spools"));
  });
});
