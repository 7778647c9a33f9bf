/** The line above a searched spools list: how many matched (a lower bound past 1,000) and a way to clear. */
import { X } from "lucide-react";
import { Button } from "@/components/ui/button";

export function SearchSummary({ q, total, atLeast, onClear }: { q: string; total: number; atLeast: boolean; onClear: () => void }) {
  const count = `${total.toLocaleString()}${atLeast ? "+" : ""}`;
  return (
    <div className="mb-2 flex flex-wrap items-center gap-2 text-sm text-muted-foreground no-print">
      <p role="status" data-testid="search-summary">
        {count} {total === 1 && !atLeast ? "result" : "results"} for “<span className="font-medium text-foreground">{q}</span>”
        {atLeast ? " — add a word to narrow it" : ""}
      </p>
      <Button variant="ghost" size="sm" className="h-7 px-2" onClick={onClear}>
        <X aria-hidden />
        Clear search
      </Button>
    </div>
  );
}
