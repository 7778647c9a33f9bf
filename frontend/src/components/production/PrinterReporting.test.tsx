import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { apiKeyChoices, PrinterReport, SPOOLMAN_DOCS_URL } from "@/components/production/PrinterReporting";
import PrintersPage from "@/pages/production/PrintersPage";
import type { ApiKey } from "@/queries/apiKeys";
import { makePrinter, PRINTER_ID, SPOOL_A } from "@/test/productionFixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const VORON_KEY: ApiKey = {
  id: "44444444-4444-4444-8444-444444444401",
  name: "voron-1",
  role: "member",
  scopes: ["read", "inventory:write"],
  prefix: "bk_live_v0r0",
  created_at: "2026-11-26T10:00:00Z",
  created_by: "00000000-0000-4000-8000-000000000001",
  last_used_at: "2026-12-07T02:55:00Z",
  revoked_at: null,
};
const MK4_KEY: ApiKey = { ...VORON_KEY, id: "44444444-4444-4444-8444-444444444402", name: "mk4-2", prefix: "bk_live_mk42" };
const OLD_KEY: ApiKey = { ...VORON_KEY, id: "44444444-4444-4444-8444-444444444403", name: "old", prefix: "bk_live_0ld0", revoked_at: "2026-12-01T00:00:00Z" };

const NOW = Date.parse("2026-12-07T03:00:00Z");
const reporting = makePrinter({
  api_key_id: VORON_KEY.id,
  last_reported_at: new Date(NOW - 5 * 60 * 1000).toISOString(),
  last_reported_spool_id: SPOOL_A,
  last_reported_spool_code: "SPL-0001",
});

const reads =
  (printer = makePrinter()) =>
  ({ method, path }: RecordedRequest) => {
    if (method !== "GET") return undefined;
    if (path === "/api/v1/printers") return json({ items: [printer], total: 1, limit: 200, offset: 0 });
    if (path === "/api/v1/api-keys") return json({ items: [VORON_KEY, MK4_KEY, OLD_KEY], total: 3, limit: 200, offset: 0 });
    return undefined;
  };
const isPatch = (call: RecordedRequest) => call.method === "PATCH" && call.path === `/api/v1/printers/${PRINTER_ID}`;

describe("apiKeyChoices", () => {
  it("offers the keys that are not revoked, and always the linked one", () => {
    expect(apiKeyChoices([VORON_KEY, MK4_KEY, OLD_KEY], null).map((c) => c.label)).toEqual(["voron-1 (bk_live_v0r0…)", "mk4-2 (bk_live_mk42…)"]);
    expect(apiKeyChoices([VORON_KEY, OLD_KEY], OLD_KEY.id).map((c) => c.label)).toEqual(["old (revoked)", "voron-1 (bk_live_v0r0…)"]);
    // A member cannot list keys: the link still shows.
    expect(apiKeyChoices(undefined, VORON_KEY.id)).toEqual([{ id: VORON_KEY.id, label: "The linked key" }]);
    expect(apiKeyChoices(undefined, null)).toEqual([]);
  });
});

describe("PrinterReport", () => {
  it("says which key the printer reports with, how long ago and on which spool", () => {
    render(<PrinterReport printer={reporting} keys={[VORON_KEY]} now={NOW} />);
    const line = screen.getByTestId("printer-report");
    const ago = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-5, "minute");
    expect(line).toHaveTextContent(`Reports usage with API key voron-1 · last report: ${ago} on SPL-0001`);
    expect(within(line).getByText(ago)).toHaveAttribute("datetime", reporting.last_reported_at);
  });

  it("says when a linked printer has not reported yet, and nothing for an unlinked one", () => {
    const { rerender } = render(<PrinterReport printer={makePrinter({ api_key_id: VORON_KEY.id })} keys={undefined} now={NOW} />);
    expect(screen.getByTestId("printer-report")).toHaveTextContent("Reports usage with API key (linked) · no report yet");
    rerender(<PrinterReport printer={makePrinter()} keys={[VORON_KEY]} now={NOW} />);
    expect(screen.queryByTestId("printer-report")).not.toBeInTheDocument();
  });
});

describe("the printers page with API keys", () => {
  it("shows the reported spool in the farm view", async () => {
    mockApi(meHandler("admin"), reads(reporting));
    renderWithApp(<PrintersPage />);
    const card = await screen.findByTestId("printer-card");
    await waitFor(() => expect(within(card).getByTestId("printer-report")).toHaveTextContent(/voron-1 · last report: .* on SPL-0001/));
    const list = within(card).getByRole("list", { name: "Spools in Prusa MK4" });
    const item = within(list).getByRole("link", { name: "SPL-0001" }).closest("li");
    expect(item).not.toBeNull();
    expect(within(item as HTMLElement).getByText("Reporting")).toBeInTheDocument();
  });

  it("links a printer to a key with its slot count, and a key held elsewhere lands on the select", async () => {
    let answer = 0;
    const api = mockApi(meHandler("admin"), reads(), (call) => {
      if (!isPatch(call)) return undefined;
      answer += 1;
      if (answer === 1) return apiError(409, "API_KEY_LINKED", "Another printer already reports usage with this API key: unlink it there first (one API key per printer)");
      return json(makePrinter({ api_key_id: MK4_KEY.id, slot_count: 4 }));
    });
    renderWithApp(<PrintersPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit Prusa MK4" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit Prusa MK4" });
    const select = within(dialog).getByLabelText("Reports usage with API key");
    expect(select).toHaveValue("");
    expect(within(dialog).getByRole("link", { name: "Spoolman set-up guide" })).toHaveAttribute("href", SPOOLMAN_DOCS_URL);
    const option = await within(dialog).findByRole("option", { name: "mk4-2 (bk_live_mk42…)" });
    expect(within(dialog).queryByRole("option", { name: /old/ })).not.toBeInTheDocument();
    await user.selectOptions(select, option);
    await user.clear(within(dialog).getByLabelText("Spool slots"));
    await user.type(within(dialog).getByLabelText("Spool slots"), "4");
    await user.click(within(dialog).getByRole("button", { name: "Save printer" }));
    await waitFor(() => expect(select).toHaveAccessibleDescription(/Another printer already reports usage with this API key/));
    expect(api.requests.filter(isPatch)[0]?.body).toEqual({ api_key_id: MK4_KEY.id, slot_count: 4 });
    await user.click(within(dialog).getByRole("button", { name: "Save printer" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(api.requests.filter(isPatch)).toHaveLength(2);
  });

  it("unlinks with None (null), and refuses a slot count out of range before sending", async () => {
    const api = mockApi(meHandler("admin"), reads(reporting), (call) => (isPatch(call) ? json(makePrinter()) : undefined));
    renderWithApp(<PrintersPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit Prusa MK4" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit Prusa MK4" });
    const select = within(dialog).getByLabelText("Reports usage with API key");
    expect(select).toHaveValue(VORON_KEY.id);
    await user.clear(within(dialog).getByLabelText("Spool slots"));
    await user.type(within(dialog).getByLabelText("Spool slots"), "65");
    await user.click(within(dialog).getByRole("button", { name: "Save printer" }));
    expect(await within(dialog).findByText("A number of slots from 1 to 64")).toBeInTheDocument();
    expect(api.requests.filter(isPatch)).toHaveLength(0);
    await user.clear(within(dialog).getByLabelText("Spool slots"));
    await user.type(within(dialog).getByLabelText("Spool slots"), "1");
    await user.selectOptions(select, "None");
    await user.click(within(dialog).getByRole("button", { name: "Save printer" }));
    await waitFor(() => expect(api.requests.filter(isPatch)[0]?.body).toEqual({ api_key_id: null }));
  });

  it("shows members the link without asking for the keys, and does not let them change it", async () => {
    const api = mockApi(meHandler("member"), reads(reporting));
    renderWithApp(<PrintersPage />);
    const user = userEvent.setup();
    expect(await screen.findByTestId("printer-report")).toHaveTextContent("Reports usage with API key (linked)");
    await user.click(await screen.findByRole("button", { name: "Edit Prusa MK4" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit Prusa MK4" });
    const select = within(dialog).getByLabelText("Reports usage with API key");
    expect(select).toBeDisabled();
    expect(select).toHaveValue(VORON_KEY.id);
    expect(select).toHaveAccessibleDescription(/Only admins see the shop's API keys/);
    expect(api.requests.some((call) => call.path === "/api/v1/api-keys")).toBe(false);
  });
});
