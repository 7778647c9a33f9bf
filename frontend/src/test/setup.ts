/**
 * Global setup of every test file; it runs before the file's own imports, so no test depends on import order.
 * It fills the gaps of jsdom on Node the way a browser behaves.
 */
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";

// The typed clients call `new Request("/api/...")`: a browser resolves that against the page's origin, Node's
// Request rejects relative URLs. openapi-fetch captures `Request` when a client is created, hence here.
const NodeRequest = globalThis.Request;
class PageRequest extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    // jsdom's AbortSignal is not the one Node's Request accepts; no test aborts a request, so it is left out.
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

// Radix's toast tracks a swipe with pointer capture, which jsdom's elements lack: a click on a toast's own
// button (Undo) would throw from its pointer-up handler.
if (!("hasPointerCapture" in Element.prototype)) {
  Object.assign(Element.prototype, {
    hasPointerCapture: () => false,
    setPointerCapture: () => undefined,
    releasePointerCapture: () => undefined,
  });
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals(); // the fetch of mockApi (src/test/render.tsx)
});
