import { act, screen } from "@testing-library/react";
import { OnboardingCard } from "@/components/onboarding/OnboardingCard";
import { filamentType, makeSpool } from "@/test/fixtures";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

function shop(types: unknown[], spools: unknown[]) {
  return (request: RecordedRequest): Response | undefined => {
    if (request.method !== "GET") return undefined;
    if (request.path === "/api/v1/filament-types") return json({ items: types, total: types.length, limit: 200, offset: 0 });
    if (request.path === "/api/v1/spools") return json({ items: spools, total: spools.length, limit: 1, offset: 0 });
    return undefined;
  };
}

describe("OnboardingCard", () => {
  it("sends an empty shop to its first filament type, not to a spool form", async () => {
    mockApi(meHandler("owner"), shop([], []));
    renderWithApp(<OnboardingCard />);
    const link = await screen.findByRole("link", { name: "Add your first filament type" });
    expect(link).toHaveAttribute("href", "/filament-types?add=first");
    expect(screen.queryByRole("link", { name: "Add your first spool" })).not.toBeInTheDocument();
  });

  it("then to the first spool, with the type in the address", async () => {
    mockApi(meHandler("member"), shop([filamentType], []));
    renderWithApp(<OnboardingCard />);
    const link = await screen.findByRole("link", { name: "Add your first spool" });
    expect(link).toHaveAttribute("href", `/spools?add=${filamentType.id}`);
    expect(screen.getByText(/Galaxy Black is already chosen/)).toBeInTheDocument();
  });

  it("says nothing once the shop has spools, nor to a viewer", async () => {
    const api = mockApi(meHandler("member"), shop([filamentType], [makeSpool()]));
    const { unmount } = renderWithApp(<OnboardingCard />);
    await vi.waitFor(() => expect(api.requests.filter((r) => r.path.startsWith("/api/v1/")).length).toBeGreaterThanOrEqual(3));
    await act(async () => undefined); // the answers rendered
    expect(screen.queryByTestId("onboarding")).not.toBeInTheDocument();
    unmount();

    const viewerApi = mockApi(meHandler("viewer"), shop([], []));
    renderWithApp(<OnboardingCard />);
    await vi.waitFor(() => expect(viewerApi.requests.some((r) => r.path === "/api/v1/filament-types")).toBe(true));
    await act(async () => undefined);
    expect(screen.queryByTestId("onboarding")).not.toBeInTheDocument();
  });
});
