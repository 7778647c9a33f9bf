import { zodResolver } from "@hookform/resolvers/zod";
import { UserPlus } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { GrantableRoleOptions } from "@/components/settings/GrantableRoleOptions";
import { memberErrorMessage, ROLE_LABEL } from "@/components/settings/memberRules";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { ApiError } from "@/lib/errors";
import { applyApiErrors } from "@/lib/forms";
import { ROLES, type Role } from "@/lib/roles";
import { toast } from "@/lib/toast";
import { useAddMember } from "@/queries/members";

const schema = z.object({
  email: z.email("Enter a valid email address"),
  role: z.enum(ROLES as [Role, ...Role[]]),
});
type Values = z.infer<typeof schema>;

/** Adds someone who already has a Batchivo account, by email, with a role. */
export function AddMemberDialog() {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus />
          Add member
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add member</DialogTitle>
          <DialogDescription>They need a Batchivo account already; they will see this shop in their shop switcher.</DialogDescription>
        </DialogHeader>
        <AddMemberForm onDone={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

function AddMemberForm({ onDone }: { onDone: () => void }) {
  const addMember = useAddMember();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { email: "", role: "member" } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const member = await addMember.mutateAsync(values);
      toast({ title: "Member added", description: `${member.full_name} is now ${ROLE_LABEL[member.role].toLowerCase()}.` });
      onDone();
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
      <FormActions formState={form.formState} submitLabel="Add member" pendingLabel="Adding…" onCancel={onDone} />
    </form>
  );
}
