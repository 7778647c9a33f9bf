/** A spool's history of moves, archive and restore (no weight changes: those are in its ledger), newest first. */
import { useState } from "react";
import { Pager } from "@/components/spools/Pager";
import { ErrorAlert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime } from "@/lib/format";
import { EVENTS_PAGE_SIZE, useSpoolEvents, type SpoolEvent } from "@/queries/locations";

export function describeEvent(event: SpoolEvent): string {
  switch (event.kind) {
    case "moved":
      if (!event.from_location) return `Moved to ${event.to_location ?? "no location"}`;
      return `Moved from ${event.from_location} to ${event.to_location ?? "no location"}`;
    case "archived":
      return "Archived";
    case "restored":
      return "Restored";
  }
}

export function SpoolEvents({ spoolId }: { spoolId: string }) {
  const [page, setPage] = useState(0);
  const events = useSpoolEvents(spoolId, page);
  return (
    <section aria-labelledby="spool-events-heading" className="grid gap-2">
      <h2 id="spool-events-heading" className="text-lg font-semibold">
        Moves and status
      </h2>
      {events.isPending ? (
        <Skeleton className="h-7" />
      ) : events.isError ? (
        <ErrorAlert error={events.error} />
      ) : events.data.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">Not moved, archived or restored yet.</p>
      ) : (
        <>
          <ol className="grid gap-1 text-sm" data-testid="spool-events">
            {events.data.items.map((event) => (
              <li key={event.id} className="flex flex-wrap gap-x-3 border-b py-1.5 last:border-b-0">
                <span className="whitespace-nowrap text-muted-foreground">{formatDateTime(event.created_at)}</span>
                <span>
                  {describeEvent(event)}
                  {event.reason ? <span className="text-muted-foreground"> ({event.reason})</span> : null}
                </span>
              </li>
            ))}
          </ol>
          {events.data.total > EVENTS_PAGE_SIZE ? (
            <Pager
              label="Move history pages"
              offset={page * EVENTS_PAGE_SIZE}
              limit={EVENTS_PAGE_SIZE}
              total={events.data.total}
              onPrevious={() => setPage((current) => Math.max(0, current - 1))}
              onNext={() => setPage((current) => current + 1)}
            />
          ) : null}
        </>
      )}
    </section>
  );
}
