/**
 * Webhook endpoints of the shop (admins) and their delivery logs. A new or rotated signing secret is handed to
 * the caller only and never cached (like a new API key). Deliveries happen in the webhooks worker after the
 * request returns, so the writes that queue one refresh the log again a few seconds later (lib/resources).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, webhooksApi, type WebhooksSchemas } from "@/lib/api";
import { idempotent } from "@/lib/idempotency";
import { touch } from "@/lib/resources";

export type WebhookEndpoint = WebhooksSchemas["EndpointRead"];
export type WebhookDelivery = WebhooksSchemas["DeliveryRead"];
export type WebhookEventType = WebhooksSchemas["EventTypeRead"];
export type WebhookEndpointInput = WebhooksSchemas["EndpointCreate"];
export type WebhookEndpointChanges = WebhooksSchemas["EndpointUpdate"];
export type DeliveryStatus = WebhookDelivery["status"];

export const DELIVERIES_PAGE_SIZE = 25;

export const webhookKeys = {
  all: ["webhooks"] as const,
  eventTypes: () => [...webhookKeys.all, "event-types"] as const,
  list: () => [...webhookKeys.all, "list"] as const,
  detail: (id: string) => [...webhookKeys.all, "detail", id] as const,
  deliveries: (id: string, status: DeliveryStatus | "", page: number) => [...webhookKeys.all, "deliveries", id, status, page] as const,
};

export function useWebhookEventTypes() {
  return useQuery({
    queryKey: webhookKeys.eventTypes(),
    queryFn: async ({ signal }) => unwrap(await webhooksApi.GET("/api/v1/webhooks/event-types", { signal })),
    staleTime: Infinity, // the catalogue changes only with a release
  });
}

export function useWebhookEndpoints() {
  return useQuery({
    queryKey: webhookKeys.list(),
    queryFn: async ({ signal }) => unwrap(await webhooksApi.GET("/api/v1/webhooks/endpoints", { params: { query: { limit: 200 } }, signal })),
  });
}

export function useWebhookEndpoint(id: string) {
  return useQuery({
    queryKey: webhookKeys.detail(id),
    queryFn: async ({ signal }) =>
      unwrap(await webhooksApi.GET("/api/v1/webhooks/endpoints/{endpoint_id}", { params: { path: { endpoint_id: id } }, signal })),
  });
}

export function useWebhookDeliveries(id: string, status: DeliveryStatus | "", page: number) {
  return useQuery({
    queryKey: webhookKeys.deliveries(id, status, page),
    queryFn: async ({ signal }) =>
      unwrap(
        await webhooksApi.GET("/api/v1/webhooks/endpoints/{endpoint_id}/deliveries", {
          params: {
            path: { endpoint_id: id },
            query: { status: status || undefined, limit: DELIVERIES_PAGE_SIZE, offset: page * DELIVERIES_PAGE_SIZE },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Answers the endpoint with its signing secret (`secret`), the only time it is shown. */
export function useCreateWebhookEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: WebhookEndpointInput) =>
      idempotent("/api/v1/webhooks/endpoints", body, async (headers) =>
        unwrap(await webhooksApi.POST("/api/v1/webhooks/endpoints", { body, headers })),
      ),
    onSuccess: () => touch(queryClient, "webhook.write"),
    gcTime: 0,
  });
}

export function useUpdateWebhookEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, changes }: { id: string; changes: WebhookEndpointChanges }) =>
      unwrap(await webhooksApi.PATCH("/api/v1/webhooks/endpoints/{endpoint_id}", { params: { path: { endpoint_id: id } }, body: changes })),
    onSuccess: () => touch(queryClient, "webhook.write"),
  });
}

export function useDeleteWebhookEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await webhooksApi.DELETE("/api/v1/webhooks/endpoints/{endpoint_id}", { params: { path: { endpoint_id: id } } })),
    onSuccess: (_nothing, id) => {
      queryClient.removeQueries({ queryKey: webhookKeys.detail(id) });
      touch(queryClient, "webhook.write");
    },
  });
}

/** Answers the new secret once; the previous one keeps signing until `previous_secret_expires_at`. */
export function useRotateWebhookSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      idempotent(`/api/v1/webhooks/endpoints/${id}/rotate-secret`, {}, async (headers) =>
        unwrap(await webhooksApi.POST("/api/v1/webhooks/endpoints/{endpoint_id}/rotate-secret", { params: { path: { endpoint_id: id } }, headers })),
      ),
    onSuccess: () => touch(queryClient, "webhook.write"),
    gcTime: 0,
  });
}

export function useSendTestEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      idempotent(`/api/v1/webhooks/endpoints/${id}/test`, {}, async (headers) =>
        unwrap(await webhooksApi.POST("/api/v1/webhooks/endpoints/{endpoint_id}/test", { params: { path: { endpoint_id: id } }, headers })),
      ),
    onSuccess: () => touch(queryClient, "webhook.deliver"),
  });
}

export function useRedeliver() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (deliveryId: string) =>
      idempotent(`/api/v1/webhooks/deliveries/${deliveryId}/redeliver`, {}, async (headers) =>
        unwrap(await webhooksApi.POST("/api/v1/webhooks/deliveries/{delivery_id}/redeliver", { params: { path: { delivery_id: deliveryId } }, headers })),
      ),
    onSuccess: () => touch(queryClient, "webhook.deliver"),
  });
}
