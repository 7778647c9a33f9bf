/** /locations/:locationId: one location and the spools stored there (where a location label's QR leads). */
import { ArrowLeft, Printer } from "lucide-react";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { PageHeader } from "@/components/layout/PageHeader";
import { Pager } from "@/components/spools/Pager";
import { RemainingBar } from "@/components/spools/RemainingBar";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/errors";
import { formatGrams } from "@/lib/format";
import { isUuid } from "@/lib/ids";
import { useLocation } from "@/queries/locations";
import { useSpools } from "@/queries/spools";

const PAGE_SIZE = 50;

function BackLink() {
  return (
    <Link to="/locations" className="mb-2 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground no-print">
      <ArrowLeft className="size-4" aria-hidden />
      All locations
    </Link>
  );
}

function SpoolsHere({ locationId }: { locationId: string }) {
  const [page, setPage] = useState(0);
  const spools = useSpools({ limit: PAGE_SIZE, offset: page * PAGE_SIZE, sort: "code", location_id: locationId });
  if (spools.isPending) return <Skeleton className="h-24" />;
  if (spools.isError) return <ErrorAlert error={spools.error} />;
  if (spools.data.items.length === 0) return <EmptyState title="No spools here">Move spools here from a spool's page or the spool list.</EmptyState>;
  return (
    <>
      <ul className="grid gap-2 sm:grid-cols-2" aria-label="Spools stored here">
        {spools.data.items.map((spool) => (
          <li key={spool.id} className="grid gap-1.5 rounded-md border bg-card p-3 text-card-foreground">
            <div className="flex items-center justify-between gap-2">
              <Link to={`/spools/${spool.id}`} className="font-mono font-medium underline-offset-4 hover:underline">
                {spool.code}
              </Link>
              <span className="text-sm tabular-nums">{formatGrams(spool.current_weight)}</span>
            </div>
            <div className="flex min-w-0 items-center gap-2 text-sm">
              <ColorSwatch hex={spool.filament_type.color_hex} />
              <span className="truncate">
                {spool.filament_type.brand} {spool.filament_type.color_name} · {spool.filament_type.material_code}
              </span>
            </div>
            <RemainingBar pct={spool.remaining_pct} low={spool.is_low_stock} label={`Remaining on ${spool.code}`} />
          </li>
        ))}
      </ul>
      {spools.data.total > PAGE_SIZE ? (
        <Pager
          offset={page * PAGE_SIZE}
          limit={PAGE_SIZE}
          total={spools.data.total}
          atLeast={spools.data.total_is_lower_bound ?? false}
          onPrevious={() => setPage((p) => Math.max(0, p - 1))}
          onNext={() => setPage((p) => p + 1)}
        />
      ) : null}
    </>
  );
}

export default function LocationDetailPage() {
  const { locationId = "" } = useParams();
  const valid = isUuid(locationId);
  const location = useLocation(locationId, { enabled: valid });
  if (!valid || (location.error instanceof ApiError && location.error.status === 404)) {
    return (
      <div className="grid justify-items-start gap-2">
        <BackLink />
        <h1 className="text-2xl font-semibold tracking-tight">Location not found</h1>
        <p className="text-sm text-muted-foreground">No location of this shop has this address. It may have been merged or deleted.</p>
      </div>
    );
  }
  if (location.isPending) return <Skeleton className="h-32" />;
  if (location.isError) return <ErrorAlert error={location.error} />;
  const loc = location.data;
  return (
    <div className="grid gap-3">
      <div>
        <BackLink />
        <PageHeader
          title={loc.name}
          description={
            <>
              <span data-testid="location-summary">
                {formatGrams(loc.remaining_grams)} in {loc.spool_count} {loc.spool_count === 1 ? "spool" : "spools"}
                {loc.archived_spool_count > 0 ? ` (+${loc.archived_spool_count} archived, not counted)` : ""}
              </span>
              {loc.description ? <span className="block">{loc.description}</span> : null}
            </>
          }
          actions={
            <Button variant="outline" asChild>
              <Link to={`/locations/${loc.id}/label`}>
                <Printer aria-hidden />
                Print label
              </Link>
            </Button>
          }
        />
      </div>
      <SpoolsHere locationId={loc.id} />
    </div>
  );
}
