/**
 * Membership by invitation: a shop's admins invite an email with a role (and revoke); the signed-in person
 * sees the invitations sent to their email and accepts (the shop then appears in the shop switcher) or declines.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import { authApi, unwrap, type AuthSchemas } from "@/lib/api";
import type { Role } from "@/lib/roles";

export type Invitation = AuthSchemas["InvitationRead"];
export type CreatedInvitation = AuthSchemas["InvitationCreated"];
export type MyInvitation = AuthSchemas["MyInvitation"];

export const invitationKeys = {
  all: ["invitations"] as const,
  shop: () => ["invitations", "shop"] as const,
  mine: () => ["invitations", "mine"] as const,
};

/** The link someone without an account follows to register and join (the secret is shown once). */
export function joinLink(token: string): string {
  return `${window.location.origin}/register?invitation=${encodeURIComponent(token)}`;
}

export function useShopInvitations(enabled = true) {
  return useQuery({
    queryKey: invitationKeys.shop(),
    queryFn: async () => unwrap(await authApi.GET("/api/v1/tenant/invitations", { params: { query: { limit: 200 } } })),
    enabled,
  });
}

export function useInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { email: string; role: Role }) => unwrap(await authApi.POST("/api/v1/tenant/invitations", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationKeys.shop() }),
  });
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await authApi.DELETE("/api/v1/tenant/invitations/{invitation_id}", { params: { path: { invitation_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationKeys.shop() }),
  });
}

export function useMyInvitations() {
  return useQuery({
    queryKey: invitationKeys.mine(),
    queryFn: async () => unwrap(await authApi.GET("/api/v1/auth/invitations")),
    staleTime: 60_000,
  });
}

export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await authApi.POST("/api/v1/auth/invitations/{invitation_id}/accept", { params: { path: { invitation_id: id } } })),
    onSuccess: async () => {
      // The new shop is one of the person's memberships now: the shop switcher reads them from /me.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY }),
        queryClient.invalidateQueries({ queryKey: invitationKeys.mine() }),
      ]);
    },
  });
}

export function useDeclineInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await authApi.POST("/api/v1/auth/invitations/{invitation_id}/decline", { params: { path: { invitation_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationKeys.mine() }),
  });
}
