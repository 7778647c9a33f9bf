/**
 * Spools: the paginated list, one spool, its ledger, and every write (create, bulk, edit, duplicate,
 * archive, delete, weigh, use). Writes store the spool the API answered with and refresh the rest by the
 * rule of lib/resources (the lists, the dashboard's figures, the filament types' stock and cost, and later
 * the catalog costs that follow by events). Every POST carries an Idempotency-Key (lib/idempotency).
 */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";
import { ifMatch, isStale, unwrapTagged } from "@/lib/etags";
import { idempotent } from "@/lib/idempotency";
import { touch } from "@/lib/resources";

export type Spool = InventorySchemas["SpoolRead"];
export type SpoolTransaction = InventorySchemas["TransactionRead"];
export type TransactionKind = InventorySchemas["Kind"];
export type SpoolCreateInput = InventorySchemas["SpoolCreate"];
export type SpoolBulkCreateInput = InventorySchemas["SpoolBulkCreate"];
export type SpoolUpdateInput = InventorySchemas["SpoolUpdate"];
export type WeighInput = InventorySchemas["Weigh"];
export type UseInput = InventorySchemas["Use"];

/** What the API sorts by (SPOOL_SORTS in services/inventory/.../spools/schemas.py); relevance needs q. */
export const SPOOL_SORT_FIELDS = ["code", "created_at", "current_weight", "remaining_pct", "location", "purchase_date", "relevance"] as const;
export type SpoolSortField = (typeof SPOOL_SORT_FIELDS)[number];

export interface SpoolListParams {
  limit: number;
  offset: number;
  /** A sort field, prefixed with "-" for descending. */
  sort?: string;
  q?: string;
  /** Material code, e.g. "PLA". */
  material?: string;
  filament_type_id?: string;
  /** Locations starting with this, any case ("shelf" finds "Shelf A"); the whole name with location_match. */
  location?: string;
  location_match?: "prefix" | "exact";
  location_id?: string;
  low_stock?: boolean;
  /** "true" includes archived spools, "only" lists just them; the API lists active ones by default. */
  archived?: "false" | "true" | "only";
}

export const TRANSACTIONS_PAGE_SIZE = 20;

export const spoolKeys = {
  all: ["spools"] as const,
  lists: () => [...spoolKeys.all, "list"] as const,
  list: (params: SpoolListParams) => [...spoolKeys.lists(), params] as const,
  detail: (id: string) => [...spoolKeys.all, "detail", id] as const,
  transactions: (id: string) => [...spoolKeys.detail(id), "transactions"] as const,
  transactionsPage: (id: string, page: number) => [...spoolKeys.transactions(id), page] as const,
};

export function useSpools(params: SpoolListParams) {
  return useQuery({
    queryKey: spoolKeys.list(params),
    queryFn: async ({ signal }) => unwrap(await inventoryApi.GET("/api/v1/spools", { params: { query: params }, signal })),
    // The table keeps showing the previous page while the next one loads (no flash of skeletons).
    placeholderData: keepPreviousData,
  });
}

/** One spool; shared by the detail page and the labels sheet (same cache entry). */
export function spoolQueryOptions(id: string) {
  return queryOptions({
    queryKey: spoolKeys.detail(id),
    queryFn: async ({ signal }) =>
      unwrapTagged(await inventoryApi.GET("/api/v1/spools/{spool_id}", { params: { path: { spool_id: id } }, signal })),
    // Keep the object the answer parsed into: its ETag is kept with it (lib/etags).
    structuralSharing: false,
  });
}

export function useSpool(id: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...spoolQueryOptions(id), enabled });
}

/** The spool's ledger, newest first; `page` is 0-based. */
export function useSpoolTransactions(id: string, page: number) {
  return useQuery({
    queryKey: spoolKeys.transactionsPage(id, page),
    queryFn: async ({ signal }) =>
      unwrap(
        await inventoryApi.GET("/api/v1/spools/{spool_id}/transactions", {
          params: {
            path: { spool_id: id },
            query: { sort: "-created_at", limit: TRANSACTIONS_PAGE_SIZE, offset: page * TRANSACTIONS_PAGE_SIZE },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/**
 * After a write: store the spool the API answered with, and mark stale what depends on it. Not awaited,
 * so a dialog closes at once while the lists refresh behind it.
 */
function afterSpoolWrite(queryClient: QueryClient, spools: Spool[]): void {
  for (const spool of spools) {
    queryClient.setQueryData(spoolKeys.detail(spool.id), spool);
    void queryClient.invalidateQueries({ queryKey: spoolKeys.transactions(spool.id) });
  }
  touch(queryClient, "spool.write");
}

export function useCreateSpool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SpoolCreateInput) => idempotent("/api/v1/spools", body, async (headers) => unwrap(await inventoryApi.POST("/api/v1/spools", { body, headers }))),
    onSuccess: (spool) => afterSpoolWrite(queryClient, [spool]),
  });
}

export function useBulkCreateSpools() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SpoolBulkCreateInput) => idempotent("/api/v1/spools/bulk", body, async (headers) => unwrap(await inventoryApi.POST("/api/v1/spools/bulk", { body, headers }))),
    onSuccess: (result) => afterSpoolWrite(queryClient, result.items),
  });
}

/**
 * PATCH: only the fields sent change; a new current_weight books an adjustment in the ledger. `etag`, the
 * version the form opened with (lib/etags), makes it refuse to overwrite a change saved meanwhile (412);
 * the spool is then read again so the page shows that change.
 */
export function useUpdateSpool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, changes, etag }: { id: string; changes: SpoolUpdateInput; etag?: string | undefined }) =>
      unwrapTagged(await inventoryApi.PATCH("/api/v1/spools/{spool_id}", { params: { path: { spool_id: id } }, body: changes, headers: ifMatch(etag) })),
    onSuccess: (spool) => afterSpoolWrite(queryClient, [spool]),
    onError: (error, { id }) => {
      if (isStale(error)) void queryClient.invalidateQueries({ queryKey: spoolKeys.detail(id) });
    },
  });
}

export function useDuplicateSpool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      idempotent(`/api/v1/spools/${id}/duplicate`, null, async (headers) =>
        unwrap(await inventoryApi.POST("/api/v1/spools/{spool_id}/duplicate", { params: { path: { spool_id: id } }, headers })),
      ),
    onSuccess: (spool) => afterSpoolWrite(queryClient, [spool]),
  });
}

export function useArchiveSpool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      idempotent(`/api/v1/spools/${id}/archive`, null, async (headers) =>
        unwrap(await inventoryApi.POST("/api/v1/spools/{spool_id}/archive", { params: { path: { spool_id: id } }, headers })),
      ),
    onSuccess: (spool) => afterSpoolWrite(queryClient, [spool]),
  });
}

/** Hard delete; the API answers 409 IN_USE when the spool has ledger history (archive it instead). */
export function useDeleteSpool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await inventoryApi.DELETE("/api/v1/spools/{spool_id}", { params: { path: { spool_id: id } } }));
      return id;
    },
    onSuccess: (id) => {
      queryClient.removeQueries({ queryKey: spoolKeys.detail(id) });
      touch(queryClient, "spool.delete");
    },
  });
}

/** Body: exactly one of {gross_grams} (the tare is subtracted) or {net_grams}; books the difference. */
export function useWeighSpool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: WeighInput }) =>
      idempotent(`/api/v1/spools/${id}/weigh`, body, async (headers) =>
        unwrap(await inventoryApi.POST("/api/v1/spools/{spool_id}/weigh", { params: { path: { spool_id: id } }, body, headers })),
      ),
    onSuccess: (spool) => afterSpoolWrite(queryClient, [spool]),
  });
}

/** Books manual usage; 409 INSUFFICIENT_STOCK when the spool holds less than that. */
export function useRecordSpoolUsage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: UseInput }) =>
      idempotent(`/api/v1/spools/${id}/use`, body, async (headers) =>
        unwrap(await inventoryApi.POST("/api/v1/spools/{spool_id}/use", { params: { path: { spool_id: id } }, body, headers })),
      ),
    onSuccess: (spool) => afterSpoolWrite(queryClient, [spool]),
  });
}
