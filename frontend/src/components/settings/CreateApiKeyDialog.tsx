import { zodResolver } from "@hookform/resolvers/zod";
import { Plus } from "lucide-react";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { SCOPE_LABEL, WRITE_SCOPES, scopesToSend, writeScopesForRole, type WriteScope } from "@/components/settings/apiKeyScopes";
import { GrantableRoleOptions } from "@/components/settings/GrantableRoleOptions";
import { NewApiKeySecret } from "@/components/settings/NewApiKeySecret";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { applyApiErrors } from "@/lib/forms";
import { ROLES, type Role } from "@/lib/roles";
import { useCreateApiKey } from "@/queries/apiKeys";

const schema = z.object({
  name: z.string().trim().min(1, "Name the key after the system that uses it").max(100, "At most 100 characters"),
  role: z.enum(ROLES as [Role, ...Role[]]),
  scopes: z.array(z.enum(WRITE_SCOPES as [WriteScope, ...WriteScope[]])),
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
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { name: "", role: "member", scopes: writeScopesForRole("member") },
  });
  const { errors } = form.formState;
  const role = form.watch("role");
  const scopes = form.watch("scopes");
  // A new role offers every write scope it allows, as the API does for a key created without scopes.
  const roleField = form.register("role", {
    onChange: (event: { target: { value: Role } }) => form.setValue("scopes", writeScopesForRole(event.target.value)),
  });

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const result = await createKey.mutateAsync({ name: values.name, role: values.role, scopes: scopesToSend(values.role, values.scopes) });
      setCreated({ name: result.name, secret: result.key });
      createKey.reset(); // the only copy left is this component's state
    } catch (error) {
      applyApiErrors(error, form.setError, ["name", "role", "scopes"]);
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
          <NativeSelect {...roleField}>
            <GrantableRoleOptions />
          </NativeSelect>
        </Field>
        <ScopeChoices
          role={role}
          chosen={scopes}
          error={errors.scopes?.message}
          onChange={(next) => form.setValue("scopes", next, { shouldDirty: true })}
        />
        <FormActions formState={form.formState} submitLabel="Create key" pendingLabel="Creating…" onCancel={onCancel} />
      </form>
    </>
  );
}

/** Read is always on; each write scope is offered when the role could use it (a viewer key only reads). */
function ScopeChoices({
  role,
  chosen,
  error,
  onChange,
}: {
  role: Role;
  chosen: WriteScope[];
  error: string | undefined;
  onChange: (scopes: WriteScope[]) => void;
}) {
  const id = useId();
  const allowed = writeScopesForRole(role);
  return (
    <fieldset className="grid gap-2" aria-describedby={`${id}-hint`}>
      <legend className="text-sm font-medium">Scopes</legend>
      <ScopeCheckbox id={`${id}-read`} label={SCOPE_LABEL.read} checked disabled />
      {WRITE_SCOPES.map((scope) => (
        <ScopeCheckbox
          key={scope}
          id={`${id}-${scope}`}
          label={SCOPE_LABEL[scope]}
          checked={allowed.includes(scope) && chosen.includes(scope)}
          disabled={!allowed.includes(scope)}
          onCheckedChange={(on) => onChange(on ? [...chosen, scope] : chosen.filter((s) => s !== scope))}
        />
      ))}
      {error ? (
        <p id={`${id}-hint`} role="alert" className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          A key never does more than its role allows: a viewer key only reads, webhooks need an admin key.
        </p>
      )}
    </fieldset>
  );
}

function ScopeCheckbox({
  id,
  label,
  checked,
  disabled,
  onCheckedChange,
}: {
  id: string;
  label: string;
  checked: boolean;
  disabled?: boolean;
  onCheckedChange?: (checked: boolean) => void;
}) {
  return (
    <div className="flex items-center gap-2">
      <Checkbox id={id} checked={checked} disabled={disabled} onCheckedChange={(value) => onCheckedChange?.(value === true)} />
      <Label htmlFor={id} className="font-normal">
        {label}
      </Label>
    </div>
  );
}
