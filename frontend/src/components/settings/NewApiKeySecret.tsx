import { SecretShownOnce } from "@/components/ui/secret-shown-once";

/** The new key's secret, once: read-only, with a Copy button and a plain warning. */
export function NewApiKeySecret({ name, secret }: { name: string; secret: string }) {
  return (
    <SecretShownOnce id="new-api-key-secret" testId="api-key-secret" label={`API key for “${name}”`} secret={secret}>
      <strong>Copy this key now.</strong> It will not be shown again: Batchivo keeps only a fingerprint of it. If you lose it,
      revoke “{name}” and create a new one.
    </SecretShownOnce>
  );
}
