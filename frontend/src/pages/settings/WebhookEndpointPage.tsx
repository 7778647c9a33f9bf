import { KeyRound, Pause, Play, Send, Trash2 } from "lucide-react";
import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { BackLink, DetailFallback, Fact } from "@/components/catalog/DetailParts";
import { isUuid } from "@/lib/ids";
import { PageHeader } from "@/components/layout/PageHeader";
import { DeliveryLog } from "@/components/webhooks/DeliveryLog";
import { EditEndpointDialog } from "@/components/webhooks/EndpointDialogs";
import { EndpointStatusBadge } from "@/components/webhooks/endpointStatus";
import { NewWebhookSecret } from "@/components/webhooks/NewWebhookSecret";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import {
  useDeleteWebhookEndpoint,
  useRotateWebhookSecret,
  useSendTestEvent,
  useUpdateWebhookEndpoint,
  useWebhookEndpoint,
  type WebhookEndpoint,
} from "@/queries/webhooks";

export default function WebhookEndpointPage() {
  const { endpointId = "" } = useParams();
  const valid = isUuid(endpointId);
  const endpoint = useWebhookEndpoint(valid ? endpointId : "00000000-0000-0000-0000-000000000000");
  if (!valid || !endpoint.data) {
    return (
      <DetailFallback
        error={valid ? endpoint.error : "invalid"}
        what="Webhook endpoint"
        listPath="/settings/webhooks"
        listLabel="Webhooks"
      />
    );
  }
  return <EndpointDetail endpoint={endpoint.data} />;
}

function EndpointDetail({ endpoint }: { endpoint: WebhookEndpoint }) {
  return (
    <div className="grid gap-6">
      <div>
        <BackLink to="/settings/webhooks" label="Webhooks" />
        <PageHeader
          title={endpoint.description || "Webhook endpoint"}
          description={<span className="break-all">{endpoint.url}</span>}
          actions={<EndpointActions endpoint={endpoint} />}
        />
      </div>
      {!endpoint.active && endpoint.disabled_at ? (
        <Alert variant="destructive" role="status">
          <strong>Batchivo turned this endpoint off on {formatDateTime(endpoint.disabled_at)}.</strong>{" "}
          {endpoint.disabled_reason ?? ""} Fix the receiver, check it with “Send test event”, then resume it.
        </Alert>
      ) : endpoint.active && endpoint.failing_since ? (
        <Alert role="status" className="border-warning bg-warning/15 text-foreground">
          Every delivery has failed since {formatDateTime(endpoint.failing_since)}. Batchivo keeps retrying, and turns the
          endpoint off after 24 hours of failures.
        </Alert>
      ) : null}
      <dl className="grid grid-cols-2 gap-4 rounded-lg border bg-card p-4 sm:grid-cols-4">
        <Fact term="Status">
          <EndpointStatusBadge endpoint={endpoint} />
        </Fact>
        <Fact term="Signing secret">
          <code className="text-xs">…{endpoint.secret_hint}</code>
          {endpoint.previous_secret_expires_at ? (
            <span className="block text-xs text-muted-foreground">previous one valid until {formatDateTime(endpoint.previous_secret_expires_at)}</span>
          ) : null}
        </Fact>
        <Fact term="Added">{formatDateTime(endpoint.created_at)}</Fact>
        <Fact term="Changed">{formatDateTime(endpoint.updated_at)}</Fact>
        <div className="col-span-2 sm:col-span-4">
          <dt className="text-xs text-muted-foreground">Events sent ({endpoint.event_types.length})</dt>
          <dd className="mt-1 flex flex-wrap gap-1">
            {endpoint.event_types.map((type) => (
              <code key={type} className="rounded bg-muted px-1.5 py-0.5 text-xs">
                {type}
              </code>
            ))}
          </dd>
        </div>
      </dl>
      <DeliveryLog endpointId={endpoint.id} />
    </div>
  );
}

function EndpointActions({ endpoint }: { endpoint: WebhookEndpoint }) {
  const sendTest = useSendTestEvent();
  const update = useUpdateWebhookEndpoint();
  const remove = useDeleteWebhookEndpoint();
  const navigate = useNavigate();
  return (
    <div className="flex flex-wrap gap-2">
      <Button
        disabled={sendTest.isPending}
        onClick={async () => {
          try {
            await sendTest.mutateAsync(endpoint.id);
            toast({ title: "Test event queued", description: "It appears in the delivery log in a moment." });
          } catch (error) {
            toast({ title: "Could not send a test event", description: error instanceof Error ? error.message : String(error), variant: "destructive" });
          }
        }}
      >
        <Send />
        Send test event
      </Button>
      <EditEndpointDialog endpoint={endpoint} />
      <Button
        variant="outline"
        size="sm"
        disabled={update.isPending}
        onClick={async () => {
          await update.mutateAsync({ id: endpoint.id, changes: { active: !endpoint.active } });
          toast({ title: endpoint.active ? "Endpoint paused" : "Endpoint resumed", description: endpoint.url });
        }}
      >
        {endpoint.active ? <Pause /> : <Play />}
        {endpoint.active ? "Pause" : "Resume"}
      </Button>
      <RotateSecretButton endpoint={endpoint} />
      <ConfirmDialog
        trigger={
          <Button variant="outline" size="sm">
            <Trash2 />
            Delete
          </Button>
        }
        title="Delete this endpoint?"
        description="Nothing more is sent to it and its delivery log is deleted with it. This cannot be undone."
        confirmLabel="Delete endpoint"
        onConfirm={async () => {
          await remove.mutateAsync(endpoint.id);
          toast({ title: "Endpoint deleted", description: endpoint.url });
          navigate("/settings/webhooks");
        }}
      />
    </div>
  );
}

/** Confirm, then show the new secret once; the old one keeps signing for a while so the receiver can switch. */
function RotateSecretButton({ endpoint }: { endpoint: WebhookEndpoint }) {
  const rotate = useRotateWebhookSecret();
  const [rotated, setRotated] = useState<{ secret: string; previousExpiresAt: string | null | undefined } | null>(null);
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="outline" size="sm">
            <KeyRound />
            Rotate secret
          </Button>
        }
        destructive={false}
        title="Rotate the signing secret?"
        description="A new secret signs every delivery from now on. The current one keeps signing beside it for 24 hours, so your receiver can switch without missing events."
        confirmLabel="Rotate secret"
        onConfirm={async () => {
          const result = await rotate.mutateAsync(endpoint.id);
          setRotated({ secret: result.secret, previousExpiresAt: result.previous_secret_expires_at });
          rotate.reset();
        }}
      />
      <Dialog open={rotated !== null} onOpenChange={(open) => (open ? undefined : setRotated(null))}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>New signing secret</DialogTitle>
            <DialogDescription>Put it in your receiver’s settings.</DialogDescription>
          </DialogHeader>
          {rotated ? <NewWebhookSecret secret={rotated.secret} previousExpiresAt={rotated.previousExpiresAt} /> : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button>Done</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}
