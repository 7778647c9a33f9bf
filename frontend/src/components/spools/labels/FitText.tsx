import { useLayoutEffect, useRef, useState } from "react";
import { cn } from "@/lib/utils";

interface FitTextProps {
  text: string;
  /** Largest and smallest font size, pt. */
  maxPt: number;
  minPt: number;
  /** Past the smallest size: end in "…" (names). Codes never get one: their floor is low enough to fit. */
  ellipsis?: boolean;
  className?: string;
  testId?: string;
}

/** The largest size ≤ maxPt at which `fits(size)`, to 0.25 pt, never below minPt. Pure (measured by the caller). */
export function fitFontSize(maxPt: number, minPt: number, fits: (pt: number) => boolean): number {
  if (fits(maxPt)) return maxPt;
  let low = minPt;
  let high = maxPt;
  if (!fits(low)) return minPt;
  while (high - low > 0.25) {
    const mid = (low + high) / 2;
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return Math.floor(low * 4) / 4;
}

/**
 * One line of text that never wraps: shown at the largest size that fits its box (measured in the page, so
 * the print at the same millimetre size matches); below `minPt`, cut with an ellipsis if allowed. The full
 * text stays in `title` and is what assistive technology reads.
 */
export function FitText({ text, maxPt, minPt, ellipsis = false, className, testId }: FitTextProps) {
  const ref = useRef<HTMLSpanElement>(null);
  const [pt, setPt] = useState(maxPt);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const fits = (size: number) => {
      element.style.fontSize = `${size}pt`;
      return element.scrollWidth <= element.clientWidth;
    };
    const size = fitFontSize(maxPt, minPt, fits);
    element.style.fontSize = `${size}pt`;
    setPt(size);
  }, [text, maxPt, minPt]);
  return (
    <span
      ref={ref}
      data-testid={testId}
      title={text}
      className={cn("block min-w-0 overflow-hidden whitespace-nowrap leading-tight", ellipsis && "text-ellipsis", className)}
      style={{ fontSize: `${pt}pt` }}
    >
      {text}
    </span>
  );
}
