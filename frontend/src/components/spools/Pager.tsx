import { ChevronLeft, ChevronRight } from "lucide-react";
import { Button } from "@/components/ui/button";

interface PagerProps {
  offset: number;
  limit: number;
  total: number;
  /** The server stopped counting: at least `total` match (spool lists, `total_is_lower_bound`). */
  atLeast?: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** Names the navigation landmark when a page has more than one pager. */
  label?: string;
}

/** "Showing 1–50 of 132" (or "of 1000+" past the server's count) with Previous/Next. */
export function Pager({ offset, limit, total, atLeast = false, onPrevious, onNext, label = "Pagination" }: PagerProps) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm no-print">
      <p className="text-muted-foreground" aria-live="polite">
        Showing {first}–{last} of {total}{atLeast ? "+" : ""}
      </p>
      <div className="flex gap-2">
        <Button variant="outline" size="sm" onClick={onPrevious} disabled={offset === 0}>
          <ChevronLeft aria-hidden />
          Previous
        </Button>
        <Button variant="outline" size="sm" onClick={onNext} disabled={!atLeast && offset + limit >= total}>
          Next
          <ChevronRight aria-hidden />
        </Button>
      </div>
    </nav>
  );
}
