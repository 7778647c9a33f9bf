/** Everything known about one spool, as a description list. */
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { RemainingBar } from "@/components/spools/RemainingBar";
import { SpoolStatusBadges } from "@/components/spools/SpoolStatusBadges";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { formatCostPerKg, formatDate, formatDateTime, formatGrams, formatMoney, formatPercent } from "@/lib/format";
import type { Spool } from "@/queries/spools";

function Fact({ term, children, wide = false }: { term: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "col-span-full" : undefined}>
      <dt className="text-xs text-muted-foreground">{term}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

const orDash = (text: string | null) => text ?? "—";

export function SpoolFacts({ spool, currency }: { spool: Spool; currency: string }) {
  const type = spool.filament_type;
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-lg border bg-card p-4 sm:grid-cols-3 lg:grid-cols-4">
      <Fact term="Filament type" wide>
        <span className="flex items-center gap-2 font-medium">
          <ColorSwatch hex={type.color_hex} className="size-4" />
          {type.brand} {type.color_name}
        </span>
      </Fact>
      <Fact term="Material">{type.material_code}</Fact>
      <Fact term="Current weight">
        <span className="text-base font-semibold tabular-nums">{formatGrams(spool.current_weight)}</span>{" "}
        <span className="text-muted-foreground">of {formatGrams(spool.initial_weight)}</span>
      </Fact>
      <Fact term="Remaining">
        <span className="flex flex-wrap items-center gap-2">
          <RemainingBar pct={spool.remaining_pct} low={spool.is_low_stock} label="Remaining" />
          <SpoolStatusBadges spool={spool} />
        </span>
      </Fact>
      <Fact term="Low-stock threshold">{formatPercent(spool.low_stock_threshold_pct)}</Fact>
      <Fact term="Empty spool weight">{formatGrams(spool.empty_spool_weight)}</Fact>
      <Fact term="Purchase price">{formatMoney(spool.purchase_price, currency)}</Fact>
      <Fact term="Cost per kg">{formatCostPerKg(spool.cost_per_gram, currency)}</Fact>
      <Fact term="Purchase date">{formatDate(spool.purchase_date)}</Fact>
      <Fact term="Supplier">{orDash(spool.supplier)}</Fact>
      <Fact term="Location">
        {spool.location && spool.location_id ? (
          <Link to={`/locations/${spool.location_id}`} className="underline underline-offset-4">
            {spool.location}
          </Link>
        ) : (
          orDash(spool.location)
        )}
      </Fact>
      <Fact term="Lot number">{orDash(spool.lot_number)}</Fact>
      <Fact term="Added">{formatDateTime(spool.created_at)}</Fact>
      <Fact term="Last changed">{formatDateTime(spool.updated_at)}</Fact>
      {spool.notes ? (
        <Fact term="Notes" wide>
          <span className="whitespace-pre-wrap">{spool.notes}</span>
        </Fact>
      ) : null}
    </dl>
  );
}
