import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { ProductGallery } from "@/components/catalog/ProductGallery";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import { IDEMPOTENCY_HEADER } from "@/lib/idempotency";
import type { Role } from "@/lib/roles";
import { uploadTransport, xhrTransport, type ProductImage, type UploadRequest } from "@/queries/productImages";
import { PRODUCT_ID } from "@/test/catalogFixtures";
import { apiError, createTestQueryClient, json, makeMe, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const BASE = `/api/v1/products/${PRODUCT_ID}/images`;

function makeImage(n: number, overrides: Partial<ProductImage> = {}): ProductImage {
  const id = `aaaaaaaa-aaaa-4aaa-8aaa-00000000000${n}`;
  return {
    id,
    product_id: PRODUCT_ID,
    content_type: "image/png",
    width: 800,
    height: 600,
    size_bytes: 1000,
    thumbnail_size_bytes: 300,
    etag: `"e${n}"`,
    original_filename: `photo-${n}.png`,
    alt_text: n === 1 ? "Red dragon, front" : null,
    position: n - 1,
    is_primary: n === 1,
    content_url: `${BASE}/${id}/content`,
    thumbnail_url: `${BASE}/${id}/thumbnail`,
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z",
    ...overrides,
  };
}

const images = (list: ProductImage[]) => (call: RecordedRequest) =>
  call.method === "GET" && call.path === BASE ? json({ items: list, total: list.length }) : undefined;
const bytes = (call: RecordedRequest) =>
  call.method === "GET" && call.path.endsWith("/thumbnail") ? new Response("webp-bytes", { headers: { "Content-Type": "image/webp" } }) : undefined;

function render(role: Role) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(ME_QUERY_KEY, makeMe(role));
  renderWithApp(<ProductGallery productId={PRODUCT_ID} canWrite={role !== "viewer"} />, { queryClient });
}

afterEach(() => {
  uploadTransport.send = xhrTransport;
});

describe("ProductGallery", () => {
  it("shows the thumbnails (fetched with the bearer token) and the primary; sets the primary and reorders", async () => {
    const first = makeImage(1);
    const second = makeImage(2);
    const api = mockApi(meHandler("member"), images([first, second]), bytes, (call) => {
      if (call.method === "PATCH") return json({ ...second, is_primary: true });
      if (call.method === "PUT" && call.path === `${BASE}/order`) return json({ items: [second, first], total: 2 });
      return undefined;
    });
    render("member");
    expect(await screen.findByRole("img", { name: "Red dragon, front" })).toHaveAttribute("src", expect.stringMatching(/^data:image\/webp;base64,/));
    const thumbCall = api.requests.find((call) => call.path.endsWith("/thumbnail"));
    expect(thumbCall?.headers.get("Authorization")).toBe("Bearer t");
    const tiles = screen.getAllByTestId("gallery-image");
    expect(within(tiles[0] as HTMLElement).getByTestId("primary-badge")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Move image 1 of 2 left" })).toBeDisabled();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Make image 2 of 2 the primary image" }));
    await waitFor(() => expect(api.requests.find((call) => call.method === "PATCH")?.body).toEqual({ is_primary: true }));
    expect(api.requests.find((call) => call.method === "PATCH")?.path).toBe(`${BASE}/${second.id}`);

    await user.click(screen.getByRole("button", { name: "Move image 2 of 2 left" }));
    await waitFor(() => expect(api.requests.find((call) => call.method === "PUT")?.body).toEqual({ image_ids: [second.id, first.id] }));
  });

  it("uploads with progress and an Idempotency-Key that a retry after a 503 reuses; a renamed PDF is refused in words", async () => {
    mockApi(meHandler("member"), images([]), bytes);
    const sent: UploadRequest[] = [];
    const answers = [
      { status: 503, body: { detail: "Storage unavailable", code: "UNAVAILABLE", status_code: 503 } },
      { status: 201, body: makeImage(1) },
      { status: 415, body: { detail: "Not an image", code: "UNSUPPORTED_MEDIA_TYPE", status_code: 415 } },
    ];
    uploadTransport.send = async (request) => {
      sent.push(request);
      request.onProgress?.(0.5);
      return answers.shift() ?? { status: 500, body: null };
    };
    render("member");
    const input = await screen.findByTestId("image-input");
    const photo = new File(["png-bytes"], "dragon.png", { type: "image/png" });
    fireEvent.change(input, { target: { files: [photo] } });

    expect(await screen.findByRole("alert")).toHaveTextContent("“dragon.png” could not be stored right now");
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.queryByTestId("upload-row")).not.toBeInTheDocument());
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers[IDEMPOTENCY_HEADER]).toBeTruthy();
    expect(sent[1]?.headers[IDEMPOTENCY_HEADER]).toBe(sent[0]?.headers[IDEMPOTENCY_HEADER]);
    expect(sent[0]?.headers.Authorization).toBe("Bearer t");
    expect(sent[0]?.url).toBe(BASE);
    expect((sent[0]?.body.get("file") as File).name).toBe("dragon.png");

    const pdf = new File(["%PDF-1.7"], "brochure.png", { type: "image/png" });
    fireEvent.drop(screen.getByTestId("drop-zone"), { dataTransfer: { files: [pdf] } });
    expect(await screen.findByRole("alert")).toHaveTextContent("“brochure.png” is not a JPEG, PNG or WebP image");
    // A final refusal: nothing to retry (the same file would be refused again).
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
    expect(sent[2]?.headers[IDEMPOTENCY_HEADER]).not.toBe(sent[0]?.headers[IDEMPOTENCY_HEADER]);
  });

  it("shows the upload's progress, and after a 401 refreshes the session and sends again with the same key", async () => {
    mockApi(meHandler("member"), images([]), bytes, (call) =>
      call.method === "POST" && call.path === "/api/v1/auth/refresh" ? json({ access_token: "t2" }) : undefined,
    );
    const sent: UploadRequest[] = [];
    let release: (answer: { status: number; body: unknown }) => void = () => undefined;
    uploadTransport.send = (request) => {
      sent.push(request);
      if (sent.length === 1) return Promise.resolve({ status: 401, body: { detail: "Expired", code: "UNAUTHENTICATED", status_code: 401 } });
      request.onProgress?.(0.4);
      return new Promise((resolve) => {
        release = resolve;
      });
    };
    render("member");
    fireEvent.change(await screen.findByTestId("image-input"), { target: { files: [new File(["png"], "lamp.png", { type: "image/png" })] } });
    const bar = await screen.findByRole("progressbar", { name: "Uploading lamp.png" });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "40"));
    expect(sent.map((request) => request.headers.Authorization)).toEqual(["Bearer t", "Bearer t2"]);
    expect(sent[1]?.headers[IDEMPOTENCY_HEADER]).toBe(sent[0]?.headers[IDEMPOTENCY_HEADER]);
    release({ status: 201, body: makeImage(1) });
    await waitFor(() => expect(screen.queryByRole("progressbar")).not.toBeInTheDocument());
  });

  it("says a too-large file and a full gallery in plain words", async () => {
    mockApi(meHandler("member"), images([]), bytes);
    const answers = [
      { status: 413, body: { detail: "Too large", code: "PAYLOAD_TOO_LARGE", status_code: 413 } },
      { status: 409, body: { detail: "Too many", code: "TOO_MANY_IMAGES", status_code: 409 } },
    ];
    uploadTransport.send = async () => answers.shift() ?? { status: 500, body: null };
    render("member");
    const input = await screen.findByTestId("image-input");
    fireEvent.change(input, { target: { files: [new File(["x"], "huge.jpg", { type: "image/jpeg" }), new File(["y"], "more.jpg", { type: "image/jpeg" })] } });
    await waitFor(() => expect(screen.getAllByRole("alert")).toHaveLength(2));
    const [big, full] = screen.getAllByRole("alert");
    expect(big).toHaveTextContent("“huge.jpg” is larger than 10 MB");
    expect(full).toHaveTextContent("A product can have at most 20 images");
  });

  it("puts the API's 422 for the alt text on its field", async () => {
    const api = mockApi(meHandler("member"), images([makeImage(1)]), bytes, (call) =>
      call.method === "PATCH" ? apiError(422, "VALIDATION_ERROR", "Invalid", [{ loc: ["body", "alt_text"], msg: "String should have at most 500 characters", type: "string_too_long" }]) : undefined,
    );
    render("member");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit the alt text of image 1 of 1" }));
    const field = screen.getByLabelText("Description of the image");
    await user.clear(field);
    await user.type(field, "Side view");
    await user.click(screen.getByRole("button", { name: "Save alt text" }));
    expect(await screen.findByText("String should have at most 500 characters")).toBeInTheDocument();
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(api.requests.find((call) => call.method === "PATCH")?.body).toEqual({ alt_text: "Side view" });
  });

  it("deletes only after the confirmation", async () => {
    const api = mockApi(meHandler("member"), images([makeImage(1)]), bytes, (call) => (call.method === "DELETE" ? json(null, 204) : undefined));
    render("member");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Delete image 1 of 1" }));
    expect(api.requests.some((call) => call.method === "DELETE")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Delete image" }));
    await waitFor(() => expect(api.requests.find((call) => call.method === "DELETE")?.path).toBe(`${BASE}/${makeImage(1).id}`));
  });

  it("viewers see the images but no upload or write controls", async () => {
    mockApi(meHandler("viewer"), images([makeImage(1), makeImage(2)]), bytes);
    render("viewer");
    expect(await screen.findAllByTestId("gallery-image")).toHaveLength(2);
    expect(screen.queryByTestId("drop-zone")).not.toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });
});
