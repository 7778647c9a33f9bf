/**
 * Test-only: the typed clients call `new Request("/api/...")` (same origin in the browser). Node's
 * Request needs an absolute URL, so tests resolve paths against jsdom's location. Import this before
 * anything that creates an API client (openapi-fetch captures `Request` when the client is created).
 */
const NodeRequest = globalThis.Request;

class SameOriginRequest extends NodeRequest {
  static readonly sameOrigin = true;
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" && input.startsWith("/") ? new URL(input, window.location.origin).href : input, init);
  }
}

// A marker, not instanceof: the test environment's Request overrides Symbol.hasInstance.
if (!("sameOrigin" in globalThis.Request)) globalThis.Request = SameOriginRequest;
export {};
