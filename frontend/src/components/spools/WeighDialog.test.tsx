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

  it("shows the server's reason for an implausible reading and books it only with Book anyway", async () => {
    const spool = makeSpool({ current_weight: 1000, initial_weight: 1000, empty_spool_weight: 220 });
    const reason = "A gross reading of 1,500 g less the tare of 220 g gives 1,280 g, more than the spool's initial 1,000 g.";
    const api = mockApi(meHandler("member"), (call) => {
      if (!call.path.endsWith("/weigh")) return undefined;
      const body = call.body as { confirm?: boolean };
      return body.confirm ? json({ ...spool, current_weight: 1280 }) : apiError(400, "WEIGHT_ABOVE_INITIAL", reason);
    });
    const { user, onOpenChange } = openDialog(spool);

    await user.type(screen.getByLabelText("Gross weight (g)"), "1500");
    await user.click(screen.getByRole("button", { name: "Book weight" }));

    const check = await screen.findByTestId("weigh-check");
    expect(check).toHaveTextContent(reason);
    expect(screen.queryByRole("button", { name: "Book weight" })).not.toBeInTheDocument();
    expect(onOpenChange).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Book anyway" }));

    expect(await screen.findByText("Booked +280 g (now 1,280 g)")).toBeInTheDocument();
    const weighs = api.requests.filter((call) => call.path.endsWith("/weigh")).map((call) => call.body);
    expect(weighs).toEqual([
      { gross_grams: 1500, confirm: false },
      { gross_grams: 1500, confirm: true },
    ]);
  });

  it("asks again when the reading changes after a refusal", async () => {
    const spool = makeSpool({ empty_spool_weight: 250 });
    mockApi(meHandler("member"), (call) =>
      call.path.endsWith("/weigh") ? apiError(400, "WEIGHT_BELOW_TARE", "The scale reads 200 g, less than the empty spool weight (tare) of 250 g.") : undefined,
    );
    const { user } = openDialog(spool);

    await user.type(screen.getByLabelText("Gross weight (g)"), "200");
    await user.click(screen.getByRole("button", { name: "Book weight" }));
    expect(await screen.findByTestId("weigh-check")).toHaveTextContent("less than the empty spool weight");
    expect(screen.getByTestId("weigh-net")).toHaveTextContent("—");

    await user.type(screen.getByLabelText("Gross weight (g)"), "0");
    expect(screen.queryByTestId("weigh-check")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Book weight" })).toBeInTheDocument();
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
    expect(api.requests.find((call) => call.path.endsWith("/weigh"))?.body).toEqual({ gross_grams: 1130, confirm: false });
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
    expect(api.requests.find((call) => call.path.endsWith("/weigh"))?.body).toEqual({ net_grams: 520, confirm: false });
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
