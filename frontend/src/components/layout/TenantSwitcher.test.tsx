import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { TenantSwitcher } from "@/components/layout/TenantSwitcher";
import { session } from "@/lib/session";
import { json, makeMe, mockApi, renderWithApp, type ApiHandler } from "@/test/render";

const SHOP_A = "00000000-0000-4000-8000-0000000000aa";
const SHOP_B = "00000000-0000-4000-8000-0000000000bb";

function twoShops(current: "a" | "b") {
  const me = makeMe("owner");
  const memberships = [
    { tenant_id: SHOP_A, tenant_name: "Ada's Prints", role: "owner" },
    { tenant_id: SHOP_B, tenant_name: "Layer Lab", role: "viewer" },
  ];
  return current === "a"
    ? { ...me, memberships }
    : { ...me, tenant: { ...me.tenant, id: SHOP_B, name: "Layer Lab" }, role: "viewer", memberships };
}

describe("TenantSwitcher", () => {
  it("shows the shop's name alone when the user belongs to one shop", async () => {
    mockApi((r) => (r.path === "/api/v1/auth/me" ? json(makeMe("member")) : undefined));
    renderWithApp(<TenantSwitcher />);
    expect(await screen.findByTestId("tenant-name")).toHaveTextContent("Ada's Prints");
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("switches shop in cookie mode, takes the new token and drops every cached answer", async () => {
    let switched = false;
    const handlers: ApiHandler[] = [
      (r) => (r.path === "/api/v1/auth/me" ? json(twoShops(switched ? "b" : "a")) : undefined),
      (r) => {
        if (r.path !== "/api/v1/auth/switch-tenant") return undefined;
        switched = true;
        return json({ access_token: "token-for-b", refresh_token: null, token_type: "bearer", expires_in: 900 });
      },
    ];
    const { requests, fetchMock } = mockApi(...handlers);
    const { queryClient } = renderWithApp(<TenantSwitcher />);
    queryClient.setQueryData(["spools", "list", { shop: "a" }], { items: ["a spool of shop A"] });

    await userEvent.click(await screen.findByRole("button", { name: /Switch shop/ }));
    await userEvent.click(await screen.findByRole("menuitem", { name: /Layer Lab/ }));

    await waitFor(() => expect(screen.getByTestId("tenant-name")).toHaveTextContent("Layer Lab"));
    const switchCall = requests.find((r) => r.path === "/api/v1/auth/switch-tenant");
    expect(switchCall?.body).toEqual({ tenant_id: SHOP_B });
    const sent = fetchMock.mock.calls
      .map(([input]) => input)
      .filter((input) => input instanceof Request)
      .find((r) => r.url.endsWith("/switch-tenant"));
    expect(sent?.headers.get("X-Batchivo-Auth")).toBe("cookie");
    expect(session.accessToken).toBe("token-for-b");
    expect(queryClient.getQueryData(["spools", "list", { shop: "a" }])).toBeUndefined();
    expect(screen.getByTestId("location")).toHaveTextContent("/");
  });
});
