import { useLayoutEffect, useRef, type HTMLAttributes, type ReactNode, type TdHTMLAttributes, type ThHTMLAttributes } from "react";
import { cn } from "@/lib/utils";

interface TableProps extends HTMLAttributes<HTMLTableElement> {
  /**
   * Below the `sm` breakpoint (a phone) each row is drawn as a card instead of a line of a wide table:
   * cells stack, each with its column's name, so nothing is off-screen or scrolls sideways. On by default,
   * for every table of the app. The markup stays one table (index.css `table[data-cards]` does the layout);
   * a cell's `label`/`card` props place it by hand, other cells are labelled from their column's header.
   */
  cards?: boolean;
}

/** Writes each body cell's column header into its `data-label` (shown before the value on a card). */
export function labelCells(table: HTMLTableElement): void {
  const names: string[] = [];
  for (const head of Array.from(table.tHead?.rows[0]?.cells ?? [])) {
    for (let span = 0; span < head.colSpan; span++) names.push((head.textContent ?? "").trim());
  }
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      let column = 0;
      for (const cell of Array.from(row.cells)) {
        const name = names[column] ?? "";
        if (name && cell.colSpan === 1) cell.dataset.label = name;
        else delete cell.dataset.label;
        column += cell.colSpan;
      }
    }
  }
}

export function Table({ className, cards = true, ...props }: TableProps) {
  const ref = useRef<HTMLTableElement>(null);
  // After every render: the rows may have changed (a new page, a filter, a row added).
  useLayoutEffect(() => {
    if (cards && ref.current) labelCells(ref.current);
  });
  return (
    <div className={cn("relative w-full rounded-md border", cards ? "max-sm:rounded-none max-sm:border-0 sm:overflow-x-auto" : "overflow-x-auto")}>
      <table ref={ref} data-cards={cards ? "" : undefined} className={cn("w-full caption-bottom text-sm", className)} {...props} />
    </div>
  );
}
export function TableHeader({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn("bg-muted/50 [&_tr]:border-b", className)} {...props} />;
}
export function TableBody({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn("[&_tr:last-child]:border-0", className)} {...props} />;
}
export function TableRow({ className, ...props }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cn("border-b transition-colors hover:bg-muted/40 data-[state=selected]:bg-muted", className)} {...props} />;
}
export function TableHead({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th className={cn("h-9 px-2 text-left align-middle text-xs font-medium text-muted-foreground", className)} {...props} />;
}

/**
 * Where a cell goes on a card (tables with `cards`): "title" and "corner" share the card's first line (the
 * name on the left, a checkbox or a badge on the right), "actions" ends the card with thumb-sized buttons,
 * "hide" leaves the cell out; by default the cell is one line of the card, its `label` on the left.
 */
export type CardSlot = "title" | "corner" | "actions" | "hide";

interface TableCellProps extends TdHTMLAttributes<HTMLTableCellElement> {
  /** The column's name, written before the value when the row is a card (hidden in the table). */
  label?: ReactNode;
  card?: CardSlot;
}

export function TableCell({ className, label, card, children, ...props }: TableCellProps) {
  return (
    <td data-card={card} className={cn("px-2 py-1.5 align-middle", className)} {...props}>
      {label != null ? (
        <>
          <span data-card-label="" className="hidden">
            {label}
          </span>
          <span data-card-value="" className="contents">
            {children}
          </span>
        </>
      ) : (
        children
      )}
    </td>
  );
}
