/**
 * Optimistic concurrency from the web app (docs/api.md, "ETag / If-Match"). The `ETag` of an answer is kept
 * with the very object the answer parsed into, so a tag always belongs to the data it came with: an edit
 * form opened on that data sends its tag as `If-Match`, and its PATCH never overwrites a change somebody
 * else saved after the form opened (412 `PRECONDITION_FAILED`, worded by errorMessage). Data without a tag
 * (a row of a list) is edited without If-Match, as before.
 */
import { unwrap } from "@/lib/api";
import { ApiError } from "@/lib/errors";

const tags = new WeakMap<object, string>();

/** `unwrap`, and the answer's ETag kept with the data it returns. */
export function unwrapTagged<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const data = unwrap(result);
  const tag = result.response.headers.get("ETag");
  if (tag && typeof data === "object" && data !== null) tags.set(data, tag);
  return data;
}

/** The ETag that came with `data`, if it came with one. */
export function etagOf(data: object | undefined): string | undefined {
  return data ? tags.get(data) : undefined;
}

/** The headers of a change made against `tag` (none when there is no tag). */
export function ifMatch(tag: string | undefined): Record<string, string> | undefined {
  return tag ? { "If-Match": tag } : undefined;
}

/** Whether a change was refused because somebody else's was saved since the form opened. */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.code === "PRECONDITION_FAILED";
}
