/** Material types and filament types: the lists forms pick from, shared by several pages. */
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";
import { idempotent } from "@/lib/idempotency";
import { useTouch } from "@/lib/resources";

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

// ---- Writes (members and up; deletes are for admins). Each invalidates every list it can change. ----

export type FilamentTypeCreate = InventorySchemas["FilamentTypeCreate"];
export type FilamentTypeUpdate = InventorySchemas["FilamentTypeUpdate"];
export type MaterialTypeCreate = InventorySchemas["MaterialTypeCreate"];
export type MaterialTypeUpdate = InventorySchemas["MaterialTypeUpdate"];

/** Filament types appear in the stock summary, the spools and (by events) the catalog costs: lib/resources. */
function useInvalidateFilamentTypes() {
  const touch = useTouch();
  return () => touch("filament-type.write");
}

export function useCreateFilamentType() {
  const invalidate = useInvalidateFilamentTypes();
  return useMutation({
    mutationFn: async (body: FilamentTypeCreate) => idempotent("/api/v1/filament-types", body, async (headers) => unwrap(await inventoryApi.POST("/api/v1/filament-types", { body, headers }))),
    onSuccess: invalidate,
  });
}

export function useUpdateFilamentType() {
  const invalidate = useInvalidateFilamentTypes();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: FilamentTypeUpdate }) =>
      unwrap(await inventoryApi.PATCH("/api/v1/filament-types/{filament_type_id}", { params: { path: { filament_type_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useDeleteFilamentType() {
  const invalidate = useInvalidateFilamentTypes();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await inventoryApi.DELETE("/api/v1/filament-types/{filament_type_id}", { params: { path: { filament_type_id: id } } })),
    onSuccess: invalidate,
  });
}

/** A material's typical cost is the fallback cost per gram of its filament types: lib/resources. */
function useInvalidateMaterialTypes() {
  const touch = useTouch();
  return () => touch("material-type.write");
}

export function useCreateMaterialType() {
  const invalidate = useInvalidateMaterialTypes();
  return useMutation({
    mutationFn: async (body: MaterialTypeCreate) => idempotent("/api/v1/material-types", body, async (headers) => unwrap(await inventoryApi.POST("/api/v1/material-types", { body, headers }))),
    onSuccess: invalidate,
  });
}

export function useUpdateMaterialType() {
  const invalidate = useInvalidateMaterialTypes();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: MaterialTypeUpdate }) =>
      unwrap(await inventoryApi.PATCH("/api/v1/material-types/{material_type_id}", { params: { path: { material_type_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useDeleteMaterialType() {
  const invalidate = useInvalidateMaterialTypes();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await inventoryApi.DELETE("/api/v1/material-types/{material_type_id}", { params: { path: { material_type_id: id } } })),
    onSuccess: invalidate,
  });
}
