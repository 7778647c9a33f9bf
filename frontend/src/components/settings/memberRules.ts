/** Who may do what to whom among members (domain.md §1), mirrored so the UI offers only what works. */
import { ApiError, errorMessage } from "@/lib/errors";
import { hasRole, ROLES, type Role } from "@/lib/roles";

/** Roles the signed-in person may grant: owners any, admins up to admin. */
export function grantableRoles(actor: Role | undefined): Role[] {
  return ROLES.filter((role) => (role === "owner" ? actor === "owner" : hasRole(actor, "admin")));
}

/** Why a member's row is read-only for the signed-in person, or null when it is not. */
export function memberLockReason(actor: Role | undefined, isSelf: boolean, memberRole: Role): string | null {
  if (isSelf) return "You cannot change or remove yourself.";
  if (memberRole === "owner" && actor !== "owner") return "Only an owner can change or remove an owner.";
  if (!hasRole(actor, "admin")) return "Only admins and owners manage members.";
  return null;
}

/** The member endpoints' refusals, in words the person can act on. */
export function memberErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 409) return error.message || "This person is already a member of the shop.";
    // The service's 403 says exactly what is missing ("Only an owner can grant the owner role").
    if (error.status === 403) return error.message || "Your role in this shop does not allow this.";
  }
  return errorMessage(error);
}

export const ROLE_LABEL: Record<Role, string> = { viewer: "Viewer", member: "Member", admin: "Admin", owner: "Owner" };
