import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { WeighDialog } from "@/components/spools/WeighDialog";
import type { Spool } from "@/queries/spools";
import { makeSpool } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp } from "@/test/render";

function openDialog(spool: Spool, onOpenChange = vi.fn()) {
  renderWithApp(<WeighDialog spool={spool} open onOpenChange={onOpenChange} />);
  return { user: userEvent.setup(), onOpenChange };
}

describe("WeighDialog", () => {
  it("shows the tare and computes net = gross − tare while typing", async () => {
    mockApi(meHandler("member"));
    const { user } = openDialog(makeSpool({ empty_spool_weight: 250 }));

    expect(screen.getByRole("radio", { name: "Gross (on the scale)" })).toBeChecked();
    expect(screen.getByTestId("weigh-tare")).toHaveTextContent("250 g");
    await user.type(screen.getByLabelText("Gross weight (g)"), "1130");
    expect(screen.getByTestId("weigh-net")).toHaveTextContent("880 g");
  });

  it("refuses a gross reading lighter than the empty spool, without asking the API", async () => {
    const api = mockApi(meHandler("member"));
    const { user } = openDialog(makeSpool({ empty_spool_weight: 250 }));

    await user.type(screen.getByLabelText("Gross weight (g)"), "200");
    await user.click(screen.getByRole("button", { name: "Book weight" }));

    expect(await screen.findByLabelText("Gross weight (g)")).toHaveAccessibleDescription("The reading is lighter than the empty spool (250 g)");
    expect(screen.getByTestId("weigh-net")).toHaveTextContent("—");
    expect(api.requests.filter((call) => call.path.endsWith("/weigh"))).toHaveLength(0);
  });

  it("posts {gross_grams} and toasts the booked difference", async () => {
    const spool = makeSpool({ current_weight: 1000, empty_spool_weight: 250 });
    const api = mockApi(meHandler("member"), (call) =>
      call.method === "POST" && call.path === `/api/v1/spools/${spool.id}/weigh` ? json({ ...spool, current_weight: 880, remaining_pct: 88 }) : undefined,
    );
    const { user, onOpenChange } = openDialog(spool);

    await user.type(screen.getByLabelText("Gross weight (g)"), "1130");
    await user.click(screen.getByRole("button", { name: "Book weight" }));

    expect(await screen.findByText("Booked −120 g (now 880 g)")).toBeInTheDocument();
    expect(api.requests.find((call) => call.path.endsWith("/weigh"))?.body).toEqual({ gross_grams: 1130 });
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("without a tare only the net reading is possible, and says why", async () => {
    const spool = makeSpool({ current_weight: 500, empty_spool_weight: null });
    const api = mockApi(meHandler("member"), (call) => (call.path.endsWith("/weigh") ? json({ ...spool, current_weight: 520 }) : undefined));
    const { user } = openDialog(spool);

    expect(screen.getByRole("radio", { name: "Gross (on the scale)" })).toBeDisabled();
    expect(screen.getByText(/no empty spool weight recorded/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Net weight (g)"), "520");
    await user.click(screen.getByRole("button", { name: "Book weight" }));

    expect(await screen.findByText("Booked +20 g (now 520 g)")).toBeInTheDocument();
    expect(api.requests.find((call) => call.path.endsWith("/weigh"))?.body).toEqual({ net_grams: 520 });
  });

  it("shows the API's refusal next to the reading", async () => {
    const spool = makeSpool({ empty_spool_weight: 250 });
    mockApi(meHandler("member"), (call) => (call.path.endsWith("/weigh") ? apiError(400, "BAD_REQUEST", "Gross weight 260 g is below the empty spool weight 270 g") : undefined));
    const { user } = openDialog(spool);

    await user.type(screen.getByLabelText("Gross weight (g)"), "260");
    await user.click(screen.getByRole("button", { name: "Book weight" }));

    await waitFor(() =>
      expect(screen.getByLabelText("Gross weight (g)")).toHaveAccessibleDescription("Gross weight 260 g is below the empty spool weight 270 g"),
    );
  });
});
