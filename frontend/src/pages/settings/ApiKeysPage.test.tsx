import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ApiKeysPage from "@/pages/settings/ApiKeysPage";

const SECRET = "bk_live_9f8e7d6c5b4a3210fedcba9876543210";
const KEY = {
  id: "44444444-4444-4444-8444-444444444444",
  name: "Etsy sync",
  role: "member",
  scopes: ["read", "inventory:write", "catalog:write", "production:write"],
  prefix: "bk_live_9f8e",
  created_at: "2026-11-26T10:00:00Z",
  created_by: "00000000-0000-4000-8000-000000000001",
  last_used_at: null,
  revoked_at: null,
};

function apiKeysApi() {
  let keys: (typeof KEY)[] = [];
  return (request: RecordedRequest): Response | undefined => {
    if (request.path !== "/api/v1/api-keys") return undefined;
    if (request.method === "GET") return json({ items: keys, total: keys.length, limit: 200, offset: 0 });
    if (request.method === "POST") {
      const sent = request.body as { name: string; role: string; scopes: string[] };
      const key = { ...KEY, name: sent.name, role: sent.role, scopes: sent.scopes };
      keys = [key];
      const { created_by: _createdBy, last_used_at: _lastUsed, revoked_at: _revoked, ...created } = key;
      return json({ ...created, key: SECRET }, 201);
    }
    return undefined;
  };
}

describe("ApiKeysPage", () => {
  it("shows a new key's secret once, and never again after the dialog closes", async () => {
    const { requests } = mockApi(meHandler("admin"), apiKeysApi());
    const user = userEvent.setup();
    const { queryClient } = renderWithApp(<ApiKeysPage />);

    expect(await screen.findByText("No API keys yet")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Create API key" }));
    const dialog = await screen.findByRole("dialog", { name: "Create API key" });
    await user.type(within(dialog).getByLabelText("Name"), "Etsy sync");
    await user.selectOptions(within(dialog).getByLabelText("Role"), "Member");
    await user.click(within(dialog).getByRole("button", { name: "Create key" }));

    const secret = await screen.findByTestId("api-key-secret");
    expect(secret).toHaveValue(SECRET);
    expect(secret).toHaveAttribute("readonly");
    expect(screen.getByText(/It will not be shown again/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Copy" })).toBeInTheDocument();
    // Without a change, a member key gets every write scope its role allows (what the API defaults to).
    expect(requests.find((r) => r.method === "POST")?.body).toEqual({
      name: "Etsy sync",
      role: "member",
      scopes: ["read", "inventory:write", "catalog:write", "production:write"],
    });

    await user.click(screen.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    // The list shows the key by its prefix only.
    expect(await screen.findByText("Etsy sync")).toBeInTheDocument();
    expect(screen.getByText("bk_live_9f8e…")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Create API key" }));
    const reopened = await screen.findByRole("dialog", { name: "Create API key" });
    expect(within(reopened).getByLabelText("Name")).toHaveValue("");
    expect(screen.queryByTestId("api-key-secret")).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(SECRET);

    // Nor is it kept in the cache: no query and no mutation holds it.
    await waitFor(() => {
      const cached = JSON.stringify([
        queryClient.getQueryCache().getAll().map((q) => q.state.data),
        queryClient.getMutationCache().getAll().map((m) => m.state.data),
      ]);
      expect(cached).not.toContain(SECRET);
    });
  });

  it("creates a key with only the chosen scopes, read always on, and lists them", async () => {
    const { requests } = mockApi(meHandler("admin"), apiKeysApi());
    const user = userEvent.setup();
    renderWithApp(<ApiKeysPage />);

    await user.click(await screen.findByRole("button", { name: "Create API key" }));
    const dialog = await screen.findByRole("dialog", { name: "Create API key" });
    await user.type(within(dialog).getByLabelText("Name"), "Stock feed");
    const read = within(dialog).getByRole("checkbox", { name: "Read everything" });
    expect(read).toBeChecked();
    expect(read).toBeDisabled();

    // A viewer key only reads: every write scope is off and cannot be turned on.
    await user.selectOptions(within(dialog).getByLabelText("Role"), "Viewer");
    for (const name of ["Change inventory", "Change the catalog", "Change production", "Manage webhooks"]) {
      const box = within(dialog).getByRole("checkbox", { name });
      expect(box).not.toBeChecked();
      expect(box).toBeDisabled();
    }
    // A member key offers the inventory, catalog and production writes (all on), never webhooks.
    await user.selectOptions(within(dialog).getByLabelText("Role"), "Member");
    expect(within(dialog).getByRole("checkbox", { name: "Change inventory" })).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: "Manage webhooks" })).toBeDisabled();
    await user.click(within(dialog).getByRole("checkbox", { name: "Change the catalog" }));
    await user.click(within(dialog).getByRole("checkbox", { name: "Change production" }));
    expect(within(dialog).getByRole("checkbox", { name: "Change the catalog" })).not.toBeChecked();
    await user.click(within(dialog).getByRole("button", { name: "Create key" }));

    await screen.findByTestId("api-key-secret");
    expect(requests.find((r) => r.method === "POST")?.body).toEqual({
      name: "Stock feed",
      role: "member",
      scopes: ["read", "inventory:write"],
    });
    await user.click(screen.getByRole("button", { name: "Done" }));
    const scopes = await screen.findByRole("list", { name: "Scopes of Stock feed" });
    expect(within(scopes).getAllByRole("listitem").map((item) => item.textContent)).toEqual(["Read everything", "Change inventory"]);
  });
});
