import { useId } from "react";
import type { StockBar } from "@/components/dashboard/stockChartData";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { formatGrams } from "@/lib/format";

/** Segments of types without a colour use the theme's muted ink, so they stay visible in both themes. */
const NO_COLOUR = "var(--muted-foreground)";
const BAR_HEIGHT = 20;

/**
 * Horizontal stacked bars: one per material, one segment per filament type in its own colour. Bars
 * share one scale (the largest material fills the width). Under each bar its legend names every colour
 * with its grams, so nothing needs a hover (a phone has none). The drawing and legend are decorative for
 * screen readers; they get the same numbers as a table.
 */
export function StockChart({ bars, title }: { bars: StockBar[]; title: string }) {
  const tableId = useId();
  const max = Math.max(...bars.map((bar) => bar.totalGrams), 1);
  return (
    <figure className="grid gap-3" aria-describedby={tableId}>
      <figcaption className="sr-only">{title}</figcaption>
      <ul className="grid gap-2.5" aria-hidden>
        {bars.map((bar) => (
          <li key={bar.material} className="grid grid-cols-[4.5rem_1fr] items-center gap-2 sm:grid-cols-[6rem_1fr]">
            <span className="truncate text-sm">
              <span className="font-medium">{bar.material}</span>
              <span className="block text-xs text-muted-foreground">{formatGrams(bar.totalGrams)}</span>
            </span>
            <BarSvg bar={bar} max={max} />
            <Legend bar={bar} />
          </li>
        ))}
      </ul>
      {/*
        Hidden by a wrapper, not on the table itself: a table grows to fit its cells whatever its width, so an
        sr-only table stuck out of a phone's screen and the dashboard scrolled sideways.
      */}
      <div className="sr-only">
        <StockTable id={tableId} bars={bars} caption={title} />
      </div>
    </figure>
  );
}

function BarSvg({ bar, max }: { bar: StockBar; max: number }) {
  let x = 0;
  return (
    <svg
      data-testid="stock-bar"
      data-material={bar.material}
      viewBox={`0 0 100 ${BAR_HEIGHT}`}
      preserveAspectRatio="none"
      className="h-5 w-full overflow-visible"
      focusable="false"
    >
      {/* The empty track is an outline, not a fill: a white filament must not look like "no stock". */}
      <rect
        data-testid="stock-track"
        x={0}
        y={0}
        width={100}
        height={BAR_HEIGHT}
        rx={1}
        fill="none"
        stroke="var(--muted-foreground)"
        strokeOpacity={0.6}
        strokeDasharray="3 3"
        vectorEffect="non-scaling-stroke"
      />
      {bar.segments.map((segment) => {
        const width = (segment.grams / max) * 100;
        const rect = (
          <rect
            key={segment.filamentTypeId}
            data-testid="stock-segment"
            x={x}
            y={0}
            width={width}
            height={BAR_HEIGHT}
            fill={segment.colorHex ?? NO_COLOUR}
            // White filament on a light card and black on a dark one need a visible edge.
            stroke="var(--foreground)"
            strokeOpacity={0.55}
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          >
            <title>{`${segment.label}: ${formatGrams(segment.grams)}`}</title>
          </rect>
        );
        x += width;
        return rect;
      })}
    </svg>
  );
}

/** The bar's colours in order, each with its swatch and grams: readable and tappable without hovering. */
function Legend({ bar }: { bar: StockBar }) {
  return (
    <ul data-testid="stock-legend" className="col-start-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-muted-foreground">
      {bar.segments.map((segment) => (
        <li key={segment.filamentTypeId} className="inline-flex min-w-0 items-center gap-1.5">
          <ColorSwatch hex={segment.colorHex} className="size-3" />
          <span className="text-foreground">{segment.label}</span>
          <span className="tabular-nums">{formatGrams(segment.grams)}</span>
        </li>
      ))}
    </ul>
  );
}

function StockTable({ id, bars, caption }: { id: string; bars: StockBar[]; caption: string }) {
  return (
    <table id={id}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Material</th>
          <th scope="col">Filament</th>
          <th scope="col">Remaining</th>
        </tr>
      </thead>
      <tbody>
        {bars.flatMap((bar) => [
          <tr key={bar.material}>
            <th scope="row">{bar.material}</th>
            <td>All colours</td>
            <td>{formatGrams(bar.totalGrams)}</td>
          </tr>,
          ...bar.segments.map((segment) => (
            <tr key={segment.filamentTypeId}>
              <td>{bar.material}</td>
              <td>{segment.label}</td>
              <td>{formatGrams(segment.grams)}</td>
            </tr>
          )),
        ])}
      </tbody>
    </table>
  );
}
