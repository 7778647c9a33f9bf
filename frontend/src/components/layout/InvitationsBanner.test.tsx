import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { InvitationsBanner } from "@/components/layout/InvitationsBanner";
import { TenantSwitcher } from "@/components/layout/TenantSwitcher";
import { json, makeMe, mockApi, renderWithApp } from "@/test/render";

const LAYER_LAB = "00000000-0000-4000-8000-0000000000bb";
const INVITE = {
  id: "00000000-0000-4000-8000-0000000000c1",
  tenant_id: LAYER_LAB,
  tenant_name: "Layer Lab",
  role: "viewer",
  created_at: "2026-01-15T09:00:00Z",
  expires_at: "2026-01-22T09:00:00Z",
};

describe("InvitationsBanner", () => {
  it("accepts an invitation, and the shop appears in the shop switcher", async () => {
    let accepted = false;
    const { requests } = mockApi((r) => {
      if (r.path === "/api/v1/auth/me") {
        const me = makeMe("owner");
        return json(
          accepted ? { ...me, memberships: [...me.memberships, { tenant_id: LAYER_LAB, tenant_name: "Layer Lab", role: "viewer" }] } : me,
        );
      }
      if (r.path === "/api/v1/auth/invitations") return json({ items: accepted ? [] : [INVITE] });
      if (r.path === `/api/v1/auth/invitations/${INVITE.id}/accept`) {
        accepted = true;
        return json({ tenant_id: LAYER_LAB, tenant_name: "Layer Lab", role: "viewer" });
      }
      return undefined;
    });
    renderWithApp(
      <>
        <TenantSwitcher />
        <InvitationsBanner />
      </>,
    );

    expect(await screen.findByTestId("invitation")).toHaveTextContent("Layer Lab invites you to join as viewer.");
    expect(screen.getByTestId("tenant-name")).toHaveTextContent("Ada's Prints"); // one shop: no switcher yet
    await userEvent.click(screen.getByRole("button", { name: "Accept the invitation of Layer Lab" }));

    await waitFor(() => expect(screen.queryByTestId("invitation")).toBeNull());
    expect(requests.some((r) => r.method === "POST" && r.path.endsWith("/accept"))).toBe(true);
    await userEvent.click(await screen.findByRole("button", { name: /Switch shop/ }));
    expect(await screen.findByRole("menuitem", { name: /Layer Lab/ })).toBeInTheDocument();
  });

  it("declines an invitation", async () => {
    let declined = false;
    const { requests } = mockApi((r) => {
      if (r.path === "/api/v1/auth/me") return json(makeMe("member"));
      if (r.path === "/api/v1/auth/invitations") return json({ items: declined ? [] : [INVITE] });
      if (r.path.endsWith("/decline")) {
        declined = true;
        return new Response(null, { status: 204 });
      }
      return undefined;
    });
    renderWithApp(<InvitationsBanner />);
    await userEvent.click(await screen.findByRole("button", { name: "Decline the invitation of Layer Lab" }));
    await waitFor(() => expect(screen.queryByTestId("invitation")).toBeNull());
    expect(requests.some((r) => r.path.endsWith("/accept"))).toBe(false);
  });
});
