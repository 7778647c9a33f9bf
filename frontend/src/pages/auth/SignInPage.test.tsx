import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { session } from "@/lib/session";
import SignInPage from "@/pages/auth/SignInPage";
import { apiError, json, makeMe, mockApi, renderWithApp } from "@/test/render";

afterEach(() => session.setAccessToken(null));

describe("SignInPage", () => {
  it("says what is missing before asking the server", async () => {
    const { requests } = mockApi();
    renderWithApp(<SignInPage />, { route: "/login", signedOut: true });
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter your email address")).toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    expect(requests.filter((r) => r.path !== "/api/v1/auth/refresh")).toHaveLength(0);
  });

  it("shows the server's refusal in words and stays signed out", async () => {
    mockApi((r) =>
      r.path === "/api/v1/auth/login" ? apiError(401, "UNAUTHENTICATED", "Wrong email or password") : undefined,
    );
    renderWithApp(<SignInPage />, { route: "/login", signedOut: true });
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "not-the-password");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password");
    expect(session.accessToken).toBeNull();
  });

  it("signs in with the refresh token kept in a cookie: only the access token reaches the page", async () => {
    const { requests, fetchMock } = mockApi(
      (r) =>
        r.path === "/api/v1/auth/login"
          ? json({ access_token: "access-1", refresh_token: null, token_type: "bearer", expires_in: 900 })
          : undefined,
      (r) => (r.path === "/api/v1/auth/me" ? json(makeMe("owner")) : undefined),
    );
    // The AuthProvider restores nothing (no cookie): its refresh answers 404 from the fake, i.e. signed out.
    renderWithApp(<SignInPage />, { route: "/login", signedOut: true });
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/$/));
    expect(requests.find((r) => r.path === "/api/v1/auth/login")?.body).toEqual({
      email: "ada@example.com",
      password: "correct horse",
    });
    const sent = fetchMock.mock.calls.map(([input]) => input).filter((input) => input instanceof Request);
    const login = sent.find((r) => r.url.endsWith("/login"));
    expect(login?.headers.get("X-Batchivo-Auth")).toBe("cookie");
    expect(session.accessToken).toBe("access-1");
    const me = sent.find((r) => r.url.endsWith("/auth/me"));
    expect(me?.headers.get("Authorization")).toBe("Bearer access-1");
  });
});
