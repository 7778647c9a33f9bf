/**
 * The AuthProvider follows the other tabs: their messages arrive on the real BroadcastChannel of the page
 * (Node's, in these tests), posted here by a channel that plays "another tab".
 */
import { screen, waitFor } from "@testing-library/react";
import { useEffect } from "react";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { useAuth } from "@/hooks/useAuth";
import { session } from "@/lib/session";
import { TAB_CHANNEL_NAME, type TabMessage } from "@/lib/tabSync";
import { makeMe, meHandler, mockApi, renderWithApp, json, type ApiHandler } from "@/test/render";

function Probe() {
  const { status, me } = useAuth();
  return (
    <p data-testid="probe">
      {status} {me?.tenant.name ?? "-"}
    </p>
  );
}

const otherTab = new BroadcastChannel(TAB_CHANNEL_NAME);
afterEach(() => session.setAccessToken(null));
afterAll(() => otherTab.close());

function tell(message: TabMessage) {
  otherTab.postMessage(message);
}

describe("AuthProvider across tabs", () => {
  it("signs out when another tab signs out", async () => {
    mockApi(meHandler("owner"));
    renderWithApp(<Probe />);
    await waitFor(() => expect(screen.getByTestId("probe")).toHaveTextContent("signed-in Ada's Prints"));
    tell({ type: "signed-out" });
    await waitFor(() => expect(screen.getByTestId("probe")).toHaveTextContent("signed-out -"));
    expect(session.accessToken).toBeNull();
  });

  it("takes the new shop when another tab switches, and asks who it is again with the new token", async () => {
    const shopB = { ...makeMe("admin"), tenant: { id: "00000000-0000-4000-8000-0000000000bb", name: "Layer Lab", slug: "layer-lab", currency_code: "EUR" } };
    const meByToken: ApiHandler = (request) =>
      request.path === "/api/v1/auth/me" && session.accessToken === "token-for-b" ? json(shopB) : undefined;
    const { requests } = mockApi(meByToken, meHandler("owner"));
    renderWithApp(<Probe />);
    await waitFor(() => expect(screen.getByTestId("probe")).toHaveTextContent("signed-in Ada's Prints"));
    tell({ type: "token", token: "token-for-b", change: "changed" });
    await waitFor(() => expect(screen.getByTestId("probe")).toHaveTextContent("signed-in Layer Lab"));
    expect(session.accessToken).toBe("token-for-b");
    expect(requests.filter((r) => r.path === "/api/v1/auth/me")).toHaveLength(2);
  });

  it("a refreshed token from another tab is used without asking the server anything", async () => {
    const { requests } = mockApi(meHandler("owner"));
    renderWithApp(<Probe />);
    await waitFor(() => expect(screen.getByTestId("probe")).toHaveTextContent("signed-in Ada's Prints"));
    const before = requests.length;
    tell({ type: "token", token: "fresher", change: "refreshed" });
    await waitFor(() => expect(session.accessToken).toBe("fresher"));
    expect(screen.getByTestId("probe")).toHaveTextContent("signed-in Ada's Prints");
    expect(requests.slice(before).filter((r) => r.path === "/api/v1/auth/refresh")).toHaveLength(0);
  });

  it("a token that arrives between the first render and the provider's effects is not missed", async () => {
    // A child's effect runs before its parent's: the token lands after the AuthProvider rendered without one
    // and before it subscribed, as when another tab's refresh arrives while this tab starts.
    function ArrivesEarly() {
      useEffect(() => session.setAccessToken("from-other-tab"), []);
      return <Probe />;
    }
    const { requests } = mockApi(meHandler("owner"));
    renderWithApp(<ArrivesEarly />, { signedOut: true });
    await waitFor(() => expect(screen.getByTestId("probe")).toHaveTextContent("signed-in Ada's Prints"));
    expect(requests.filter((r) => r.path === "/api/v1/auth/refresh")).toHaveLength(0);
  });
});
