/** Material types and filament types: the lists forms pick from, shared by several pages. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";

export type MaterialType = InventorySchemas["MaterialTypeRead"];
export type FilamentType = InventorySchemas["FilamentTypeRead"];

export const materialTypeKeys = { all: ["material-types"] as const };
export const filamentTypeKeys = {
  all: ["filament-types"] as const,
  list: (params: FilamentTypeListParams) => ["filament-types", "list", params] as const,
};

/** Every material type visible to the shop (8 globals + its own; a shop has few). */
export function useMaterialTypes() {
  return useQuery({
    queryKey: materialTypeKeys.all,
    queryFn: async () =>
      unwrap(await inventoryApi.GET("/api/v1/material-types", { params: { query: { limit: 200, sort: "code" } } })),
    staleTime: 5 * 60_000,
  });
}

export interface FilamentTypeListParams {
  q?: string;
  material_type_id?: string;
  sort?: string;
  limit?: number;
  offset?: number;
}

export function useFilamentTypes(params: FilamentTypeListParams = { limit: 200 }) {
  return useQuery({
    queryKey: filamentTypeKeys.list(params),
    queryFn: async () => unwrap(await inventoryApi.GET("/api/v1/filament-types", { params: { query: params } })),
    placeholderData: keepPreviousData,
  });
}
