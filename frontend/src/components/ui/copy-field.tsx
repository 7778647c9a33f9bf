import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

type CopyState = "idle" | "copied" | "failed";

/** A read-only value with a Copy button (a secret shown once, a link to hand on). */
export function CopyField({ id, label, value, testId }: { id: string; label: string; value: string; testId?: string }) {
  const [copyState, setCopyState] = useState<CopyState>("idle");

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopyState("copied");
    } catch {
      // Clipboard access can be refused (permissions, plain http): the field stays selectable.
      setCopyState("failed");
    }
  };

  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <div className="flex gap-2">
        <Input id={id} data-testid={testId} readOnly value={value} className="font-mono text-xs" onFocus={(event) => event.currentTarget.select()} />
        <Button variant="outline" onClick={() => void copy()}>
          {copyState === "copied" ? <Check /> : <Copy />}
          {copyState === "copied" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p aria-live="polite" className="text-xs text-muted-foreground">
        {copyState === "copied"
          ? "Copied to the clipboard."
          : copyState === "failed"
            ? "Could not copy automatically: select it and copy it by hand."
            : ""}
      </p>
    </div>
  );
}
