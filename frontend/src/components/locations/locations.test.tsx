import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { LocationPicker } from "@/components/locations/LocationPicker";
import { MoveDialog } from "@/components/locations/MoveDialog";
import { describeEvent } from "@/components/locations/SpoolEvents";
import LocationsPage from "@/pages/locations/LocationsPage";
import type { Location, SpoolEvent } from "@/queries/locations";
import { makeSpool, page } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

function makeLocation(overrides: Partial<Location> = {}): Location {
  return {
    id: "44444444-4444-4444-8444-000000000001",
    name: "Shelf A",
    description: null,
    spool_count: 3,
    remaining_grams: 2500,
    archived_spool_count: 0,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}

const shelfA = makeLocation();
const drybox = makeLocation({ id: "44444444-4444-4444-8444-000000000002", name: "Drybox", spool_count: 0, remaining_grams: 0, archived_spool_count: 1 });
const listHandler = (call: RecordedRequest) => (call.method === "GET" && call.path === "/api/v1/locations" ? json(page([drybox, shelfA])) : undefined);
const isMove = (call: RecordedRequest) => call.method === "POST" && call.path === "/api/v1/spools/move";

describe("LocationPicker", () => {
  it("suggests the shop's locations with what they hold", async () => {
    mockApi(meHandler("member"), listHandler);
    const { container } = renderWithApp(<LocationPicker aria-label="Location" />);
    await waitFor(() => expect(container.querySelectorAll("datalist option")).toHaveLength(2));
    const input = screen.getByLabelText("Location");
    const list = container.querySelector(`datalist#${CSS.escape(input.getAttribute("list") ?? "")}`);
    expect(list).not.toBeNull();
    const options = Array.from(list?.querySelectorAll("option") ?? [], (option) => [option.value, option.textContent]);
    expect(options).toEqual([
      ["Drybox", "0 spools, 0 g"],
      ["Shelf A", "3 spools, 2,500 g"],
    ]);
  });
});

describe("MoveDialog", () => {
  it("moves to the name typed (trimmed), toasts where to and closes", async () => {
    const spool = makeSpool({ code: "FIL-301", location: "Shelf A" });
    const api = mockApi(meHandler("member"), listHandler, (call) => (isMove(call) ? json({ items: [{ ...spool, location: "Drybox" }], moved: 1 }) : undefined));
    const onOpenChange = vi.fn();
    renderWithApp(<MoveDialog spoolIds={[spool.id]} subject="FIL-301" current={spool.location} open onOpenChange={onOpenChange} />);
    const user = userEvent.setup();
    const field = screen.getByLabelText("Move to");
    expect(field).toHaveValue("Shelf A");
    await user.clear(field);
    await user.type(field, "  drybox ");
    await user.click(screen.getByRole("button", { name: "Move" }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(api.requests.filter(isMove).map((call) => call.body)).toEqual([{ spool_ids: [spool.id], location: "drybox" }]);
    expect(await screen.findByText("Moved FIL-301 to Drybox")).toBeInTheDocument();
  });

  it("an empty name takes the spools off every shelf", async () => {
    const spools = [makeSpool(), makeSpool()];
    const api = mockApi(meHandler("member"), listHandler, (call) =>
      isMove(call) ? json({ items: spools.map((s) => ({ ...s, location: null })), moved: 2 }) : undefined,
    );
    renderWithApp(<MoveDialog spoolIds={spools.map((s) => s.id)} subject="2 spools" open onOpenChange={vi.fn()} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Remove location" }));
    await waitFor(() => expect(api.requests.filter(isMove)).toHaveLength(1));
    expect(api.requests.filter(isMove)[0]?.body).toEqual({ spool_ids: spools.map((s) => s.id), location: null });
    expect(await screen.findByText("Moved 2 spools to no location")).toBeInTheDocument();
  });

  it("shows the API's refusal of an archived spool and stays open", async () => {
    const spool = makeSpool({ code: "FIL-302" });
    mockApi(meHandler("member"), listHandler, (call) =>
      isMove(call) ? apiError(409, "SPOOL_ARCHIVED", "Spool FIL-302 is archived; restore it before changing it") : undefined,
    );
    const onOpenChange = vi.fn();
    renderWithApp(<MoveDialog spoolIds={[spool.id]} subject="FIL-302" open onOpenChange={onOpenChange} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Move to"), "Rack 1");
    await user.click(screen.getByRole("button", { name: "Move" }));
    expect(await screen.findByText(/restore it before changing it/)).toBeInTheDocument();
    expect(onOpenChange).not.toHaveBeenCalled();
  });
});

describe("LocationsPage", () => {
  it("lists what is where with grams, and explains a refused delete", async () => {
    const isDelete = (call: RecordedRequest) => call.method === "DELETE" && call.path === `/api/v1/locations/${drybox.id}`;
    const api = mockApi(meHandler("admin"), listHandler, (call) =>
      isDelete(call) ? apiError(409, "IN_USE", "1 spool(s) are stored at Drybox (1 archived); move them or merge this location into another") : undefined,
    );
    renderWithApp(<LocationsPage />);
    const cards = await screen.findAllByTestId("location-card");
    expect(cards.map((card) => within(card).getByRole("link", { name: /^(Drybox|Shelf A)$/ }).textContent)).toEqual(["Drybox", "Shelf A"]);
    expect(within(cards[1] as HTMLElement).getByTestId("location-grams")).toHaveTextContent("2,500 g");
    expect(cards[0]).toHaveTextContent("(+1 archived)");
    expect(screen.getByText(/2 places holding 2,500 g on hand/)).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Delete Drybox" }));
    await user.click(screen.getByRole("button", { name: "Delete location" }));
    expect(await screen.findByText(/Use Merge to move them all at once/)).toBeInTheDocument();
    expect(api.requests.filter(isDelete)).toHaveLength(1);
  });

  it("merges a location into the one picked", async () => {
    const isMerge = (call: RecordedRequest) => call.method === "POST" && call.path === `/api/v1/locations/${drybox.id}/merge`;
    const api = mockApi(meHandler("member"), listHandler, (call) => (isMerge(call) ? json({ ...shelfA, archived_spool_count: 1 }) : undefined));
    renderWithApp(<LocationsPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Merge Drybox" }));
    expect(screen.getByLabelText("Merge into")).toHaveValue(shelfA.id);
    await user.click(screen.getByRole("button", { name: "Merge" }));
    await waitFor(() => expect(api.requests.filter(isMerge).map((call) => call.body)).toEqual([{ into_id: shelfA.id }]));
    expect(await screen.findByText("Merged Drybox into Shelf A")).toBeInTheDocument();
    // Viewers and members see no Delete (admins only).
    expect(screen.queryByRole("button", { name: "Delete Shelf A" })).toBeNull();
  });
});

describe("describeEvent", () => {
  const base: SpoolEvent = { id: "e", spool_id: "s", kind: "moved", from_location: null, to_location: "Shelf A", reason: null, actor_id: null, created_at: "2026-11-01T10:00:00Z" };
  it("says where a spool went from and to", () => {
    expect(describeEvent(base)).toBe("Moved to Shelf A");
    expect(describeEvent({ ...base, from_location: "Shelf A", to_location: "Drybox" })).toBe("Moved from Shelf A to Drybox");
    expect(describeEvent({ ...base, from_location: "Shelf A", to_location: null })).toBe("Moved from Shelf A to no location");
    expect(describeEvent({ ...base, kind: "archived" })).toBe("Archived");
    expect(describeEvent({ ...base, kind: "restored" })).toBe("Restored");
  });
});
