/**
 * Fitting a label's text into its box, measured in the page (the print at the same millimetre size matches):
 * the code on one line, the other lines wrapped at spaces onto at most two lines, all of it at the largest size
 * that fits, never below a readable floor, never cut and never ending in "…".
 */
import { useCallback, useEffect, useLayoutEffect, useState, type RefObject } from "react";

/** The smallest size any text of a label is printed at, pt (smaller is not readable on a thermal print). */
export const LABEL_MIN_PT = 5;
/** A name may wrap onto this many lines before its size steps down. */
export const LABEL_MAX_LINES = 2;

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

export interface LabelSizes {
  code: number;
  text: number;
}

/** How many lines a wrapped element takes (layout sizes: a preview scaled down by a transform reads the same). */
function lineCount(element: HTMLElement): number {
  const style = getComputedStyle(element);
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.25 || 1;
  return Math.round(element.offsetHeight / lineHeight);
}

/**
 * Sizes (pt) for the code (`[data-fit=code]`) and the other lines (`[data-fit=line]`) inside `box`: the code
 * first takes the largest size that fits the width on one line; then the lines the largest that fits with every
 * word inside the width, at most two lines each, and the whole block inside the label's height; if the block is
 * still too tall at the floor, the code steps down too. Measured again when the content changes, when the fonts
 * have loaded and when the page switches to print.
 */
export function useLabelFit(box: RefObject<HTMLElement | null>, maxPt: LabelSizes, content: string): LabelSizes {
  const [sizes, setSizes] = useState<LabelSizes>(maxPt);
  const fit = useCallback(() => {
    const element = box.current;
    if (!element) return;
    const code = element.querySelector<HTMLElement>("[data-fit=code]");
    const lines = Array.from(element.querySelectorAll<HTMLElement>("[data-fit=line]"));
    const apply = (codePt: number, textPt: number) => {
      if (code) code.style.fontSize = `${codePt}pt`;
      for (const line of lines) line.style.fontSize = `${textPt}pt`;
    };
    const codeFits = () => !code || code.scrollWidth <= code.clientWidth || code.clientWidth === 0;
    const linesFit = () =>
      lines.every((line) => line.scrollWidth <= line.clientWidth || line.clientWidth === 0) &&
      lines.every((line) => lineCount(line) <= LABEL_MAX_LINES) &&
      element.scrollHeight <= element.clientHeight;
    const codePt = fitFontSize(maxPt.code, LABEL_MIN_PT, (pt) => {
      apply(pt, LABEL_MIN_PT);
      return codeFits();
    });
    const textPt = fitFontSize(maxPt.text, LABEL_MIN_PT, (pt) => {
      apply(codePt, pt);
      return linesFit();
    });
    apply(codePt, textPt);
    let next = { code: codePt, text: textPt };
    if (!linesFit()) {
      const smallerCode = fitFontSize(codePt, LABEL_MIN_PT, (pt) => {
        apply(pt, textPt);
        return linesFit();
      });
      next = { code: smallerCode, text: textPt };
    }
    apply(next.code, next.text);
    setSizes((current) => (current.code === next.code && current.text === next.text ? current : next));
  }, [box, maxPt.code, maxPt.text]);

  useLayoutEffect(fit, [fit, content]);
  useEffect(() => {
    const print = typeof window.matchMedia === "function" ? window.matchMedia("print") : undefined;
    print?.addEventListener("change", fit);
    window.addEventListener("beforeprint", fit);
    let active = true;
    void document.fonts?.ready.then(() => active && fit());
    return () => {
      active = false;
      print?.removeEventListener("change", fit);
      window.removeEventListener("beforeprint", fit);
    };
  }, [fit]);
  return sizes;
}
