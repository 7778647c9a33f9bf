import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ScanDialog } from "@/components/scan/ScanDialog";
import { catalogHandler, filamentType } from "@/test/fixtures";
import { apiError, json, meHandler, mockApi, renderWithApp, type ApiHandler } from "@/test/render";

// The camera decoder is replaced: each test "shows" the camera a code by calling `decode(text)`.
let emit: ((text: string) => void) | undefined;
vi.mock("@/components/scan/decoder", () => ({
  startDecoding: vi.fn(async (_video: HTMLVideoElement, onText: (text: string) => void) => {
    emit = onText;
    return () => {
      emit = undefined;
    };
  }),
}));

const SPOOL_ID = "33333333-3333-4333-8333-000000000042";
const EAN = "4006381333931";
const stopTrack = vi.fn();
const getUserMedia = vi.fn();

async function decode(text: string) {
  await waitFor(() => expect(emit).toBeDefined());
  await act(async () => emit?.(text));
}

function lookups(answers: Record<string, Response | (() => Response)>): ApiHandler {
  return ({ method, path }) => {
    const prefix = "/api/v1/barcodes/";
    if (method !== "GET" || !path.startsWith(prefix)) return undefined;
    const answer = answers[decodeURIComponent(path.slice(prefix.length))];
    if (!answer) return apiError(404, "UNKNOWN_CODE", "No spool has this code");
    return typeof answer === "function" ? answer() : answer;
  };
}

function open(role: "member" | "viewer" = "member", ...handlers: ApiHandler[]) {
  const api = mockApi(meHandler(role), catalogHandler, ...handlers);
  const onOpenChange = vi.fn();
  const view = renderWithApp(<ScanDialog open onOpenChange={onOpenChange} />, { route: "/spools" });
  return { api, onOpenChange, view };
}

const location = () => screen.getByTestId("location").textContent;
const lookupCalls = (api: ReturnType<typeof mockApi>) => api.requests.filter((call) => call.path.startsWith("/api/v1/barcodes/"));

beforeEach(() => {
  getUserMedia.mockResolvedValue({ getTracks: () => [{ stop: stopTrack }] });
  vi.stubGlobal("navigator", Object.assign(Object.create(navigator) as Navigator, { mediaDevices: { getUserMedia } }));
  vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
});

afterEach(() => {
  emit = undefined;
  localStorage.clear();
  vi.clearAllMocks();
});

describe("ScanDialog", () => {
  it("a spool label's QR code opens the spool without asking the API", async () => {
    const { api, onOpenChange } = open();
    expect(await screen.findByText("Scanning: hold the code inside the frame.")).toBeInTheDocument();
    expect(getUserMedia).toHaveBeenCalledWith({ video: { facingMode: { ideal: "environment" } }, audio: false });

    await decode(`https://shop.example/spools/${SPOOL_ID}`);

    expect(location()).toBe(`/spools/${SPOOL_ID}`);
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(lookupCalls(api)).toHaveLength(0);
  });

  it("with “weigh” ticked, a spool opens straight into its weigh dialog", async () => {
    open();
    await userEvent.click(await screen.findByRole("checkbox", { name: "Open the weigh dialog of a scanned spool" }));
    await decode(`http://127.0.0.1/spools/${SPOOL_ID}`);
    expect(location()).toBe(`/spools/${SPOOL_ID}?action=weigh`);
    expect(localStorage.getItem("batchivo.scan.weigh")).toBe("1");
  });

  it("remembers the “weigh” choice for the next scan", async () => {
    localStorage.setItem("batchivo.scan.weigh", "1");
    open();
    expect(await screen.findByRole("checkbox", { name: "Open the weigh dialog of a scanned spool" })).toBeChecked();
    await decode(SPOOL_ID);
    expect(location()).toBe(`/spools/${SPOOL_ID}?action=weigh`);
  });

  it("a spool code is looked up once, however many frames show it", async () => {
    const spool = { kind: "spool", id: SPOOL_ID, code: "FIL-042", filament_type_id: filamentType.id };
    const { api } = open("member", lookups({ "FIL-042": () => json(spool) }));
    await waitFor(() => expect(emit).toBeDefined());
    // Frames keep coming while the look-up is on its way.
    await act(async () => {
      emit?.("FIL-042");
      emit?.("FIL-042");
      emit?.("FIL-042");
    });
    await waitFor(() => expect(location()).toBe(`/spools/${SPOOL_ID}`));
    expect(lookupCalls(api).map((call) => call.path)).toEqual(["/api/v1/barcodes/FIL-042"]);
  });

  it("a remembered retail code opens “Add spool” with its filament type", async () => {
    const known = { kind: "filament_type", id: filamentType.id, code: EAN, filament_type_id: filamentType.id };
    open("member", lookups({ [EAN]: json(known) }));
    await decode(EAN);
    await waitFor(() => expect(location()).toBe(`/spools?new=1&filament_type=${filamentType.id}`));
  });

  it("an unknown retail code is remembered for a chosen type, then “Add spool” opens with it", async () => {
    const { api } = open(
      "member",
      lookups({ [EAN]: apiError(404, "UNKNOWN_BARCODE", "No filament type remembers this retail code") }),
      ({ method, path }) =>
        method === "POST" && path === `/api/v1/filament-types/${filamentType.id}/barcodes`
          ? json({ code: EAN, filament_type_id: filamentType.id, created_at: "2026-12-06T08:00:00Z" }, 201)
          : undefined,
    );
    await decode(EAN);
    expect(await screen.findByText(/is a retail code no filament type remembers yet/)).toBeInTheDocument();
    // The camera is released while the choice is made.
    expect(stopTrack).toHaveBeenCalled();

    await userEvent.click(screen.getByRole("button", { name: "Remember and add spool" }));
    expect(await screen.findByText("Choose a filament type")).toBeInTheDocument();
    expect(api.requests.filter((call) => call.method === "POST")).toHaveLength(0);

    await userEvent.selectOptions(screen.getByLabelText("Filament type"), filamentType.id);
    await userEvent.click(screen.getByRole("button", { name: "Remember and add spool" }));
    await waitFor(() => expect(location()).toBe(`/spools?new=1&filament_type=${filamentType.id}`));
    // Closing forgets the panel: the next opening scans again (the next box of this type is a new scan).
    expect(screen.queryByRole("form", { name: "Remember this retail code" })).toBeNull();
    const post = api.requests.find((call) => call.method === "POST");
    expect(post?.body).toEqual({ code: EAN });
    expect(post?.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("a viewer is told a member can remember an unknown retail code", async () => {
    open("viewer", lookups({ [EAN]: apiError(404, "UNKNOWN_BARCODE", "unknown") }));
    expect(screen.queryByRole("checkbox")).toBeNull();
    await decode(EAN);
    expect(await screen.findByText(/A member of the shop can remember it for a filament type/)).toBeInTheDocument();
  });

  it("an unknown code says so and keeps scanning", async () => {
    open();
    await decode("HELLO");
    expect(await screen.findByText(/No spool has the code “HELLO”/)).toBeInTheDocument();
    expect(location()).toBe("/spools");
  });

  it("a typed code is looked up; a mistyped barcode is refused before any request", async () => {
    const spool = { kind: "spool", id: SPOOL_ID, code: "FIL-042", filament_type_id: filamentType.id };
    getUserMedia.mockRejectedValue(Object.assign(new Error("denied"), { name: "NotAllowedError" }));
    const { api } = open("member", lookups({ "fil-042": json(spool) }));
    expect(await screen.findByText(/Camera access was refused/)).toBeInTheDocument();

    const input = screen.getByLabelText("Or type the code");
    await userEvent.type(input, "4006381333932");
    await userEvent.click(screen.getByRole("button", { name: "Look up" }));
    expect(await screen.findByText("The check digit of 4006381333932 is wrong: mistyped or misread")).toBeInTheDocument();
    expect(lookupCalls(api)).toHaveLength(0);

    await userEvent.clear(input);
    await userEvent.type(input, "fil-042");
    await userEvent.click(screen.getByRole("button", { name: "Look up" }));
    await waitFor(() => expect(location()).toBe(`/spools/${SPOOL_ID}`));
  });
});
