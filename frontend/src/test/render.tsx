/** The harness of the component tests: a fake API behind `fetch`, and rendering inside the app's providers. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { vi } from "vitest";
import { Toaster } from "@/components/ui/toaster";
import { AuthProvider, type Me } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";
import { session } from "@/lib/session";

/** One request the app sent, already read (the body of a Request can be read once). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

/** Answers one request, or returns undefined to leave it to the next handler (and in the end to a 404). */
export type ApiHandler = (request: RecordedRequest) => Response | undefined;

export function json(body: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** The project's error body (domain.md §0). */
export function apiError(status: number, code: string, detail: string, errors?: { loc: (string | number)[]; msg: string; type: string }[]): Response {
  return json({ detail, code, status_code: status, ...(errors ? { errors } : {}) }, status);
}

/**
 * Replaces `fetch` (until the end of the test) with a fake API: every call is recorded in `requests`
 * (method, path, query, parsed JSON body) and answered by the first handler that answers; anything
 * none answers gets a 404 in the API's error format, so a missing fake shows up as a visible error.
 */
export function mockApi(...handlers: ApiHandler[]) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    requests.push(recorded);
    for (const handler of handlers) {
      const response = handler(recorded);
      if (response) return response;
    }
    return apiError(404, "NOT_FOUND", `No fake for ${recorded.method} ${recorded.path}`);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { fetchMock, requests };
}

export const ME_ID = "00000000-0000-4000-8000-000000000001";

export function makeMe(role: Role, userId = ME_ID): Me {
  return {
    user: { id: userId, email: "ada@example.com", full_name: "Ada Lovelace" },
    tenant: { id: "00000000-0000-4000-8000-0000000000aa", name: "Ada's Prints", slug: "adas-prints", currency_code: "GBP" },
    role,
    memberships: [{ tenant_id: "00000000-0000-4000-8000-0000000000aa", tenant_name: "Ada's Prints", role }],
  };
}

/** Answers GET /api/v1/auth/me: who is signed in (a role gives Ada with that role, see `makeMe`). */
export function meHandler(who: Role | Me): ApiHandler {
  const me = typeof who === "string" ? makeMe(who) : who;
  return (request) => (request.method === "GET" && request.path === "/api/v1/auth/me" ? json(me) : undefined);
}

export function createTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
}

/** Shows the current location, so tests can assert on navigation and URL search params. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

interface RenderOptions {
  /** The URL to start at. */
  route?: string;
  /** The route pattern `ui` is rendered at (for useParams). */
  path?: string;
  queryClient?: QueryClient;
  /** Inside the AuthProvider, signed in with token "t" (who it is comes from /auth/me of the fake API). */
  auth?: boolean;
  /** Inside the AuthProvider but with no access token: the provider tries to restore a session. */
  signedOut?: boolean;
}

/**
 * Renders `ui` at `route` inside a fresh QueryClient, the AuthProvider (unless `auth: false`) and a router;
 * toasts are rendered too. Wait for something the page renders (findBy…) before asserting.
 */
export function renderWithApp(
  ui: ReactElement,
  { route = "/", path = "*", queryClient = createTestQueryClient(), auth = true, signedOut = false }: RenderOptions = {},
): RenderResult & { queryClient: QueryClient } {
  const app = (
    <>
      <MemoryRouter initialEntries={[route]}>
        <Routes>
          <Route path={path} element={ui} />
        </Routes>
        <LocationProbe />
      </MemoryRouter>
      <Toaster />
    </>
  );
  session.setAccessToken(auth && !signedOut ? "t" : null);
  const result = render(<QueryClientProvider client={queryClient}>{auth ? <AuthProvider>{app}</AuthProvider> : app}</QueryClientProvider>);
  return { ...result, queryClient };
}
