import { UserMinus } from "lucide-react";
import { useId } from "react";
import { grantableRoles, memberErrorMessage, memberLockReason, ROLE_LABEL } from "@/components/settings/memberRules";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { NativeSelect } from "@/components/ui/native-select";
import { TableCell, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { formatDate } from "@/lib/format";
import { ApiError } from "@/lib/errors";
import { ROLES, type Role } from "@/lib/roles";
import { toast } from "@/lib/toast";
import { useChangeMemberRole, useRemoveMember, type Member } from "@/queries/members";

/** One member: role changes apply at once (errors show under the select); removal asks first. */
export function MemberRow({ member }: { member: Member }) {
  const { me, role: actorRole } = useAuth();
  const changeRole = useChangeMemberRole();
  const removeMember = useRemoveMember();
  const hintId = useId();
  const isSelf = me?.user.id === member.user_id;
  const lockReason = memberLockReason(actorRole, isSelf, member.role);
  const grantable = grantableRoles(actorRole);

  const onRoleChange = (role: Role) => {
    changeRole.mutate(
      { userId: member.user_id, role },
      { onSuccess: (updated) => toast({ title: "Role changed", description: `${updated.full_name} is now ${ROLE_LABEL[updated.role].toLowerCase()}.` }) },
    );
  };

  return (
    <TableRow>
      <TableCell>
        <span className="flex items-center gap-2 font-medium">
          {member.full_name}
          {isSelf ? <Badge variant="secondary">You</Badge> : null}
        </span>
        {/* Phones have no room for the email column: it goes under the name. */}
        <span className="block break-words text-xs text-muted-foreground sm:hidden">{member.email}</span>
      </TableCell>
      <TableCell className="hidden sm:table-cell">{member.email}</TableCell>
      <TableCell>
        <NativeSelect
          aria-label={`Role of ${member.full_name}`}
          aria-describedby={lockReason || changeRole.error ? hintId : undefined}
          className="w-28 sm:w-32"
          value={member.role}
          disabled={lockReason !== null || changeRole.isPending}
          onChange={(event) => onRoleChange(event.target.value as Role)}
        >
          {ROLES.map((role) => (
            <option key={role} value={role} disabled={role !== member.role && !grantable.includes(role)}>
              {ROLE_LABEL[role]}
            </option>
          ))}
        </NativeSelect>
        {changeRole.error ? (
          <p id={hintId} role="alert" className="mt-1 text-xs font-medium text-destructive">
            {memberErrorMessage(changeRole.error)}
          </p>
        ) : lockReason ? (
          <p id={hintId} className="sr-only">
            {lockReason}
          </p>
        ) : null}
      </TableCell>
      <TableCell className="hidden whitespace-nowrap md:table-cell">{formatDate(member.joined_at)}</TableCell>
      <TableCell className="text-right">
        {lockReason ? (
          <Button variant="ghost" size="icon" disabled aria-label={`Remove ${member.full_name}`} title={lockReason}>
            <UserMinus />
          </Button>
        ) : (
          <ConfirmDialog
            trigger={
              <Button variant="ghost" size="icon" aria-label={`Remove ${member.full_name}`}>
                <UserMinus />
              </Button>
            }
            title={`Remove ${member.full_name}?`}
            description={`${member.email} loses access to this shop at once. Their past bookings stay in the ledger.`}
            confirmLabel="Remove"
            onConfirm={async () => {
              try {
                await removeMember.mutateAsync(member.user_id);
              } catch (error) {
                // Words for 403/409 ("A tenant must keep at least one owner") rather than the generic ones.
                throw error instanceof ApiError ? new Error(memberErrorMessage(error)) : error;
              }
              toast({ title: "Member removed", description: member.full_name });
            }}
          />
        )}
      </TableCell>
    </TableRow>
  );
}
