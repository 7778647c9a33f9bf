import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { BulkAddDialog } from "@/components/spools/BulkAddDialog";
import { catalogHandler, filamentType, makeSpool } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

async function openDialog(onOpenChange = vi.fn()) {
  renderWithApp(<BulkAddDialog open onOpenChange={onOpenChange} />);
  await screen.findByRole("option", { name: "Prusament Galaxy Black · PLA" });
  return { user: userEvent.setup(), onOpenChange };
}

const isBulk = ({ method, path }: RecordedRequest) => method === "POST" && path === "/api/v1/spools/bulk";

/** Answers the bulk create with `quantity` new spools FIL-501, FIL-502, … */
function bulkHandler(call: RecordedRequest) {
  if (!isBulk(call)) return undefined;
  const { quantity } = call.body as { quantity: number };
  const items = Array.from({ length: quantity }, (_, index) => makeSpool({ code: `FIL-${501 + index}` }));
  return json({ items }, 201);
}

describe("BulkAddDialog", () => {
  it("asks for a filament type and a whole number of spools from 1 to 100, and sends nothing", async () => {
    const api = mockApi(meHandler("member"), catalogHandler);
    const { user, onOpenChange } = await openDialog();
    const quantity = screen.getByLabelText("Number of spools");
    const problem = "Enter a whole number from 1 to 100";

    expect(quantity).toHaveValue(10);
    expect(quantity).toHaveAccessibleDescription("1 to 100; each gets its own code.");

    await user.clear(quantity);
    await user.type(quantity, "0");
    await user.click(screen.getByRole("button", { name: "Add spools" }));
    await waitFor(() => expect(quantity).toHaveAccessibleDescription(problem));
    expect(screen.getByLabelText("Filament type")).toHaveAccessibleDescription("Choose a filament type");

    await user.clear(quantity);
    await user.type(quantity, "101");
    await user.click(screen.getByRole("button", { name: "Add spools" }));
    await waitFor(() => expect(quantity).toHaveAccessibleDescription(problem));

    await user.clear(quantity);
    await user.type(quantity, "2.5");
    await user.click(screen.getByRole("button", { name: "Add spools" }));
    await waitFor(() => expect(quantity).toHaveAccessibleDescription(problem));

    await user.clear(quantity);
    await user.click(screen.getByRole("button", { name: "Add spools" }));
    await waitFor(() => expect(quantity).toHaveAccessibleDescription(problem));

    await user.clear(screen.getByLabelText("Initial weight (g)"));
    await user.click(screen.getByRole("button", { name: "Add spools" }));
    await waitFor(() => expect(screen.getByLabelText("Initial weight (g)")).toHaveAccessibleDescription("Enter the net weight of a full spool"));

    expect(api.requests.filter(isBulk)).toHaveLength(0);
    expect(onOpenChange).not.toHaveBeenCalled();
  });

  it("accepts the upper limit of 100 spools", async () => {
    const api = mockApi(meHandler("member"), catalogHandler, bulkHandler);
    const { user } = await openDialog();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.clear(screen.getByLabelText("Number of spools"));
    await user.type(screen.getByLabelText("Number of spools"), "100");
    await user.click(screen.getByRole("button", { name: "Add spools" }));

    expect(await screen.findByText("Added 100 spools")).toBeInTheDocument();
    expect(screen.getByText("FIL-501 to FIL-600")).toBeInTheDocument();
    expect((api.requests.find(isBulk)?.body as { quantity: number }).quantity).toBe(100);
  });

  it("posts the delivery with only the fields filled in, toasts “Added N spools” and closes", async () => {
    const api = mockApi(meHandler("member"), catalogHandler, bulkHandler);
    const { user, onOpenChange } = await openDialog();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.clear(screen.getByLabelText("Number of spools"));
    await user.type(screen.getByLabelText("Number of spools"), "3");
    await user.clear(screen.getByLabelText("Initial weight (g)"));
    await user.type(screen.getByLabelText("Initial weight (g)"), "750");
    await user.type(screen.getByLabelText("Empty spool weight (g)"), "180,5");
    await user.type(screen.getByLabelText("Location"), " Shelf C ");
    await user.click(screen.getByRole("button", { name: "Add spools" }));

    expect(await screen.findByText("Added 3 spools")).toBeInTheDocument();
    expect(screen.getByText("FIL-501 to FIL-503")).toBeInTheDocument();
    expect(api.requests.filter(isBulk).map((call) => call.body)).toEqual([
      { filament_type_id: filamentType.id, quantity: 3, initial_weight: 750, empty_spool_weight: 180.5, location: "Shelf C" },
    ]);
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("says “Added 1 spool” with its code for a single spool", async () => {
    mockApi(meHandler("member"), catalogHandler, bulkHandler);
    const { user } = await openDialog();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.clear(screen.getByLabelText("Number of spools"));
    await user.type(screen.getByLabelText("Number of spools"), "1");
    await user.click(screen.getByRole("button", { name: "Add spools" }));

    expect(await screen.findByText("Added 1 spool")).toBeInTheDocument();
    expect(screen.getByText("FIL-501")).toBeInTheDocument();
  });

  it("explains a filament type the API no longer knows next to the select", async () => {
    mockApi(meHandler("member"), catalogHandler, (call) => (isBulk(call) ? apiError(404, "NOT_FOUND", "Filament type not found") : undefined));
    const { user, onOpenChange } = await openDialog();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.click(screen.getByRole("button", { name: "Add spools" }));

    await waitFor(() =>
      expect(screen.getByLabelText("Filament type")).toHaveAccessibleDescription("This filament type no longer exists. Choose another."),
    );
    expect(onOpenChange).not.toHaveBeenCalled();
  });
});
