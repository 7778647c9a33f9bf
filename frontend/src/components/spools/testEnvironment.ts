/**
 * Test-only gaps of jsdom on Node, filled the way a browser behaves. Imported by test-utils before the
 * API client is created: openapi-fetch keeps a reference to `Request` when the client is made.
 */

// A browser resolves "/api/v1/..." against the page's origin; Node's Request rejects relative URLs.
const NodeRequest = globalThis.Request;
class PageRequest extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    // jsdom's AbortSignal is not the one Node's fetch expects; the tests never abort, so it is left out.
    const { signal: _signal, ...rest } = init ?? {};
    super(typeof input === "string" ? new URL(input, window.location.origin) : input, rest);
  }
}
// The environment defines Request as an accessor: redefine it rather than assign.
Object.defineProperty(globalThis, "Request", { value: PageRequest, writable: true, configurable: true });

// Radix's checkbox measures itself with ResizeObserver, which jsdom lacks.
if (!("ResizeObserver" in globalThis)) {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}
