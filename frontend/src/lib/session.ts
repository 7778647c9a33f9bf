/**
 * The browser session: the access token lives in memory only; the refresh token lives in an httpOnly,
 * SameSite=Strict cookie scoped to /api/v1/auth, which page scripts cannot read. `X-Batchivo-Auth: cookie`
 * asks the auth service for that mode (and is the CSRF guard: another site cannot send the header).
 */

export const AUTH_MODE_HEADER = { "X-Batchivo-Auth": "cookie" } as const;
const REFRESH_URL = "/api/v1/auth/refresh";

type Listener = (token: string | null) => void;

export class Session {
  private token: string | null = null;
  private inFlight: Promise<string | null> | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly fetchFn: typeof fetch = (...args) => fetch(...args)) {}

  get accessToken(): string | null {
    return this.token;
  }

  setAccessToken(token: string | null): void {
    if (token === this.token) return;
    this.token = token;
    for (const listener of this.listeners) listener(token);
  }

  /** Called with the new token (or null on sign-out / failed refresh). Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Trades the refresh cookie for a new access token. Concurrent callers share one request: the auth
   * service rotates the refresh token on every use and treats a second use of the old one as theft.
   */
  refresh(): Promise<string | null> {
    this.inFlight ??= this.doRefresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async doRefresh(): Promise<string | null> {
    try {
      const response = await this.fetchFn(REFRESH_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: { ...AUTH_MODE_HEADER, "Content-Type": "application/json" },
        body: "{}",
      });
      if (!response.ok) {
        this.setAccessToken(null);
        return null;
      }
      const body = (await response.json()) as { access_token: string };
      this.setAccessToken(body.access_token);
      return body.access_token;
    } catch {
      // Offline or the gateway is down: keep the current state; the caller sees the original error.
      return null;
    }
  }

  /**
   * fetch with the bearer token; on a 401 it refreshes once (shared with other callers) and retries
   * with the new token. The request is cloned first because a body can be read only once.
   */
  async fetch(request: Request): Promise<Response> {
    const retry = request.clone();
    const sentToken = this.token;
    const first = await this.fetchFn(this.withToken(request, sentToken));
    if (first.status !== 401 || isAuthCall(request.url)) return first;
    // Another request may have refreshed (or signed out) while this one was in flight.
    const token = this.token !== sentToken ? this.token : await this.refresh();
    if (!token) return first;
    return this.fetchFn(this.withToken(retry, token));
  }

  private withToken(request: Request, token: string | null): Request {
    if (!token) return request;
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return new Request(request, { headers });
  }
}

function isAuthCall(url: string): boolean {
  const path = new URL(url, "http://local").pathname;
  return path === REFRESH_URL || path === "/api/v1/auth/login" || path === "/api/v1/auth/register";
}

export const session = new Session();
