import { Check, MailOpen, X } from "lucide-react";
import { useState } from "react";
import { ROLE_LABEL } from "@/components/settings/memberRules";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/errors";
import type { Role } from "@/lib/roles";
import { toast } from "@/lib/toast";
import { useAcceptInvitation, useDeclineInvitation, useMyInvitations, type MyInvitation } from "@/queries/invitations";

/** The signed-in person's pending invitations, on every page until answered. Accepting adds the shop to the switcher. */
export function InvitationsBanner() {
  const invitations = useMyInvitations();
  const items = invitations.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="Invitations" className="no-print grid gap-2 border-b bg-accent/40 px-4 py-3">
      {items.map((invitation) => (
        <InvitationNotice key={invitation.id} invitation={invitation} />
      ))}
    </section>
  );
}

function InvitationNotice({ invitation }: { invitation: MyInvitation }) {
  const accept = useAcceptInvitation();
  const decline = useDeclineInvitation();
  const [busy, setBusy] = useState(false);
  const run = async (action: "accept" | "decline") => {
    setBusy(true);
    try {
      if (action === "accept") {
        const joined = await accept.mutateAsync(invitation.id);
        toast({ title: `You joined ${joined.tenant_name}`, description: "Switch to it with the shop switcher." });
      } else {
        await decline.mutateAsync(invitation.id);
        toast({ title: `Invitation of ${invitation.tenant_name} declined` });
      }
    } catch (error) {
      toast({ title: "Could not answer the invitation", description: errorMessage(error), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="invitation">
      <MailOpen className="size-4" aria-hidden />
      <span className="flex-1">
        <strong>{invitation.tenant_name}</strong> invites you to join as {ROLE_LABEL[invitation.role as Role].toLowerCase()}.
      </span>
      <Button size="sm" disabled={busy} onClick={() => void run("accept")} aria-label={`Accept the invitation of ${invitation.tenant_name}`}>
        <Check />
        Accept
      </Button>
      <Button size="sm" variant="outline" disabled={busy} onClick={() => void run("decline")} aria-label={`Decline the invitation of ${invitation.tenant_name}`}>
        <X />
        Decline
      </Button>
    </div>
  );
}
