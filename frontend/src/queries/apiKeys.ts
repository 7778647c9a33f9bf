/** API keys for partner systems (admins). The secret of a new key is never put in any cache. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { authApi, unwrap, type AuthSchemas } from "@/lib/api";
import type { Role } from "@/lib/roles";
import type { Scope } from "@/components/settings/apiKeyScopes";

export type ApiKey = AuthSchemas["ApiKeyRead"];
export type CreatedApiKey = AuthSchemas["ApiKeyCreated"];

export const apiKeyKeys = {
  all: ["api-keys"] as const,
  list: () => ["api-keys", "list"] as const,
};

/** The shop's API keys (admins only: pass `enabled: false` for anybody else, the API would answer 403). */
export function useApiKeys({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: apiKeyKeys.list(),
    enabled,
    queryFn: async () => unwrap(await authApi.GET("/api/v1/api-keys", { params: { query: { limit: 200, sort: "-created_at" } } })),
  });
}

/**
 * Creates a key. The response (with the secret) is handed to the caller only: the list is refetched
 * rather than patched with it, and `gcTime: 0` drops the mutation's copy as soon as the caller calls
 * `reset()` (or unmounts).
 */
export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; role: Role; scopes: Scope[] }) => unwrap(await authApi.POST("/api/v1/api-keys", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
    gcTime: 0,
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => unwrap(await authApi.DELETE("/api/v1/api-keys/{key_id}", { params: { path: { key_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
