import { render, screen, within } from "@testing-library/react";
import { FilamentTypeSelect, groupByMaterial } from "@/components/spools/FilamentTypeSelect";
import type { FilamentType } from "@/queries/catalogTypes";

const type = (id: string, material: string, brand: string, colour: string) =>
  ({ id, material_code: material, brand, color_name: colour }) as FilamentType;

// In the order a page of the API might bring them (sorted by brand across materials).
const TYPES = [
  type("5", "PLA", "Bambu", "White"),
  type("2", "PETG", "Prusament", "Orange"),
  type("4", "PLA", "Prusament", "Galaxy Black"),
  type("1", "PETG", "Extrudr", "Black"),
  type("3", "PLA", "Bambu", "Black"),
  type("6", "ABS", "Polymaker", "Grey"),
];

describe("FilamentTypeSelect", () => {
  it("groups the types by material, materials A–Z, each by brand then colour", () => {
    expect(groupByMaterial(TYPES).map((g) => [g.material, g.types.map((t) => `${t.brand} ${t.color_name}`)])).toEqual([
      ["ABS", ["Polymaker Grey"]],
      ["PETG", ["Extrudr Black", "Prusament Orange"]],
      ["PLA", ["Bambu Black", "Bambu White", "Prusament Galaxy Black"]],
    ]);
  });

  it("breaks a tie of brand and colour by id, so the order never changes between loads", () => {
    const twins = [type("b", "PLA", "Bambu", "Black"), type("a", "PLA", "Bambu", "Black")];
    expect(groupByMaterial(twins)[0]?.types.map((t) => t.id)).toEqual(["a", "b"]);
  });

  it("renders one optgroup per material (the bulk-add and spool pickers)", () => {
    render(<FilamentTypeSelect aria-label="Filament type" types={TYPES} emptyLabel="Choose a filament type…" />);
    const select = screen.getByLabelText("Filament type");
    const groups = within(select).getAllByRole("group");
    expect(groups.map((g) => g.getAttribute("label"))).toEqual(["ABS", "PETG", "PLA"]);
    expect(within(groups[2] as HTMLElement).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Bambu Black · PLA",
      "Bambu White · PLA",
      "Prusament Galaxy Black · PLA",
    ]);
  });
});
