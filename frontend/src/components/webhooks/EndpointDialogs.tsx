import { Pencil, Plus } from "lucide-react";
import { useState } from "react";
import { EndpointForm } from "@/components/webhooks/EndpointForm";
import { NewWebhookSecret } from "@/components/webhooks/NewWebhookSecret";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { toast } from "@/lib/toast";
import { useCreateWebhookEndpoint, useUpdateWebhookEndpoint, type WebhookEndpoint } from "@/queries/webhooks";

/**
 * Add an endpoint, then show its signing secret once. The secret lives only in the dialog's content, which
 * unmounts on close (the mutation has gcTime 0 and is reset as soon as the secret is in state).
 */
export function CreateEndpointDialog() {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <Plus />
          Add endpoint
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <CreateEndpointFlow onCancel={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

function CreateEndpointFlow({ onCancel }: { onCancel: () => void }) {
  const create = useCreateWebhookEndpoint();
  const [secret, setSecret] = useState<string | null>(null);

  if (secret) {
    return (
      <>
        <DialogHeader>
          <DialogTitle>Endpoint added</DialogTitle>
          <DialogDescription>Events are sent from now on. Use “Send test event” on the endpoint to check your receiver.</DialogDescription>
        </DialogHeader>
        <NewWebhookSecret secret={secret} />
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
        <DialogTitle>Add webhook endpoint</DialogTitle>
        <DialogDescription>Batchivo sends each chosen event to this URL as a signed JSON POST, retrying for 24 hours if it fails.</DialogDescription>
      </DialogHeader>
      <EndpointForm
        defaultValues={{ url: "", description: "", event_types: [] }}
        submitLabel="Add endpoint"
        pendingLabel="Adding…"
        onCancel={onCancel}
        onSave={async (values) => {
          const created = await create.mutateAsync({ ...values, active: true });
          setSecret(created.secret);
          create.reset(); // the only copy left is this component's state
        }}
      />
    </>
  );
}

export function EditEndpointDialog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const [open, setOpen] = useState(false);
  const update = useUpdateWebhookEndpoint();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <Pencil />
          Edit
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Edit endpoint</DialogTitle>
          <DialogDescription>The signing secret stays the same; rotate it separately.</DialogDescription>
        </DialogHeader>
        <EndpointForm
          defaultValues={{ url: endpoint.url, description: endpoint.description ?? "", event_types: endpoint.event_types }}
          submitLabel="Save"
          pendingLabel="Saving…"
          onCancel={() => setOpen(false)}
          onSave={async (values) => {
            await update.mutateAsync({ id: endpoint.id, changes: values });
            setOpen(false);
            toast({ title: "Endpoint saved", description: values.url });
          }}
        />
      </DialogContent>
    </Dialog>
  );
}
