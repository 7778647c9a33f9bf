import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";

/** The new key's secret, once: read-only, with a Copy button and a plain warning. */
export function NewApiKeySecret({ name, secret }: { name: string; secret: string }) {
  return (
    <div className="grid gap-3">
      <Alert role="status" className="border-warning bg-warning/15 text-foreground">
        <strong>Copy this key now.</strong> It will not be shown again: Batchivo keeps only a fingerprint of it. If you lose it,
        revoke “{name}” and create a new one.
      </Alert>
      <CopyField id="new-api-key-secret" testId="api-key-secret" label={`API key for “${name}”`} value={secret} />
    </div>
  );
}
