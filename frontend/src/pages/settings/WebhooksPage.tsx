import { ChevronRight } from "lucide-react";
import { Link } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { CreateEndpointDialog } from "@/components/webhooks/EndpointDialogs";
import { EndpointStatusBadge } from "@/components/webhooks/endpointStatus";
import { shortEventName } from "@/components/webhooks/eventGroups";
import { ErrorAlert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { useWebhookEndpoints, type WebhookEndpoint } from "@/queries/webhooks";

export default function WebhooksPage() {
  const endpoints = useWebhookEndpoints();
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Tell your other systems the moment something happens here: a spool runs low, a run completes, a product changes."
        actions={<CreateEndpointDialog />}
      />
      {endpoints.error ? (
        <ErrorAlert error={endpoints.error} />
      ) : !endpoints.data ? (
        <TableSkeleton rows={3} rowClassName="h-16" />
      ) : endpoints.data.items.length === 0 ? (
        <EmptyState title="No webhook endpoints yet">
          Add the URL of a system that should hear about events (your shop front, ERP or farm manager). Each delivery is signed
          with a secret only you and it know.
        </EmptyState>
      ) : (
        <ul className="grid gap-3" aria-label="Webhook endpoints">
          {endpoints.data.items.map((endpoint) => (
            <EndpointItem key={endpoint.id} endpoint={endpoint} />
          ))}
        </ul>
      )}
    </>
  );
}

function EndpointItem({ endpoint }: { endpoint: WebhookEndpoint }) {
  const shown = endpoint.event_types.slice(0, 3).map(shortEventName).join(", ");
  const more = endpoint.event_types.length - 3;
  return (
    <li>
      <Link
        to={`/settings/webhooks/${endpoint.id}`}
        className="flex items-center gap-3 rounded-lg border bg-card p-4 shadow-sm transition-colors hover:bg-muted/50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        <div className="grid min-w-0 flex-1 gap-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="min-w-0 break-all font-medium">{endpoint.url}</span>
            <EndpointStatusBadge endpoint={endpoint} />
          </div>
          {endpoint.description ? <p className="text-sm text-muted-foreground">{endpoint.description}</p> : null}
          <p className="text-xs text-muted-foreground">
            {endpoint.event_types.length} event{endpoint.event_types.length === 1 ? "" : "s"}: {shown}
            {more > 0 ? ` and ${more} more` : ""}
          </p>
          {endpoint.disabled_reason && !endpoint.active ? <p className="text-xs font-medium text-destructive">{endpoint.disabled_reason}</p> : null}
        </div>
        <ChevronRight className="size-4 shrink-0 text-muted-foreground" aria-hidden />
      </Link>
    </li>
  );
}
