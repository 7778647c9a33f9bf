/**
 * Scanned codes: the lookup (a spool, or the filament type that remembers a retail code) and a filament
 * type's remembered retail codes (list, remember, forget).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";
import type { LookupResult } from "@/lib/barcodes";
import { ApiError } from "@/lib/errors";
import { idempotent } from "@/lib/idempotency";

export type Barcode = InventorySchemas["BarcodeRead"];

export const barcodeKeys = {
  all: ["barcodes"] as const,
  ofType: (filamentTypeId: string) => [...barcodeKeys.all, "type", filamentTypeId] as const,
};

/** What `code` names; the API's two 404s become results, other failures are thrown. */
export async function lookupCode(code: string, signal?: AbortSignal): Promise<LookupResult> {
  try {
    return unwrap(await inventoryApi.GET("/api/v1/barcodes/{code}", { params: { path: { code } }, signal }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code === "UNKNOWN_BARCODE") return { kind: "unknown_barcode", code };
    if (error instanceof ApiError && (error.status === 404 || error.status === 422)) return { kind: "unknown_code", code };
    throw error;
  }
}

export function useFilamentTypeBarcodes(filamentTypeId: string) {
  return useQuery({
    queryKey: barcodeKeys.ofType(filamentTypeId),
    queryFn: async ({ signal }) =>
      unwrap(
        await inventoryApi.GET("/api/v1/filament-types/{filament_type_id}/barcodes", {
          params: { path: { filament_type_id: filamentTypeId } },
          signal,
        }),
      ).items,
  });
}

export function useRememberBarcode() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ filamentTypeId, code }: { filamentTypeId: string; code: string }) => {
      const path = `/api/v1/filament-types/${filamentTypeId}/barcodes`;
      return idempotent(path, { code }, async (headers) =>
        unwrap(
          await inventoryApi.POST("/api/v1/filament-types/{filament_type_id}/barcodes", {
            params: { path: { filament_type_id: filamentTypeId } },
            body: { code },
            headers,
          }),
        ),
      );
    },
    onSuccess: (barcode) => queryClient.invalidateQueries({ queryKey: barcodeKeys.ofType(barcode.filament_type_id) }),
  });
}

export function useForgetBarcode() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ filamentTypeId, code }: { filamentTypeId: string; code: string }) =>
      unwrap(
        await inventoryApi.DELETE("/api/v1/filament-types/{filament_type_id}/barcodes/{code}", {
          params: { path: { filament_type_id: filamentTypeId, code } },
        }),
      ),
    onSuccess: (_, { filamentTypeId }) => queryClient.invalidateQueries({ queryKey: barcodeKeys.ofType(filamentTypeId) }),
  });
}
