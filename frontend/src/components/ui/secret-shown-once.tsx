import type { ReactNode } from "react";

import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";

/**
 * A secret the API shows only once (an API key, a webhook signing secret): a warning that says so and what
 * it is for (`children`), then the value, read-only, with a Copy button.
 */
export function SecretShownOnce({
  id,
  testId,
  label,
  secret,
  children,
}: {
  id: string;
  testId: string;
  label: string;
  secret: string;
  children: ReactNode;
}) {
  return (
    <div className="grid gap-3">
      <Alert role="status" className="border-warning bg-warning/15 text-foreground">
        {children}
      </Alert>
      <CopyField id={id} testId={testId} label={label} value={secret} />
    </div>
  );
}
