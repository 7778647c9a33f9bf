import { describe, expect, it, vi } from "vitest";
import { AUTH_MODE_HEADER, Session } from "@/lib/session";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const unauthenticated = () => json(401, { detail: "Token expired", code: "UNAUTHENTICATED", status_code: 401 });

/** A fake gateway: the refresh endpoint hands out tok-1, tok-2, ...; /data accepts only the newest token. */
function fakeServer(options: { refreshDelayMs?: number; refreshFails?: boolean } = {}) {
  let issued = 0;
  const calls: Request[] = [];
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), "http://app.test"), init);
    calls.push(request);
    const path = new URL(request.url).pathname;
    if (path === "/api/v1/auth/refresh") {
      if (options.refreshDelayMs) await new Promise((r) => setTimeout(r, options.refreshDelayMs));
      if (options.refreshFails) return unauthenticated();
      issued += 1;
      return json(200, { access_token: `tok-${issued}`, refresh_token: null, token_type: "bearer", expires_in: 900 });
    }
    const current = issued > 0 ? `Bearer tok-${issued}` : null;
    if (request.headers.get("Authorization") !== current || current === null) return unauthenticated();
    return json(200, { ok: true, body: request.method === "POST" ? await request.text() : null });
  });
  return { fetchFn, calls, refreshes: () => calls.filter((c) => new URL(c.url).pathname.endsWith("/refresh")) };
}

describe("Session", () => {
  it("sends the access token as a bearer header", async () => {
    const server = fakeServer();
    const session = new Session(server.fetchFn as typeof fetch);
    await session.refresh();
    const response = await session.fetch(new Request("http://app.test/data"));
    expect(response.status).toBe(200);
    expect(server.calls.at(-1)?.headers.get("Authorization")).toBe("Bearer tok-1");
  });

  it("refreshes through the cookie mode: custom header, same-origin credentials, no token in the body", async () => {
    const server = fakeServer();
    const session = new Session(server.fetchFn as typeof fetch);
    await session.refresh();
    const [url, init] = server.fetchFn.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("/api/v1/auth/refresh");
    expect(init.credentials).toBe("same-origin");
    expect(init.headers).toMatchObject(AUTH_MODE_HEADER);
    expect(init.body).toBe("{}");
    expect(session.accessToken).toBe("tok-1");
  });

  it("on a 401 refreshes silently and retries the request once, body included", async () => {
    const server = fakeServer();
    const session = new Session(server.fetchFn as typeof fetch);
    session.setAccessToken("expired");
    const response = await session.fetch(new Request("http://app.test/data", { method: "POST", body: '{"grams":5}' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, body: '{"grams":5}' });
    expect(server.refreshes()).toHaveLength(1);
    expect(session.accessToken).toBe("tok-1");
  });

  it("shares one refresh between concurrent 401s (a rotated refresh token must not be used twice)", async () => {
    const server = fakeServer({ refreshDelayMs: 20 });
    const session = new Session(server.fetchFn as typeof fetch);
    session.setAccessToken("expired");
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => session.fetch(new Request("http://app.test/data"))),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.refreshes()).toHaveLength(1);
  });

  it("signs out when the refresh is refused, and returns the original 401", async () => {
    const server = fakeServer({ refreshFails: true });
    const session = new Session(server.fetchFn as typeof fetch);
    const seen: (string | null)[] = [];
    session.setAccessToken("expired");
    session.subscribe((token) => seen.push(token));
    const response = await session.fetch(new Request("http://app.test/data"));
    expect(response.status).toBe(401);
    expect(session.accessToken).toBeNull();
    expect(seen).toEqual([null]);
    expect(server.refreshes()).toHaveLength(1);
  });

  it("does not refresh on a failed sign-in (wrong password is not an expired session)", async () => {
    const server = fakeServer();
    const session = new Session(server.fetchFn as typeof fetch);
    const response = await session.fetch(
      new Request("http://app.test/api/v1/auth/login", { method: "POST", body: "{}" }),
    );
    expect(response.status).toBe(401);
    expect(server.refreshes()).toHaveLength(0);
  });

  it("keeps the session when the network fails during a refresh", async () => {
    const fetchFn = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const session = new Session(fetchFn as typeof fetch);
    session.setAccessToken("still-valid-maybe");
    await expect(session.refresh()).resolves.toBeNull();
    expect(session.accessToken).toBe("still-valid-maybe");
  });
});
