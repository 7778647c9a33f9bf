/** Shared helpers of the spools tests: providers, a fake API behind `fetch`, and sample spools. */
import "@/components/spools/testEnvironment";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { vi } from "vitest";
import { Toaster } from "@/components/ui/toaster";
import { AuthProvider } from "@/hooks/useAuth";
import type { FilamentType } from "@/queries/catalogTypes";
import type { Spool } from "@/queries/spools";
import type { Role } from "@/lib/roles";
import { session } from "@/lib/session";

export function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export function apiError(status: number, code: string, detail: string, errors?: { loc: (string | number)[]; msg: string; type: string }[]): Response {
  return json(status, { detail, code, status_code: status, ...(errors ? { errors } : {}) });
}

/** One request the app sent, already read (the body of a Request can be read once). */
export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Handler = (request: SentRequest) => Response | undefined;

/**
 * Replaces `fetch` with a fake API: the first handler that answers wins; unknown calls get a 404 in the
 * API's error format. `sent` lists every request, for assertions on what the app asked for.
 */
export function mockApi(role: Role, ...handlers: Handler[]) {
  const sent: SentRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(input);
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.text();
    const call: SentRequest = { method: request.method, path: url.pathname, query: url.searchParams, body: text ? (JSON.parse(text) as unknown) : undefined };
    sent.push(call);
    if (call.path === "/api/v1/auth/me") return json(200, me(role));
    for (const handler of handlers) {
      const response = handler(call);
      if (response) return response;
    }
    return apiError(404, "NOT_FOUND", `No fake for ${call.method} ${call.path}`);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { sent, fetchMock };
}

export function me(role: Role) {
  return {
    role,
    tenant: { id: "00000000-0000-4000-8000-000000000001", name: "Filament Forge", slug: "filament-forge", currency_code: "GBP" },
    user: { id: "00000000-0000-4000-8000-000000000002", email: "ada@example.com", full_name: "Ada Lovelace" },
    memberships: [],
  };
}

/** Shows the current location, so tests can assert on navigation and URL search params. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/**
 * Renders `ui` at `route` (matched by `path`) inside a fresh QueryClient, the auth provider (signed in:
 * the role comes from the faked /auth/me) and a router; toasts are rendered too.
 */
export function renderWithApp(ui: ReactElement, { route = "/", path = "*" }: { route?: string; path?: string } = {}): RenderResult {
  session.setAccessToken("t");
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <MemoryRouter initialEntries={[route]}>
          <Routes>
            <Route path={path} element={ui} />
          </Routes>
          <LocationProbe />
        </MemoryRouter>
        <Toaster />
      </AuthProvider>
    </QueryClientProvider>,
  );
}

export const filamentType: FilamentType = {
  id: "11111111-1111-4111-8111-111111111111",
  material_type_id: "22222222-2222-4222-8222-222222222222",
  material_code: "PLA",
  brand: "Prusament",
  color_name: "Galaxy Black",
  color_hex: "#1a1a2e",
  finish: null,
  diameter_mm: 1.75,
  density: 1.24,
  extruder_temp: 215,
  bed_temp: 60,
  min_stock_grams: 2500,
  cost_per_gram: 0.025,
  cost_is_estimate: false,
};

let nextSpool = 1;

export function makeSpool(overrides: Partial<Spool> = {}): Spool {
  const number = nextSpool++;
  return {
    id: `33333333-3333-4333-8333-${String(number).padStart(12, "0")}`,
    code: `FIL-${String(number).padStart(3, "0")}`,
    filament_type_id: filamentType.id,
    filament_type: { id: filamentType.id, material_code: "PLA", brand: "Prusament", color_name: "Galaxy Black", color_hex: "#1a1a2e" },
    initial_weight: 1000,
    current_weight: 1000,
    empty_spool_weight: 250,
    purchase_price: 25,
    purchase_date: "2026-11-01",
    supplier: null,
    location: "Shelf A",
    lot_number: null,
    notes: null,
    is_archived: false,
    low_stock_threshold_pct: 20,
    remaining_pct: 100,
    cost_per_gram: 0.025,
    is_low_stock: false,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}

export function page<T>(items: T[], total = items.length) {
  return { items, total, limit: 50, offset: 0 };
}

/** The filament types and material types every spool form or filter asks for. */
export const catalogHandler: Handler = ({ method, path }) => {
  if (method === "GET" && path === "/api/v1/filament-types") return json(200, { items: [filamentType], total: 1, limit: 200, offset: 0 });
  if (method === "GET" && path === "/api/v1/material-types") {
    return json(200, { items: [{ id: filamentType.material_type_id, code: "PLA", name: "Polylactic acid", density: 1.24, typical_cost_per_kg: 20, extruder_temp_min: 190, extruder_temp_max: 230, bed_temp: 60, is_global: true }], total: 1, limit: 200, offset: 0 });
  }
  return undefined;
};
