import { RotateCcw } from "lucide-react";
import { useState, type ReactNode } from "react";
import { Pager } from "@/components/spools/Pager";
import { ErrorAlert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { NativeSelect } from "@/components/ui/native-select";
import { TableSkeleton } from "@/components/ui/skeleton";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { DELIVERIES_PAGE_SIZE, useRedeliver, useWebhookDeliveries, type DeliveryStatus, type WebhookDelivery } from "@/queries/webhooks";

const STATUS_LABEL: Record<DeliveryStatus, string> = { pending: "Pending", succeeded: "Delivered", failed: "Failed" };
const STATUS_VARIANT = { pending: "outline", succeeded: "secondary", failed: "destructive" } as const;

/** The endpoint's deliveries, newest first: what was sent, what the receiver answered, and a way to send it again. */
export function DeliveryLog({ endpointId }: { endpointId: string }) {
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const [page, setPage] = useState(0);
  const deliveries = useWebhookDeliveries(endpointId, status, page);

  return (
    <section className="grid gap-3" aria-labelledby="delivery-log-title">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h2 id="delivery-log-title" className="text-lg font-semibold">
          Delivery log
        </h2>
        <label className="grid gap-1 text-sm">
          <span className="text-xs text-muted-foreground">Show</span>
          <NativeSelect
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as DeliveryStatus | "");
              setPage(0);
            }}
          >
            <option value="">All deliveries</option>
            <option value="failed">Failed</option>
            <option value="pending">Pending (retrying)</option>
            <option value="succeeded">Delivered</option>
          </NativeSelect>
        </label>
      </div>
      {deliveries.error ? (
        <ErrorAlert error={deliveries.error} />
      ) : !deliveries.data ? (
        <TableSkeleton rows={4} rowClassName="h-14" />
      ) : deliveries.data.items.length === 0 ? (
        <EmptyState title={status ? "No deliveries with this status" : "Nothing sent yet"}>
          {status ? "Choose “All deliveries” to see the others." : "Deliveries appear here as events happen. “Send test event” sends one now."}
        </EmptyState>
      ) : (
        <>
          <ul className="grid gap-2" aria-label="Deliveries">
            {deliveries.data.items.map((delivery) => (
              <DeliveryItem key={delivery.id} delivery={delivery} />
            ))}
          </ul>
          <Pager
            offset={page * DELIVERIES_PAGE_SIZE}
            limit={DELIVERIES_PAGE_SIZE}
            total={deliveries.data.total}
            onPrevious={() => setPage((p) => Math.max(0, p - 1))}
            onNext={() => setPage((p) => p + 1)}
            label="Delivery log pages"
          />
        </>
      )}
    </section>
  );
}

function DeliveryItem({ delivery }: { delivery: WebhookDelivery }) {
  const redeliver = useRedeliver();
  const answer = delivery.last_status_code != null ? `HTTP ${delivery.last_status_code}` : delivery.last_error ? "No answer" : "Not tried yet";
  return (
    <li className="rounded-lg border bg-card p-3 text-sm" data-testid="webhook-delivery">
      <div className="flex flex-wrap items-center gap-2">
        <Badge variant={STATUS_VARIANT[delivery.status]}>{STATUS_LABEL[delivery.status]}</Badge>
        <code className="break-all text-xs">{delivery.event_type}</code>
        <span className="ml-auto whitespace-nowrap text-xs text-muted-foreground">{formatDateTime(delivery.created_at)}</span>
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4">
        <Detail term="Answer">{answer}</Detail>
        <Detail term="Attempts">{delivery.attempts}</Detail>
        <Detail term="Time">{delivery.last_latency_ms != null ? `${delivery.last_latency_ms} ms` : "—"}</Detail>
        <Detail term={delivery.status === "pending" ? "Next attempt" : "Delivered"}>
          {delivery.status === "pending"
            ? delivery.next_attempt_at
              ? formatDateTime(delivery.next_attempt_at)
              : "—"
            : delivery.delivered_at
              ? formatDateTime(delivery.delivered_at)
              : "—"}
        </Detail>
      </dl>
      {delivery.last_error && delivery.last_error !== answer ? <p className="mt-2 break-words text-xs text-destructive">{delivery.last_error}</p> : null}
      <details className="mt-2">
        <summary className="cursor-pointer text-xs text-muted-foreground">Request and response</summary>
        <div className="mt-2 grid gap-2">
          <p className="text-xs">
            Delivery id <code className="break-all">{delivery.id}</code>
          </p>
          <pre className="max-h-60 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2 text-xs">{JSON.stringify(delivery.payload, null, 2)}</pre>
          {delivery.response_snippet ? (
            <>
              <p className="text-xs text-muted-foreground">The receiver answered (first 500 characters):</p>
              <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2 text-xs">{delivery.response_snippet}</pre>
            </>
          ) : null}
        </div>
      </details>
      {delivery.status === "pending" ? null : (
        <div className="mt-2 flex justify-end">
          <Button
            variant="outline"
            size="sm"
            disabled={redeliver.isPending}
            onClick={async () => {
              try {
                await redeliver.mutateAsync(delivery.id);
                toast({ title: "Sending again", description: `${delivery.event_type}, same delivery id` });
              } catch (error) {
                toast({ title: "Could not send again", description: error instanceof Error ? error.message : String(error), variant: "destructive" });
              }
            }}
          >
            <RotateCcw />
            Redeliver
          </Button>
        </div>
      )}
    </li>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-muted-foreground">{term}</dt>
      <dd className="font-medium">{children}</dd>
    </div>
  );
}
