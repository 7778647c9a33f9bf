import { Badge } from "@/components/ui/badge";
import type { WebhookEndpoint } from "@/queries/webhooks";

/** Active, paused by a person, or disabled by Batchivo after a day of failures (the reason is shown apart). */
export function EndpointStatusBadge({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.active) {
    return endpoint.failing_since ? <Badge variant="warning">Failing</Badge> : <Badge variant="secondary">Active</Badge>;
  }
  return endpoint.disabled_at ? <Badge variant="destructive">Disabled</Badge> : <Badge variant="outline">Paused</Badge>;
}
