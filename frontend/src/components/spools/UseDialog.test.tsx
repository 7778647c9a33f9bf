import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { UseDialog } from "@/components/spools/UseDialog";
import type { Spool } from "@/queries/spools";
import { makeSpool } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

function openDialog(spool: Spool, onOpenChange = vi.fn()) {
  renderWithApp(<UseDialog spool={spool} open onOpenChange={onOpenChange} />);
  return { user: userEvent.setup(), onOpenChange };
}

const isUse = (spool: Spool) => (call: RecordedRequest) => call.method === "POST" && call.path === `/api/v1/spools/${spool.id}/use`;

describe("UseDialog", () => {
  it("names the spool and shows what is on record", () => {
    mockApi(meHandler("member"));
    openDialog(makeSpool({ code: "FIL-201", current_weight: 640 }));

    expect(screen.getByRole("dialog", { name: "Use filament from FIL-201" })).toBeInTheDocument();
    expect(screen.getByLabelText("Grams used")).toHaveAccessibleDescription("On record now: 640 g.");
  });

  it("asks for more than 0 grams, without asking the API", async () => {
    const spool = makeSpool();
    const api = mockApi(meHandler("member"));
    const { user, onOpenChange } = openDialog(spool);

    await user.click(screen.getByRole("button", { name: "Book usage" }));
    expect(await screen.findByText("Enter the grams used")).toBeInTheDocument();
    expect(screen.getByLabelText("Grams used")).toHaveAccessibleDescription("Enter the grams used");

    await user.type(screen.getByLabelText("Grams used"), "0");
    await user.click(screen.getByRole("button", { name: "Book usage" }));
    await waitFor(() => expect(screen.getByLabelText("Grams used")).toHaveAccessibleDescription("Must be more than 0 g"));
    expect(screen.getByLabelText("Grams used")).toHaveAttribute("aria-invalid", "true");

    await user.clear(screen.getByLabelText("Grams used"));
    await user.type(screen.getByLabelText("Grams used"), "-5");
    await user.click(screen.getByRole("button", { name: "Book usage" }));
    await waitFor(() => expect(screen.getByLabelText("Grams used")).toHaveAccessibleDescription("Cannot be negative"));

    await user.clear(screen.getByLabelText("Grams used"));
    await user.type(screen.getByLabelText("Grams used"), "lots");
    await user.click(screen.getByRole("button", { name: "Book usage" }));
    await waitFor(() => expect(screen.getByLabelText("Grams used")).toHaveAccessibleDescription("Enter a number, e.g. 1000 or 12.5"));

    expect(api.requests.filter(isUse(spool))).toHaveLength(0);
    expect(onOpenChange).not.toHaveBeenCalled();
  });

  it("posts {grams, reason}, toasts the booked difference and closes", async () => {
    const spool = makeSpool({ code: "FIL-202", current_weight: 1000 });
    const api = mockApi(meHandler("member"), (call) => (isUse(spool)(call) ? json({ ...spool, current_weight: 987.5, remaining_pct: 98.75 }) : undefined));
    const { user, onOpenChange } = openDialog(spool);

    await user.type(screen.getByLabelText("Grams used"), "12,5");
    await user.type(screen.getByLabelText("Reason"), "  test print ");
    await user.click(screen.getByRole("button", { name: "Book usage" }));

    expect(await screen.findByText("Booked −12.5 g (now 987.5 g)")).toBeInTheDocument();
    expect(screen.getByText("Usage on FIL-202.")).toBeInTheDocument();
    expect(api.requests.filter(isUse(spool)).map((call) => call.body)).toEqual([{ grams: 12.5, reason: "test print" }]);
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("leaves a blank reason out of the body", async () => {
    const spool = makeSpool({ current_weight: 1000 });
    const api = mockApi(meHandler("member"), (call) => (isUse(spool)(call) ? json({ ...spool, current_weight: 970 }) : undefined));
    const { user } = openDialog(spool);

    await user.type(screen.getByLabelText("Grams used"), "30");
    await user.click(screen.getByRole("button", { name: "Book usage" }));

    expect(await screen.findByText("Booked −30 g (now 970 g)")).toBeInTheDocument();
    expect(api.requests.find(isUse(spool))?.body).toEqual({ grams: 30 });
  });

  it("shows the API's 409 INSUFFICIENT_STOCK in words next to the grams, and stays open", async () => {
    const spool = makeSpool({ current_weight: 40 });
    mockApi(meHandler("member"), (call) =>
      isUse(spool)(call) ? apiError(409, "INSUFFICIENT_STOCK", "Cannot use 50 g: only 40 g on the spool") : undefined,
    );
    const { user, onOpenChange } = openDialog(spool);

    await user.type(screen.getByLabelText("Grams used"), "50");
    await user.click(screen.getByRole("button", { name: "Book usage" }));

    await waitFor(() =>
      expect(screen.getByLabelText("Grams used")).toHaveAccessibleDescription(
        "Not enough filament on this spool: Cannot use 50 g: only 40 g on the spool. If the record is wrong, weigh the spool first.",
      ),
    );
    expect(screen.getByRole("dialog", { name: `Use filament from ${spool.code}` })).toBeInTheDocument();
    expect(onOpenChange).not.toHaveBeenCalled();
  });

  it("shows any other refusal in words above the buttons", async () => {
    const spool = makeSpool();
    mockApi(meHandler("member"), (call) => (isUse(spool)(call) ? apiError(403, "FORBIDDEN", "Role viewer may not write") : undefined));
    const { user, onOpenChange } = openDialog(spool);

    await user.type(screen.getByLabelText("Grams used"), "5");
    await user.click(screen.getByRole("button", { name: "Book usage" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Your role in this shop does not allow this.");
    expect(screen.getByLabelText("Grams used")).toHaveAccessibleDescription("On record now: 1,000 g.");
    expect(onOpenChange).not.toHaveBeenCalled();
  });
});
