/**
 * Idempotency-Key on every POST (ADR 0011): one key per user action, reused when that same action is sent
 * again after an answer that did not settle it (no answer, 5xx, or a 4xx the server releases the claim for:
 * 401, 403, 408, 409, 423, 425, 429). A double click sends the same key twice, so the server acts once; a
 * success or a final refusal (422, 404, …) forgets the key, so doing the same thing again later is a new action.
 *
 * "The same action" is the same route and body: changing the input makes a new action with a new key (the
 * server would refuse an old key with another body as IDEMPOTENCY_KEY_REUSED).
 */
import { ApiError } from "@/lib/errors";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** The 4xx answers after which the server released the key's claim (batchivo_common.idempotency). */
const RELEASED_4XX = new Set([401, 403, 408, 409, 423, 425, 429]);

/** True when an action that failed this way may be sent again with the same key. */
export function keepsKey(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 0 || error.status >= 500 || RELEASED_4XX.has(error.status);
  return true; // no answer at all (network error, abort): the action may or may not have run
}

function randomKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/** The keys of the actions not settled yet, by the action's fingerprint (route + body). */
export class IdempotencyKeys {
  private readonly pending = new Map<string, string>();

  constructor(private readonly newKey: () => string = randomKey) {}

  /** The key of this action: the one of an unsettled identical action, else a new one. */
  keyFor(fingerprint: string): string {
    let key = this.pending.get(fingerprint);
    if (key === undefined) {
      key = this.newKey();
      this.pending.set(fingerprint, key);
    }
    return key;
  }

  /** The action got its final answer: the next identical one is a new action. */
  settle(fingerprint: string): void {
    this.pending.delete(fingerprint);
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Sends `action` with its key in the headers; keeps the key for a retry when the answer did not settle
   * the action (see keepsKey), forgets it otherwise.
   */
  async send<T>(route: string, body: unknown, action: (headers: Record<string, string>) => Promise<T>): Promise<T> {
    const fingerprint = `${route}\n${JSON.stringify(body ?? null)}`;
    const key = this.keyFor(fingerprint);
    try {
      const result = await action({ [IDEMPOTENCY_HEADER]: key });
      this.settle(fingerprint);
      return result;
    } catch (error) {
      if (!keepsKey(error)) this.settle(fingerprint);
      throw error;
    }
  }
}

/** The app's keys (one store for the whole tab). */
export const idempotencyKeys = new IdempotencyKeys();

/** A POST with its Idempotency-Key: `send` receives the headers to pass to the typed client. */
export function idempotent<T>(route: string, body: unknown, send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  return idempotencyKeys.send(route, body, send);
}
