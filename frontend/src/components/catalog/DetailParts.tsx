/** Pieces shared by the model and product detail pages: back link, not found, skeleton, a fact. */
import { ArrowLeft } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { ErrorAlert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/errors";


export function BackLink({ to, label }: { to: string; label: string }) {
  return (
    <Link to={to} className="mb-2 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground no-print">
      <ArrowLeft className="size-4" aria-hidden />
      {label}
    </Link>
  );
}

export function DetailFallback({ error, what, listPath, listLabel }: { error: unknown; what: string; listPath: string; listLabel: string }) {
  const notFound = error === "invalid" || (error instanceof ApiError && error.status === 404);
  if (error === null) {
    return (
      <div className="grid gap-4" aria-busy="true">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-40 w-full" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  return (
    <>
      <BackLink to={listPath} label={listLabel} />
      {notFound ? (
        <>
          <h1 className="text-2xl font-semibold tracking-tight">{what} not found</h1>
          <p className="text-sm text-muted-foreground">It may have been deleted, or it belongs to another shop.</p>
        </>
      ) : (
        <ErrorAlert error={error} />
      )}
    </>
  );
}

export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-muted-foreground">{term}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}
