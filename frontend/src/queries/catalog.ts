/**
 * The catalog: models (BOM, components, cost breakdown, finished units), products (models × quantity,
 * bundles, channel prices, assembly), sales channels and the shop's costing settings. Every key starts with
 * its resource (lib/resources), every write refreshes what it changes by that rule, and every POST carries
 * an Idempotency-Key (lib/idempotency).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { catalogApi, unwrap, type CatalogSchemas } from "@/lib/api";
import { ifMatch, isStale, unwrapTagged } from "@/lib/etags";
import { idempotent } from "@/lib/idempotency";
import { touch } from "@/lib/resources";

export type Model = CatalogSchemas["ModelRead"];
export type ModelCreate = CatalogSchemas["ModelCreate"];
export type ModelUpdate = CatalogSchemas["ModelUpdate"];
export type BomLine = CatalogSchemas["BomLineRead"];
export type BomLineIn = CatalogSchemas["BomLineIn"];
export type ComponentLine = CatalogSchemas["ComponentRead"];
export type ComponentIn = CatalogSchemas["ComponentIn"];
export type BomIn = CatalogSchemas["BomIn"];
export type Product = CatalogSchemas["ProductRead"];
export type ProductCreate = CatalogSchemas["ProductCreate"];
export type ProductUpdate = CatalogSchemas["ProductUpdate"];
export type ChannelPrice = CatalogSchemas["ChannelPriceRead"];
export type SalesChannel = CatalogSchemas["ChannelRead"];
export type SalesChannelCreate = CatalogSchemas["ChannelCreate"];
export type SalesChannelUpdate = CatalogSchemas["ChannelUpdate"];
export type CatalogSettings = CatalogSchemas["CatalogSettingsRead"];
export type CatalogSettingsUpdate = CatalogSchemas["CatalogSettingsUpdate"];
export type StockMovement = CatalogSchemas["StockMovementRead"];
export type StockAdjust = CatalogSchemas["StockAdjust"];

/** Sorts of the models and products lists (SORTS in services/catalog/.../repository.py). */
export const CATALOG_SORT_FIELDS = ["sku", "name", "created_at", "updated_at", "units_in_stock"] as const;

export interface CatalogListParams {
  limit: number;
  offset: number;
  sort?: string;
  q?: string;
  active?: boolean;
  "has-stock"?: boolean;
}

export interface ProductListParams extends CatalogListParams {
  category?: string;
}

export const MOVEMENTS_PAGE_SIZE = 20;

export const modelKeys = {
  all: ["models"] as const,
  list: (params: CatalogListParams) => ["models", "list", params] as const,
  detail: (id: string) => ["models", "detail", id] as const,
  movements: (id: string, page: number) => ["models", "detail", id, "movements", page] as const,
};
export const productKeys = {
  all: ["products"] as const,
  list: (params: ProductListParams) => ["products", "list", params] as const,
  detail: (id: string) => ["products", "detail", id] as const,
  movements: (id: string, page: number) => ["products", "detail", id, "movements", page] as const,
};
export const channelKeys = { all: ["sales-channels"] as const };
export const catalogSettingsKeys = { all: ["catalog-settings"] as const };

// ---- Reads ----------------------------------------------------------------------------------------------

export function useModels(params: CatalogListParams) {
  return useQuery({
    queryKey: modelKeys.list(params),
    queryFn: async ({ signal }) => unwrap(await catalogApi.GET("/api/v1/models", { params: { query: params }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useModel(id: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    enabled,
    queryKey: modelKeys.detail(id),
    queryFn: async ({ signal }) => unwrapTagged(await catalogApi.GET("/api/v1/models/{model_id}", { params: { path: { model_id: id } }, signal })),
    structuralSharing: false, // its ETag stays with the object the answer parsed into (lib/etags)
  });
}

export function useModelMovements(id: string, page: number) {
  return useQuery({
    queryKey: modelKeys.movements(id, page),
    queryFn: async ({ signal }) =>
      unwrap(
        await catalogApi.GET("/api/v1/models/{model_id}/stock-movements", {
          params: { path: { model_id: id }, query: { limit: MOVEMENTS_PAGE_SIZE, offset: page * MOVEMENTS_PAGE_SIZE } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useProducts(params: ProductListParams) {
  return useQuery({
    queryKey: productKeys.list(params),
    queryFn: async ({ signal }) => unwrap(await catalogApi.GET("/api/v1/products", { params: { query: params }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useProduct(id: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    enabled,
    queryKey: productKeys.detail(id),
    queryFn: async ({ signal }) =>
      unwrapTagged(await catalogApi.GET("/api/v1/products/{product_id}", { params: { path: { product_id: id } }, signal })),
    structuralSharing: false, // its ETag stays with the object the answer parsed into (lib/etags)
  });
}

export function useProductMovements(id: string, page: number) {
  return useQuery({
    queryKey: productKeys.movements(id, page),
    queryFn: async ({ signal }) =>
      unwrap(
        await catalogApi.GET("/api/v1/products/{product_id}/stock-movements", {
          params: { path: { product_id: id }, query: { limit: MOVEMENTS_PAGE_SIZE, offset: page * MOVEMENTS_PAGE_SIZE } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useSalesChannels() {
  return useQuery({
    queryKey: channelKeys.all,
    queryFn: async ({ signal }) =>
      unwrap(await catalogApi.GET("/api/v1/sales-channels", { params: { query: { limit: 200, sort: "name" } }, signal })),
  });
}

export function useCatalogSettings() {
  return useQuery({
    queryKey: catalogSettingsKeys.all,
    queryFn: async ({ signal }) => unwrap(await catalogApi.GET("/api/v1/catalog/settings", { signal })),
  });
}

/** The next free SKU with that prefix (e.g. MOD-004), to prefill a new model or product. */
export async function fetchNextSku(prefix: string): Promise<string> {
  return unwrap(await catalogApi.GET("/api/v1/catalog/next-sku", { params: { query: { prefix } } })).sku;
}

// ---- Model writes ---------------------------------------------------------------------------------------

function useModelWrite<V>(send: (variables: V) => Promise<Model>, mutation: "model.write" | "model.stock" = "model.write") {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (model) => {
      queryClient.setQueryData(modelKeys.detail(model.id), model);
      touch(queryClient, mutation);
    },
    // Somebody else's change won (If-Match): show it.
    onError: (error) => {
      if (isStale(error)) void queryClient.invalidateQueries({ queryKey: modelKeys.all });
    },
  });
}

export function useCreateModel() {
  return useModelWrite((body: ModelCreate) =>
    idempotent("/api/v1/models", body, async (headers) => unwrap(await catalogApi.POST("/api/v1/models", { body, headers }))),
  );
}

/** `etag`: the version the form opened with (lib/etags); a change saved meanwhile makes it a 412. */
export function useUpdateModel() {
  return useModelWrite(async ({ id, body, etag }: { id: string; body: ModelUpdate; etag?: string | undefined }) =>
    unwrapTagged(await catalogApi.PATCH("/api/v1/models/{model_id}", { params: { path: { model_id: id } }, body, headers: ifMatch(etag) })),
  );
}

/** Replaces the whole BOM (materials and components) in one request. */
export function useReplaceBom() {
  return useModelWrite(async ({ id, body }: { id: string; body: BomIn }) =>
    unwrap(await catalogApi.PUT("/api/v1/models/{model_id}/bom", { params: { path: { model_id: id } }, body })),
  );
}

export function useAdjustModelStock() {
  return useModelWrite(
    ({ id, body }: { id: string; body: StockAdjust }) =>
      idempotent(`/api/v1/models/${id}/stock-adjustments`, body, async (headers) =>
        unwrap(await catalogApi.POST("/api/v1/models/{model_id}/stock-adjustments", { params: { path: { model_id: id } }, body, headers })),
      ),
    "model.stock",
  );
}

export function useDeleteModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await catalogApi.DELETE("/api/v1/models/{model_id}", { params: { path: { model_id: id } } }));
      return id;
    },
    onSuccess: (id) => {
      queryClient.removeQueries({ queryKey: modelKeys.detail(id) });
      touch(queryClient, "model.write");
    },
  });
}

// ---- Product writes -------------------------------------------------------------------------------------

type ProductMutation = "product.write" | "product.stock" | "product.assemble" | "product.price";

function useProductWrite<V>(send: (variables: V) => Promise<Product>, mutation: ProductMutation = "product.write") {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (product) => {
      queryClient.setQueryData(productKeys.detail(product.id), product);
      touch(queryClient, mutation);
    },
    // Somebody else's change won (If-Match): show it.
    onError: (error) => {
      if (isStale(error)) void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}

export function useCreateProduct() {
  return useProductWrite((body: ProductCreate) =>
    idempotent("/api/v1/products", body, async (headers) => unwrap(await catalogApi.POST("/api/v1/products", { body, headers }))),
  );
}

/** `etag`: the version the form opened with (lib/etags); a change saved meanwhile makes it a 412. */
export function useUpdateProduct() {
  return useProductWrite(async ({ id, body, etag }: { id: string; body: ProductUpdate; etag?: string | undefined }) =>
    unwrapTagged(await catalogApi.PATCH("/api/v1/products/{product_id}", { params: { path: { product_id: id } }, body, headers: ifMatch(etag) })),
  );
}

/** Builds `quantity` units from the models' stock; 409 INSUFFICIENT_STOCK names the short models. */
export function useAssembleProduct() {
  return useProductWrite(
    ({ id, quantity }: { id: string; quantity: number }) =>
      idempotent(`/api/v1/products/${id}/assemble`, { quantity }, async (headers) =>
        unwrap(await catalogApi.POST("/api/v1/products/{product_id}/assemble", { params: { path: { product_id: id } }, body: { quantity }, headers })),
      ),
    "product.assemble",
  );
}

export function useAdjustProductStock() {
  return useProductWrite(
    ({ id, body }: { id: string; body: StockAdjust }) =>
      idempotent(`/api/v1/products/${id}/stock-adjustments`, body, async (headers) =>
        unwrap(await catalogApi.POST("/api/v1/products/{product_id}/stock-adjustments", { params: { path: { product_id: id } }, body, headers })),
      ),
    "product.stock",
  );
}

export function useSetChannelPrice() {
  return useProductWrite(
    async ({ id, channelId, price }: { id: string; channelId: string; price: number }) =>
      unwrap(
        await catalogApi.PUT("/api/v1/products/{product_id}/prices/{channel_id}", {
          params: { path: { product_id: id, channel_id: channelId } },
          body: { price },
        }),
      ),
    "product.price",
  );
}

export function useRemoveChannelPrice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, channelId }: { id: string; channelId: string }) =>
      unwrap(await catalogApi.DELETE("/api/v1/products/{product_id}/prices/{channel_id}", { params: { path: { product_id: id, channel_id: channelId } } })),
    onSuccess: () => touch(queryClient, "product.price"),
  });
}

export function useDeleteProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await catalogApi.DELETE("/api/v1/products/{product_id}", { params: { path: { product_id: id } } }));
      return id;
    },
    onSuccess: (id) => {
      queryClient.removeQueries({ queryKey: productKeys.detail(id) });
      touch(queryClient, "product.write");
    },
  });
}

// ---- Sales channels and settings (admins) ---------------------------------------------------------------

export function useCreateSalesChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SalesChannelCreate) =>
      idempotent("/api/v1/sales-channels", body, async (headers) => unwrap(await catalogApi.POST("/api/v1/sales-channels", { body, headers }))),
    onSuccess: () => touch(queryClient, "channel.write"),
  });
}

export function useUpdateSalesChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: SalesChannelUpdate }) =>
      unwrap(await catalogApi.PATCH("/api/v1/sales-channels/{channel_id}", { params: { path: { channel_id: id } }, body })),
    onSuccess: () => touch(queryClient, "channel.write"),
  });
}

export function useDeleteSalesChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await catalogApi.DELETE("/api/v1/sales-channels/{channel_id}", { params: { path: { channel_id: id } } })),
    onSuccess: () => touch(queryClient, "channel.write"),
  });
}

export function useUpdateCatalogSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CatalogSettingsUpdate) => unwrap(await catalogApi.PATCH("/api/v1/catalog/settings", { body })),
    onSuccess: (settings) => {
      queryClient.setQueryData(catalogSettingsKeys.all, settings);
      touch(queryClient, "catalog-settings.write");
    },
  });
}
