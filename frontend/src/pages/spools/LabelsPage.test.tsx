import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import LabelsPage from "@/pages/spools/LabelsPage";
import type { Spool } from "@/queries/spools";
import { makeSpool } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type ApiHandler } from "@/test/render";

/** Answers GET /api/v1/spools/{id} for each of `spools`. */
function spoolsHandler(...spools: Spool[]): ApiHandler {
  return ({ method, path }) => {
    const spool = spools.find((candidate) => path === `/api/v1/spools/${candidate.id}`);
    return method === "GET" && spool ? json(spool) : undefined;
  };
}

const black = makeSpool({ code: "FIL-101" });
const jade = makeSpool({
  code: "FIL-102",
  filament_type: { id: black.filament_type_id, material_code: "PETG", brand: "Polymaker", color_name: "Jade", color_hex: "#00a86b" },
});

describe("LabelsPage", () => {
  it("renders one label per spool with its code, brand, material, colour and QR code", async () => {
    mockApi(meHandler("viewer"), spoolsHandler(black, jade));
    renderWithApp(<LabelsPage />, { route: `/spools/labels?ids=${black.id},${jade.id}` });

    await waitFor(() => expect(screen.getAllByTestId("spool-label")).toHaveLength(2));
    const [firstLabel, secondLabel] = screen.getAllByTestId("spool-label");
    if (!firstLabel || !secondLabel) throw new Error("Two labels expected");
    const first = within(firstLabel);
    const second = within(secondLabel);
    expect(first.getByText("FIL-101")).toBeInTheDocument();
    expect(first.getByText("Prusament")).toBeInTheDocument();
    expect(first.getByText("PLA")).toBeInTheDocument();
    expect(first.getByText("Galaxy Black")).toBeInTheDocument();
    expect(second.getByText("FIL-102")).toBeInTheDocument();
    expect(second.getByText("Polymaker")).toBeInTheDocument();
    expect(second.getByText("PETG")).toBeInTheDocument();
    expect(second.getByText("Jade")).toBeInTheDocument();
    expect(screen.getByText("2 labels on 1 A4 sheet (3 × 8).")).toBeInTheDocument();

    // Under vitest `qrcode` resolves to its Node build (PNG via pngjs, no canvas); the browser e2e covers the canvas build.
    const qr = await screen.findByRole("img", { name: "QR code for FIL-101" }, { timeout: 3000 });
    expect(qr.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(await screen.findByRole("img", { name: "QR code for FIL-102" })).toHaveAttribute("src", expect.stringMatching(/^data:image\/png;base64,/));
    expect(screen.getByRole("button", { name: "Print" })).toBeEnabled();
  });

  it("encodes the spool's page address in the QR code", async () => {
    mockApi(meHandler("viewer"), spoolsHandler(black));
    renderWithApp(<LabelsPage />, { route: `/spools/labels?ids=${black.id}` });

    const qr = await screen.findByRole("img", { name: "QR code for FIL-101" }, { timeout: 3000 });
    const { toDataURL } = await import("qrcode");
    const expected = await toDataURL(`${window.location.origin}/spools/${black.id}`, { errorCorrectionLevel: "M", margin: 1, width: 192 });
    expect(qr).toHaveAttribute("src", expected);
    expect(screen.getByText("1 label on 1 A4 sheet (3 × 8).")).toBeInTheDocument();
  });

  it("skips ids that are not spool ids and says how many", async () => {
    const api = mockApi(meHandler("viewer"), spoolsHandler(black));
    renderWithApp(<LabelsPage />, { route: `/spools/labels?ids=${black.id},not-an-id,42` });

    expect(await screen.findByRole("alert")).toHaveTextContent("2 of the ids in the address are not spool ids and were skipped.");
    await waitFor(() => expect(screen.getAllByTestId("spool-label")).toHaveLength(1));
    expect(api.requests.filter((call) => call.path.startsWith("/api/v1/spools/")).map((call) => call.path)).toEqual([`/api/v1/spools/${black.id}`]);
  });

  it("explains a spool the API does not find, and labels the others", async () => {
    const gone = makeSpool({ code: "FIL-199" });
    mockApi(meHandler("viewer"), spoolsHandler(black), ({ path }) =>
      path === `/api/v1/spools/${gone.id}` ? apiError(404, "NOT_FOUND", "Spool not found") : undefined,
    );
    renderWithApp(<LabelsPage />, { route: `/spools/labels?ids=${black.id},${gone.id}` });

    expect(await screen.findByRole("alert")).toHaveTextContent("1 of the spools was not found (deleted, or of another shop) and has no label.");
    await waitFor(() => expect(screen.getAllByTestId("spool-label")).toHaveLength(1));
    expect(screen.getByText("FIL-101")).toBeInTheDocument();
    expect(screen.queryByText("FIL-199")).toBeNull();
  });

  it("without ids shows the empty state with a way back to the list", async () => {
    const api = mockApi(meHandler("viewer"));
    renderWithApp(<LabelsPage />, { route: "/spools/labels" });

    expect(await screen.findByText("No spools chosen")).toBeInTheDocument();
    expect(screen.getByText("Select spools on the list and press “Print labels”.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Choose on the spool list" })).toHaveAttribute("href", "/spools");
    expect(screen.queryByTestId("spool-label")).toBeNull();
    expect(screen.queryByRole("button", { name: "Print" })).toBeNull();
    expect(api.requests.filter((call) => call.path.startsWith("/api/v1/spools"))).toHaveLength(0);
  });

  it("a template sets the label's size in millimetres and the print page; fields choose what shows", async () => {
    mockApi(meHandler("viewer"), spoolsHandler(black));
    renderWithApp(<LabelsPage />, { route: `/spools/labels?ids=${black.id}&template=dymo-54x25&fields=qr,location` });

    const label = await screen.findByTestId("spool-label");
    expect(label).toHaveStyle({ width: "54mm", height: "25mm" });
    expect(screen.getByText("1 label of 54 × 25 mm, one per label of the roll.")).toBeInTheDocument();
    expect(screen.getByLabelText("Label size")).toHaveValue("dymo-54x25");
    expect(document.querySelector("style")?.textContent).toContain("@page { size: 54mm 25mm; margin: 0; }");
    const text = within(label);
    expect(text.getByTestId("label-code")).toHaveTextContent("FIL-101");
    expect(text.getByTestId("label-location")).toHaveTextContent("Shelf A");
    expect(text.queryByText("Prusament")).toBeNull();
    expect(text.queryByTestId("label-color")).toBeNull();

    await userEvent.click(screen.getByRole("checkbox", { name: "Brand" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "QR code" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("fields=brand%2Clocation"));
    expect(within(screen.getByTestId("spool-label")).getByTestId("label-brand")).toHaveTextContent("Prusament");
    expect(screen.queryByRole("img", { name: "QR code for FIL-101" })).toBeNull();

    await userEvent.selectOptions(screen.getByLabelText("Label size"), "a4-2x7");
    await waitFor(() => expect(screen.getByTestId("spool-label")).toHaveStyle({ width: "99.1mm", height: "38.1mm" }));
    expect(document.querySelector("style")?.textContent).toContain("grid-template-columns: repeat(2, 99.1mm)");
  });

  it("an unknown template or field in the address falls back to the A4 3 × 8 sheet and known fields", async () => {
    mockApi(meHandler("viewer"), spoolsHandler(black));
    renderWithApp(<LabelsPage />, { route: `/spools/labels?ids=${black.id}&template=nope&fields=brand,bogus` });
    const label = await screen.findByTestId("spool-label");
    expect(label).toHaveStyle({ width: "70mm", height: "37mm" });
    expect(within(label).getByTestId("label-brand")).toHaveTextContent("Prusament");
    expect(within(label).queryByRole("img")).toBeNull();
  });
});
