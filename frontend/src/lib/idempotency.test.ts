import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { IDEMPOTENCY_HEADER, IdempotencyKeys, keepsKey } from "@/lib/idempotency";

function counterKeys() {
  let n = 0;
  return new IdempotencyKeys(() => `key-${++n}`);
}

describe("IdempotencyKeys", () => {
  it("sends the key in the Idempotency-Key header", async () => {
    const keys = counterKeys();
    const seen: Record<string, string>[] = [];
    await keys.send("/api/v1/models", { sku: "A" }, async (headers) => seen.push(headers));
    expect(seen).toEqual([{ [IDEMPOTENCY_HEADER]: "key-1" }]);
  });

  it("reuses the key when the same action is retried after no answer or a 5xx", async () => {
    const keys = counterKeys();
    const seen: string[] = [];
    const failing = (error: unknown) => async (headers: Record<string, string>) => {
      seen.push(headers[IDEMPOTENCY_HEADER] ?? "");
      throw error;
    };
    await expect(keys.send("/p", { q: 1 }, failing(new TypeError("Failed to fetch")))).rejects.toThrow();
    await expect(keys.send("/p", { q: 1 }, failing(new ApiError(503, "UNAVAILABLE", "down")))).rejects.toThrow();
    await expect(keys.send("/p", { q: 1 }, failing(new ApiError(409, "IDEMPOTENCY_IN_PROGRESS", "busy")))).rejects.toThrow();
    await keys.send("/p", { q: 1 }, async (headers) => seen.push(headers[IDEMPOTENCY_HEADER] ?? ""));
    expect(seen).toEqual(["key-1", "key-1", "key-1", "key-1"]);
    expect(keys.size).toBe(0);
  });

  it("a double click (two identical actions in flight) shares one key", async () => {
    const keys = counterKeys();
    const seen: string[] = [];
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const send = async (headers: Record<string, string>) => {
      seen.push(headers[IDEMPOTENCY_HEADER] ?? "");
      await gate;
    };
    const both = Promise.all([keys.send("/p", { q: 1 }, send), keys.send("/p", { q: 1 }, send)]);
    release();
    await both;
    expect(seen).toEqual(["key-1", "key-1"]);
  });

  it("after a success, doing the same again is a new action with a new key", async () => {
    const keys = counterKeys();
    const seen: string[] = [];
    const send = async (headers: Record<string, string>) => seen.push(headers[IDEMPOTENCY_HEADER] ?? "");
    await keys.send("/p", { q: 1 }, send);
    await keys.send("/p", { q: 1 }, send);
    expect(seen).toEqual(["key-1", "key-2"]);
  });

  it("a final refusal (422) forgets the key; another body is another action", async () => {
    const keys = counterKeys();
    const seen: string[] = [];
    await expect(
      keys.send("/p", { q: 1 }, async (headers) => {
        seen.push(headers[IDEMPOTENCY_HEADER] ?? "");
        throw new ApiError(422, "VALIDATION_ERROR", "bad");
      }),
    ).rejects.toThrow("bad");
    await keys.send("/p", { q: 1 }, async (headers) => seen.push(headers[IDEMPOTENCY_HEADER] ?? ""));
    await keys.send("/p", { q: 2 }, async (headers) => seen.push(headers[IDEMPOTENCY_HEADER] ?? ""));
    await keys.send("/other", { q: 2 }, async (headers) => seen.push(headers[IDEMPOTENCY_HEADER] ?? ""));
    expect(seen).toEqual(["key-1", "key-2", "key-3", "key-4"]);
  });

  it("keeps the key exactly for the answers after which the server released its claim", () => {
    expect(keepsKey(new TypeError("Failed to fetch"))).toBe(true);
    for (const status of [0, 500, 502, 503, 401, 403, 408, 409, 423, 425, 429]) expect(keepsKey(new ApiError(status, "X", "x"))).toBe(true);
    for (const status of [400, 404, 422]) expect(keepsKey(new ApiError(status, "X", "x"))).toBe(false);
  });

  it("makes distinct random keys by default", () => {
    const keys = new IdempotencyKeys();
    expect(keys.keyFor("a")).not.toEqual(keys.keyFor("b"));
    expect(keys.keyFor("a")).toMatch(/^[\x21-\x7e]{1,255}$/);
  });
});
