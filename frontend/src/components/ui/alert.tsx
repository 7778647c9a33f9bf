import type { HTMLAttributes } from "react";
import { cn } from "@/lib/utils";
import { errorMessage } from "@/lib/errors";

export function Alert({ className, variant = "default", ...props }: HTMLAttributes<HTMLDivElement> & { variant?: "default" | "destructive" }) {
  return (
    <div
      role="alert"
      className={cn(
        "rounded-md border px-3 py-2 text-sm",
        variant === "destructive" ? "border-destructive/60 bg-destructive/10 text-foreground" : "bg-muted",
        className,
      )}
      {...props}
    />
  );
}

/** The error of a failed request, in plain words; renders nothing when there is no error. */
export function ErrorAlert({ error, className }: { error: unknown; className?: string }) {
  if (!error) return null;
  return (
    <Alert variant="destructive" className={className}>
      {errorMessage(error)}
    </Alert>
  );
}
