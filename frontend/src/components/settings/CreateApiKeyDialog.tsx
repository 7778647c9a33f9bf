import { zodResolver } from "@hookform/resolvers/zod";
import { Plus } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { GrantableRoleOptions } from "@/components/settings/GrantableRoleOptions";
import { NewApiKeySecret } from "@/components/settings/NewApiKeySecret";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { applyApiErrors } from "@/lib/forms";
import { ROLES, type Role } from "@/lib/roles";
import { useCreateApiKey } from "@/queries/apiKeys";

const schema = z.object({
  name: z.string().trim().min(1, "Name the key after the system that uses it").max(100, "At most 100 characters"),
  role: z.enum(ROLES as [Role, ...Role[]]),
});
type Values = z.infer<typeof schema>;

/**
 * Create a key, then show its secret once. Everything lives inside the dialog's content, which
 * unmounts on close: the secret is gone with it (and the mutation, gcTime 0, is dropped too).
 */
export function CreateApiKeyDialog() {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <Plus />
          Create API key
        </Button>
      </DialogTrigger>
      <DialogContent>
        <CreateApiKeyFlow onCancel={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

function CreateApiKeyFlow({ onCancel }: { onCancel: () => void }) {
  const createKey = useCreateApiKey();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { name: "", role: "member" } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const result = await createKey.mutateAsync(values);
      setCreated({ name: result.name, secret: result.key });
      createKey.reset(); // the only copy left is this component's state
    } catch (error) {
      applyApiErrors(error, form.setError, ["name", "role"]);
    }
  });

  if (created) {
    return (
      <>
        <DialogHeader>
          <DialogTitle>API key created</DialogTitle>
          <DialogDescription>Give it to the partner system; send it as “Authorization: Bearer …” or “X-API-Key”.</DialogDescription>
        </DialogHeader>
        <NewApiKeySecret name={created.name} secret={created.secret} />
        <DialogFooter>
          <DialogClose asChild>
            <Button>Done</Button>
          </DialogClose>
        </DialogFooter>
      </>
    );
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>Create API key</DialogTitle>
        <DialogDescription>For partner systems (a shop front, a slicer script). The key acts with the role you choose.</DialogDescription>
      </DialogHeader>
      <form className="grid gap-4" onSubmit={onSubmit} noValidate>
        <Field label="Name" error={errors.name?.message} hint="e.g. Etsy sync">
          <Input autoComplete="off" autoFocus {...form.register("name")} />
        </Field>
        <Field label="Role" error={errors.role?.message} hint="Give the lowest role that does the job.">
          <NativeSelect {...form.register("role")}>
            <GrantableRoleOptions />
          </NativeSelect>
        </Field>
        <FormActions formState={form.formState} submitLabel="Create key" pendingLabel="Creating…" onCancel={onCancel} />
      </form>
    </>
  );
}
