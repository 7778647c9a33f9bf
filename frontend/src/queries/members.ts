/** The shop's members (admins and owners manage them; domain.md §1). People join by invitation (queries/invitations). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { authApi, unwrap, type AuthSchemas } from "@/lib/api";
import type { Role } from "@/lib/roles";

export type Member = AuthSchemas["MemberRead"];

export const memberKeys = {
  all: ["members"] as const,
  list: () => ["members", "list"] as const,
};

export function useMembers() {
  return useQuery({
    queryKey: memberKeys.list(),
    queryFn: async () =>
      unwrap(await authApi.GET("/api/v1/tenant/members", { params: { query: { limit: 200, sort: "joined_at" } } })),
  });
}

function useInvalidateMembers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: memberKeys.all });
}

export function useChangeMemberRole() {
  const invalidate = useInvalidateMembers();
  return useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(await authApi.PATCH("/api/v1/tenant/members/{user_id}", { params: { path: { user_id: userId } }, body: { role } })),
    onSuccess: invalidate,
  });
}

export function useRemoveMember() {
  const invalidate = useInvalidateMembers();
  return useMutation({
    mutationFn: async (userId: string) =>
      unwrap(await authApi.DELETE("/api/v1/tenant/members/{user_id}", { params: { path: { user_id: userId } } })),
    onSuccess: invalidate,
  });
}
