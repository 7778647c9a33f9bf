import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

type CopyState = "idle" | "copied" | "failed";

/** The new key's secret, once: read-only, with a Copy button and a plain warning. */
export function NewApiKeySecret({ name, secret }: { name: string; secret: string }) {
  const [copyState, setCopyState] = useState<CopyState>("idle");

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopyState("copied");
    } catch {
      // Clipboard access can be refused (permissions, plain http): the field stays selectable.
      setCopyState("failed");
    }
  };

  return (
    <div className="grid gap-3">
      <Alert role="status" className="border-warning bg-warning/15 text-foreground">
        <strong>Copy this key now.</strong> It will not be shown again: Batchivo keeps only a fingerprint of it. If you lose it,
        revoke “{name}” and create a new one.
      </Alert>
      <div className="grid gap-1.5">
        <Label htmlFor="new-api-key-secret">API key for “{name}”</Label>
        <div className="flex gap-2">
          <Input
            id="new-api-key-secret"
            data-testid="api-key-secret"
            readOnly
            value={secret}
            className="font-mono text-xs"
            onFocus={(event) => event.currentTarget.select()}
          />
          <Button variant="outline" onClick={() => void copy()}>
            {copyState === "copied" ? <Check /> : <Copy />}
            {copyState === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        <p aria-live="polite" className="text-xs text-muted-foreground">
          {copyState === "copied"
            ? "Copied to the clipboard."
            : copyState === "failed"
              ? "Could not copy automatically: select the key and copy it by hand."
              : ""}
        </p>
      </div>
    </div>
  );
}
