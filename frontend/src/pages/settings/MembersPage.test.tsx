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

  it("explains an unknown email when adding a member", async () => {
    mockApi(
      meHandler("owner"),
      membersApi((request) => (request.method === "POST" ? apiError(404, "NOT_FOUND", "No user with this email") : undefined)),
    );
    const user = userEvent.setup();
    renderWithApp(<MembersPage />);

    await user.click(await screen.findByRole("button", { name: "Add member" }));
    const dialog = await screen.findByRole("dialog", { name: "Add member" });
    expect(within(dialog).getByRole("option", { name: "Owner" })).toBeInTheDocument(); // owners may grant owner
    await user.type(within(dialog).getByLabelText("Email"), "nobody@example.com");
    await user.click(within(dialog).getByRole("button", { name: "Add member" }));

    expect(await within(dialog).findByText(/No Batchivo account uses this email/)).toBeInTheDocument();
  });
});
