import { zodResolver } from "@hookform/resolvers/zod";
import { UserPlus } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { GrantableRoleOptions } from "@/components/settings/GrantableRoleOptions";
import { memberErrorMessage, ROLE_LABEL } from "@/components/settings/memberRules";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { ApiError } from "@/lib/errors";
import { applyApiErrors } from "@/lib/forms";
import { ROLES, type Role } from "@/lib/roles";
import { joinLink, useInvite, type CreatedInvitation } from "@/queries/invitations";

const schema = z.object({
  email: z.email("Enter a valid email address"),
  role: z.enum(ROLES as [Role, ...Role[]]),
});
type Values = z.infer<typeof schema>;

/** Invites someone by email with a role. Nobody joins until they accept; the answer says nothing about them. */
export function InviteMemberDialog() {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) setCreated(null);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus />
          Invite member
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Invite member</DialogTitle>
          <DialogDescription>
            They join once they accept: signed in with this email they see the invitation, and someone without an account
            registers through the link.
          </DialogDescription>
        </DialogHeader>
        {created ? (
          <div className="grid gap-3">
            <p role="status">
              Invitation sent to <strong>{created.email}</strong> as {ROLE_LABEL[created.role].toLowerCase()}.
            </p>
            <CopyField id="invitation-link" testId="invitation-link" label="Join link (shown once)" value={joinLink(created.token)} />
            <p className="text-sm text-muted-foreground">
              Someone without a Batchivo account registers through this link. It works once, for this email, for 7 days.
            </p>
            <Button onClick={() => onOpenChange(false)}>Done</Button>
          </div>
        ) : (
          <InviteForm onCreated={setCreated} onCancel={() => onOpenChange(false)} />
        )}
      </DialogContent>
    </Dialog>
  );
}

function InviteForm({ onCreated, onCancel }: { onCreated: (created: CreatedInvitation) => void; onCancel: () => void }) {
  const invite = useInvite();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { email: "", role: "member" } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      onCreated(await invite.mutateAsync(values));
    } catch (error) {
      if (error instanceof ApiError && error.status !== 422) {
        form.setError("root.server", { type: "server", message: memberErrorMessage(error) });
      } else {
        applyApiErrors(error, form.setError, ["email", "role"]);
      }
    }
  });

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="off" autoFocus {...form.register("email")} />
      </Field>
      <Field label="Role" error={errors.role?.message} hint="Viewers read; members book stock; admins also delete and manage members.">
        <NativeSelect {...form.register("role")}>
          <GrantableRoleOptions />
        </NativeSelect>
      </Field>
      <FormActions formState={form.formState} submitLabel="Send invitation" pendingLabel="Inviting…" onCancel={onCancel} />
    </form>
  );
}
