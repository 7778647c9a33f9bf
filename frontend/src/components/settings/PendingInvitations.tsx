import { X } from "lucide-react";
import { ROLE_LABEL } from "@/components/settings/memberRules";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { formatDate } from "@/lib/format";
import type { Role } from "@/lib/roles";
import { useRevokeInvitation, useShopInvitations, type Invitation } from "@/queries/invitations";

/** The shop's invitations nobody has answered yet, each with Revoke (admins and owners). */
export function PendingInvitations() {
  const { can } = useAuth();
  const invitations = useShopInvitations(can("admin"));
  if (!can("admin")) return null;
  if (invitations.error) return <ErrorAlert error={invitations.error} />;
  const items = invitations.data?.items ?? [];
  return (
    <section aria-labelledby="pending-invitations" className="mt-8 grid gap-2">
      <h2 id="pending-invitations" className="text-lg font-semibold">
        Pending invitations
      </h2>
      {items.length === 0 ? (
        <p className="text-sm text-muted-foreground">No invitation is waiting for an answer.</p>
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Email</TableHead>
              <TableHead scope="col">Role</TableHead>
              <TableHead scope="col" className="hidden md:table-cell">Expires</TableHead>
              <TableHead scope="col"><span className="sr-only">Actions</span></TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((invitation) => (
              <InvitationRow key={invitation.id} invitation={invitation} />
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

function InvitationRow({ invitation }: { invitation: Invitation }) {
  const { role } = useAuth();
  const revoke = useRevokeInvitation();
  const ownerInvite = invitation.role === "owner" && role !== "owner";
  return (
    <TableRow>
      <TableCell>{invitation.email}</TableCell>
      <TableCell>{ROLE_LABEL[invitation.role as Role]}</TableCell>
      <TableCell className="hidden md:table-cell">{formatDate(invitation.expires_at)}</TableCell>
      <TableCell className="text-right">
        <ConfirmDialog
          title="Revoke invitation?"
          description={`${invitation.email} will no longer be able to join with it.`}
          confirmLabel="Revoke"
          onConfirm={() => revoke.mutateAsync(invitation.id)}
          trigger={
            <Button variant="ghost" size="sm" disabled={ownerInvite} aria-label={`Revoke the invitation of ${invitation.email}`}>
              <X />
              Revoke
            </Button>
          }
        />
      </TableCell>
    </TableRow>
  );
}
