/** Shared helpers of the component tests: a fake API behind fetch, and the app's providers. */
import "@/components/settings/test-relative-request";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";
import { AuthProvider, type Me } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";
import { session } from "@/lib/session";

export interface RecordedRequest {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

/** Answers one request, or returns undefined to fall through to a 404. */
export type ApiHandler = (request: RecordedRequest) => Response | undefined;

export function json(body: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** The project's error body (domain.md §0). */
export function apiError(status: number, code: string, detail: string, errors?: { loc: (string | number)[]; msg: string; type: string }[]): Response {
  return json({ detail, code, status_code: status, ...(errors ? { errors } : {}) }, status);
}

/**
 * Replaces globalThis.fetch. Each call is recorded (method, path, query, parsed JSON body) and answered by
 * `handler`; anything it does not answer gets a 404, so a missing mock shows up as a visible error.
 */
export function mockApi(handler: ApiHandler) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      search: url.searchParams,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    requests.push(recorded);
    return handler(recorded) ?? apiError(404, "NOT_FOUND", `No mock for ${recorded.method} ${recorded.path}`);
  });
  globalThis.fetch = fetchMock;
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

/** A handler for GET /api/v1/auth/me, to combine with a page's own handler. */
export function meHandler(me: Me): ApiHandler {
  return (request) => (request.method === "GET" && request.path === "/api/v1/auth/me" ? json(me) : undefined);
}

export function combine(...handlers: ApiHandler[]): ApiHandler {
  return (request) => {
    for (const handler of handlers) {
      const response = handler(request);
      if (response) return response;
    }
    return undefined;
  };
}

export function createTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
}

/**
 * Renders inside QueryClientProvider + AuthProvider (signed in with token "t"; /me comes from the mocked
 * fetch) + MemoryRouter. Wait for something the page renders (findBy…) before asserting.
 */
export function renderWithApp(ui: ReactElement, { route = "/", queryClient = createTestQueryClient() } = {}): RenderResult & { queryClient: QueryClient } {
  session.setAccessToken("t");
  const result = render(
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
