import { Badge } from "@/components/ui/badge";
import type { Spool } from "@/queries/spools";

/** "Low stock" and "Archived" badges; nothing for a healthy active spool. */
export function SpoolStatusBadges({ spool }: { spool: Pick<Spool, "is_low_stock" | "is_archived"> }) {
  if (!spool.is_low_stock && !spool.is_archived) return null;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {spool.is_low_stock ? <Badge variant="warning">Low stock</Badge> : null}
      {spool.is_archived ? <Badge variant="secondary">Archived</Badge> : null}
    </span>
  );
}
