import { SecretShownOnce } from "@/components/ui/secret-shown-once";

/** A new signing secret, once: read-only, with a Copy button and what to do with it. */
export function NewWebhookSecret({ secret, previousExpiresAt }: { secret: string; previousExpiresAt?: string | null | undefined }) {
  return (
    <SecretShownOnce id="new-webhook-secret" testId="webhook-secret" label="Signing secret" secret={secret}>
      <strong>Copy this signing secret now.</strong> It will not be shown again. Your receiver uses it to check the
      <code className="mx-1 rounded bg-muted px-1 text-xs">Batchivo-Webhook-Signature</code>header of every delivery.
      {previousExpiresAt ? ` The previous secret keeps signing too until ${new Date(previousExpiresAt).toLocaleString()}.` : null}
    </SecretShownOnce>
  );
}
