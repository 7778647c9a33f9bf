/**
 * The tabs of one browser share one refresh cookie, so they coordinate (docs/adr/0006-browser-sessions.md):
 *
 * - **One cookie change at a time.** Every request that rotates or replaces the cookie (refresh, sign-in,
 *   register, switch shop, sign-out) runs under one Web Lock shared by all tabs of the origin, so no two
 *   tabs ever present the same refresh token at once.
 * - **Results are shared.** A tab that got a new access token (or signed out) tells the others on a
 *   BroadcastChannel, so a tab that was waiting for the lock uses that token instead of refreshing again.
 *   Only access tokens travel, never the refresh token (page scripts never see it), and nothing is stored.
 *
 * Without the Web Locks API the work runs at once (the auth service's grace window for a just-rotated
 * token covers tabs that refresh together); without BroadcastChannel each tab keeps to itself.
 */

export const TAB_LOCK_NAME = "batchivo.session";
export const TAB_CHANNEL_NAME = "batchivo.session";

/**
 * What one tab tells the others.
 * - `token`: a new access token; `refreshed` for the same session, `changed` when the session itself is
 *   another one (sign-in, register, switch shop), so what the other tabs cached belongs to someone else.
 * - `signed-out`: the session ended; the other tabs drop their access token.
 */
export type TabMessage = { type: "token"; token: string; change: "refreshed" | "changed" } | { type: "signed-out" };

/** The part of `navigator.locks` used here. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The part of a `BroadcastChannel` used here. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

export interface TabSync {
  /** Runs `work` while holding the lock of the session, shared with every tab of this origin. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Tells the other tabs (never this one). */
  publish(message: TabMessage): void;
  /** Called with each valid message from another tab. Returns the unsubscribe function. */
  subscribe(listener: (message: TabMessage) => void): () => void;
}

export function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === "signed-out") return true;
  return (
    message.type === "token" &&
    typeof message.token === "string" &&
    message.token.length > 0 &&
    (message.change === "refreshed" || message.change === "changed")
  );
}

/** A TabSync over the given lock manager and channel; either may be null (the fallbacks above). */
export function createTabSync(locks: LockManagerLike | null, channel: ChannelLike | null): TabSync {
  return {
    exclusive: (work) => (locks ? locks.request(TAB_LOCK_NAME, work) : work()),
    publish(message) {
      try {
        channel?.postMessage(message);
      } catch {
        // A closed channel (the page is going away): the other tabs find out at their next refresh.
      }
    },
    subscribe(listener) {
      if (!channel) return () => {};
      const onMessage = (event: MessageEvent) => {
        if (isTabMessage(event.data)) listener(event.data);
      };
      channel.addEventListener("message", onMessage);
      return () => channel.removeEventListener("message", onMessage);
    },
  };
}

/** The TabSync of this page: Web Locks and a BroadcastChannel where the browser has them. */
export function browserTabSync(): TabSync {
  const locks = typeof navigator !== "undefined" && navigator.locks ? navigator.locks : null;
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(TAB_CHANNEL_NAME) : null;
  return createTabSync(locks, channel);
}

/** A TabSync for one tab alone: no lock, no other tabs. */
export const soloTabSync: TabSync = createTabSync(null, null);
