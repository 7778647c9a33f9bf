import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SpoolForm } from "@/components/spools/SpoolForm";
import { unwrapTagged } from "@/lib/etags";
import { catalogHandler, makeSpool } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

async function openCreateForm(onSaved = vi.fn()) {
  renderWithApp(<SpoolForm onSaved={onSaved} />);
  await screen.findByRole("option", { name: "Prusament Galaxy Black · PLA" });
  return { user: userEvent.setup(), onSaved };
}

const isCreate = ({ method, path }: RecordedRequest) => method === "POST" && path === "/api/v1/spools";

describe("SpoolForm", () => {
  it("explains client-side mistakes next to the fields and sends nothing", async () => {
    const api = mockApi(meHandler("member"), catalogHandler);
    const { user } = await openCreateForm();

    await user.clear(screen.getByLabelText("Initial weight (g)"));
    await user.type(screen.getByLabelText("Initial weight (g)"), "0");
    await user.type(screen.getByLabelText("Empty spool weight (g)"), "200000");
    await user.type(screen.getByLabelText("Low-stock threshold (%)"), "150");
    await user.type(screen.getByLabelText("Code"), "FIL 1");
    await user.click(screen.getByRole("button", { name: "Create spool" }));

    expect(await screen.findByText("Choose a filament type")).toBeInTheDocument();
    expect(screen.getByLabelText("Filament type")).toHaveAccessibleDescription("Choose a filament type");
    expect(screen.getByLabelText("Initial weight (g)")).toHaveAccessibleDescription("Must be more than 0 g");
    expect(screen.getByLabelText("Empty spool weight (g)")).toHaveAccessibleDescription("At most 100,000 g");
    expect(screen.getByLabelText("Low-stock threshold (%)")).toHaveAccessibleDescription("At most 100%");
    expect(screen.getByLabelText("Code")).toHaveAccessibleDescription("Use letters, digits, dots, dashes and underscores only");
    expect(api.requests.filter(isCreate)).toHaveLength(0);
  });

  it("creates with only the fields filled in, and a blank code left to the API", async () => {
    const created = makeSpool({ code: "FIL-007" });
    const api = mockApi(meHandler("member"), catalogHandler, (call) => (isCreate(call) ? json(created, 201) : undefined));
    const { user, onSaved } = await openCreateForm();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.type(screen.getByLabelText("Empty spool weight (g)"), "245,5");
    await user.type(screen.getByLabelText("Location"), "  Shelf B ");
    await user.click(screen.getByRole("button", { name: "Create spool" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(created));
    expect(api.requests.find(isCreate)?.body).toEqual({
      filament_type_id: created.filament_type_id,
      initial_weight: 1000,
      empty_spool_weight: 245.5,
      location: "Shelf B",
    });
  });

  it("puts the API's 422 field message next to that field", async () => {
    mockApi(meHandler("member"), catalogHandler, (call) =>
      isCreate(call)
        ? apiError(422, "VALIDATION_ERROR", "Validation failed", [{ loc: ["body", "lot_number"], msg: "Value error, Lot numbers may not contain tabs", type: "value_error" }])
        : undefined,
    );
    const { user, onSaved } = await openCreateForm();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.type(screen.getByLabelText("Lot number"), "L-1");
    await user.click(screen.getByRole("button", { name: "Create spool" }));

    await waitFor(() => expect(screen.getByLabelText("Lot number")).toHaveAccessibleDescription("Lot numbers may not contain tabs"));
    expect(screen.getByLabelText("Lot number")).toHaveAttribute("aria-invalid", "true");
    expect(onSaved).not.toHaveBeenCalled();
  });

  it("shows a 409 duplicate code next to Code", async () => {
    mockApi(meHandler("member"), catalogHandler, (call) => (isCreate(call) ? apiError(409, "CONFLICT", "Spool code FIL-001 is already used") : undefined));
    const { user } = await openCreateForm();

    await user.selectOptions(screen.getByLabelText("Filament type"), "Prusament Galaxy Black · PLA");
    await user.type(screen.getByLabelText("Code"), "FIL-001");
    await user.click(screen.getByRole("button", { name: "Create spool" }));

    await waitFor(() =>
      expect(screen.getByLabelText("Code")).toHaveAccessibleDescription("The code FIL-001 is already used by another spool. Choose another code."),
    );
  });

  it("edits by sending only the changed fields (a new current weight books an adjustment)", async () => {
    const spool = makeSpool({ current_weight: 900, remaining_pct: 90 });
    const api = mockApi(meHandler("member"), catalogHandler, (call) =>
      call.method === "PATCH" && call.path === `/api/v1/spools/${spool.id}` ? json({ ...spool, current_weight: 850 }) : undefined,
    );
    const onSaved = vi.fn();
    renderWithApp(<SpoolForm spool={spool} onSaved={onSaved} />);
    const user = userEvent.setup();
    const current = await screen.findByLabelText("Current weight (g)");
    expect(current).toHaveAccessibleDescription(/books an adjustment/);

    await user.clear(current);
    await user.type(current, "850");
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(api.requests.find((call) => call.method === "PATCH")?.body).toEqual({ current_weight: 850 });
  });

  it("edits against the version it opened with, and refuses to overwrite a change saved meanwhile", async () => {
    const shown = makeSpool({ current_weight: 900, remaining_pct: 90 });
    const isPatch = (call: RecordedRequest) => call.method === "PATCH" && call.path === `/api/v1/spools/${shown.id}`;
    const api = mockApi(meHandler("member"), catalogHandler, (call) =>
      isPatch(call) ? apiError(412, "PRECONDITION_FAILED", "The resource has changed since you read it") : undefined,
    );
    // The spool as the detail page read it: its answer's ETag stays with it (lib/etags).
    const spool = unwrapTagged({ data: shown, response: new Response(null, { headers: { ETag: `"${shown.id}-4"` } }) });
    const onSaved = vi.fn();
    renderWithApp(<SpoolForm spool={spool} onSaved={onSaved} />);
    const user = userEvent.setup();
    const current = await screen.findByLabelText("Current weight (g)");

    await user.clear(current);
    await user.type(current, "850");
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    expect(await screen.findByText(/Someone else saved a change to this since you opened it/)).toBeInTheDocument();
    expect(api.requests.find(isPatch)?.headers.get("If-Match")).toBe(`"${shown.id}-4"`);
    expect(onSaved).not.toHaveBeenCalled();
  });

  it("edits a spool read without a tag (a list row) without If-Match", async () => {
    const spool = makeSpool();
    const api = mockApi(meHandler("member"), catalogHandler, (call) => (call.method === "PATCH" ? json({ ...spool, notes: "dry box" }) : undefined));
    const onSaved = vi.fn();
    renderWithApp(<SpoolForm spool={spool} onSaved={onSaved} />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Notes"), "dry box");
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(api.requests.find((call) => call.method === "PATCH")?.headers.has("If-Match")).toBe(false);
  });

  it("sends a shop without filament types to create one first", async () => {
    mockApi(meHandler("member"), ({ path }) => (path === "/api/v1/filament-types" ? json({ items: [], total: 0, limit: 200, offset: 0 }) : undefined));
    renderWithApp(<SpoolForm onSaved={vi.fn()} />);
    expect(await screen.findByText(/no filament types yet/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "add a filament type" })).toHaveAttribute("href", "/filament-types");
  });
});
