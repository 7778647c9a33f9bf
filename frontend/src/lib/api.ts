/**
 * Typed clients of the services, generated from their OpenAPI documents (`make api`), all through the
 * gateway's origin. Every call goes through the session (bearer token, one silent refresh on 401).
 */
import createClient from "openapi-fetch";
import type { paths as AuthPaths, components as AuthComponents } from "@/api/auth/schema";
import type { paths as CatalogPaths, components as CatalogComponents } from "@/api/catalog/schema";
import type { paths as InventoryPaths, components as InventoryComponents } from "@/api/inventory/schema";
import type { paths as ProductionPaths, components as ProductionComponents } from "@/api/production/schema";
import type { paths as WebhooksPaths, components as WebhooksComponents } from "@/api/webhooks/schema";
import { ApiError } from "@/lib/errors";
import { session } from "@/lib/session";

const sessionFetch = (request: Request): Promise<Response> => session.fetch(request);

export const authApi = createClient<AuthPaths>({ baseUrl: "", fetch: sessionFetch, credentials: "same-origin" });
export const inventoryApi = createClient<InventoryPaths>({ baseUrl: "", fetch: sessionFetch });
export const catalogApi = createClient<CatalogPaths>({ baseUrl: "", fetch: sessionFetch });
export const productionApi = createClient<ProductionPaths>({ baseUrl: "", fetch: sessionFetch });
export const webhooksApi = createClient<WebhooksPaths>({ baseUrl: "", fetch: sessionFetch });

export type AuthSchemas = AuthComponents["schemas"];
export type InventorySchemas = InventoryComponents["schemas"];
export type CatalogSchemas = CatalogComponents["schemas"];
export type ProductionSchemas = ProductionComponents["schemas"];
export type WebhooksSchemas = WebhooksComponents["schemas"];

/** The data of a successful openapi-fetch result, or the project's error format thrown as an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw ApiError.fromBody(result.response.status, result.error);
}
