import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/errors";
import { session } from "@/lib/session";
import { exportQuery, sendImport, type ImportReport } from "@/queries/transfer";

const report: ImportReport = {
  source: "csv",
  dry_run: false,
  applied: false,
  rows: 2,
  created: 1,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  failed: 1,
  filament_types_created: 0,
  filament_types_updated: 0,
  material_types_created: [],
  errors: [{ line: 3, field: "initial_weight", message: "is not a number: 'abc'" }],
  results: [],
};

afterEach(() => vi.restoreAllMocks());

describe("exportQuery", () => {
  it("keeps the list's filters and sort, drops paging and empty values", () => {
    expect(exportQuery({ limit: 50, offset: 100, sort: "-code", q: "red pla", location: "Shelf A", low_stock: true, material: "" })).toBe(
      "?sort=-code&q=red+pla&location=Shelf+A&low_stock=true",
    );
    expect(exportQuery({ limit: 50, offset: 0 })).toBe("");
  });
});

describe("sendImport", () => {
  it("posts the file as multipart with dry_run and answers the report", async () => {
    const fetch = vi.spyOn(session, "fetch").mockResolvedValue(new Response(JSON.stringify({ ...report, dry_run: true }), { status: 200 }));
    const file = new File(["material,brand,color_name\n"], "s.csv", { type: "text/csv" });
    const answer = await sendImport({ kind: "spools", file, dryRun: true });
    expect(answer.dry_run).toBe(true);
    const request = fetch.mock.calls[0]![0] as Request;
    expect(request.method).toBe("POST");
    expect(new URL(request.url).pathname).toBe("/api/v1/inventory/import/spools");
    expect(new URL(request.url).searchParams.get("dry_run")).toBe("true");
    const form = await request.formData();
    expect(form.get("file")).not.toBeNull();
  });

  it("names the Spoolman instance, and only for Spoolman", async () => {
    const fetch = vi.spyOn(session, "fetch").mockImplementation(async () => new Response(JSON.stringify(report), { status: 200 }));
    await sendImport({ kind: "spoolman", url: "http://spoolman.lan:7912", instance: "Workshop", dryRun: true });
    await sendImport({ kind: "spools", file: new File(["x"], "s.csv"), instance: "Workshop", dryRun: true });
    const [spoolman, spools] = fetch.mock.calls.map((call) => call[0] as Request);
    expect((await spoolman!.formData()).get("instance")).toBe("Workshop");
    expect((await spools!.formData()).get("instance")).toBeNull();
  });

  it("answers the report of a refused real run (422 IMPORT_INVALID) like a dry run's", async () => {
    const body = { detail: "1 row(s) have errors; nothing was imported", code: "IMPORT_INVALID", status_code: 422, report };
    vi.spyOn(session, "fetch").mockResolvedValue(new Response(JSON.stringify(body), { status: 422 }));
    const answer = await sendImport({ kind: "spools", file: new File(["x"], "s.csv"), dryRun: false });
    expect(answer.applied).toBe(false);
    expect(answer.errors[0]).toEqual({ line: 3, field: "initial_weight", message: "is not a number: 'abc'" });
  });

  it("throws the API's error for anything else (an unreadable file)", async () => {
    const body = { detail: "The file is empty", code: "IMPORT_UNREADABLE", status_code: 422 };
    vi.spyOn(session, "fetch").mockResolvedValue(new Response(JSON.stringify(body), { status: 422 }));
    await expect(sendImport({ kind: "spools", file: new File([""], "s.csv"), dryRun: true })).rejects.toBeInstanceOf(ApiError);
  });

  it("sends a URL instead of a file", async () => {
    const fetch = vi.spyOn(session, "fetch").mockResolvedValue(new Response(JSON.stringify(report), { status: 200 }));
    await sendImport({ kind: "spoolman", url: "http://spoolman.local:7912", dryRun: true });
    const form = await (fetch.mock.calls[0]![0] as Request).formData();
    expect(form.get("url")).toBe("http://spoolman.local:7912");
    expect(form.get("file")).toBeNull();
  });
});
