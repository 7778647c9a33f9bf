/**
 * Tabs of one browser, simulated: several Sessions share one fetch (one cookie jar), one lock manager and
 * one broadcast hub. The fake auth server rotates the cookie on every refresh and, like the real one once
 * its grace window has passed, treats a second use of a rotated cookie as theft and ends the session.
 */
import { describe, expect, it, vi } from "vitest";
import { Session } from "@/lib/session";
import {
  browserTabSync,
  createTabSync,
  isTabMessage,
  type ChannelLike,
  type LockManagerLike,
  type TabMessage,
} from "@/lib/tabSync";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** navigator.locks for one origin: one holder at a time, the next one granted in a later task. */
class FakeLocks implements LockManagerLike {
  private tail: Promise<unknown> = Promise.resolve();
  active = 0;
  maxActive = 0;

  request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      await sleep(0); // a grant is a task of its own, as in a browser
      this.active += 1;
      this.maxActive = Math.max(this.maxActive, this.active);
      try {
        return await callback();
      } finally {
        this.active -= 1;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** BroadcastChannels of one name: a message reaches every other channel (never the sender) in a later task. */
class FakeHub {
  private readonly channels = new Set<FakeChannel>();
  readonly sent: TabMessage[] = [];
  constructor(private readonly delayMs = 0) {}

  channel(): FakeChannel {
    const channel = new FakeChannel(this);
    this.channels.add(channel);
    return channel;
  }

  deliver(from: FakeChannel, message: unknown): void {
    this.sent.push(message as TabMessage);
    const data = structuredClone(message);
    for (const channel of this.channels) {
      if (channel !== from) setTimeout(() => channel.dispatch(new MessageEvent("message", { data })), this.delayMs);
    }
  }
}

class FakeChannel implements ChannelLike {
  private readonly listeners = new Set<(event: MessageEvent) => void>();
  constructor(private readonly hub: FakeHub) {}
  postMessage(message: unknown): void {
    this.hub.deliver(this, message);
  }
  addEventListener(_type: "message", listener: (event: MessageEvent) => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: "message", listener: (event: MessageEvent) => void): void {
    this.listeners.delete(listener);
  }
  dispatch(event: MessageEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** The auth service behind one cookie jar, with strict reuse detection (no grace window). */
function fakeAuthServer({ refreshDelayMs = 20 } = {}) {
  const state = { cookie: "c0", issued: 0, revoked: false, refreshes: 0, reuses: 0, active: 0, maxActive: 0 };
  const used = new Set<string>();
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), "http://app.test"), init);
    const path = new URL(request.url).pathname;
    if (path === "/api/v1/auth/refresh") {
      const presented = state.cookie; // the browser attaches the jar's cookie when it sends the request
      state.refreshes += 1;
      state.active += 1;
      state.maxActive = Math.max(state.maxActive, state.active);
      await sleep(refreshDelayMs);
      state.active -= 1;
      if (used.has(presented)) {
        state.reuses += 1;
        state.revoked = true;
      }
      if (state.revoked || presented === "") {
        state.cookie = "";
        return json(401, { detail: "Refresh token reuse detected", code: "UNAUTHENTICATED", status_code: 401 });
      }
      used.add(presented);
      state.issued += 1;
      state.cookie = `c${state.issued}`;
      return json(200, { access_token: `tok-${state.issued}`, refresh_token: null, token_type: "bearer", expires_in: 900 });
    }
    if (path === "/api/v1/auth/logout") {
      if (request.headers.get("Authorization") !== `Bearer tok-${state.issued}`) {
        return json(401, { detail: "Token expired", code: "UNAUTHENTICATED", status_code: 401 });
      }
      state.revoked = true;
      state.cookie = "";
      return json(204, null);
    }
    return json(404, { detail: "Not found", code: "NOT_FOUND", status_code: 404 });
  });
  return { fetchFn: fetchFn as typeof fetch, state };
}

function openTabs(count: number, server: ReturnType<typeof fakeAuthServer>, options: { locks?: FakeLocks | null; hub?: FakeHub } = {}) {
  const locks = options.locks === undefined ? new FakeLocks() : options.locks;
  const hub = options.hub ?? new FakeHub();
  const tabs = Array.from({ length: count }, () => new Session(server.fetchFn, createTabSync(locks, hub.channel())));
  return { tabs, locks, hub };
}

describe("tabs sharing one session", () => {
  it("three tabs opened at once share one refresh and all stay signed in", async () => {
    const server = fakeAuthServer();
    const { tabs, locks } = openTabs(3, server);
    const tokens = await Promise.all(tabs.map((tab) => tab.refresh()));
    expect(tokens).toEqual(["tok-1", "tok-1", "tok-1"]);
    expect(tabs.map((tab) => tab.accessToken)).toEqual(["tok-1", "tok-1", "tok-1"]);
    expect(server.state.refreshes).toBe(1);
    expect(server.state.revoked).toBe(false);
    expect(locks?.maxActive).toBe(1);
  });

  it("when another tab's token arrives late, refreshes still never overlap: each presents the newest cookie", async () => {
    const server = fakeAuthServer();
    const { tabs, locks } = openTabs(3, server, { hub: new FakeHub(200) });
    const tokens = await Promise.all(tabs.map((tab) => tab.refresh()));
    expect(tokens.every((token) => token?.startsWith("tok-"))).toBe(true);
    expect(server.state.maxActive).toBe(1);
    expect(server.state.reuses).toBe(0);
    expect(server.state.revoked).toBe(false);
    expect(locks?.maxActive).toBe(1);
  });

  it("without the Web Locks API tabs refresh at once (the server's grace window is what saves them)", async () => {
    const server = fakeAuthServer();
    const { tabs } = openTabs(3, server, { locks: null });
    const tokens = await Promise.all(tabs.map((tab) => tab.refresh()));
    // Against a server without a grace window the same cookie is presented three times: the session dies.
    expect(server.state.maxActive).toBe(3);
    expect(server.state.reuses).toBeGreaterThan(0);
    expect(tokens.filter((token) => token === null).length).toBeGreaterThan(0);
  });

  it("a tab that refreshed hands its access token to the others, which then need no refresh", async () => {
    const server = fakeAuthServer();
    const { tabs } = openTabs(2, server);
    const [first, second] = tabs as [Session, Session];
    const seen: (string | null)[] = [];
    second.subscribe((token) => seen.push(token));
    await first.refresh();
    await sleep(5);
    expect(second.accessToken).toBe("tok-1");
    expect(seen).toEqual(["tok-1"]);
    expect(server.state.refreshes).toBe(1);
  });

  it("signing out in one tab signs out the others", async () => {
    const server = fakeAuthServer();
    const { tabs, hub } = openTabs(3, server);
    await Promise.all(tabs.map((tab) => tab.refresh()));
    const [first, ...others] = tabs as [Session, ...Session[]];
    const signedOut = others.map(() => vi.fn());
    others.forEach((tab, i) => tab.subscribe(signedOut[i]!));
    await first.exclusive(async () => {
      await first.fetch(new Request("http://app.test/api/v1/auth/logout", { method: "POST" }));
      first.begin(null);
    });
    await sleep(5);
    expect(tabs.map((tab) => tab.accessToken)).toEqual([null, null, null]);
    for (const listener of signedOut) expect(listener).toHaveBeenCalledWith(null);
    expect(hub.sent.at(-1)).toEqual({ type: "signed-out" });
    expect(server.state.revoked).toBe(true);
  });

  it("a refresh waiting for the lock while another tab signs out ends signed out, without asking the server", async () => {
    const server = fakeAuthServer();
    const { tabs } = openTabs(2, server);
    const [first, second] = tabs as [Session, Session];
    await first.refresh();
    await sleep(5);
    const refreshesBefore = server.state.refreshes;
    let waiting: Promise<string | null> | undefined;
    await first.exclusive(async () => {
      waiting = second.refresh(); // queued behind the sign-out
      first.begin(null);
      await sleep(5);
    });
    await expect(waiting).resolves.toBeNull();
    expect(second.accessToken).toBeNull();
    expect(server.state.refreshes).toBe(refreshesBefore);
  });

  it("a new session in one tab (sign-in, switch shop) reaches the others as a change; a refresh is not one", async () => {
    const server = fakeAuthServer();
    const { tabs } = openTabs(2, server);
    const [first, second] = tabs as [Session, Session];
    const changed = vi.fn();
    second.onChangedElsewhere(changed);
    await first.refresh();
    await sleep(5);
    expect(changed).not.toHaveBeenCalled();
    first.begin("token-for-shop-b");
    await sleep(5);
    expect(second.accessToken).toBe("token-for-shop-b");
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it("a sign-out whose access token expired refreshes inside the lock it already holds (no deadlock)", async () => {
    const server = fakeAuthServer();
    const { tabs } = openTabs(1, server);
    const [tab] = tabs as [Session];
    tab.setAccessToken("expired");
    const response = await tab.exclusive(() => tab.fetch(new Request("http://app.test/api/v1/auth/logout", { method: "POST" })));
    expect(response.status).toBe(204);
    expect(server.state.refreshes).toBe(1);
  });

  it("messages carry access tokens only, and anything else on the channel is ignored", async () => {
    const server = fakeAuthServer();
    const hub = new FakeHub();
    const stranger = hub.channel();
    const { tabs } = openTabs(1, server, { hub });
    const [tab] = tabs as [Session];
    await tab.refresh();
    expect(hub.sent).toEqual([{ type: "token", token: "tok-1", change: "refreshed" }]);
    for (const junk of [null, "signed-out", { type: "token" }, { type: "token", token: "", change: "refreshed" }, { type: "token", token: "x", change: "maybe" }]) {
      stranger.postMessage(junk);
    }
    await sleep(5);
    expect(tab.accessToken).toBe("tok-1");
    expect(isTabMessage({ type: "signed-out" })).toBe(true);
  });

  it("without Web Locks and BroadcastChannel a tab still works on its own", async () => {
    vi.stubGlobal("BroadcastChannel", undefined);
    const server = fakeAuthServer();
    const tab = new Session(server.fetchFn, browserTabSync());
    await expect(tab.refresh()).resolves.toBe("tok-1");
    tab.begin(null);
    expect(tab.accessToken).toBeNull();
  });
});
