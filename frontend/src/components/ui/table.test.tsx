import { render, screen } from "@testing-library/react";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

function Sample({ rows, cards }: { rows: string[]; cards?: boolean }) {
  return (
    <Table cards={cards}>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
          <TableHead>Weight</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row}>
            <TableCell card="title">{row}</TableCell>
            <TableCell>edit</TableCell>
            <TableCell label="Net weight">1,000 g</TableCell>
          </TableRow>
        ))}
        <TableRow>
          <TableCell colSpan={3}>That is all</TableCell>
        </TableRow>
      </TableBody>
    </Table>
  );
}

describe("Table as cards on a phone", () => {
  it("is a card table by default and labels each cell with its column's header", () => {
    const { rerender } = render(<Sample rows={["Galaxy Black"]} />);
    const table = screen.getByRole("table");
    expect(table).toHaveAttribute("data-cards");
    expect(screen.getByText("Galaxy Black").closest("td")).toHaveAttribute("data-label", "Name");
    expect(screen.getByText("edit").closest("td")).toHaveAttribute("data-label", "Actions");
    // A spanning cell is not a column's value: no label.
    expect(screen.getByText("That is all").closest("td")).not.toHaveAttribute("data-label");

    // Rows added later are labelled too.
    rerender(<Sample rows={["Galaxy Black", "Jet Black"]} />);
    expect(screen.getByText("Jet Black").closest("td")).toHaveAttribute("data-label", "Name");
  });

  it("writes a cell's own label in the cell (hidden in the wide table) and keeps its card slot", () => {
    render(<Sample rows={["Galaxy Black"]} />);
    const cell = screen.getByText("1,000 g").closest("td");
    expect(cell?.querySelector("[data-card-label]")).toHaveTextContent("Net weight");
    expect(cell?.querySelector("[data-card-label]")).toHaveClass("hidden");
    expect(screen.getByText("Galaxy Black").closest("td")).toHaveAttribute("data-card", "title");
  });

  it("can stay a plain table", () => {
    render(<Sample rows={["Galaxy Black"]} cards={false} />);
    expect(screen.getByRole("table")).not.toHaveAttribute("data-cards");
    expect(screen.getByText("Galaxy Black").closest("td")).not.toHaveAttribute("data-label");
  });
});
