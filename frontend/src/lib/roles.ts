export type Role = "viewer" | "member" | "admin" | "owner";

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** True when `role` is at least `minimum` (viewer < member < admin < owner). */
export function hasRole(role: Role | undefined, minimum: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[minimum];
}

export const ROLES: Role[] = ["viewer", "member", "admin", "owner"];
