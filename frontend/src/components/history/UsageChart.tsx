import { formatGrams, formatMoney } from "@/lib/format";
import type { UsageItem } from "@/queries/history";

const BAR_HEIGHT = 16;
/** Grams priced from their own spool's price: the theme's primary; the rest (estimated or without a cost):
 * the same hue behind a stripe pattern, so the two differ by more than colour. */
const PRICED = "var(--primary)";

const monthLabel = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric" });

/** "2026-11" → "Nov 2026"; a material code stays as it is. */
export function usageLabel(key: string, group: "month" | "material"): string {
  if (group !== "month") return key;
  const [y, m] = key.split("-").map(Number);
  return monthLabel.format(new Date(y ?? 1970, (m ?? 1) - 1, 1));
}

export interface UsageChartProps {
  title: string;
  group: "month" | "material";
  items: UsageItem[];
  currency: string;
}

/**
 * Horizontal bars, one per month or material, on one scale: the solid part is grams priced from their
 * spool's price, the striped part grams priced from the type's or material's typical cost or without a
 * cost. A legend says which is which; the numbers are in a table beside the bars (visible, not only for
 * screen readers), so nothing needs hovering.
 */
export function UsageChart({ title, group, items, currency }: UsageChartProps) {
  const max = Math.max(...items.map((item) => item.grams), 1);
  const patternId = `usage-stripes-${group}`;
  return (
    <figure className="grid gap-3" data-testid={`usage-chart-${group}`}>
      <figcaption className="sr-only">{title}</figcaption>
      <ul className="grid gap-2" aria-hidden>
        {items.map((item) => {
          const own = Math.max(item.grams - item.estimated_grams - item.uncosted_grams, 0);
          const ownWidth = (own / max) * 100;
          const restWidth = (Math.max(item.grams - own, 0) / max) * 100;
          return (
            <li key={item.key} className="grid grid-cols-[5.5rem_1fr] items-center gap-2">
              <span className="truncate text-xs font-medium">{usageLabel(item.key, group)}</span>
              <svg viewBox={`0 0 100 ${BAR_HEIGHT}`} preserveAspectRatio="none" className="h-4 w-full" focusable="false" data-testid="usage-bar">
                <defs>
                  <pattern id={patternId} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="4" height="4" fill={PRICED} fillOpacity={0.35} />
                    <line x1="0" y1="0" x2="0" y2="4" stroke={PRICED} strokeWidth="2" />
                  </pattern>
                </defs>
                <rect x={0} y={0} width={100} height={BAR_HEIGHT} rx={1} fill="var(--muted)" />
                <rect x={0} y={0} width={ownWidth} height={BAR_HEIGHT} fill={PRICED} />
                <rect x={ownWidth} y={0} width={restWidth} height={BAR_HEIGHT} fill={`url(#${patternId})`} />
              </svg>
            </li>
          );
        })}
      </ul>
      <UsageLegend patternId={`${patternId}-legend`} />
      <table className="w-full text-sm" data-testid={`usage-table-${group}`}>
        <caption className="sr-only">{title}</caption>
        <thead>
          <tr className="border-b text-left text-xs text-muted-foreground">
            <th scope="col" className="py-1 font-medium">
              {group === "month" ? "Month" : "Material"}
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Used
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.key} className="border-b last:border-0">
              <th scope="row" className="py-1 text-left font-normal">
                {usageLabel(item.key, group)}
              </th>
              <td className="py-1 text-right tabular-nums">{formatGrams(item.grams)}</td>
              <td className="py-1 text-right tabular-nums">
                {formatMoney(item.cost, currency)}
                {item.uncosted_grams > 0 ? <span className="block text-xs text-muted-foreground">{formatGrams(item.uncosted_grams)} without a cost</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function UsageLegend({ patternId }: { patternId: string }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground" aria-label="Legend">
      <li className="flex items-center gap-1.5">
        <svg viewBox="0 0 12 12" className="size-3" aria-hidden focusable="false">
          <rect width="12" height="12" fill={PRICED} />
        </svg>
        Priced from the spool's price
      </li>
      <li className="flex items-center gap-1.5">
        <svg viewBox="0 0 12 12" className="size-3" aria-hidden focusable="false">
          <defs>
            <pattern id={patternId} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="4" height="4" fill={PRICED} fillOpacity={0.35} />
              <line x1="0" y1="0" x2="0" y2="4" stroke={PRICED} strokeWidth="2" />
            </pattern>
          </defs>
          <rect width="12" height="12" fill={`url(#${patternId})`} />
        </svg>
        Estimated (type or material cost) or no cost
      </li>
    </ul>
  );
}
