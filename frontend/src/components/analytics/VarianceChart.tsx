/**
 * The daily trend of filament variance: one bar per day with completed runs, up when more filament was used
 * than estimated, down when less, around a zero line. Plain SVG (no chart library in the bundle); the SVG is
 * decorative for screen readers, which get the same figures as a table.
 */
import { useEffect, useId, useRef, useState, type RefObject } from "react";
import { formatDate, formatGrams } from "@/lib/format";
import { formatSignedPct, type DayVariance } from "@/queries/productionInsights";

const DEFAULT_WIDTH = 600;
const HEIGHT = 220;
const PAD_LEFT = 44;
const PAD_BOTTOM = 22;
const PAD_TOP = 8;

/** A round bound for the axis (at least 5%), so small wobbles do not look like big swings. */
export function axisBound(days: Pick<DayVariance, "variance_pct">[]): number {
  const largest = Math.max(5, ...days.map((day) => Math.abs(day.variance_pct ?? 0)));
  const step = largest <= 10 ? 5 : largest <= 50 ? 10 : 50;
  return Math.ceil(largest / step) * step;
}

/** The element's width in CSS pixels (the chart is drawn at its real size, so its text stays readable on phones). */
function useWidth<T extends HTMLElement>(): [RefObject<T>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === "undefined") return undefined;
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.round(entry?.contentRect.width ?? 0);
      if (next > 0) setWidth(next);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function VarianceChart({ days, title }: { days: DayVariance[]; title: string }) {
  const tableId = useId();
  const [box, width] = useWidth<HTMLDivElement>();
  const bound = axisBound(days);
  const plotHeight = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const zeroY = PAD_TOP + plotHeight / 2;
  const y = (pct: number) => zeroY - (pct / bound) * (plotHeight / 2);
  const slot = (width - PAD_LEFT) / Math.max(days.length, 1);
  const barWidth = Math.max(2, Math.min(28, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(2, Math.floor((width - PAD_LEFT) / 56))));
  return (
    <figure className="grid min-w-0 gap-2" aria-describedby={tableId}>
      <figcaption className="sr-only">{title}</figcaption>
      <div ref={box} className="min-w-0">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} className="block max-w-full" aria-hidden focusable="false" data-testid="variance-chart">
          {[bound, bound / 2, 0, -bound / 2, -bound].map((tick) => (
            <g key={tick}>
              <line x1={PAD_LEFT} x2={width} y1={y(tick)} y2={y(tick)} stroke="var(--border)" strokeDasharray={tick === 0 ? undefined : "3 3"} />
              <text x={PAD_LEFT - 6} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="var(--muted-foreground)">
                {formatSignedPct(tick)}
              </text>
            </g>
          ))}
          {days.map((day, index) => {
            const pct = day.variance_pct ?? 0;
            const x = PAD_LEFT + index * slot + (slot - barWidth) / 2;
            const top = Math.min(y(pct), zeroY);
            const height = Math.max(1, Math.abs(y(pct) - zeroY));
            return (
              <g key={day.day}>
                <rect
                  data-testid="variance-bar"
                  x={x}
                  y={top}
                  width={barWidth}
                  height={height}
                  rx={2}
                  fill={pct > 0 ? "var(--destructive)" : "var(--primary)"}
                  opacity={day.variance_pct == null ? 0.3 : 0.85}
                >
                  <title>{`${formatDate(day.day)}: ${formatSignedPct(day.variance_pct)} (${formatGrams(day.variance_grams)})`}</title>
                </rect>
                {index % labelEvery === 0 ? (
                  <text x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle" fontSize="11" fill="var(--muted-foreground)">
                    {day.day.slice(5)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
      <p className="text-xs text-muted-foreground">
        <span className="mr-1 inline-block size-2.5 rounded-sm bg-destructive align-middle" /> more filament than estimated
        <span className="ml-3 mr-1 inline-block size-2.5 rounded-sm bg-primary align-middle" /> less
      </p>
      {/* sr-only on a wrapper: a table widens to its content whatever its width, and would stick out. */}
      <div className="sr-only">
        <table id={tableId}>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Estimated</th>
              <th scope="col">Actual</th>
              <th scope="col">Variance</th>
              <th scope="col">Success rate</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <th scope="row">{formatDate(day.day)}</th>
                <td>{formatGrams(day.estimated_grams)}</td>
                <td>{formatGrams(day.actual_grams)}</td>
                <td>{formatSignedPct(day.variance_pct)}</td>
                <td>{day.success_rate == null ? "—" : `${day.success_rate}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
