import { apiError, json, ME_ID, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Role } from "@/lib/roles";
import MembersPage from "@/pages/settings/MembersPage";

const member = (userId: string, fullName: string, role: Role) => ({
  user_id: userId,
  full_name: fullName,
  email: `${fullName.split(" ")[0]?.toLowerCase()}@example.com`,
  role,
  joined_at: "2026-01-15T09:00:00Z",
});
const ADA = member(ME_ID, "Ada Lovelace", "admin");
const GRACE = member("00000000-0000-4000-8000-000000000002", "Grace Hopper", "owner");
const ALAN = member("00000000-0000-4000-8000-000000000003", "Alan Turing", "member");
const INVITATION = {
  id: "00000000-0000-4000-8000-0000000000c1",
  email: "pending@example.com",
  role: "member",
  invited_by: ME_ID,
  created_at: "2026-01-15T09:00:00Z",
  expires_at: "2026-01-22T09:00:00Z",
};
const OWNER_INVITE_ID = "00000000-0000-4000-8000-0000000000c2";

function membersApi(extra?: (request: RecordedRequest) => Response | undefined) {
  return (request: RecordedRequest): Response | undefined => {
    const answer = extra?.(request);
    if (answer) return answer;
    if (request.method === "GET" && request.path === "/api/v1/tenant/members")
      return json({ items: [GRACE, ADA, ALAN], total: 3, limit: 200, offset: 0 });
    return undefined;
  };
}

describe("MembersPage", () => {
  it("does not let an admin demote or remove themself, nor touch an owner", async () => {
    mockApi(meHandler("admin"), membersApi());
    renderWithApp(<MembersPage />);

    const ownRole = await screen.findByRole("combobox", { name: "Role of Ada Lovelace" });
    expect(ownRole).toBeDisabled();
    expect(ownRole).toHaveAccessibleDescription("You cannot change or remove yourself.");
    expect(screen.getByRole("button", { name: "Remove Ada Lovelace" })).toBeDisabled();

    expect(screen.getByRole("combobox", { name: "Role of Grace Hopper" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Remove Grace Hopper" })).toBeDisabled();

    const alanRole = screen.getByRole("combobox", { name: "Role of Alan Turing" });
    expect(alanRole).toBeEnabled();
    expect(within(alanRole).getByRole("option", { name: "Owner" })).toBeDisabled(); // only owners grant owner
    expect(within(alanRole).getByRole("option", { name: "Admin" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Remove Alan Turing" })).toBeEnabled();
  });

  it("changes another member's role and shows a refusal in words under the select", async () => {
    const { requests } = mockApi(
      meHandler("admin"),
      membersApi((request) => (request.method === "PATCH" ? apiError(403, "FORBIDDEN", "Only an owner can grant the admin role") : undefined)),
    );
    const user = userEvent.setup();
    renderWithApp(<MembersPage />);

    await user.selectOptions(await screen.findByRole("combobox", { name: "Role of Alan Turing" }), "Admin");

    const patch = await waitFor(() => {
      const found = requests.find((r) => r.method === "PATCH");
      expect(found).toBeDefined();
      return found;
    });
    expect(patch?.path).toBe(`/api/v1/tenant/members/${ALAN.user_id}`);
    expect(patch?.body).toEqual({ role: "admin" });
    expect(await screen.findByText("Only an owner can grant the admin role")).toBeInTheDocument();
  });

  it("invites by email and role, and shows the join link once", async () => {
    const { requests } = mockApi(
      meHandler("owner"),
      membersApi((request) => {
        if (request.path !== "/api/v1/tenant/invitations") return undefined;
        if (request.method === "GET") return json({ items: [], total: 0, limit: 200, offset: 0 });
        return json({ ...INVITATION, email: "new@example.com", role: "owner", token: "bvi_secret" }, 201);
      }),
    );
    const user = userEvent.setup();
    renderWithApp(<MembersPage />);

    await user.click(await screen.findByRole("button", { name: "Invite member" }));
    const dialog = await screen.findByRole("dialog", { name: "Invite member" });
    await user.type(within(dialog).getByLabelText("Email"), "new@example.com");
    await user.selectOptions(within(dialog).getByLabelText("Role"), "Owner"); // owners may invite owners
    await user.click(within(dialog).getByRole("button", { name: "Send invitation" }));

    expect(await within(dialog).findByText(/Invitation sent to/)).toHaveTextContent("new@example.com");
    expect(within(dialog).getByTestId("invitation-link")).toHaveValue(`${window.location.origin}/register?invitation=bvi_secret`);
    const post = requests.find((r) => r.method === "POST" && r.path === "/api/v1/tenant/invitations");
    expect(post?.body).toEqual({ email: "new@example.com", role: "owner" });
    expect(screen.queryByText("Member added")).toBeNull(); // nobody was added
  });

  it("lists the pending invitations and revokes one after confirming", async () => {
    const { requests } = mockApi(
      meHandler("admin"),
      membersApi((request) => {
        if (request.method === "GET" && request.path === "/api/v1/tenant/invitations")
          return json({ items: [INVITATION, { ...INVITATION, id: OWNER_INVITE_ID, email: "boss@example.com", role: "owner" }], total: 2, limit: 200, offset: 0 });
        if (request.method === "DELETE") return new Response(null, { status: 204 });
        return undefined;
      }),
    );
    const user = userEvent.setup();
    renderWithApp(<MembersPage />);

    const section = within(await screen.findByRole("region", { name: "Pending invitations" }));
    expect(await section.findByText("pending@example.com")).toBeInTheDocument();
    // An admin cannot revoke an owner's invitation.
    expect(section.getByRole("button", { name: "Revoke the invitation of boss@example.com" })).toBeDisabled();
    await user.click(section.getByRole("button", { name: "Revoke the invitation of pending@example.com" }));
    await user.click(await screen.findByRole("button", { name: "Revoke" }));
    await waitFor(() =>
      expect(requests.find((r) => r.method === "DELETE")?.path).toBe(`/api/v1/tenant/invitations/${INVITATION.id}`),
    );
  });
});
