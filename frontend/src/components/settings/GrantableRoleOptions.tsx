import { grantableRoles, ROLE_LABEL } from "@/components/settings/memberRules";
import { useAuth } from "@/hooks/useAuth";

/** The roles the signed-in person may grant, as the options of a role select (new member, new API key). */
export function GrantableRoleOptions() {
  const { role: actorRole } = useAuth();
  return (
    <>
      {grantableRoles(actorRole).map((role) => (
        <option key={role} value={role}>
          {ROLE_LABEL[role]}
        </option>
      ))}
    </>
  );
}
