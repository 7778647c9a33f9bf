import { describe, expect, it } from "vitest";

import { ApiError } from "./errors";
import { etagOf, ifMatch, unwrapTagged } from "./etags";

function answer<T extends object>(body: T, headers: Record<string, string> = {}, status = 200): { data?: T; error?: unknown; response: Response } {
  const response = new Response(JSON.stringify(body), { status, headers });
  return status < 300 ? { data: body, response } : { error: body, response };
}

describe("ETags kept with their data", () => {
  it("keeps an answer's ETag with the very object it returns", () => {
    const spool = unwrapTagged(answer({ id: "a" }, { ETag: '"a-3"' }));
    expect(etagOf(spool)).toBe('"a-3"');
    expect(ifMatch(etagOf(spool))).toEqual({ "If-Match": '"a-3"' });
  });

  it("has no tag for data that came without one, or for a copy of tagged data", () => {
    const untagged = unwrapTagged(answer({ id: "b" }));
    const tagged = unwrapTagged(answer({ id: "c" }, { ETag: '"c-1"' }));
    expect(etagOf(untagged)).toBeUndefined();
    expect(etagOf({ ...tagged })).toBeUndefined();
    expect(etagOf(undefined)).toBeUndefined();
    expect(ifMatch(undefined)).toBeUndefined();
  });

  it("throws the API's error as unwrap does", () => {
    expect(() => unwrapTagged(answer({ detail: "Changed", code: "PRECONDITION_FAILED", status_code: 412 }, {}, 412))).toThrow(ApiError);
  });
});
