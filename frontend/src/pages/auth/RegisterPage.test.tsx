import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { session } from "@/lib/session";
import RegisterPage from "@/pages/auth/RegisterPage";
import { json, makeMe, mockApi, renderWithApp } from "@/test/render";

afterEach(() => session.setAccessToken(null));

const tokens = json({ access_token: "access-1", refresh_token: null, token_type: "bearer", expires_in: 900 }, 201);

describe("RegisterPage", () => {
  it("joins the inviting shop through an invitation link, creating no shop", async () => {
    const { requests } = mockApi(
      (r) => (r.path === "/api/v1/auth/register" ? tokens.clone() : undefined),
      (r) => (r.path === "/api/v1/auth/me" ? json(makeMe("member")) : undefined),
    );
    renderWithApp(<RegisterPage />, { route: "/register?invitation=bvi_secret", signedOut: true });

    expect(await screen.findByRole("heading", { name: "Join the shop that invited you" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Shop name")).toBeNull();
    expect(screen.queryByLabelText("Currency")).toBeNull();
    await userEvent.type(screen.getByLabelText("Your name"), "Nina Newcomer");
    await userEvent.type(screen.getByLabelText("Email"), "nina@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "a good long password");
    await userEvent.click(screen.getByRole("button", { name: "Join shop" }));

    await waitFor(() => expect(requests.some((r) => r.path === "/api/v1/auth/register")).toBe(true));
    const body = requests.find((r) => r.path === "/api/v1/auth/register")?.body as Record<string, unknown>;
    expect(body).toMatchObject({ email: "nina@example.com", full_name: "Nina Newcomer", invitation_token: "bvi_secret" });
    expect(body).not.toHaveProperty("tenant_name");
  });

  it("creates a shop without an invitation", async () => {
    const { requests } = mockApi(
      (r) => (r.path === "/api/v1/auth/register" ? tokens.clone() : undefined),
      (r) => (r.path === "/api/v1/auth/me" ? json(makeMe("owner")) : undefined),
    );
    renderWithApp(<RegisterPage />, { route: "/register", signedOut: true });
    await userEvent.type(await screen.findByLabelText("Your name"), "Olive Owner");
    await userEvent.type(screen.getByLabelText("Shop name"), "Layer Lab");
    await userEvent.type(screen.getByLabelText("Email"), "olive@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "a good long password");
    await userEvent.click(screen.getByRole("button", { name: "Create shop" }));
    await waitFor(() => expect(requests.some((r) => r.path === "/api/v1/auth/register")).toBe(true));
    const body = requests.find((r) => r.path === "/api/v1/auth/register")?.body as Record<string, unknown>;
    expect(body).toMatchObject({ tenant_name: "Layer Lab", currency_code: "GBP" });
    expect(body).not.toHaveProperty("invitation_token");
  });
});
