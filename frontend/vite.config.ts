import { fileURLToPath, URL } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `make dev`: Vite on :5173 proxies the API to the gateway, so the SPA sees one origin as in production
// (the refresh cookie is SameSite=Strict and scoped to /api/v1/auth).
const gateway = process.env.BATCHIVO_GATEWAY_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: { proxy: { "/api": gateway, "/.well-known": gateway } },
  build: { sourcemap: true, chunkSizeWarningLimit: 300 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    // A guard against a hung test, not a speed check: user-event typing takes several seconds when the
    // machine is busy (CI beside other jobs), and the 5 s default then failed tests that were only slow.
    testTimeout: 30_000,
  },
});
