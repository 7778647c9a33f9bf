import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SpoolForm } from "@/components/spools/SpoolForm";
import { catalogHandler, filamentType, makeSpool } from "@/test/fixtures";
import { json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const isCreate = ({ method, path }: RecordedRequest) => method === "POST" && path === "/api/v1/spools";

describe("SpoolForm set-up speed", () => {
  beforeEach(() => localStorage.clear());

  it("starts with the type chosen beforehand and 1,000 g", async () => {
    mockApi(meHandler("member"), catalogHandler);
    renderWithApp(<SpoolForm defaultTypeId={filamentType.id} onSaved={vi.fn()} />);
    await screen.findByRole("option", { name: "Prusament Galaxy Black · PLA" });
    expect(screen.getByLabelText("Filament type")).toHaveValue(filamentType.id);
    expect(screen.getByLabelText("Initial weight (g)")).toHaveValue("1000");
  });

  it("saves and stays for the next spool: type, tare and place kept, code cleared, type focused", { timeout: 30_000 }, async () => {
    let n = 0;
    const api = mockApi(meHandler("member"), catalogHandler, (call) => (isCreate(call) ? json(makeSpool({ code: `FIL-00${++n}` }), 201) : undefined));
    const onSaved = vi.fn();
    const onSavedAnother = vi.fn();
    renderWithApp(<SpoolForm onSaved={onSaved} onSavedAnother={onSavedAnother} />);
    await screen.findByRole("option", { name: "Prusament Galaxy Black · PLA" });
    const user = userEvent.setup();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.type(screen.getByLabelText("Empty spool weight (g)"), "230");
    await user.type(screen.getByLabelText("Location"), "Shelf A");
    await user.type(screen.getByLabelText("Code"), "MY-1");
    await user.click(screen.getByRole("button", { name: "Save and add another" }));

    await waitFor(() => expect(onSavedAnother).toHaveBeenCalledTimes(1));
    expect(onSaved).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Code")).toHaveValue("");
    expect(screen.getByLabelText("Filament type")).toHaveValue(filamentType.id);
    expect(screen.getByLabelText("Filament type")).toHaveFocus();
    expect(screen.getByLabelText("Empty spool weight (g)")).toHaveValue("230");
    expect(screen.getByLabelText("Location")).toHaveValue("Shelf A");

    await user.click(screen.getByRole("button", { name: "Create spool" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    const bodies = api.requests.filter(isCreate).map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => [b.code, b.empty_spool_weight, b.location])).toEqual([
      ["MY-1", 230, "Shelf A"],
      [undefined, 230, "Shelf A"],
    ]);
  });

  it("offers the tare last used for the material of the chosen type", async () => {
    localStorage.setItem("batchivo.spoolDefaults", JSON.stringify({ tare: "999", tareByMaterial: { PLA: "212" } }));
    mockApi(meHandler("member"), catalogHandler);
    renderWithApp(<SpoolForm onSaved={vi.fn()} />);
    await screen.findByRole("option", { name: "Prusament Galaxy Black · PLA" });
    const user = userEvent.setup();
    expect(screen.getByLabelText("Empty spool weight (g)")).toHaveValue("999");
    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await waitFor(() => expect(screen.getByLabelText("Empty spool weight (g)")).toHaveValue("212"));
  });

  it("offers no second button when there is nowhere to stay (edit, or no handler)", async () => {
    mockApi(meHandler("member"), catalogHandler);
    renderWithApp(<SpoolForm onSaved={vi.fn()} />);
    await screen.findByRole("option", { name: "Prusament Galaxy Black · PLA" });
    expect(screen.queryByRole("button", { name: "Save and add another" })).not.toBeInTheDocument();
  });
});
