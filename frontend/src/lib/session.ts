/**
 * The browser session: the access token lives in memory only; the refresh token lives in an httpOnly,
 * SameSite=Strict cookie scoped to /api/v1/auth, which page scripts cannot read. `X-Batchivo-Auth: cookie`
 * asks the auth service for that mode (and is the CSRF guard: another site cannot send the header).
 *
 * All tabs share the cookie, so they coordinate through lib/tabSync: one cookie change at a time, and the
 * access token a tab gets is handed to the others (in memory, over a BroadcastChannel).
 */
import { browserTabSync, soloTabSync, type TabMessage, type TabSync } from "@/lib/tabSync";

export const AUTH_MODE_HEADER = { "X-Batchivo-Auth": "cookie" } as const;
const REFRESH_URL = "/api/v1/auth/refresh";

type Listener = (token: string | null) => void;
/** Another tab started another session (signed in, registered, switched shop): cached answers are stale. */
type ChangeListener = () => void;

export class Session {
  private token: string | null = null;
  private inFlight: Promise<string | null> | null = null;
  /** Counts the tokens other tabs handed over: a waiting refresh uses theirs instead of refreshing again. */
  private received = 0;
  /** Whether this tab holds the session lock (a refresh inside `exclusive` must not wait for itself). */
  private holdingLock = false;
  private readonly listeners = new Set<Listener>();
  private readonly changeListeners = new Set<ChangeListener>();

  constructor(
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
    private readonly tabs: TabSync = soloTabSync,
  ) {
    tabs.subscribe((message) => this.receive(message));
  }

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

  /** Called when another tab starts another session (its token has already been set here). */
  onChangedElsewhere(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Runs a request that sets or clears the refresh cookie (sign-in, register, switch shop, sign-out) under
   * the lock all tabs share, so it never overlaps another tab's refresh.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.holdingLock) return work();
    return this.tabs.exclusive(async () => {
      this.holdingLock = true;
      try {
        return await work();
      } finally {
        this.holdingLock = false;
      }
    });
  }

  /**
   * Starts a new session here (after sign-in, register or switch shop) and hands its token to the other
   * tabs; `null` signs out here and in the other tabs.
   */
  begin(token: string | null): void {
    this.setAccessToken(token);
    this.tabs.publish(token === null ? { type: "signed-out" } : { type: "token", token, change: "changed" });
  }

  /**
   * Trades the refresh cookie for a new access token. Concurrent callers share one request, and so do
   * tabs: the auth service rotates the refresh token on every use and treats a second use of the old one
   * (after a short grace window) as theft. A tab that waited for another tab's refresh uses its token.
   */
  refresh(): Promise<string | null> {
    this.inFlight ??= this.sharedRefresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private sharedRefresh(): Promise<string | null> {
    const seen = this.received;
    // Inside `exclusive` (e.g. a sign-out whose access token had expired) the lock is already this tab's.
    return this.exclusive(async () => {
      if (this.received !== seen) return this.token; // another tab refreshed (or signed out) meanwhile
      return this.doRefresh();
    });
  }

  private receive(message: TabMessage): void {
    this.received += 1;
    if (message.type === "signed-out") {
      this.setAccessToken(null);
      return;
    }
    this.setAccessToken(message.token);
    if (message.change === "changed") for (const listener of this.changeListeners) listener();
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
      this.tabs.publish({ type: "token", token: body.access_token, change: "refreshed" });
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

export const session = new Session(undefined, browserTabSync());
