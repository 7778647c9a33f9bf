/** The inventory POSTs carry an Idempotency-Key too (ADR 0011), one per action. */
import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import { useCreateFilamentType } from "@/queries/catalogTypes";
import { useRecordSpoolUsage, useWeighSpool } from "@/queries/spools";
import { filamentType, makeSpool } from "@/test/fixtures";
import { apiError, createTestQueryClient, json, mockApi } from "@/test/render";

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={createTestQueryClient()}>{children}</QueryClientProvider>;
}

describe("inventory POSTs", () => {
  it("weigh, use and create send a key; a retry after a 502 sends the same one", async () => {
    const spool = makeSpool();
    let failures = 1;
    const api = mockApi((call) => {
      if (call.method !== "POST") return undefined;
      if (call.path.endsWith("/use") && failures-- > 0) return apiError(502, "UPSTREAM_ERROR", "bad gateway");
      if (call.path === "/api/v1/filament-types") return json(filamentType, 201);
      return json(spool);
    });
    const weigh = renderHook(() => useWeighSpool(), { wrapper });
    const use = renderHook(() => useRecordSpoolUsage(), { wrapper });
    const create = renderHook(() => useCreateFilamentType(), { wrapper });

    await act(() => weigh.result.current.mutateAsync({ id: spool.id, body: { net_grams: 500 } }));
    await act(async () => {
      await expect(use.result.current.mutateAsync({ id: spool.id, body: { grams: 5 } })).rejects.toThrow();
    });
    await act(() => use.result.current.mutateAsync({ id: spool.id, body: { grams: 5 } }));
    await act(() => create.result.current.mutateAsync({ material_type_id: filamentType.material_type_id, brand: "B", color_name: "C", diameter_mm: 1.75, min_stock_grams: 0 }));

    await waitFor(() => expect(api.requests.filter((call) => call.method === "POST")).toHaveLength(4));
    const keys = api.requests.filter((call) => call.method === "POST").map((call) => call.headers.get(IDEMPOTENCY_HEADER));
    expect(keys.every((key) => typeof key === "string" && key.length > 0)).toBe(true);
    expect(keys[2]).toBe(keys[1]); // the retried use
    expect(new Set([keys[0], keys[1], keys[3]]).size).toBe(3);
  });
});
