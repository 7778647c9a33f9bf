/**
 * Locations (where spools are kept, with their counts and grams), moving spools between them, restoring an
 * archived spool, and a spool's ledger-free history (moved, archived, restored). Writes refresh by the rule
 * of lib/resources; every POST carries an Idempotency-Key (lib/idempotency).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";
import { idempotent } from "@/lib/idempotency";
import { touch } from "@/lib/resources";
import { spoolKeys, type Spool } from "@/queries/spools";

export type Location = InventorySchemas["LocationRead"];
export type SpoolEvent = InventorySchemas["SpoolEventRead"];
export type SpoolEventKind = InventorySchemas["EventKind"];
export type LocationCreateInput = InventorySchemas["LocationCreate"];
export type LocationUpdateInput = InventorySchemas["LocationUpdate"];
export type SpoolMoveInput = InventorySchemas["SpoolMove"];

export const LOCATIONS_PAGE_SIZE = 200;
export const EVENTS_PAGE_SIZE = 20;

export const locationKeys = {
  all: ["locations"] as const,
  list: (q: string) => [...locationKeys.all, "list", q] as const,
  detail: (id: string) => [...locationKeys.all, "detail", id] as const,
  // Under "locations" so a move (location.write / spool.write) refreshes the history too.
  events: (spoolId: string, page: number) => [...locationKeys.all, "events", spoolId, page] as const,
};

/** The shop's locations sorted by name; `q` keeps names (or a word of them) starting with it, any case. */
export function useLocations(q = "", { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: locationKeys.list(q),
    queryFn: async ({ signal }) =>
      unwrap(await inventoryApi.GET("/api/v1/locations", { params: { query: { q: q || undefined, limit: LOCATIONS_PAGE_SIZE } }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useLocation(id: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: locationKeys.detail(id),
    queryFn: async ({ signal }) => unwrap(await inventoryApi.GET("/api/v1/locations/{location_id}", { params: { path: { location_id: id } }, signal })),
    enabled,
  });
}

export function useSpoolEvents(spoolId: string, page: number) {
  return useQuery({
    queryKey: locationKeys.events(spoolId, page),
    queryFn: async ({ signal }) =>
      unwrap(
        await inventoryApi.GET("/api/v1/spools/{spool_id}/events", {
          params: { path: { spool_id: spoolId }, query: { sort: "-created_at", limit: EVENTS_PAGE_SIZE, offset: page * EVENTS_PAGE_SIZE } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useCreateLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: LocationCreateInput) =>
      idempotent("/api/v1/locations", body, async (headers) => unwrap(await inventoryApi.POST("/api/v1/locations", { body, headers }))),
    onSuccess: () => touch(queryClient, "location.write"),
  });
}

/** A new name renames the location on every spool stored there. */
export function useUpdateLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, changes }: { id: string; changes: LocationUpdateInput }) =>
      unwrap(await inventoryApi.PATCH("/api/v1/locations/{location_id}", { params: { path: { location_id: id } }, body: changes })),
    onSuccess: () => touch(queryClient, "location.write"),
  });
}

/** Moves every spool of `id` into `intoId` and deletes `id`; answers the location merged into. */
export function useMergeLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, intoId }: { id: string; intoId: string }) =>
      idempotent(`/api/v1/locations/${id}/merge`, { into_id: intoId }, async (headers) =>
        unwrap(await inventoryApi.POST("/api/v1/locations/{location_id}/merge", { params: { path: { location_id: id } }, body: { into_id: intoId }, headers })),
      ),
    onSuccess: (_into, { id }) => {
      queryClient.removeQueries({ queryKey: locationKeys.detail(id) });
      touch(queryClient, "location.write");
    },
  });
}

/** 409 IN_USE while spools are stored there (move them, or merge the location). */
export function useDeleteLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await inventoryApi.DELETE("/api/v1/locations/{location_id}", { params: { path: { location_id: id } } }));
      return id;
    },
    onSuccess: (id) => {
      queryClient.removeQueries({ queryKey: locationKeys.detail(id) });
      touch(queryClient, "location.write");
    },
  });
}

function storeSpools(queryClient: ReturnType<typeof useQueryClient>, spools: Spool[]): void {
  for (const spool of spools) queryClient.setQueryData(spoolKeys.detail(spool.id), spool);
  touch(queryClient, "spool.write");
}

/** Moves spools to a location (by id, or by name: an existing one in any case, or a new one). */
export function useMoveSpools() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SpoolMoveInput) =>
      idempotent("/api/v1/spools/move", body, async (headers) => unwrap(await inventoryApi.POST("/api/v1/spools/move", { body, headers }))),
    onSuccess: (result) => storeSpools(queryClient, result.items),
  });
}

/** Brings an archived spool back (the Undo of an archive); books nothing in the ledger. */
export function useRestoreSpool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      idempotent(`/api/v1/spools/${id}/restore`, null, async (headers) =>
        unwrap(await inventoryApi.POST("/api/v1/spools/{spool_id}/restore", { params: { path: { spool_id: id } }, headers })),
      ),
    onSuccess: (spool) => storeSpools(queryClient, [spool]),
  });
}
