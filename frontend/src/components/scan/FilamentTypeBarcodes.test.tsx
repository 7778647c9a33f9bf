import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { FilamentTypeBarcodes } from "@/components/scan/FilamentTypeBarcodes";
import type { Role } from "@/lib/roles";
import { filamentType } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type ApiHandler } from "@/test/render";

const URL = `/api/v1/filament-types/${filamentType.id}/barcodes`;
const EAN = "4006381333931";

/** A fake of the type's barcodes that remembers what is posted and forgets what is deleted. */
function barcodesApi(initial: string[]): ApiHandler {
  const codes = [...initial];
  return ({ method, path, body }) => {
    if (method === "GET" && path === URL) return json({ items: codes.map((code) => ({ code, filament_type_id: filamentType.id, created_at: "2026-12-06T08:00:00Z" })) });
    if (method === "POST" && path === URL) {
      const code = (body as { code: string }).code;
      if (code === "5901234123457") return apiError(409, "BARCODE_TAKEN", "taken");
      codes.push(code);
      return json({ code, filament_type_id: filamentType.id, created_at: "2026-12-06T08:00:00Z" }, 201);
    }
    if (method === "DELETE" && path.startsWith(`${URL}/`)) {
      codes.splice(codes.indexOf(path.slice(URL.length + 1)), 1);
      return new Response(null, { status: 204 });
    }
    return undefined;
  };
}

function renderAs(role: Role, codes: string[]) {
  const api = mockApi(meHandler(role), barcodesApi(codes));
  renderWithApp(<FilamentTypeBarcodes filamentTypeId={filamentType.id} />);
  return api;
}

describe("FilamentTypeBarcodes", () => {
  it("lists the remembered codes; a member adds one (UPC-A sent in its EAN-13 form), a bad one is refused before sending", async () => {
    const api = renderAs("member", [EAN]);
    expect(await screen.findByText(EAN)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: `Forget ${EAN}` })).toBeNull();

    await userEvent.type(screen.getByLabelText("EAN or UPC"), "036000291453");
    await userEvent.click(screen.getByRole("button", { name: "Remember" }));
    expect(await screen.findByText("The check digit of 036000291453 is wrong: mistyped or misread")).toBeInTheDocument();
    expect(api.requests.filter((call) => call.method === "POST")).toHaveLength(0);

    await userEvent.clear(screen.getByLabelText("EAN or UPC"));
    await userEvent.type(screen.getByLabelText("EAN or UPC"), "036000291452");
    await userEvent.click(screen.getByRole("button", { name: "Remember" }));
    expect(await screen.findByText("0036000291452")).toBeInTheDocument();
    expect(api.requests.find((call) => call.method === "POST")?.body).toEqual({ code: "0036000291452" });
    expect(screen.getByLabelText("EAN or UPC")).toHaveValue("");
  });

  it("says when another type already has the code", async () => {
    renderAs("member", []);
    expect(await screen.findByText("None yet.")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("EAN or UPC"), "5901234123457");
    await userEvent.click(screen.getByRole("button", { name: "Remember" }));
    expect(await screen.findByText("5901234123457 is already remembered for another filament type.")).toBeInTheDocument();
  });

  it("an admin forgets a code; a viewer only reads", async () => {
    renderAs("admin", [EAN]);
    await userEvent.click(await screen.findByRole("button", { name: `Forget ${EAN}` }));
    await waitFor(() => expect(screen.queryByText(EAN)).toBeNull());
    expect(await screen.findByText("None yet.")).toBeInTheDocument();
  });

  it("a viewer sees the codes without the form", async () => {
    renderAs("viewer", [EAN]);
    expect(await screen.findByText(EAN)).toBeInTheDocument();
    expect(screen.queryByLabelText("EAN or UPC")).toBeNull();
  });
});
