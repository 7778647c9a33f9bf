import { render, screen, within } from "@testing-library/react";
import { StockChart } from "@/components/dashboard/StockChart";
import { buildStockBars } from "@/components/dashboard/stockChartData";
import type { StockSummaryItem } from "@/queries/inventory";

const item = (id: string, material: string, colour: string, hex: string | null, grams: number): StockSummaryItem => ({
  filament_type_id: id,
  material_code: material,
  brand: "Prusament",
  color_name: colour,
  color_hex: hex,
  remaining_grams: grams,
  spool_count: 1,
  stock_value: 0,
});

const ITEMS = [
  item("a", "PLA", "Galaxy Black", "#111111", 1500),
  item("b", "PETG", "Orange", "#FF8800", 800),
  item("c", "PLA", "Signal White", "#FAFAFA", 500),
  item("d", "PLA", "Unlabelled", null, 250),
  item("e", "ABS", "Red", "#CC0000", 0), // no stock: no bar, no segment
];

describe("StockChart", () => {
  it("draws one bar per material with stock, largest first, with a segment per colour in its hex", () => {
    render(<StockChart bars={buildStockBars(ITEMS)} title="Stock by material and colour" />);

    const bars = screen.getAllByTestId("stock-bar");
    expect(bars.map((bar) => bar.getAttribute("data-material"))).toEqual(["PLA", "PETG"]);

    const plaSegments = within(bars[0] as HTMLElement).getAllByTestId("stock-segment");
    expect(plaSegments.map((s) => s.getAttribute("fill"))).toEqual(["#111111", "#FAFAFA", "var(--muted-foreground)"]);
    // One shared scale: PLA (2250 g) fills the width, PETG's 800 g is 800/2250 of it.
    const petgSegment = within(bars[1] as HTMLElement).getByTestId("stock-segment");
    expect(Number(petgSegment.getAttribute("width"))).toBeCloseTo((800 / 2250) * 100, 5);
  });

  it("gives screen readers the numbers as a table instead of the drawing", () => {
    render(<StockChart bars={buildStockBars(ITEMS)} title="Stock by material and colour" />);

    const table = screen.getByRole("table", { name: "Stock by material and colour" });
    const rows = within(table).getAllByRole("row").map((row) => row.textContent);
    expect(rows).toContain("PLAAll colours2,250 g");
    expect(rows).toContain("PLAPrusament Galaxy Black1,500 g");
    expect(rows).toContain("PETGPrusament Orange800 g");
    expect(rows.some((row) => row?.includes("Red"))).toBe(false);
    // The bars themselves are hidden from assistive technology (the table says it all).
    expect(screen.getAllByTestId("stock-bar")[0]?.closest("[aria-hidden='true']")).not.toBeNull();
  });

  it("writes a legend under each bar, so a phone needs no hover to tell the colours apart", () => {
    render(<StockChart bars={buildStockBars(ITEMS)} title="Stock by material and colour" />);

    const legends = screen.getAllByTestId("stock-legend");
    expect(legends).toHaveLength(2);
    const pla = (legends[0] as HTMLElement).querySelectorAll("li");
    expect([...pla].map((li) => li.textContent)).toEqual([
      "Prusament Galaxy Black1,500 g",
      "Prusament Signal White500 g",
      "Prusament Unlabelled250 g",
    ]);
    // Each entry has its colour's swatch, which has a visible ring (white on a light card, black on a dark one).
    const swatch = within(legends[0] as HTMLElement).getAllByTestId("color-swatch")[1];
    expect(swatch).toHaveStyle({ backgroundColor: "#FAFAFA" });
    expect(swatch?.className).toMatch(/border-foreground\/50/);
  });

  it("draws the empty track as an outline, so white filament never looks like an empty bar", () => {
    render(<StockChart bars={buildStockBars(ITEMS)} title="Stock by material and colour" />);

    const track = within(screen.getAllByTestId("stock-bar")[0] as HTMLElement).getByTestId("stock-track");
    expect(track.getAttribute("fill")).toBe("none");
    expect(track.getAttribute("stroke-dasharray")).toBe("3 3");
  });

  it("hides the screen readers' table with a wrapper, since a table marked sr-only grows past a phone's screen", () => {
    render(<StockChart bars={buildStockBars(ITEMS)} title="Stock by material and colour" />);

    const table = screen.getByRole("table", { name: "Stock by material and colour" });
    expect(table).not.toHaveClass("sr-only");
    expect(table.parentElement).toHaveClass("sr-only");
  });
});
