/** API-key scopes (docs/api.md), mirrored from batchivo_common.auth.scopes so the form offers only what the API accepts. */
import { hasRole, type Role } from "@/lib/roles";
import type { AuthSchemas } from "@/lib/api";

export type Scope = AuthSchemas["ApiKeyRead"]["scopes"][number];
export type WriteScope = Exclude<Scope, "read">;

/** Every scope, in the order the API documents them. */
export const SCOPES: Scope[] = ["read", "inventory:write", "catalog:write", "production:write", "webhooks:write"];
export const WRITE_SCOPES = SCOPES.filter((scope): scope is WriteScope => scope !== "read");

export const SCOPE_LABEL: Record<Scope, string> = {
  read: "Read everything",
  "inventory:write": "Change inventory",
  "catalog:write": "Change the catalog",
  "production:write": "Change production",
  "webhooks:write": "Manage webhooks",
};

/** The write scopes a key of `role` may hold: none for a viewer, webhooks from admin up. */
export function writeScopesForRole(role: Role): WriteScope[] {
  if (!hasRole(role, "member")) return [];
  return WRITE_SCOPES.filter((scope) => scope !== "webhooks:write" || hasRole(role, "admin"));
}

/** What the create body sends: `read` always, then the chosen write scopes the role allows, in documented order. */
export function scopesToSend(role: Role, chosen: readonly WriteScope[]): Scope[] {
  const allowed = writeScopesForRole(role);
  return SCOPES.filter((scope) => scope === "read" || (allowed.includes(scope as WriteScope) && chosen.includes(scope as WriteScope)));
}
